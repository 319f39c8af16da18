// The life of a job after placement: ack, completion with fencing, failover, deadlines, and Redis going away.
#include <thread>

#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using state_lifecycle = state_test;
using kind = state::dispatch_outcome::kind;
using done = state::complete_outcome::kind;
using moved = state::reassign_outcome::kind;

TEST_F(state_lifecycle, only_the_current_attempt_of_the_assigned_node_completes_a_job) {
  add_ready_node("n1", en_zh_node());
  add_ready_node("n2", en_zh_node());
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  const std::string other = d->node_id == "n1" ? "n2" : "n1";
  EXPECT_EQ(run(state->complete("j1", other, 1, state::completion::completed, ""))->status, done::stale);
  EXPECT_EQ(run(state->complete("j1", d->node_id, 2, state::completion::completed, ""))->status, done::stale);
  auto ok = run(state->complete("j1", d->node_id, 1, state::completion::completed, ""));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, done::completed);
  EXPECT_EQ(ok->session_id, "s-1");
  EXPECT_EQ(load_of(d->node_id), 0);
  EXPECT_EQ(run(state->complete("j1", d->node_id, 1, state::completion::completed, ""))->status, done::duplicate);
  EXPECT_EQ(load_of(d->node_id), 0) << "a repeated completion releases nothing twice";
  EXPECT_EQ(run(state->complete("nope", "n1", 1, state::completion::completed, ""))->status, done::unknown);
}

TEST_F(state_lifecycle, a_text_result_after_an_empty_one_upgrades_the_job_once) {
  add_ready_node("n1", en_zh_node());
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  EXPECT_EQ(run(state->complete("j1", "n1", 1, state::completion::completed_no_text, ""))->status, done::completed);
  EXPECT_EQ(run(state->complete("j1", "n1", 1, state::completion::completed, ""))->status, done::upgraded);
  EXPECT_EQ(run(state->complete("j1", "n1", 1, state::completion::completed, ""))->status, done::duplicate);
}

TEST_F(state_lifecycle, a_freed_slot_goes_to_the_oldest_waiting_job_in_the_same_call) {
  add_ready_node("n1", en_zh_node(1));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::queued);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j3")))->status, kind::queued);
  auto c = run(state->complete("j1", "n1", 1, state::completion::completed, ""));
  ASSERT_TRUE(c);
  ASSERT_EQ(c->handed.size(), 1u);
  EXPECT_EQ(c->handed[0].job_id, "j2");
  EXPECT_EQ(c->handed[0].attempt, 1u);
  EXPECT_EQ(load_of("n1"), 1);
  EXPECT_EQ(zcard("job:backlog"), 1);
}

TEST_F(state_lifecycle, an_ack_commits_the_reservation_and_later_jobs_of_that_node_get_an_ack_deadline) {
  add_ready_node("n1", en_zh_node(4));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  auto first = run(state->ack("j1", "n1", 1));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, state::ack_outcome::kind::accepted) << "the first ack of an attempt is news";
  EXPECT_EQ(run(state->ack("j1", "n1", 1))->status, state::ack_outcome::kind::running) << "a repeat is not";
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::assigned);
  EXPECT_EQ(run(state->ack("j2", "n1", 2))->status, state::ack_outcome::kind::stale);
  EXPECT_EQ(run(state->ack("j2", "n2", 1))->status, state::ack_outcome::kind::stale);
  EXPECT_EQ(run(state->ack("j2", "n1", 1))->status, state::ack_outcome::kind::accepted);
  EXPECT_EQ(run(state->ack("j2", "n1", 1))->status, state::ack_outcome::kind::running);
}

TEST_F(state_lifecycle, an_unacknowledged_reservation_expires_once_and_gives_its_slot_back_once) {
  add_ready_node("n1", en_zh_node(4));
  add_ready_node("n2", en_zh_node(4));
  auto warmup = run(state->dispatch(en_to_zh_job("w")));
  ASSERT_TRUE(run(state->ack("w", warmup->node_id, 1)));
  ASSERT_TRUE(run(state->complete("w", warmup->node_id, 1, state::completion::completed, "")));
  auto job = en_to_zh_job("j1");
  job.requirements.sticky_node = warmup->node_id;
  job.requirements.ack_timeout_ms = 100;
  auto d = run(state->dispatch(job));
  ASSERT_EQ(d->node_id, warmup->node_id);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto expired = run(state->expire_deadlines(10));
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].what, state::expired_job::kind::ack_timeout);
  EXPECT_EQ((*expired)[0].job_id, "j1");
  EXPECT_EQ((*expired)[0].attempt, 1u);
  EXPECT_EQ((*expired)[0].trace_id, "tr-j1") << "the job record keeps the trace id for the job's log lines";
  EXPECT_TRUE(run(state->expire_deadlines(10))->empty()) << "claimed: another instance does not see it";
  auto r1 = run(state->reassign("j1", 1, state::reassign_reason::ack_timeout));
  auto r2 = run(state->reassign("j1", 1, state::reassign_reason::ack_timeout));
  ASSERT_TRUE(r1);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r1->status, moved::assigned);
  EXPECT_NE(r1->node_id, warmup->node_id) << "the failed node is excluded";
  EXPECT_EQ(r1->attempt, 2u);
  EXPECT_EQ(r1->trace_id, "tr-j1");
  EXPECT_EQ(r2->status, moved::stale) << "compare-and-set on the attempt";
  EXPECT_EQ(r2->trace_id, "tr-j1");
  EXPECT_EQ(load_of(warmup->node_id), 0);
  EXPECT_EQ(load_of(r1->node_id), 1);
}

TEST_F(state_lifecycle, a_late_result_from_the_replaced_attempt_is_refused) {
  add_ready_node("n1", en_zh_node());
  add_ready_node("n2", en_zh_node());
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  auto r = run(state->reassign("j1", 1, state::reassign_reason::run_timeout));
  ASSERT_EQ(r->status, moved::assigned);
  EXPECT_EQ(r->old_node_id, d->node_id);
  EXPECT_EQ(run(state->complete("j1", d->node_id, 1, state::completion::completed, ""))->status, done::stale);
  EXPECT_EQ(run(state->complete("j1", r->node_id, 2, state::completion::completed, ""))->status, done::completed);
}

TEST_F(state_lifecycle, failover_stops_after_max_attempts_or_when_every_capable_node_was_tried) {
  state::state_config config;
  config.max_attempts = 2;
  configure(config);
  add_ready_node("n1", en_zh_node());
  add_ready_node("n2", en_zh_node());
  add_ready_node("n3", en_zh_node());
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  auto r = run(state->reassign("j1", 1, state::reassign_reason::node_lost));
  ASSERT_EQ(r->status, moved::assigned);
  auto last = run(state->reassign("j1", 2, state::reassign_reason::node_lost));
  EXPECT_EQ(last->status, moved::failed);
  EXPECT_EQ(last->reason, "MAX_ATTEMPTS");
  EXPECT_EQ(last->trace_id, "tr-j1");
  auto after = run(state->reassign("j1", 2, state::reassign_reason::node_lost));
  EXPECT_EQ(after->status, moved::stale);
  EXPECT_EQ(after->trace_id, "tr-j1") << "the retained record of an ended job keeps the trace id";
  for (const auto& n : {"n1", "n2", "n3"}) EXPECT_EQ(load_of(n), 0);

  configure({});
  ASSERT_TRUE(run(state->node_offline("n3")));
  auto d2 = run(state->dispatch(en_to_zh_job("j2")));
  auto r2 = run(state->reassign("j2", 1, state::reassign_reason::node_lost));
  ASSERT_EQ(r2->status, moved::assigned);
  auto r3 = run(state->reassign("j2", 2, state::reassign_reason::node_lost));
  EXPECT_EQ(r3->status, moved::failed);
  EXPECT_EQ(r3->reason, "EXCLUDED");
}

TEST_F(state_lifecycle, a_job_waiting_too_long_in_the_backlog_fails_with_no_available_node) {
  state::state_config config;
  config.backlog_max_wait_ms = 100;
  configure(config);
  add_ready_node("n1", en_zh_node(1));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2", "s-2")))->status, kind::queued);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto expired = run(state->expire_deadlines(10));
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].what, state::expired_job::kind::backlog_timeout);
  EXPECT_EQ((*expired)[0].session_id, "s-2");
  EXPECT_EQ((*expired)[0].trace_id, "tr-j2");
  EXPECT_EQ(zcard("job:backlog"), 0);
  auto c = run(state->complete("j1", "n1", 1, state::completion::completed, ""));
  EXPECT_TRUE(c->handed.empty()) << "the failed job is not handed out later";
}

TEST_F(state_lifecycle, a_job_running_past_its_deadline_is_reported_as_run_timeout) {
  add_ready_node("n1", en_zh_node());
  auto job = en_to_zh_job("j1");
  job.requirements.run_timeout_ms = 100;
  ASSERT_EQ(run(state->dispatch(job))->status, kind::assigned);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto expired = run(state->expire_deadlines(10));
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].what, state::expired_job::kind::run_timeout);
  EXPECT_EQ((*expired)[0].node_id, "n1");
  EXPECT_EQ((*expired)[0].trace_id, "tr-j1");
}

TEST_F(state_lifecycle, redis_down_fails_closed_promptly_and_recovery_needs_no_restart) {
  add_ready_node("n1", en_zh_node());
  server->stop();
  const auto started = std::chrono::steady_clock::now();
  auto d = run(state->dispatch(en_to_zh_job("j1")));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), state::errc::dependency_down);
  server->start();  // a fresh, empty Redis without the scripts: NOSCRIPT is handled by reloading
  bool back = false;
  for (int i = 0; i < 300 && !back; ++i) {
    io.run_for(std::chrono::milliseconds(10));
    back = client->connected();
  }
  ASSERT_TRUE(back);
  auto reg = run(state->register_node("n1", en_zh_node()));
  ASSERT_TRUE(reg) << reg.error().message();
  EXPECT_TRUE(reg->is_new);
}

}  // namespace
}  // namespace lingua::test
