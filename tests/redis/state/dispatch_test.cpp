// dispatch_task: selection filters, least-loaded choice, idempotency, refusal reasons and the backlog.
#include <set>
#include <thread>

#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using state_dispatch = state_test;
using kind = state::dispatch_outcome::kind;

TEST_F(state_dispatch, a_job_goes_to_a_ready_node_that_serves_its_languages_and_reserves_a_slot) {
  add_ready_node("n1", en_zh_node());
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->status, kind::assigned);
  EXPECT_EQ(d->node_id, "n1");
  EXPECT_EQ(d->attempt, 1u);
  EXPECT_EQ(load_of("n1"), 1);
  auto payload = run(state->load_job("j1"));
  ASSERT_TRUE(payload);
  ASSERT_TRUE(payload->has_value());
  EXPECT_EQ((*payload)->spec_json, R"({"job_id":"j1"})");
  EXPECT_EQ((*payload)->audio, std::string("\x01\x00\x02", 3)) << "audio is stored binary-safe";
}

TEST_F(state_dispatch, a_language_pair_nobody_serves_is_refused_at_once_with_no_pool) {
  add_ready_node("n1", en_zh_node());
  auto job = en_to_zh_job("j1");
  job.requirements.languages = {"de", "fr"};
  auto d = run(state->dispatch(job));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::rejected);
  EXPECT_EQ(d->reason, "NO_POOL");
  EXPECT_FALSE(run(state->load_job("j1"))->has_value()) << "a refused job leaves nothing behind";
}

TEST_F(state_dispatch, a_node_lacking_a_needed_service_is_not_selected) {
  auto caps = en_zh_node();
  caps.services = {"asr", "nmt"};
  add_ready_node("n1", caps);
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::rejected);
  EXPECT_EQ(d->reason, "MISSING_SERVICE");
  auto subtitles_only = en_to_zh_job("j2");
  subtitles_only.requirements.services = {"asr", "nmt"};
  subtitles_only.requirements.tts_languages = {};
  EXPECT_EQ(run(state->dispatch(subtitles_only))->status, kind::assigned);
}

TEST_F(state_dispatch, a_node_that_cannot_recognise_the_spoken_language_is_not_selected) {
  auto caps = en_zh_node();
  caps.asr_languages = {"zh"};
  add_ready_node("n1", caps);
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::rejected);
  EXPECT_EQ(d->reason, "MISSING_LANGUAGE");
}

TEST_F(state_dispatch, a_private_node_takes_only_jobs_pinned_to_it) {
  auto caps = en_zh_node();
  caps.accept_public_jobs = false;
  add_ready_node("n1", caps);
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::rejected);
  EXPECT_EQ(d->reason, "PRIVATE");
  auto pinned = en_to_zh_job("j2");
  pinned.requirements.sticky_node = "n1";
  EXPECT_EQ(run(state->dispatch(pinned))->node_id, "n1");
}

TEST_F(state_dispatch, a_registering_node_is_waited_for_and_its_first_heartbeat_takes_the_job) {
  ASSERT_TRUE(run(state->register_node("n1", en_zh_node())));
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::queued);
  auto hb = run(state->heartbeat("n1", state::node_runtime{}, nullptr));
  ASSERT_TRUE(hb);
  ASSERT_EQ(hb->handed.size(), 1u);
  EXPECT_EQ(hb->handed[0].job_id, "j1");
  EXPECT_EQ(hb->handed[0].attempt, 1u);
  EXPECT_EQ(load_of("n1"), 1);
  EXPECT_EQ(zcard("job:backlog"), 0);
}

TEST_F(state_dispatch, a_job_that_would_wait_behind_the_backlog_bound_is_refused_and_leaves_nothing_behind) {
  ASSERT_TRUE(run(state->register_node("n1", en_zh_node())));  // registering: every job waits
  for (const char* id : {"j1", "j2"}) {
    auto job = en_to_zh_job(id);
    job.job_key = std::string("key-") + id;
    job.backlog_bound = 2;
    auto d = run(state->dispatch(job));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, kind::queued) << id << " fits under the bound";
  }
  auto third = en_to_zh_job("j3");
  third.job_key = "key-j3";
  third.backlog_bound = 2;
  auto d = run(state->dispatch(third));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::rejected);
  EXPECT_EQ(d->reason, "BACKLOG_FULL");
  EXPECT_EQ(d->backlog_length, 2);
  EXPECT_EQ(zcard("job:backlog"), 2);
  EXPECT_FALSE(run(state->load_job("j3"))->has_value()) << "a refused job leaves nothing behind";
  third.job_id = "j3-again";  // the key was not taken: the next try is a new dispatch, not a duplicate
  third.backlog_bound = 0;
  auto unbounded = run(state->dispatch(third));
  ASSERT_TRUE(unbounded);
  EXPECT_EQ(unbounded->status, kind::queued) << "no bound: the job waits";
  EXPECT_EQ(unbounded->job_id, "j3-again");
}

TEST_F(state_dispatch, a_node_over_the_resource_threshold_is_skipped_for_a_calm_one_but_takes_work_no_calm_one_can) {
  add_ready_node("hot", en_zh_node());
  add_ready_node("calm", en_zh_node());
  state::node_runtime hot;
  hot.cpu_percent = 99;
  ASSERT_TRUE(run(state->heartbeat("hot", hot, nullptr)));
  for (int i = 0; i < 2; ++i) {
    auto d = run(state->dispatch(en_to_zh_job("j" + std::to_string(i))));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->node_id, "calm");
  }
  auto third = run(state->dispatch(en_to_zh_job("j3")));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, kind::assigned) << "the calm node is full: the hot one is a last resort, not a wait";
  EXPECT_EQ(third->node_id, "hot");
  ASSERT_TRUE(run(state->complete("j0", "calm", 1, state::completion::completed, "")));
  auto fourth = run(state->dispatch(en_to_zh_job("j4")));
  ASSERT_TRUE(fourth);
  EXPECT_EQ(fourth->node_id, "calm") << "a calm node with a free slot goes first again";
}

TEST_F(state_dispatch, a_waiting_job_goes_to_a_node_over_the_resource_threshold_when_it_frees_a_slot) {
  add_ready_node("hot", en_zh_node(1));
  state::node_runtime hot;
  hot.cpu_percent = 100;
  ASSERT_TRUE(run(state->heartbeat("hot", hot, nullptr)));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->node_id, "hot");
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::queued) << "full";
  auto done = run(state->complete("j1", "hot", 1, state::completion::completed, ""));
  ASSERT_TRUE(done);
  ASSERT_EQ(done->handed.size(), 1u) << "the freed slot of the hot node goes to the waiting job";
  EXPECT_EQ(done->handed[0].job_id, "j2");
}

TEST_F(state_dispatch, a_node_with_a_stale_heartbeat_is_not_selected) {
  state::state_config config;
  config.heartbeat_timeout_ms = 200;
  configure(config);
  add_ready_node("n1", en_zh_node());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::queued);
}

TEST_F(state_dispatch, a_service_marked_unavailable_is_avoided_until_the_mark_expires) {
  add_ready_node("n1", en_zh_node());
  ASSERT_TRUE(run(state->mark_unavailable("n1", "tts", 300))->marked);
  EXPECT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::queued);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::assigned);
}

TEST_F(state_dispatch, the_least_loaded_node_wins) {
  add_ready_node("busy", en_zh_node(4));
  auto pinned = en_to_zh_job("p1");
  pinned.requirements.sticky_node = "busy";
  ASSERT_EQ(run(state->dispatch(pinned))->node_id, "busy");
  pinned = en_to_zh_job("p2");
  pinned.requirements.sticky_node = "busy";
  ASSERT_EQ(run(state->dispatch(pinned))->node_id, "busy");
  add_ready_node("idle", en_zh_node(4));
  for (int i = 0; i < 2; ++i) {
    auto d = run(state->dispatch(en_to_zh_job("j" + std::to_string(i))));
    EXPECT_EQ(d->node_id, "idle") << "idle holds " << i << " of 4, busy 2 of 4";
  }
}

TEST_F(state_dispatch, the_sticky_node_is_preferred_while_it_fits) {
  add_ready_node("a", en_zh_node(4));
  add_ready_node("b", en_zh_node(4));
  for (int i = 0; i < 3; ++i) {
    auto job = en_to_zh_job("j" + std::to_string(i));
    job.requirements.sticky_node = "b";
    EXPECT_EQ(run(state->dispatch(job))->node_id, "b");
  }
}

TEST_F(state_dispatch, the_same_job_key_returns_the_same_job_and_reserves_nothing_twice) {
  add_ready_node("n1", en_zh_node());
  auto first = run(state->dispatch(en_to_zh_job("j1")));
  auto retry = en_to_zh_job("j1-retry");
  retry.job_key = en_to_zh_job("j1").job_key;
  auto second = run(state->dispatch(retry));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, kind::existing);
  EXPECT_EQ(second->job_id, first->job_id);
  EXPECT_EQ(second->node_id, "n1");
  EXPECT_EQ(second->job_status, "running");
  EXPECT_EQ(load_of("n1"), 1);
}

TEST_F(state_dispatch, a_two_language_session_needs_a_pool_with_both_and_a_third_language_narrows_it) {
  auto three = en_zh_node();
  three.other_languages = {"ja"};
  add_ready_node("enzh", en_zh_node());
  add_ready_node("enjazh", three);
  auto job = en_to_zh_job("j1");
  job.requirements.languages = {"en", "ja", "zh"};
  job.requirements.tts_languages = {};
  job.requirements.services = {"asr", "nmt"};
  for (int i = 0; i < 2; ++i) {
    job.job_id = job.job_key = "j" + std::to_string(i);
    EXPECT_EQ(run(state->dispatch(job))->node_id, "enjazh");
  }
}

TEST_F(state_dispatch, selection_spreads_jobs_over_the_pool) {
  for (int i = 0; i < 8; ++i) add_ready_node("n" + std::to_string(i), en_zh_node(100));
  std::set<std::string> used;
  for (int i = 0; i < 40; ++i) used.insert(run(state->dispatch(en_to_zh_job("j" + std::to_string(i))))->node_id);
  EXPECT_GE(used.size(), 6u);
}

}  // namespace
}  // namespace lingua::test
