#pragma once
// A real redis-server per test, a client on it, and the state machine under test.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>

#include "redis/client.hpp"
#include "redis/embedded_server.hpp"
#include "state/scheduler_state.hpp"
#include "support/await.hpp"

namespace lingua::test {

class state_test : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Fresh state machine over the same client, e.g. with other timeouts.
  void configure(state::state_config config);

  template <class T>
  T run(boost::asio::awaitable<T> work) {
    return lingua::test::await(io, std::move(work));
  }

  // A node that handles en and zh with every core service, registered and (unless told otherwise) ready.
  state::node_capabilities en_zh_node(std::uint32_t max_jobs = 2) const;
  void add_ready_node(const std::string& id, const state::node_capabilities& caps);
  // Its trace id is "tr-<job_id>".
  state::dispatch_request en_to_zh_job(const std::string& job_id, const std::string& session = "s-1") const;
  std::int64_t load_of(const std::string& node_id);
  std::int64_t zcard(const std::string& suffix);
  // Whether the node has a member in the pool's part of the ready set (lua/includes/pools.lua).
  bool in_ready_set(const std::string& pool, const std::string& node_id);
  redis::reply raw(redis::command_args args);

  boost::asio::io_context io;
  std::unique_ptr<redis::embedded_server> server;
  std::unique_ptr<redis::client> client;
  std::unique_ptr<state::scheduler_state> state;
};

}  // namespace lingua::test
