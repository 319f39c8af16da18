// A node socket that re-sends node_register in a loop: beyond a small rate each one is refused with RATE_LIMITED
// (no register script runs), and the socket stays registered and usable (docs/security.md "Re-registration").
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using register_flood = scheduler_e2e;

TEST_F(register_flood, a_node_re_registering_in_a_loop_is_refused_beyond_a_small_rate_and_keeps_working) {
  auto& scheduler = start_scheduler();
  fake_node node(named_node("node-loop"));
  ASSERT_EQ(node.connect(scheduler.port()), "node-loop");

  constexpr int repeats = 30;
  for (int i = 0; i < repeats; ++i) ASSERT_TRUE(node.socket().send_json(node.register_message()));
  int acks = 0;
  int refused = 0;
  std::string message;
  while (acks + refused < repeats) {
    auto answer = node.socket().receive_json(5s);
    ASSERT_TRUE(answer) << acks << " acks and " << refused << " refusals, then nothing";
    const std::string type = answer->value("type", "");
    if (type == "node_register_ack") ++acks;
    if (type == "error" && answer->value("code", "") == "RATE_LIMITED") {
      ++refused;
      message = answer->value("message", "");
    }
  }
  // The first register and 4 more at once (the burst is 5 per socket), then one per 10 s: one more if this loop
  // took over 10 s on a slow machine.
  EXPECT_GE(acks, 4);
  EXPECT_LE(acks, 6);
  EXPECT_EQ(refused, repeats - acks);
  EXPECT_NE(message.find("stays registered as 'node-loop'"), std::string::npos) << message;

  // Still registered and usable: it heartbeats, gets a session's job and its result is delivered.
  node.heartbeat();
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.complete(*job, "still here", "还在");
  EXPECT_EQ(expect_message(session.socket(), "translation_result")["text_asr"], "still here");
  EXPECT_TRUE(node.socket().is_open());
}

}  // namespace
}  // namespace lingua::test
