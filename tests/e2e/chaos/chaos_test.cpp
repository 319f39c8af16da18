// Chaos under load, real processes: nodes SIGKILLed mid-job again and again, Redis paused and restarted empty
// while utterances keep coming. The rule checked: every utterance ends in exactly one outcome (a result or one
// explicit error), and no slot stays reserved once the load is over.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "chaos_support.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using chaos = scheduler_e2e;

constexpr std::uint64_t utterances = 24;

// Reads the session's messages for `period` (one utterance every period keeps the load steady).
void drain_for(ws_client& ws, outcome_count& outcomes, std::chrono::milliseconds period) {
  const auto until = std::chrono::steady_clock::now() + period;
  while (std::chrono::steady_clock::now() < until) {
    if (auto m = ws.receive_json(20ms)) outcomes.take(*m);
  }
}

void expect_one_outcome_each(const outcome_count& outcomes) {
  if (std::getenv("LINGUA_CHAOS_VERBOSE") != nullptr) std::printf("outcomes: %s\n", outcomes.describe().c_str());
  for (std::uint64_t i = 0; i < utterances; ++i) {
    auto it = outcomes.per_utterance.find(i);
    EXPECT_TRUE(it != outcomes.per_utterance.end() && it->second == 1)
        << "utterance " << i << ": " << outcomes.describe();
  }
}

TEST_F(chaos, nodes_killed_mid_job_again_and_again_leave_every_utterance_answered_exactly_once) {
  auto& scheduler = start_scheduler();
  std::vector<std::unique_ptr<node_process>> nodes;
  for (int n = 0; n < 3; ++n) {
    nodes.push_back(std::make_unique<node_process>("chaos-node-" + std::to_string(n), scheduler.port(), 2, 150ms));
    nodes.back()->start();
  }
  std::this_thread::sleep_for(500ms);  // registered and heartbeating
  fake_session session;
  session.connect(scheduler.port());
  outcome_count outcomes;
  for (std::uint64_t i = 0; i < utterances; ++i) {
    session.send_utterance(i);
    if (i % 4 == 2) {  // a node dies with jobs in flight and comes back under the same id
      auto& victim = *nodes[(i / 4) % nodes.size()];
      victim.kill();
      victim.start();
    }
    drain_for(session.socket(), outcomes, 100ms);
  }
  outcomes.collect(session.socket(), utterances, 20s);
  expect_one_outcome_each(outcomes);
  nodes.clear();  // killed: their slots vanish with them
}

TEST_F(chaos, redis_paused_then_restarted_empty_under_load_leaves_every_utterance_one_outcome) {
  auto& scheduler = start_scheduler({"--redis.command_timeout_ms=400"});
  std::vector<std::unique_ptr<node_process>> nodes;
  for (int n = 0; n < 2; ++n) {
    nodes.push_back(std::make_unique<node_process>("redis-chaos-" + std::to_string(n), scheduler.port(), 2, 150ms));
    nodes.back()->start();
  }
  std::this_thread::sleep_for(500ms);
  fake_session session;
  session.connect(scheduler.port());
  outcome_count outcomes;
  for (std::uint64_t i = 0; i < utterances; ++i) {
    session.send_utterance(i);
    if (i == 5) {
      ASSERT_EQ(::kill(redis->pid(), SIGSTOP), 0);
    }
    if (i == 15) {  // paused about 1 s: several dispatches time out (400 ms) while it lasts
      ASSERT_EQ(::kill(redis->pid(), SIGCONT), 0);
    }
    if (i == 19) {
      redis->stop();
      redis->start();
    }
    drain_for(session.socket(), outcomes, 100ms);
  }
  outcomes.collect(session.socket(), utterances, 20s);
  expect_one_outcome_each(outcomes);
  // The service is back: a new utterance is translated, and once all is done no slot stays reserved.
  session.send_utterance(utterances);
  outcome_count last;
  for (int k = 0; k < 100 && last.per_utterance.count(utterances) == 0; ++k) {
    if (auto m = session.socket().receive_json(100ms)) last.take(*m);
  }
  EXPECT_EQ(last.last_kind[utterances], "result") << last.describe();
  std::int64_t held = -1;
  for (int k = 0; k < 40 && held != 0; ++k) {
    held = slots_held(redis->address());
    if (held != 0) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(held, 0) << "a reservation leaked";
}

TEST_F(chaos, an_instance_killed_under_load_leaves_every_utterance_on_the_survivor_answered_exactly_once) {
  // A long presence: what moves the jobs of the dead instance's nodes is their reconnect, not the take-over.
  const std::vector<std::string> flags = {"--instance.presence_ttl_ms=30000", "--instance.presence_renew_ms=1000"};
  auto& doomed = start_scheduler(flags, "instance-doomed");
  auto& survivor = start_scheduler(flags, "instance-survivor");
  std::vector<std::unique_ptr<node_process>> nodes;
  for (int n = 0; n < 2; ++n) {
    nodes.push_back(std::make_unique<node_process>("moving-" + std::to_string(n), doomed.port(), 2, 300ms));
    nodes.back()->fall_back_to({survivor.port()});
    nodes.back()->start();
  }
  std::this_thread::sleep_for(500ms);
  fake_session session;
  session.connect(survivor.port());
  outcome_count outcomes;
  for (std::uint64_t i = 0; i < utterances; ++i) {
    session.send_utterance(i);
    if (i == 8) doomed.kill();  // with jobs in flight on both nodes
    drain_for(session.socket(), outcomes, 100ms);
  }
  // Every job held through the dead instance must have moved at the reconnect: the run deadline (15 s) and the
  // take-over (30 s) are both longer than this wait.
  outcomes.collect(session.socket(), utterances, 10s);
  expect_one_outcome_each(outcomes);
}

}  // namespace
}  // namespace lingua::test
