// A token revoked by a SIGHUP reload (removed from node_tokens_file, or the shared token changed) closes the node
// sockets that authenticated with it — registered or not yet — and their jobs fail over to the remaining nodes.
#include <signal.h>

#include "e2e/auth/auth_helpers.hpp"

namespace lingua::test {
namespace {

using token_revocation = scheduler_e2e;

constexpr const char* gpu1_token = "gpu-1-token-aaaaaaaaaaaaaaaa";
constexpr const char* gpu2_token = "gpu-2-token-bbbbbbbbbbbbbbbb";
constexpr const char* old_shared = "old-shared-token-cccccccccccc";
constexpr const char* new_shared = "new-shared-token-dddddddddddd";

void reload(scheduler_process& scheduler, std::size_t times) {
  ::kill(scheduler.pid(), SIGHUP);
  ASSERT_TRUE(wait_for_log(scheduler, "auth: reloaded", times));
}

void expect_revoked(fake_node& node) {
  ASSERT_TRUE(node.socket().wait_closed(5s)) << "the revoked socket is closed";
  EXPECT_EQ(node.socket().close_code(), 1008);
  EXPECT_EQ(node.socket().close_reason(), "node token revoked");
}

TEST_F(token_revocation, a_token_removed_from_the_tokens_file_closes_its_node_and_the_job_it_held_fails_over) {
  temp_dir dir;
  const auto tokens = dir.path() / "node_tokens";
  write_file(tokens, std::string("gpu-1 ") + gpu1_token + "\ngpu-2 " + gpu2_token + "\n");
  auto& scheduler = start_scheduler({"--auth.node_tokens_file=" + tokens.string()});
  fake_node revoked(node_with_token("", gpu1_token));
  ASSERT_EQ(revoked.connect(scheduler.port()), "gpu-1");
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto held = revoked.next_job();
  ASSERT_TRUE(held) << "gpu-1, alone, holds the job";
  fake_node kept(node_with_token("", gpu2_token));
  ASSERT_EQ(kept.connect(scheduler.port()), "gpu-2");

  write_file(tokens, std::string("gpu-2 ") + gpu2_token + "\n");
  reload(scheduler, 1);
  expect_revoked(revoked);
  auto moved = kept.next_job();
  ASSERT_TRUE(moved) << "the job of the revoked node moves to the node that is still accepted";
  EXPECT_EQ((*moved)["job_id"], (*held)["job_id"]);
  kept.complete(*moved, "moved", "移");
  EXPECT_EQ(expect_message(session.socket(), "translation_result")["text_asr"], "moved");
  EXPECT_TRUE(kept.socket().is_open());
  fake_node again(node_with_token("", gpu1_token));
  EXPECT_TRUE(upgrade_refused_with(again, scheduler.port(), 401));
}

TEST_F(token_revocation, a_changed_shared_token_closes_the_sockets_of_the_old_one_and_no_other) {
  temp_dir dir;
  const auto shared = dir.path() / "node_token";
  const auto tokens = dir.path() / "node_tokens";
  write_file(shared, std::string(old_shared) + "\n");
  write_file(tokens, std::string("gpu-2 ") + gpu2_token + "\n");
  // The harness's inline token is cleared: the shared token comes from its file.
  auto& scheduler = start_scheduler(
      {"--auth.node_token=", "--auth.node_token_file=" + shared.string(), "--auth.node_tokens_file=" + tokens.string()});
  fake_node old_holder(node_with_token("node-old", old_shared, true));
  ASSERT_EQ(old_holder.connect(scheduler.port()), "node-old");
  fake_node not_registered(node_with_token("node-late", old_shared));
  not_registered.open(scheduler.port());
  fake_node per_node(node_with_token("", gpu2_token));
  ASSERT_EQ(per_node.connect(scheduler.port()), "gpu-2");

  write_file(shared, std::string(new_shared) + "\n");
  reload(scheduler, 1);
  expect_revoked(old_holder);
  EXPECT_FALSE(per_node.socket().wait_closed(500ms)) << "a per-node token is not affected";
  // A socket admitted with the old token before the reload cannot register with it afterwards.
  not_registered.socket().send_json(not_registered.register_message());
  expect_revoked(not_registered);
  fake_node new_holder(node_with_token("node-new", new_shared));
  EXPECT_EQ(new_holder.connect(scheduler.port()), "node-new");
  EXPECT_TRUE(wait_for_log(scheduler, "its token was revoked by the reload", 2));
}

}  // namespace
}  // namespace lingua::test
