// Operator drains over real schedulers, a real Redis and real sockets: the admin endpoints are never open, a drain
// reaches a node owned by another instance, a drained node takes no new job while it finishes the one it holds, an
// instance drain covers exactly the nodes connected to that instance, and reading the API can need a token.
#include <thread>

#include "api_helpers.hpp"
#include "e2e_fixture.hpp"
#include "kit/http_client.hpp"

namespace lingua::test {
namespace {

using nlohmann::json;

constexpr const char* admin_token = "admin-token-for-the-e2e-0123456789";
constexpr const char* api_token = "api-token-for-the-e2e-0123456789";

http_reply post(std::uint16_t port, const std::string& target, const std::string& token = admin_token) {
  http_connection connection("127.0.0.1", port);
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return connection.request("POST", target, headers);
}

class operator_drain : public scheduler_e2e {
 protected:
  scheduler_process& start_admin(const std::string& id) {
    return start_scheduler({std::string("--auth.admin_token=") + admin_token}, id);
  }
};

json node_entry(std::uint16_t port, const std::string& id) {
  return find_by(api_get(port, "/api/v1/cluster")["nodes"], "node_id", id);
}

bool node_status_is(std::uint16_t port, const std::string& id, const std::string& status) {
  const json cluster = api_until(port, "/api/v1/cluster", [&](const json& c) {
    const json n = find_by(c["nodes"], "node_id", id);
    return !n.is_null() && n["status"] == status;
  });
  const json n = find_by(cluster["nodes"], "node_id", id);
  return !n.is_null() && n["status"] == status;
}

TEST_F(operator_drain, admin_endpoints_are_refused_without_a_configured_admin_token_and_without_the_right_one) {
  auto& open = start_scheduler({}, "no-admin");
  fake_node node(named_node("node-refused"));
  node.connect(open.port());
  const http_reply disabled = post(open.port(), "/api/v1/nodes/drain?node_id=node-refused");
  EXPECT_EQ(disabled.status, 403U) << disabled.body;
  EXPECT_NE(disabled.body.find("admin_token"), std::string::npos);

  auto& guarded = start_admin("with-admin");
  EXPECT_EQ(post(guarded.port(), "/api/v1/nodes/drain?node_id=node-refused", "").status, 401U);
  const http_reply wrong = post(guarded.port(), "/api/v1/nodes/drain?node_id=node-refused", "not-the-admin-token-000");
  EXPECT_EQ(wrong.status, 401U);
  EXPECT_TRUE(std::any_of(wrong.headers.begin(), wrong.headers.end(),
                          [](const auto& h) { return h.first == "WWW-Authenticate"; }));
  // The token in the URL does not count for an admin action.
  EXPECT_EQ(post(guarded.port(), std::string("/api/v1/nodes/drain?node_id=node-refused&token=") + admin_token, "")
                .status,
            401U);
  EXPECT_EQ(http_get("127.0.0.1", guarded.port(), "/api/v1/nodes/drain?node_id=node-refused").status, 405U);
  EXPECT_EQ(node_entry(guarded.port(), "node-refused")["status"], "ready") << "nothing refused changed anything";
  EXPECT_EQ(post(guarded.port(), "/api/v1/nodes/drain?node_id=no-such-node").status, 404U);
  EXPECT_EQ(post(guarded.port(), "/api/v1/nodes/drain").status, 400U);
  EXPECT_EQ(post(guarded.port(), "/api/v1/instances/drain?instance_id=no-such-instance").status, 404U);
  EXPECT_TRUE(api_get(guarded.port(), "/api/v1/cluster")["drains"].empty());
}

TEST_F(operator_drain, a_node_drained_through_another_instance_finishes_its_job_takes_no_new_one_until_undrained) {
  auto& a = start_admin("instance-a");
  auto& b = start_admin("instance-b");
  fake_node node(named_node("node-drained", 4));
  node.connect(a.port());
  fake_session session;
  session.connect(a.port(), "en", "zh");
  session.send_audio(5, true);
  auto held = node.next_job();
  ASSERT_TRUE(held);

  const http_reply drained = post(b.port(), "/api/v1/nodes/drain?node_id=node-drained");
  ASSERT_EQ(drained.status, 200U) << drained.body;
  EXPECT_EQ(json::parse(drained.body)["nodes"][0]["status"], "draining");
  json entry = node_entry(a.port(), "node-drained");
  EXPECT_EQ(entry["status"], "draining");
  EXPECT_EQ(entry["reported_status"], "ready");
  EXPECT_EQ(entry["drain"]["by"], "node");
  EXPECT_EQ(entry["current_jobs"], 1);

  node.heartbeat();  // the node keeps saying "ready": the drain stays
  session.send_audio(5, true);
  EXPECT_FALSE(node.next_job(std::chrono::milliseconds(800))) << "a drained node is given no new job";
  EXPECT_TRUE(node_status_is(b.port(), "node-drained", "draining"));
  node.complete(*held);
  auto first = session.next("translation_result");
  ASSERT_TRUE(first) << "the job it held finishes and its result is delivered";

  ASSERT_EQ(post(b.port(), "/api/v1/nodes/undrain?node_id=node-drained").status, 200U);
  EXPECT_TRUE(node_status_is(a.port(), "node-drained", "ready"));
  node.heartbeat();  // the waiting job reaches the node with its next heartbeat
  auto next = node.next_job();
  ASSERT_TRUE(next) << "undrained, it takes the job that waited";
  EXPECT_TRUE(node_entry(a.port(), "node-drained")["drain"].is_null());
}

TEST_F(operator_drain, an_instance_drain_covers_exactly_the_nodes_connected_to_that_instance) {
  auto& a = start_admin("instance-a");
  auto& b = start_admin("instance-b");
  fake_node on_a(named_node("node-on-a", 4));
  on_a.connect(a.port());
  fake_node on_b(named_node("node-on-b", 4));
  on_b.connect(b.port());

  const http_reply r = post(b.port(), "/api/v1/instances/drain?instance_id=instance-a");
  ASSERT_EQ(r.status, 200U) << r.body;
  const json cluster = api_get(b.port(), "/api/v1/cluster");
  const json on_a_entry = find_by(cluster["nodes"], "node_id", "node-on-a");
  EXPECT_EQ(on_a_entry["status"], "draining");
  EXPECT_EQ(on_a_entry["drain"]["by"], "instance");
  EXPECT_EQ(find_by(cluster["nodes"], "node_id", "node-on-b")["status"], "ready");
  EXPECT_TRUE(find_by(cluster["instances"], "instance_id", "instance-a")["draining"].get<bool>());
  EXPECT_FALSE(find_by(cluster["instances"], "instance_id", "instance-b")["draining"].get<bool>());

  // A node that connects to the drained instance later is drained with its first heartbeat.
  fake_node late(named_node("node-late-on-a", 4));
  late.connect(a.port());
  EXPECT_TRUE(node_status_is(b.port(), "node-late-on-a", "draining"));

  fake_session session;
  session.connect(a.port(), "en", "zh");
  for (int i = 0; i < 3; ++i) {
    session.send_audio(5, true);
    auto job = on_b.next_job();
    ASSERT_TRUE(job) << "every job goes to the node of the other instance";
    on_b.complete(*job);
  }
  EXPECT_FALSE(on_a.next_job(std::chrono::milliseconds(200)));

  // Drained by default: the answering instance.
  ASSERT_EQ(post(a.port(), "/api/v1/instances/undrain").status, 200U);
  EXPECT_TRUE(node_status_is(b.port(), "node-on-a", "ready"));
  EXPECT_TRUE(node_status_is(b.port(), "node-late-on-a", "ready"));
}

TEST_F(operator_drain, reading_the_api_needs_the_api_token_or_the_admin_token_when_one_is_set) {
  auto& s = start_scheduler({std::string("--auth.api_token=") + api_token, std::string("--auth.admin_token=") +
                                                                            admin_token});
  for (const char* route : {"/api/v1/cluster", "/api/v1/stats"}) {
    EXPECT_EQ(http_get("127.0.0.1", s.port(), route).status, 401U) << route;
    EXPECT_EQ(http_get("127.0.0.1", s.port(), std::string(route) + "?token=wrong-token-000000000").status, 401U);
    EXPECT_EQ(http_get("127.0.0.1", s.port(), std::string(route) + "?token=" + api_token).status, 200U) << route;
    http_connection bearer("127.0.0.1", s.port());
    EXPECT_EQ(bearer.request("GET", route, {{"Authorization", std::string("Bearer ") + admin_token}}).status, 200U);
  }
  EXPECT_EQ(post(s.port(), "/api/v1/instances/drain", api_token).status, 401U) << "the api token cannot act";
}

}  // namespace
}  // namespace lingua::test
