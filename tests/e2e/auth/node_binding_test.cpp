// A node id is bound to the credential that registered it: an impostor with another credential gets
// NODE_ID_CONFLICT and nothing else, on the same instance and across instances (the register script checks the
// fingerprint kept with the node's record); its socket closing leaves the genuine node registered and working; a
// reconnect with the same credential takes the node over and the older socket is closed.
#include "e2e/auth/auth_helpers.hpp"

namespace lingua::test {
namespace {

using node_binding = scheduler_e2e;

// Anonymous nodes are allowed here so that the impostor has a valid credential that differs from the genuine
// node's shared token.
std::vector<std::string> shared_and_anonymous() { return {"--auth.allow_anonymous_nodes=true"}; }

void expect_conflict(fake_node& impostor, std::uint16_t port) {
  impostor.open(port);
  auto answer = impostor.register_node();
  ASSERT_TRUE(answer) << "the impostor gets an answer";
  EXPECT_EQ((*answer)["type"], "error");
  EXPECT_EQ((*answer)["code"], "NODE_ID_CONFLICT");
}

// The genuine node holds a job while the impostor tries, then leaves; the genuine node finishes the job and gets
// the session's next one.
void impostor_changes_nothing(fake_node& genuine, fake_node& impostor, std::uint16_t impostor_port,
                              fake_session& session) {
  session.send_audio(6, true);
  auto job = genuine.next_job();
  ASSERT_TRUE(job);
  expect_conflict(impostor, impostor_port);
  impostor.heartbeat();  // claims the genuine node's id: refused, changes nothing
  EXPECT_FALSE(impostor.next_job(300ms));
  impostor.socket().close();
  ASSERT_TRUE(impostor.socket().wait_closed(2s));
  std::this_thread::sleep_for(300ms);  // the scheduler handles the close
  genuine.complete(*job, "first", "一");
  auto result = expect_message(session.socket(), "translation_result");
  EXPECT_EQ(result["text_asr"], "first") << "the genuine node kept its job";
  genuine.heartbeat();
  session.send_audio(6, true);
  auto next = genuine.next_job();
  ASSERT_TRUE(next) << "the genuine node is still registered after the impostor's socket closed";
  genuine.complete(*next, "second", "二");
  EXPECT_EQ(expect_message(session.socket(), "translation_result")["text_asr"], "second");
}

TEST_F(node_binding, an_impostor_with_another_credential_cannot_take_over_a_live_node_on_the_same_instance) {
  auto& scheduler = start_scheduler(shared_and_anonymous());
  fake_node genuine(named_node("node-a"));
  genuine.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  fake_node impostor(node_with_token("node-a", ""));
  impostor_changes_nothing(genuine, impostor, scheduler.port(), session);
  EXPECT_TRUE(wait_for_log(scheduler, "register as 'node-a' refused"));
}

TEST_F(node_binding, an_impostor_on_another_instance_is_refused_by_the_register_script) {
  auto& first = start_scheduler(shared_and_anonymous(), "inst-a");
  auto& second = start_scheduler(shared_and_anonymous(), "inst-b");
  fake_node genuine(named_node("node-a"));
  genuine.connect(first.port());
  fake_session session;
  session.connect(first.port());
  fake_node impostor(node_with_token("node-a", ""));
  impostor_changes_nothing(genuine, impostor, second.port(), session);
  EXPECT_TRUE(wait_for_log(second, "registered with another credential"));
}

TEST_F(node_binding, a_reconnect_with_the_same_credential_takes_the_node_over_and_closes_the_older_socket) {
  auto& scheduler = start_scheduler();
  fake_node old_socket(named_node("node-a"));
  old_socket.connect(scheduler.port());
  fake_node new_socket(named_node("node-a"));
  EXPECT_EQ(new_socket.connect(scheduler.port()), "node-a");
  ASSERT_TRUE(old_socket.socket().wait_closed(3s)) << "the older socket is closed";
  EXPECT_EQ(old_socket.socket().close_code(), 1008);
  std::this_thread::sleep_for(300ms);  // the older socket's close is handled: it must not remove the node
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = new_socket.next_job();
  ASSERT_TRUE(job) << "the node is registered on its new socket";
  new_socket.complete(*job);
  expect_message(session.socket(), "translation_result");
}

TEST_F(node_binding, a_reconnect_with_the_same_credential_on_another_instance_takes_the_node_over) {
  auto& first = start_scheduler({}, "inst-a");
  auto& second = start_scheduler({}, "inst-b");
  fake_node old_socket(named_node("node-a"));
  old_socket.connect(first.port());
  fake_node new_socket(named_node("node-a"));
  EXPECT_EQ(new_socket.connect(second.port()), "node-a");
  old_socket.socket().drop();  // the old socket's close must not remove the node that now lives on inst-b
  std::this_thread::sleep_for(300ms);
  fake_session session;
  session.connect(first.port());
  session.send_audio(6, true);
  auto job = new_socket.next_job();
  ASSERT_TRUE(job);
  new_socket.complete(*job);
  expect_message(session.socket(), "translation_result");
}

}  // namespace
}  // namespace lingua::test
