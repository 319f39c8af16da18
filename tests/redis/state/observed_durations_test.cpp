// Capacity from observed job durations (lua/includes/select.lua, BEHIND): complete_task keeps an EWMA of each
// node's job durations in its runtime record; a busy node that would not finish one more job within that job's run
// deadline gets none (it waits in the backlog).
#include <thread>

#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using kind = state::dispatch_outcome::kind;

class observed_durations : public state_test {
 protected:
  // Runs one job pinned to `node` that takes at least `hold` there (assignment to result).
  void run_one(const std::string& node, const std::string& job_id, std::chrono::milliseconds hold) {
    auto job = en_to_zh_job(job_id, "warm-" + job_id);
    job.requirements.sticky_node = node;
    auto d = run(state->dispatch(job));
    ASSERT_TRUE(d);
    ASSERT_EQ(d->node_id, node);
    std::this_thread::sleep_for(hold);
    ASSERT_TRUE(run(state->complete(job_id, node, d->attempt, state::completion::completed, "")));
  }

  std::string runtime_record(const std::string& node) {
    return raw({"HGET", state->keys().key("node:state"), node}).str();
  }
};

state::node_runtime serialising_runtime() {
  state::node_runtime r;
  r.queued_jobs = 0;  // it reports gpu_queue_length: one job at a time, whatever its declared capacity
  return r;
}

TEST_F(observed_durations, a_serialising_node_whose_jobs_take_long_gets_no_job_it_could_not_finish_in_time) {
  add_ready_node("n1", en_zh_node(4));
  ASSERT_TRUE(run(state->heartbeat("n1", serialising_runtime(), nullptr)));
  run_one("n1", "warm", std::chrono::milliseconds(300));
  ASSERT_TRUE(run(state->heartbeat("n1", serialising_runtime(), nullptr))) << "a heartbeat keeps the observation";
  auto first = en_to_zh_job("j1");
  first.requirements.run_timeout_ms = 500;
  EXPECT_EQ(run(state->dispatch(first))->status, kind::assigned) << "an idle node always takes a job";
  auto second = en_to_zh_job("j2", "s-2");
  second.requirements.run_timeout_ms = 500;
  EXPECT_EQ(run(state->dispatch(second))->status, kind::queued)
      << "behind a 300 ms job, a second one would end after its 500 ms deadline: it waits in the backlog";
  auto done = run(state->complete("j1", "n1", 1, state::completion::completed, ""));
  ASSERT_TRUE(done);
  ASSERT_EQ(done->handed.size(), 1u) << "the freed node takes the waiting job";
  EXPECT_EQ(done->handed[0].job_id, "j2");
}

TEST_F(observed_durations, a_serialising_node_with_quick_jobs_takes_up_to_its_declared_capacity) {
  add_ready_node("n1", en_zh_node(3));
  ASSERT_TRUE(run(state->heartbeat("n1", serialising_runtime(), nullptr)));
  run_one("n1", "warm", std::chrono::milliseconds(0));
  for (int i = 0; i < 3; ++i) {
    auto job = en_to_zh_job("j" + std::to_string(i), "s-" + std::to_string(i));
    job.requirements.run_timeout_ms = 60000;
    EXPECT_EQ(run(state->dispatch(job))->status, kind::assigned) << i;
  }
  EXPECT_EQ(run(state->dispatch(en_to_zh_job("j3", "s-3")))->status, kind::queued) << "full";
}

TEST_F(observed_durations, a_missed_run_deadline_counts_as_an_observation_of_at_least_that_long) {
  add_ready_node("late", en_zh_node(4));
  ASSERT_TRUE(run(state->heartbeat("late", serialising_runtime(), nullptr)));
  auto job = en_to_zh_job("j1");
  job.requirements.sticky_node = "late";
  ASSERT_EQ(run(state->dispatch(job))->node_id, "late");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(run(state->reassign("j1", 1, state::reassign_reason::run_timeout)));
  auto next = en_to_zh_job("j2", "s-2");
  next.requirements.run_timeout_ms = 500;
  EXPECT_EQ(run(state->dispatch(next))->status, kind::queued)
      << "the node still works on the job it missed after 300 ms (its slot is kept): one more would end after 500 ms";
}

TEST_F(observed_durations, a_failed_job_is_not_an_observation) {
  add_ready_node("n1", en_zh_node(4));
  auto job = en_to_zh_job("f1");
  auto d = run(state->dispatch(job));
  ASSERT_TRUE(d);
  ASSERT_TRUE(run(state->complete("f1", "n1", d->attempt, state::completion::failed, "BOOM")));
  auto record = runtime_record("n1");
  EXPECT_EQ(record.find("\"dur\""), std::string::npos) << record;
  run_one("n1", "ok", std::chrono::milliseconds(0));
  record = runtime_record("n1");
  EXPECT_NE(record.find("\"dur\""), std::string::npos) << record;
}

}  // namespace
}  // namespace lingua::test
