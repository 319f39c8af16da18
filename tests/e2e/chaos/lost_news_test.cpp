// The root cause of the lost utterance in chaos.an_instance_killed_under_load…: a node connected to instance B runs
// a job for a session on instance A; B ends the job in the state (complete_task) and then relays the result to A's
// inbox. B SIGKILLed between the two steps leaves a job that the state calls finished — no deadline or failover
// ever touches it again — and a session that never hears of it. These tests make that moment deterministic: the
// test runs B's first step itself (the real script on the real Redis), then kills B before any second step.
#include <signal.h>

#include <boost/asio/io_context.hpp>

#include "chaos_support.hpp"
#include "e2e_fixture.hpp"
#include "redis/client.hpp"
#include "state/scheduler_state.hpp"
#include "support/await.hpp"

namespace lingua::test {
namespace {

class lost_news : public scheduler_e2e {
 protected:
  void TearDown() override {
    node.reset();  // the peers go first: a scheduler stopping would wait for their close handshakes
    session.reset();
    scheduler_e2e::TearDown();
  }

  // What instance B does first when a node's job_result arrives: the completion in the state, nothing more.
  void end_in_state_as_the_dead_instance_did(const nlohmann::json& job, state::completion how,
                                              const std::string& reason) {
    boost::asio::io_context io;
    redis::client_options options;
    options.address = redis->address();
    options.connections = 1;
    redis::client client(io.get_executor(), options);
    client.start();
    state::scheduler_state state(client, state::state_config{});
    await(io, [&]() -> boost::asio::awaitable<void> {
      co_await client.wait_connected(std::chrono::seconds(3));
      auto done = co_await state.complete(job["job_id"].get<std::string>(), job_node, job["attempt_id"].get<std::uint32_t>(),
                                          how, reason);
      EXPECT_TRUE(done && done->status == state::complete_outcome::kind::completed);
    }());
    client.stop();
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }

  // Session on the survivor, node on the doomed instance with a job of utterance 0 in hand; then the doomed
  // instance ends that job in the state and dies before telling anyone, and the node reconnects to the survivor.
  std::optional<nlohmann::json> job_ended_by_an_instance_that_died(state::completion how, const std::string& reason) {
    const std::vector<std::string> flags = {"--instance.presence_ttl_ms=30000", "--instance.presence_renew_ms=1000",
                                            "--jobs.lost_news_after_ms=300"};
    auto& doomed = start_scheduler(flags, "instance-doomed");
    auto& survivor = start_scheduler(flags, "instance-survivor");
    node = std::make_unique<fake_node>(named_node(job_node));
    node->connect(doomed.port());
    session->connect(survivor.port());
    session->send_utterance(0);
    auto job = node->next_job();
    if (!job) return std::nullopt;
    end_in_state_as_the_dead_instance_did(*job, how, reason);
    doomed.kill();
    node = std::make_unique<fake_node>(named_node(job_node));
    node->connect(survivor.port());
    return job;
  }

  const std::string job_node = "node-of-the-dead";
  std::unique_ptr<fake_node> node;
  std::unique_ptr<fake_session> session = std::make_unique<fake_session>();
};

TEST_F(lost_news, a_job_done_in_the_state_whose_result_died_with_its_instance_is_placed_again_and_answered_once) {
  auto first = job_ended_by_an_instance_that_died(state::completion::completed, "");
  ASSERT_TRUE(first);
  auto again = node->next_job(5s);
  ASSERT_TRUE(again) << "the session never learnt that its job ended: the utterance has no outcome";
  EXPECT_NE((*again)["job_id"], (*first)["job_id"]) << "a new job: the ended one is fenced";
  EXPECT_EQ((*again)["utterance_index"], 0);
  EXPECT_EQ((*again)["audio"], (*first)["audio"]);
  node->complete(*again, "again", "再");
  outcome_count outcomes;
  outcomes.collect(session->socket(), 1, 5s, 800ms);
  EXPECT_EQ(outcomes.per_utterance[0], 1) << outcomes.describe();
  EXPECT_EQ(outcomes.last_kind[0], "result") << outcomes.describe();
  EXPECT_FALSE(node->next_job(300ms)) << "placed again once only";
}

TEST_F(lost_news, a_job_failed_in_the_state_whose_error_died_with_its_instance_is_reported_once_and_not_run_again) {
  auto first = job_ended_by_an_instance_that_died(state::completion::failed, "PROCESSING_ERROR");
  ASSERT_TRUE(first);
  outcome_count outcomes;
  outcomes.collect(session->socket(), 1, 5s, 800ms);
  EXPECT_EQ(outcomes.per_utterance[0], 1) << outcomes.describe();
  EXPECT_NE(outcomes.last_kind[0], "result") << outcomes.describe();
  EXPECT_NE(outcomes.last_kind[0], "missing") << outcomes.describe();
  EXPECT_FALSE(node->next_job(300ms)) << "a failure recorded in the state is reported, not run again";
}

}  // namespace
}  // namespace lingua::test
