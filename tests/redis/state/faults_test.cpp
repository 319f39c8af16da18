// Honest outcomes under faults, at the level of the state scripts: bulky job data ends with the job, a call that
// runs after its deadline changes nothing, a timed-out dispatch can be abandoned, and an emptied Redis is noticed.
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using kind = state::dispatch_outcome::kind;

class state_faults : public state_test {
 protected:
  bool exists(const std::string& key) { return raw({"EXISTS", key}).as_integer().value_or(-1) == 1; }
  // Live keys (KEYS skips keys past their TTL that Redis has not evicted yet: no timing in the count).
  std::int64_t dbsize() { return static_cast<std::int64_t>(raw({"KEYS", "*"}).size()); }
};

TEST_F(state_faults, a_completed_job_keeps_no_payload_and_only_a_small_record) {
  add_ready_node("n1", en_zh_node());
  auto job = en_to_zh_job("j1");
  job.audio = std::string(32 * 1024, 'a');
  ASSERT_EQ(run(state->dispatch(job))->status, kind::assigned);
  const std::string payload = state->keys().job_payload("j1");
  ASSERT_TRUE(exists(payload)) << "the payload is kept while the job may be sent again";
  ASSERT_TRUE(run(state->complete("j1", "n1", 1, state::completion::completed, "")));
  EXPECT_FALSE(exists(payload)) << "audio must not outlive the job";
  const auto record = raw({"HGET", state->keys().key("jobs"), "j1"}).str();
  EXPECT_LT(record.size(), 200u) << record;
  EXPECT_EQ(run(state->complete("j1", "n1", 1, state::completion::completed, ""))->status,
            state::complete_outcome::kind::duplicate) << "the small record still fences repeats";
}

TEST_F(state_faults, a_job_that_fails_for_good_keeps_no_payload) {
  add_ready_node("n1", en_zh_node());
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  auto moved = run(state->reassign("j1", 1, state::reassign_reason::node_lost));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, state::reassign_outcome::kind::failed) << "no other node: the job fails";
  EXPECT_FALSE(exists(state->keys().job_payload("j1")));
}

TEST_F(state_faults, a_job_that_waited_too_long_in_the_backlog_keeps_no_payload) {
  state::state_config config;
  config.backlog_max_wait_ms = 50;
  configure(config);
  add_ready_node("n1", en_zh_node(1));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::queued);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  auto expired = run(state->expire_deadlines(10));
  ASSERT_TRUE(expired);
  std::vector<std::string> ended;
  for (const auto& e : *expired) {
    if (e.what == state::expired_job::kind::backlog_timeout) ended.push_back(e.job_id);
  }
  ASSERT_EQ(ended, std::vector<std::string>{"j2"});
  ASSERT_TRUE(run(state->drop_payloads(ended)));
  EXPECT_FALSE(exists(state->keys().job_payload("j2")));
  EXPECT_TRUE(exists(state->keys().job_payload("j1"))) << "the running job keeps its payload";
}

TEST_F(state_faults, after_many_jobs_end_the_key_count_returns_to_its_baseline) {
  state::state_config config;
  // Retention long enough that nothing expires while the 60 jobs run on a loaded machine, short enough to wait out.
  constexpr int retention_ms = 1500;
  config.job_retention_ms = retention_ms;
  config.idempotency_ms = retention_ms;
  configure(config);
  add_ready_node("n1", en_zh_node(4));
  // Baseline: the node's keys, and the job keys that exist once any job ran and was dropped again.
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("w")))->status, kind::assigned);
  ASSERT_TRUE(run(state->complete("w", "n1", 1, state::completion::completed, "")));
  std::this_thread::sleep_for(std::chrono::milliseconds(retention_ms + 100));
  ASSERT_TRUE(run(state->expire_deadlines(100)));
  const std::int64_t baseline = dbsize();
  for (int i = 0; i < 60; ++i) {
    auto job = en_to_zh_job("j" + std::to_string(i));
    job.audio = std::string(8 * 1024, 'x');
    auto d = run(state->dispatch(job));
    ASSERT_TRUE(d);
    ASSERT_EQ(d->status, kind::assigned);
    ASSERT_TRUE(run(state->complete(job.job_id, "n1", 1, state::completion::completed, "")));
  }
  EXPECT_EQ(dbsize(), baseline + 60 + 2)
      << "while retained: the 60 idempotency keys, the jobs hash and the deadlines; no payloads";
  std::this_thread::sleep_for(std::chrono::milliseconds(retention_ms + 100));
  ASSERT_TRUE(run(state->expire_deadlines(100)));
  EXPECT_EQ(dbsize(), baseline);
  EXPECT_EQ(raw({"HLEN", state->keys().key("jobs")}).as_integer().value_or(-1), 0);
  EXPECT_EQ(load_of("n1"), 0);
}

TEST_F(state_faults, calls_that_run_after_their_deadline_change_nothing) {
  add_ready_node("n1", en_zh_node(2));
  redis::client_options options;
  options.address = server->address();
  options.connections = 1;
  options.command_timeout = std::chrono::milliseconds(300);
  redis::client impatient(io.get_executor(), options);
  impatient.start();
  for (int i = 0; i < 200 && !impatient.connected(); ++i) io.run_for(std::chrono::milliseconds(10));
  state::state_config config;
  config.key_prefix = "test";
  state::scheduler_state late_state(impatient, config);
  ASSERT_TRUE(run(late_state.sync_clock()));
  // Every script is loaded before the pause, so the queued calls really run when Redis resumes.
  ASSERT_TRUE(run(late_state.dispatch(en_to_zh_job("w"))));
  ASSERT_TRUE(run(late_state.reassign("none", 1, state::reassign_reason::node_lost)));

  ASSERT_EQ(::kill(server->pid(), SIGSTOP), 0);
  auto d = run(late_state.dispatch(en_to_zh_job("j1")));
  auto hb = run(late_state.heartbeat("n1", state::node_runtime{}, nullptr));
  auto moved = run(late_state.reassign("w", 1, state::reassign_reason::node_lost));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(::kill(server->pid(), SIGCONT), 0);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), state::errc::outcome_unknown);
  EXPECT_FALSE(hb);
  EXPECT_FALSE(moved);
  // The queued commands ran when Redis resumed; their deadlines had passed, so they did nothing.
  auto after = run(state->dispatch(en_to_zh_job("probe")));
  ASSERT_TRUE(after);
  EXPECT_FALSE(exists(state->keys().job_payload("j1")));
  EXPECT_TRUE(raw({"HGET", state->keys().key("jobs"), "j1"}).is_nil()) << "the late dispatch wrote no job";
  EXPECT_EQ(raw({"HGET", state->keys().key("jobs"), "w"}).str().find("\"att\":1") != std::string::npos, true)
      << "the late reassign did not move the job";
  EXPECT_EQ(load_of("n1"), 2) << "w and probe hold slots; the late dispatch holds none";
  impatient.stop();
  io.restart();
  io.run_for(std::chrono::milliseconds(20));
}

TEST_F(state_faults, abandoning_a_dispatch_fails_the_job_and_gives_its_slot_back_once) {
  add_ready_node("n1", en_zh_node(1));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::queued);
  auto a = run(state->abandon("j1"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, state::abandon_outcome::kind::abandoned);
  EXPECT_EQ(a->node_id, "n1");
  EXPECT_EQ(a->trace_id, "tr-j1") << "the abandon log line names the trace and the session";
  EXPECT_EQ(a->session_id, "s-1");
  ASSERT_EQ(a->handed.size(), 1u) << "the released slot goes to the waiting job";
  EXPECT_EQ(a->handed[0].job_id, "j2");
  EXPECT_FALSE(exists(state->keys().job_payload("j1")));
  EXPECT_EQ(load_of("n1"), 1);
  EXPECT_EQ(run(state->abandon("j1"))->status, state::abandon_outcome::kind::ended);
  EXPECT_EQ(load_of("n1"), 1) << "abandoning twice releases nothing twice";
  EXPECT_EQ(run(state->complete("j1", "n1", 1, state::completion::completed, ""))->status,
            state::complete_outcome::kind::duplicate)
      << "a result of an abandoned job is not delivered";
  EXPECT_EQ(run(state->abandon("never"))->status, state::abandon_outcome::kind::unknown);
}

TEST_F(state_faults, a_job_recorded_before_trace_ids_were_kept_reports_an_empty_trace_id) {
  add_ready_node("n1", en_zh_node(2));
  add_ready_node("n2", en_zh_node(2));
  auto job = en_to_zh_job("j1");
  job.requirements.run_timeout_ms = 100;
  ASSERT_EQ(run(state->dispatch(job))->status, kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::assigned);
  // The records as an earlier version wrote them: no field "tr".
  for (const std::string id : {"j1", "j2"}) {
    auto record = nlohmann::json::parse(raw({"HGET", state->keys().key("jobs"), id}).str());
    ASSERT_TRUE(record.contains("tr"));
    record.erase("tr");
    raw({"HSET", state->keys().key("jobs"), id, record.dump()});
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto expired = run(state->expire_deadlines(10));
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].job_id, "j1");
  EXPECT_EQ((*expired)[0].trace_id, "");
  auto moved = run(state->reassign("j1", 1, state::reassign_reason::run_timeout));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, state::reassign_outcome::kind::assigned);
  EXPECT_EQ(moved->trace_id, "");
  auto a = run(state->abandon("j2"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, state::abandon_outcome::kind::abandoned);
  EXPECT_EQ(a->trace_id, "");
  EXPECT_EQ(a->session_id, "s-1");
  EXPECT_TRUE(a->handed.empty());
}

TEST_F(state_faults, an_emptied_redis_is_noticed_by_every_instance_and_a_kept_one_is_not) {
  auto first = run(state->check_epoch(""));
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->changed);
  auto again = run(state->check_epoch(first->epoch));
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->epoch, first->epoch);
  raw({"FLUSHALL"});
  auto a = run(state->check_epoch(first->epoch));
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->changed);
  EXPECT_NE(a->epoch, first->epoch);
  auto b = run(state->check_epoch(first->epoch));  // a second instance that knew the old epoch
  EXPECT_TRUE(b->changed);
  EXPECT_EQ(b->epoch, a->epoch) << "instances agree on the new epoch";
  EXPECT_FALSE(run(state->check_epoch(a->epoch))->changed);
}

TEST_F(state_faults, the_jobs_of_a_reconnecting_node_are_listed_and_move_without_excluding_it) {
  add_ready_node("n1", en_zh_node(2));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j1")))->status, kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("j2")))->status, kind::assigned);
  ASSERT_TRUE(run(state->complete("j2", "n1", 1, state::completion::completed, "")));
  auto held = run(state->node_jobs("n1"));
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 1u) << "only the job that has not ended";
  EXPECT_EQ((*held)[0].job_id, "j1");
  EXPECT_EQ((*held)[0].attempt, 1u);
  auto moved = run(state->reassign("j1", 1, state::reassign_reason::reconnected));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, state::reassign_outcome::kind::assigned) << "the only node stays eligible";
  EXPECT_EQ(moved->node_id, "n1");
  EXPECT_EQ(moved->attempt, 2u);
  EXPECT_EQ(load_of("n1"), 1) << "the old attempt's slot was given back";
  EXPECT_TRUE(run(state->node_jobs("nobody"))->empty());
}

}  // namespace
}  // namespace lingua::test
