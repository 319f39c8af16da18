// `--workers N`: one lingua-scheduler process runs N single-loop instances on one port (SO_REUSEPORT). The kernel
// spreads the sockets over the workers, each worker is an instance of its own in the cluster, they share one Redis
// (the test's, or the embedded one the supervisor starts once), a job crosses from one worker to another, and the
// supervisor forwards SIGTERM and exits when its workers have.
#include <memory>
#include <string>
#include <vector>

#include "api_helpers.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using nlohmann::json;

class workers : public scheduler_e2e {};

std::int64_t owned(const json& cluster, const std::string& instance, const char* what) {
  const json entry = find_by(cluster["instances"], "instance_id", instance);
  return entry.is_null() ? 0 : entry[what].get<std::int64_t>();
}

// Enough connections that all of them landing on one worker means the port is not shared (2^-63 by chance).
constexpr int max_tries = 64;

TEST_F(workers, sockets_on_the_one_port_are_served_by_both_workers_and_a_job_crosses_from_one_to_the_other) {
  auto& pool = start_scheduler({"--workers=2"}, "pool");
  const std::uint16_t port = pool.port();
  const std::vector<std::string> ids = {"pool-w1", "pool-w2"};
  const json both = api_until(port, "/api/v1/cluster", [](const json& c) { return c["online_instances"] == 2; });
  ASSERT_FALSE(find_by(both["instances"], "instance_id", ids[0]).is_null()) << both.dump();
  ASSERT_FALSE(find_by(both["instances"], "instance_id", ids[1]).is_null()) << both.dump();

  // One node; the worker that owns it and the other one.
  fake_node node(named_node("node-of-a-worker"));
  node.connect(port);
  node.heartbeat();
  json cluster = api_until(port, "/api/v1/cluster", [](const json& c) {
    const json n = find_by(c["nodes"], "node_id", "node-of-a-worker");
    return !n.is_null() && n["status"] == "ready";
  });
  const std::string node_worker = find_by(cluster["nodes"], "node_id", "node-of-a-worker")["owner_instance"];
  ASSERT_TRUE(node_worker == ids[0] || node_worker == ids[1]) << node_worker;
  const std::string other = node_worker == ids[0] ? ids[1] : ids[0];

  // Sessions until both workers own one; the first on the other worker is the one whose job must cross.
  std::vector<std::unique_ptr<fake_session>> sessions;
  fake_session* across = nullptr;
  for (int i = 0; i < max_tries && (across == nullptr || owned(cluster, node_worker, "sessions_owned") == 0); ++i) {
    sessions.push_back(std::make_unique<fake_session>());
    sessions.back()->connect(port);
    const std::int64_t expected = i + 1;
    cluster = api_until(port, "/api/v1/cluster", [&](const json& c) {
      return owned(c, ids[0], "sessions_owned") + owned(c, ids[1], "sessions_owned") == expected;
    });
    if (across == nullptr && owned(cluster, other, "sessions_owned") == 1) across = sessions.back().get();
  }
  ASSERT_NE(across, nullptr) << max_tries << " sessions all went to the node's worker";
  EXPECT_GE(owned(cluster, node_worker, "sessions_owned"), 1) << max_tries << " sessions all went to one worker";

  across->send_utterance(0);
  const auto job = node.next_job();
  ASSERT_TRUE(job) << "the job of a session on " << other << " reaches the node on " << node_worker;
  EXPECT_EQ((*job)["session_id"], across->id());
  node.complete(*job, "hello", "你好");
  const auto result = across->next("translation_result");
  ASSERT_TRUE(result) << "the node's result crosses back to the session's worker";
  EXPECT_EQ((*result)["text_translated"], "你好");

  // Nodes too land on both workers.
  std::vector<std::unique_ptr<fake_node>> more_nodes;
  for (int i = 0; i < max_tries && owned(cluster, other, "nodes_owned") == 0; ++i) {
    more_nodes.push_back(std::make_unique<fake_node>(named_node("node-more-" + std::to_string(i))));
    more_nodes.back()->connect(port);
    const std::int64_t expected = i + 2;
    cluster = api_until(port, "/api/v1/cluster", [&](const json& c) {
      return owned(c, ids[0], "nodes_owned") + owned(c, ids[1], "nodes_owned") == expected;
    });
  }
  EXPECT_GE(owned(cluster, other, "nodes_owned"), 1) << max_tries << " nodes all went to one worker";
}

TEST_F(workers, with_the_embedded_redis_the_supervisor_starts_one_for_all_workers_and_exits_after_them_on_sigterm) {
  std::vector<std::string> flags = fast_test_flags();
  flags.push_back("--workers=2");
  scheduler_process pool("", flags, "solo");  // no --redis: embedded
  pool.start();
  const json cluster =
      api_until(pool.port(), "/api/v1/cluster", [](const json& c) { return c["online_instances"] == 2; });
  EXPECT_EQ(cluster["online_instances"], 2) << "each worker sees the other: they share the one embedded Redis";
  EXPECT_FALSE(find_by(cluster["instances"], "instance_id", "solo-w1").is_null());
  EXPECT_FALSE(find_by(cluster["instances"], "instance_id", "solo-w2").is_null());
  pool.terminate();
  EXPECT_FALSE(pool.running());
  EXPECT_EQ(pool.exit_status(), 0) << "SIGTERM reached both workers, they drained and exited cleanly";
}

}  // namespace
}  // namespace lingua::test
