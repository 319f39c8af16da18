// Many concurrent dispatches against few slots: no node ever holds more than its capacity, every job is either
// placed or waiting, and after every completion (with the hand-offs they trigger) every counter is back to zero.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <map>

#include "state_fixture.hpp"

namespace lingua::test {
namespace {

namespace net = boost::asio;
using state_concurrency = state_test;

TEST_F(state_concurrency, concurrent_dispatches_never_over_reserve_and_all_counters_return_to_zero) {
  state::state_config config;
  config.backlog_max_wait_ms = 60000;
  configure(config);
  const std::map<std::string, std::uint32_t> capacity = {{"n1", 1}, {"n2", 2}, {"n3", 3}};
  for (const auto& [id, max] : capacity) add_ready_node(id, en_zh_node(max));

  constexpr int jobs = 60;
  std::vector<state::dispatch_outcome> outcomes(jobs);
  int finished = 0;
  for (int i = 0; i < jobs; ++i) {
    net::co_spawn(
        io,
        [&, i]() -> net::awaitable<void> {
          auto d = co_await state->dispatch(en_to_zh_job("j" + std::to_string(i), "s-" + std::to_string(i % 7)));
          if (d) outcomes[static_cast<std::size_t>(i)] = *d;
          ++finished;
        },
        net::detached);
  }
  while (finished < jobs) io.run_one();

  std::map<std::string, std::vector<std::pair<std::string, std::uint32_t>>> running;
  int queued = 0;
  for (int i = 0; i < jobs; ++i) {
    const auto& d = outcomes[static_cast<std::size_t>(i)];
    if (d.status == state::dispatch_outcome::kind::assigned) running[d.node_id].push_back({d.job_id, d.attempt});
    else if (d.status == state::dispatch_outcome::kind::queued) ++queued;
    else ADD_FAILURE() << "job " << i << " neither placed nor waiting";
  }
  for (const auto& [id, max] : capacity) {
    EXPECT_EQ(running[id].size(), max) << id;
    EXPECT_EQ(load_of(id), max) << id;
  }
  EXPECT_EQ(queued, jobs - 6);

  // Complete everything; each completion may hand the freed slot to a waiting job, which we complete in turn.
  int completed = 0;
  bool progress = true;
  while (progress) {
    progress = false;
    for (auto& [node, list] : running) {
      if (list.empty()) continue;
      auto [job_id, attempt] = list.back();
      list.pop_back();
      auto c = run(state->complete(job_id, node, attempt, state::completion::completed, ""));
      ASSERT_TRUE(c);
      ASSERT_EQ(c->status, state::complete_outcome::kind::completed);
      ++completed;
      for (const auto& handed : c->handed) list.push_back({handed.job_id, handed.attempt});
      EXPECT_LE(load_of(node), capacity.at(node));
      progress = true;
    }
  }
  EXPECT_EQ(completed, jobs);
  for (const auto& [id, max] : capacity) EXPECT_EQ(load_of(id), 0) << id;
  EXPECT_EQ(zcard("job:backlog"), 0);
  EXPECT_EQ(zcard("node:jobs"), 0);
  EXPECT_EQ(zcard("pool:free"), 3) << "three free nodes, one member each";
}

}  // namespace
}  // namespace lingua::test
