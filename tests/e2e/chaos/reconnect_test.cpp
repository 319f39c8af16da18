// A node whose connection died with its scheduler instance reconnects to a survivor with the same id: the jobs it
// held move at once, long before their run deadline or the take-over of the dead instance.
#include "chaos_support.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using node_reconnect = scheduler_e2e;

TEST_F(node_reconnect, jobs_held_through_a_killed_instance_move_as_soon_as_the_node_reconnects) {
  // A long presence: the take-over of the dead instance cannot be what moves the job within the test's wait.
  const std::vector<std::string> slow_takeover = {"--instance.presence_ttl_ms=30000",
                                                  "--instance.presence_renew_ms=1000"};
  auto& doomed = start_scheduler(slow_takeover, "instance-doomed");
  auto& survivor = start_scheduler(slow_takeover, "instance-survivor");
  fake_node before(named_node("node-moving"));
  before.connect(doomed.port());
  fake_session session;
  session.connect(survivor.port());
  session.send_utterance(0);
  auto job = before.next_job();
  ASSERT_TRUE(job);

  doomed.kill();
  fake_node after(named_node("node-moving"));
  after.connect(survivor.port());
  auto moved = after.next_job(3s);  // the run deadline is 15 s: only a move at reconnect arrives in time
  ASSERT_TRUE(moved) << "the job waited for its deadline instead of moving at the reconnect";
  EXPECT_EQ((*moved)["job_id"], (*job)["job_id"]);
  EXPECT_EQ((*moved)["attempt_id"], 2);
  after.complete(*moved, "moved", "移");
  outcome_count outcomes;
  outcomes.collect(session.socket(), 1, 5s);
  EXPECT_EQ(outcomes.per_utterance[0], 1) << outcomes.describe();
  EXPECT_EQ(outcomes.last_kind[0], "result");
}

TEST_F(node_reconnect, a_node_that_opens_a_new_socket_on_the_same_instance_gets_its_jobs_on_it) {
  auto& scheduler = start_scheduler();
  fake_node before(named_node("node-again"));
  before.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  auto job = before.next_job();
  ASSERT_TRUE(job);
  fake_node after(named_node("node-again"));  // the old socket is still open (half-dead link)
  after.connect(scheduler.port());
  auto moved = after.next_job(3s);
  ASSERT_TRUE(moved);
  EXPECT_EQ((*moved)["job_id"], (*job)["job_id"]);
  before.complete(*job, "old", "旧");  // the replaced attempt's result is fenced off
  after.complete(*moved, "new", "新");
  outcome_count outcomes;
  outcomes.collect(session.socket(), 1, 5s);
  EXPECT_EQ(outcomes.per_utterance[0], 1) << outcomes.describe();
}

}  // namespace
}  // namespace lingua::test
