// register_node, heartbeat, node_offline and expire_nodes against a real Redis.
#include <thread>

#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using state_registration = state_test;

TEST_F(state_registration, a_new_node_starts_registering_and_joins_the_pool_of_its_language_set) {
  auto reg = run(state->register_node("n1", en_zh_node()));
  ASSERT_TRUE(reg);
  EXPECT_TRUE(reg->is_new);
  EXPECT_EQ(reg->status, "registering");
  EXPECT_EQ(raw({"ZSCORE", state->keys().key("pool:all"), "en-zh|n1"}).str(), "0");
  EXPECT_EQ(zcard("pair:pools"), 3);  // en|en, en|zh, zh|zh
  EXPECT_FALSE(in_ready_set("en-zh", "n1")) << "a registering node is not free for jobs";
}

TEST_F(state_registration, re_registering_updates_in_place_and_cleans_the_pool_it_left) {
  ASSERT_TRUE(run(state->register_node("n1", en_zh_node())));
  auto caps = en_zh_node();
  caps.asr_languages = {"de", "en"};
  caps.tts_languages = {"de", "en"};
  caps.other_languages = {};
  auto again = run(state->register_node("n1", caps));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->is_new);
  EXPECT_EQ(zcard("pool:all"), 2) << "the sentinel and the one member of de-en; en-zh is gone";
  EXPECT_EQ(raw({"ZSCORE", state->keys().key("pool:all"), "de-en|n1"}).str(), "0");
  EXPECT_EQ(raw({"ZRANGE", state->keys().key("pair:pools"), "0", "-1"}).size(), 3u);
  EXPECT_EQ(raw({"ZSCORE", state->keys().key("pair:pools"), "en|zh|en-zh"}).type(), redis::reply::kind::nil);
}

TEST_F(state_registration, a_known_node_id_is_refused_to_another_credential_and_its_record_is_unchanged) {
  auto genuine = en_zh_node();
  genuine.credential = "shared:aaaa";
  ASSERT_TRUE(run(state->register_node("n1", genuine)));
  auto impostor = en_zh_node();
  impostor.credential = "anonymous";
  impostor.asr_languages = {"de", "en"};
  impostor.tts_languages = {"de", "en"};
  impostor.other_languages = {};
  auto refused = run(state->register_node("n1", impostor));
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->conflict);
  EXPECT_EQ(raw({"ZSCORE", state->keys().key("pool:all"), "en-zh|n1"}).str(), "0") << "still in its own pool";
  EXPECT_EQ(raw({"ZSCORE", state->keys().key("pool:all"), "de-en|n1"}).type(), redis::reply::kind::nil);
  auto same = run(state->register_node("n1", genuine));
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->conflict) << "the same credential re-registers (a reconnect)";
  EXPECT_FALSE(same->is_new);
}

TEST_F(state_registration, two_nodes_with_the_same_languages_share_one_pool) {
  ASSERT_TRUE(run(state->register_node("n1", en_zh_node())));
  ASSERT_TRUE(run(state->register_node("n2", en_zh_node())));
  EXPECT_EQ(zcard("pool:all"), 3);
  EXPECT_EQ(zcard("pair:pools"), 3);
}

TEST_F(state_registration, a_heartbeat_for_an_unknown_node_is_refused_and_creates_nothing) {
  auto hb = run(state->heartbeat("ghost", state::node_runtime{}, nullptr));
  ASSERT_TRUE(hb);
  EXPECT_FALSE(hb->known);
  EXPECT_EQ(raw({"HEXISTS", state->keys().key("node:info"), "ghost"}).as_integer(), 0);
  EXPECT_EQ(raw({"HEXISTS", state->keys().key("node:state"), "ghost"}).as_integer(), 0);
}

TEST_F(state_registration, the_first_heartbeat_makes_the_node_ready_and_free) {
  ASSERT_TRUE(run(state->register_node("n1", en_zh_node())));
  auto hb = run(state->heartbeat("n1", state::node_runtime{}, nullptr));
  ASSERT_TRUE(hb);
  EXPECT_EQ(hb->status, "ready");
  EXPECT_TRUE(in_ready_set("en-zh", "n1"));
}

TEST_F(state_registration, a_heartbeat_with_new_languages_moves_the_node_to_its_new_pool) {
  add_ready_node("n1", en_zh_node());
  auto caps = en_zh_node();
  caps.other_languages = {"ja"};
  auto hb = run(state->heartbeat("n1", state::node_runtime{}, &caps));
  ASSERT_TRUE(hb);
  EXPECT_EQ(raw({"ZSCORE", state->keys().key("pool:all"), "en-ja-zh|n1"}).str(), "0");
  EXPECT_TRUE(in_ready_set("en-ja-zh", "n1"));
  EXPECT_FALSE(in_ready_set("en-zh", "n1"));
  EXPECT_EQ(raw({"ZSCORE", state->keys().key("pool:all"), "en-zh|n1"}).type(), redis::reply::kind::nil);
  EXPECT_EQ(zcard("pair:pools"), 6);
}

TEST_F(state_registration, a_draining_node_leaves_the_free_set_and_a_ready_one_comes_back) {
  add_ready_node("n1", en_zh_node());
  state::node_runtime draining;
  draining.status = "draining";
  ASSERT_TRUE(run(state->heartbeat("n1", draining, nullptr)));
  EXPECT_EQ(zcard("pool:free"), 0) << "nobody is ready";
  ASSERT_TRUE(run(state->heartbeat("n1", state::node_runtime{}, nullptr)));
  EXPECT_EQ(zcard("pool:free"), 1);
  EXPECT_TRUE(in_ready_set("en-zh", "n1"));
}

TEST_F(state_registration, node_offline_removes_the_node_and_returns_the_jobs_it_held) {
  add_ready_node("n1", en_zh_node());
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->status, state::dispatch_outcome::kind::assigned);
  auto off = run(state->node_offline("n1"));
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->known);
  ASSERT_EQ(off->jobs.size(), 1u);
  EXPECT_EQ(off->jobs[0].job_id, "j1");
  EXPECT_EQ(off->jobs[0].attempt, 1u);
  EXPECT_EQ(zcard("pool:all"), 0) << "the emptied pool disappears with its sentinel";
  EXPECT_EQ(zcard("pair:pools"), 0);
  EXPECT_EQ(zcard("node:jobs"), 0);
  auto hb = run(state->heartbeat("n1", state::node_runtime{}, nullptr));
  ASSERT_TRUE(hb);
  EXPECT_FALSE(hb->known) << "a removed node is not resurrected by a late heartbeat";
}

TEST_F(state_registration, silent_nodes_expire_with_their_jobs_and_fresh_ones_stay) {
  state::state_config config;
  config.heartbeat_timeout_ms = 300;
  configure(config);
  add_ready_node("old", en_zh_node());
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, state::dispatch_outcome::kind::assigned);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  add_ready_node("fresh", en_zh_node());
  auto expired = run(state->expire_nodes(10));
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].node_id, "old");
  ASSERT_EQ((*expired)[0].jobs.size(), 1u);
  EXPECT_EQ((*expired)[0].jobs[0].job_id, "j1");
  auto again = run(state->expire_nodes(10));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty()) << "each node is removed once";
}

}  // namespace
}  // namespace lingua::test
