// Redis failing under a running scheduler: paused (SIGSTOP) past the command timeout, and restarted empty (no
// persistence). Every utterance ends in exactly one true outcome; the scheduler recovers without a restart.
#include <signal.h>

#include <thread>

#include "chaos_support.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using redis_faults = scheduler_e2e;

TEST_F(redis_faults, a_dispatch_answered_with_dependency_down_while_redis_is_paused_is_never_run_later) {
  auto& scheduler = start_scheduler({"--redis.command_timeout_ms=300"});
  fake_node node(named_node("node-pause", 1));
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  auto busy = node.next_job();  // holds the node's only slot: a later job would wait in the backlog
  ASSERT_TRUE(busy);

  ASSERT_EQ(::kill(redis->pid(), SIGSTOP), 0);
  session.send_utterance(1);
  auto error = session.next("error", 5s);
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(::kill(redis->pid(), SIGCONT), 0);
  ASSERT_TRUE(error);
  EXPECT_EQ((*error)["code"], "SCHEDULER_DEPENDENCY_DOWN");
  // Freeing the slot hands it to the oldest waiting job: the one reported as not done must not be among them.
  std::this_thread::sleep_for(300ms);
  node.complete(*busy);
  ASSERT_TRUE(session.next("translation_result"));
  auto late = node.next_job(1500ms);
  EXPECT_FALSE(late) << "the job reported as not done was dispatched after all: " << late->dump();

  session.send_utterance(2);
  auto job = node.next_job(5s);
  ASSERT_TRUE(job) << "service is back without restarting the scheduler";
  EXPECT_EQ((*job)["utterance_index"], 2);
  node.complete(*job);
  auto result = session.next("translation_result");
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)["utterance_index"], 2);
  EXPECT_EQ(slots_held(redis->address()), 0) << "no reservation leaked";
}

TEST_F(redis_faults, after_redis_restarts_empty_a_running_and_a_waiting_job_each_get_one_result) {
  auto& scheduler = start_scheduler();
  fake_node node(named_node("node-restart", 1));
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  auto first = node.next_job();
  ASSERT_TRUE(first);
  session.send_utterance(1);
  ASSERT_TRUE(session.next("ui_event", 3s));  // QUEUED or DISPATCHED news; the slot is taken
  std::this_thread::sleep_for(200ms);

  redis->stop();
  redis->start();

  // Without any heartbeat from the node, the scheduler registers it again and places both jobs again.
  auto again = node.next_job(5s);
  ASSERT_TRUE(again) << "the running job is placed again from the session's stored audio";
  EXPECT_EQ((*again)["job_id"], (*first)["job_id"]);
  EXPECT_EQ((*again)["audio"], (*first)["audio"]);
  node.complete(*again, "zero", "零");
  auto second = node.next_job(5s);
  ASSERT_TRUE(second) << "the waiting job is placed again too";
  EXPECT_EQ((*second)["utterance_index"], 1);
  node.complete(*second, "one", "一");
  node.complete(*first, "stale", "旧");  // the lost attempt's late result must not show a second time

  outcome_count outcomes;
  outcomes.collect(session.socket(), 2, 5s);
  EXPECT_EQ(outcomes.per_utterance[0], 1) << outcomes.describe();
  EXPECT_EQ(outcomes.per_utterance[1], 1) << outcomes.describe();
  EXPECT_EQ(outcomes.last_kind[0], "result");
  EXPECT_EQ(outcomes.last_kind[1], "result");
  EXPECT_EQ(slots_held(redis->address()), 0);
}

}  // namespace
}  // namespace lingua::test
