#pragma once
// A real redis-server and real lingua-scheduler processes for each test; peers connect over real WebSockets.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "e2e/harness/fake_node.hpp"
#include "e2e/harness/fake_session.hpp"
#include "e2e/harness/scheduler_process.hpp"
#include "redis/embedded_server.hpp"

namespace lingua::test {

using namespace std::chrono_literals;

class scheduler_e2e : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts a scheduler on the test's Redis with the fast test flags plus `extra`.
  scheduler_process& start_scheduler(std::vector<std::string> extra = {}, std::string instance_id = "");

  std::unique_ptr<redis::embedded_server> redis;
  std::vector<std::unique_ptr<scheduler_process>> schedulers;
};

// Skips messages of other types; fails the test when the wanted one does not come.
nlohmann::json expect_message(ws_client& ws, std::string_view type, std::chrono::milliseconds timeout = 5s);

}  // namespace lingua::test
