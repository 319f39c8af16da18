// The operator API over real schedulers, a real Redis and real node and session sockets: what it reports is what
// exists (instances, their inboxes and owned sockets, nodes with status, load and heartbeat age, pools, uncovered
// language pairs, web clients and their languages), it pages a fleet, and it says 503 while Redis is down.
#include <set>
#include <string>
#include <utility>
#include <vector>
#include <thread>

#include "api_helpers.hpp"
#include "e2e_fixture.hpp"
#include "kit/http_client.hpp"

namespace lingua::test {
namespace {

using nlohmann::json;

class operator_api : public scheduler_e2e {};

node_spec languages_node(std::string id, std::vector<std::string> languages, std::uint32_t max) {
  node_spec spec = named_node(std::move(id), max);
  spec.asr = languages;
  spec.tts = languages;
  spec.semantic = languages;
  return spec;
}

bool node_ready(const json& cluster, const std::string& id) {
  const json node = find_by(cluster["nodes"], "node_id", id);
  return !node.is_null() && node["status"] == "ready";
}

TEST_F(operator_api, the_cluster_route_lists_every_instance_with_what_it_owns_and_every_node_with_its_pool) {
  auto& a = start_scheduler({}, "instance-a");
  auto& b = start_scheduler({}, "instance-b");
  fake_node en_zh(languages_node("node-en-zh", {"en", "zh"}, 3));
  en_zh.connect(a.port());
  fake_node de_en(languages_node("node-de-en", {"de", "en"}, 2));
  de_en.connect(b.port());
  fake_session session;
  session.connect(b.port(), "en", "zh");

  const json cluster = api_until(a.port(), "/api/v1/cluster", [](const json& c) {
    return node_ready(c, "node-en-zh") && node_ready(c, "node-de-en") && c["total_sessions"] == 1;
  });
  EXPECT_EQ(cluster["total_instances"], 2);
  EXPECT_EQ(cluster["online_instances"], 2);
  EXPECT_EQ(cluster["total_nodes"], 2);
  EXPECT_EQ(cluster["ready_nodes"], 2);
  EXPECT_EQ(cluster["instance_id"], "instance-a");
  const json inst_a = find_by(cluster["instances"], "instance_id", "instance-a");
  const json inst_b = find_by(cluster["instances"], "instance_id", "instance-b");
  ASSERT_FALSE(inst_a.is_null());
  ASSERT_FALSE(inst_b.is_null());
  EXPECT_EQ(inst_a["nodes_owned"], 1);
  EXPECT_EQ(inst_a["sessions_owned"], 0);
  EXPECT_EQ(inst_b["nodes_owned"], 1);
  EXPECT_EQ(inst_b["sessions_owned"], 1);
  EXPECT_TRUE(inst_a["is_self"].get<bool>());
  EXPECT_TRUE(inst_a["pid"].is_number());
  EXPECT_TRUE(inst_b["pid"].is_null()) << "another instance's process details are not in Redis";
  EXPECT_TRUE(inst_b["inbox_length"].is_number());

  const json node = find_by(cluster["nodes"], "node_id", "node-de-en");
  EXPECT_EQ(node["owner_instance"], "instance-b");
  EXPECT_EQ(node["max_concurrent_jobs"], 2);
  EXPECT_EQ(node["current_jobs"], 0);
  EXPECT_EQ(node["pool"], "de-en");
  EXPECT_EQ(node["languages"], json::array({"de", "en"}));
  EXPECT_TRUE(node["online"].get<bool>());
  EXPECT_GE(node["heartbeat_age_ms"].get<std::int64_t>(), 0);
  EXPECT_EQ(node["services"].size(), 3U);
  EXPECT_EQ(node["capabilities"][0]["ready"], true);
  EXPECT_TRUE(node["drain"].is_null());

  const json pool = find_by(cluster["pools"], "pool", "en-zh");
  ASSERT_FALSE(pool.is_null());
  EXPECT_EQ(pool["members"], 1);
  EXPECT_EQ(pool["free_members"], 1);
  EXPECT_EQ(pool["slots"]["capacity"], 3);
  EXPECT_EQ(pool["slots"]["free"], 3);
  // de and zh are both known (from the pools) but no node serves the pair.
  const json& uncovered = cluster["uncovered_pairs"];
  ASSERT_EQ(uncovered.size(), 1U) << uncovered.dump();
  EXPECT_EQ(uncovered[0]["source"], "de");
  EXPECT_EQ(uncovered[0]["target"], "zh");
  EXPECT_EQ(uncovered[0]["reason"], "no_node");
}

TEST_F(operator_api, a_job_in_flight_shows_as_a_held_slot_and_its_pool_has_one_free_slot_less) {
  auto& s = start_scheduler();
  fake_node node(languages_node("node-busy", {"en", "zh"}, 2));
  node.connect(s.port());
  fake_session session;
  session.connect(s.port(), "en", "zh");
  session.send_audio(5, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  json cluster = api_get(s.port(), "/api/v1/cluster");
  json entry = find_by(cluster["nodes"], "node_id", "node-busy");
  EXPECT_EQ(entry["current_jobs"], 1);
  EXPECT_EQ(entry["free_slots"], 1);
  EXPECT_EQ(cluster["slots_held"], 1);
  EXPECT_EQ(find_by(cluster["pools"], "pool", "en-zh")["slots"]["used"], 1);

  node.complete(*job);
  ASSERT_TRUE(session.next("translation_result"));
  cluster = api_until(s.port(), "/api/v1/cluster", [](const json& c) { return c["slots_held"] == 0; });
  EXPECT_EQ(find_by(cluster["nodes"], "node_id", "node-busy")["current_jobs"], 0);
}

TEST_F(operator_api, stats_report_web_clients_with_their_languages_and_nodes_by_service_type) {
  auto& s = start_scheduler();
  fake_node node(languages_node("node-stats", {"en", "zh"}, 4));
  node.connect(s.port());
  fake_session one, two;
  one.connect(s.port(), "en", "zh");
  two.connect(s.port(), "auto", "zh");
  const json stats = api_until(s.port(), "/api/v1/stats", [](const json& st) {
    return st["web_clients"]["active_users"] == 2 && st["nodes"]["connected_nodes"] == 1;
  });
  const json& clients = stats["web_clients"];
  EXPECT_EQ(clients["active_users"], 2);
  EXPECT_EQ(clients["language_usage"]["en"]["as_source"], 1);
  EXPECT_EQ(clients["language_usage"]["zh"]["as_target"], 2);
  EXPECT_FALSE(clients["language_usage"].contains("auto"));
  EXPECT_EQ(clients["top_languages"][0]["language"], "zh");
  const json& nodes = stats["nodes"];
  EXPECT_EQ(nodes["type_node_counts"]["Asr"], 1);
  EXPECT_EQ(nodes["type_node_counts"]["Tts"], 1);
  EXPECT_EQ(nodes["total_services"], 3);
  ASSERT_EQ(nodes["compute_power"]["node_power_details"].size(), 1U);
  EXPECT_EQ(nodes["details"][0]["node_id"], "node-stats");
  EXPECT_EQ(nodes["details"][0]["max_concurrent_jobs"], 4);
}

TEST_F(operator_api, a_fleet_is_read_page_by_page_with_the_cursor_and_every_node_appears_once) {
  auto& s = start_scheduler();
  std::vector<std::unique_ptr<fake_node>> nodes;
  for (int i = 0; i < 5; ++i) {
    const std::vector<std::string> langs = i % 2 ? std::vector<std::string>{"en", "zh"} : std::vector<std::string>{"de", "en"};
    nodes.push_back(std::make_unique<fake_node>(languages_node("node-page-" + std::to_string(i), langs, 1)));
    nodes.back()->connect(s.port());
  }
  api_until(s.port(), "/api/v1/cluster", [](const json& c) { return c["total_nodes"] == 5; });
  std::multiset<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (; pages < 10; ++pages) {
    const json page = api_get(s.port(), "/api/v1/cluster?limit=2&cursor=" + cursor);
    EXPECT_LE(page["nodes"].size(), 2U);
    EXPECT_EQ(page["total_nodes"], 5) << "totals are exact on every page";
    EXPECT_FALSE(page["page"]["complete"].get<bool>());
    for (const auto& n : page["nodes"]) seen.insert(n["node_id"].get<std::string>());
    const std::string next = page["page"]["next_cursor"].get<std::string>();
    if (next.empty()) break;
    cursor.clear();  // "<pool>|<node>", with the separator percent-encoded for the URL
    for (char c : next) cursor += c == '|' ? std::string("%7C") : std::string(1, c);
  }
  EXPECT_LE(pages, 3);
  EXPECT_EQ(seen.size(), 5U);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(seen.count("node-page-" + std::to_string(i)), 1U);
  EXPECT_TRUE(api_get(s.port(), "/api/v1/cluster")["page"]["complete"].get<bool>());
}

TEST_F(operator_api, the_api_answers_503_with_the_dependency_error_while_redis_is_down) {
  auto& s = start_scheduler();
  ASSERT_EQ(http_get("127.0.0.1", s.port(), "/api/v1/cluster").status, 200U);
  redis->kill();
  for (const char* route : {"/api/v1/cluster", "/api/v1/stats"}) {
    const http_reply down = http_get("127.0.0.1", s.port(), route, std::chrono::seconds(10));
    EXPECT_EQ(down.status, 503U) << route << ": " << down.body;
    EXPECT_NE(down.body.find("SCHEDULER_DEPENDENCY_DOWN"), std::string::npos) << down.body;
  }
  EXPECT_TRUE(s.running());
}

// The JSON type a field of the original's shapes has: "number", "string", "boolean", "array", "object", or
// "string|null".
void expect_fields(const json& object, const std::vector<std::pair<std::string, std::string>>& fields,
                   const std::string& where) {
  ASSERT_TRUE(object.is_object()) << where << ": " << object.dump();
  for (const auto& [name, type] : fields) {
    ASSERT_TRUE(object.contains(name)) << where << " has no '" << name << "': " << object.dump();
    const json& v = object[name];
    const bool ok = type == "number"        ? v.is_number()
                    : type == "string"      ? v.is_string()
                    : type == "boolean"     ? v.is_boolean()
                    : type == "array"       ? v.is_array()
                    : type == "object"      ? v.is_object()
                    : type == "string|null" ? v.is_string() || v.is_null()
                                            : false;
    EXPECT_TRUE(ok) << where << "." << name << " should be " << type << ": " << v.dump();
  }
}

// Done means (issue 11 §2): a dashboard written for the original scheduler reads ours. Every field of the original's
// ClusterStatsResponse and DashboardStats (reference digest §8.1) is there with the original's JSON type, for a
// real node and a real web client (the per-instance dlq_length is one cluster-wide total_dlq here: docs/api.md).
TEST_F(operator_api, the_cluster_and_stats_answers_have_every_field_of_the_originals_shapes) {
  auto& scheduler = start_scheduler({}, "instance-shape");
  fake_node node(languages_node("node-shape", {"en", "zh"}, 2));
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port(), "en", "zh");

  const json cluster = api_until(scheduler.port(), "/api/v1/cluster",
                                 [](const json& c) { return node_ready(c, "node-shape"); });
  expect_fields(cluster,
                {{"instances", "array"}, {"total_instances", "number"}, {"online_instances", "number"},
                 {"total_nodes", "number"}, {"online_nodes", "number"}, {"ready_nodes", "number"},
                 {"total_sessions", "number"}, {"total_pending", "number"}, {"total_dlq", "number"},
                 {"redis_key_prefix", "string"}, {"nodes", "array"}},
                "cluster");
  expect_fields(find_by(cluster["instances"], "instance_id", "instance-shape"),
                {{"instance_id", "string"}, {"hostname", "string"}, {"pid", "number"}, {"version", "string"},
                 {"started_at_ms", "number"}, {"uptime_seconds", "number"}, {"is_online", "boolean"},
                 {"inbox_length", "number"}, {"inbox_pending", "number"}, {"nodes_owned", "number"},
                 {"sessions_owned", "number"}},
                "cluster.instances[]");
  const json n = find_by(cluster["nodes"], "node_id", "node-shape");
  expect_fields(n,
                {{"node_id", "string"}, {"platform", "string"}, {"online", "boolean"}, {"status", "string"},
                 {"cpu_usage", "number"}, {"gpu_usage", "number"}, {"memory_usage", "number"},
                 {"current_jobs", "number"}, {"max_concurrent_jobs", "number"}, {"last_heartbeat", "number"},
                 {"services", "array"}, {"capabilities", "array"}},
                "cluster.nodes[]");
  ASSERT_FALSE(n["services"].empty());
  expect_fields(n["services"][0], {{"service_id", "string"}, {"service_type", "string"}, {"status", "string"}},
                "cluster.nodes[].services[]");
  ASSERT_FALSE(n["capabilities"].empty());
  expect_fields(n["capabilities"][0],
                {{"service_type", "string"}, {"ready", "boolean"}, {"reason", "string|null"}, {"ready_impl_ids", "array"}},
                "cluster.nodes[].capabilities[]");

  const json stats = api_get(scheduler.port(), "/api/v1/stats");
  expect_fields(stats, {{"web_clients", "object"}, {"nodes", "object"}}, "stats");
  const json& clients = stats["web_clients"];
  expect_fields(clients, {{"active_users", "number"}, {"top_languages", "array"}, {"language_usage", "object"}},
                "stats.web_clients");
  ASSERT_FALSE(clients["top_languages"].empty());
  expect_fields(clients["top_languages"][0], {{"language", "string"}, {"count", "number"}},
                "stats.web_clients.top_languages[]");
  ASSERT_TRUE(clients["language_usage"].contains("en"));
  expect_fields(clients["language_usage"]["en"], {{"as_source", "number"}, {"as_target", "number"}, {"total", "number"}},
                "stats.web_clients.language_usage.en");
  const json& nodes = stats["nodes"];
  expect_fields(nodes,
                {{"connected_nodes", "number"}, {"type_node_counts", "object"}, {"available_services", "array"},
                 {"total_services", "number"}, {"type_in_use_counts", "object"}, {"compute_power", "object"}},
                "stats.nodes");
  ASSERT_FALSE(nodes["available_services"].empty());
  expect_fields(nodes["available_services"][0],
                {{"service_id", "string"}, {"name", "string"}, {"latest_version", "string"}, {"variants", "array"}},
                "stats.nodes.available_services[]");
  expect_fields(nodes["compute_power"],
                {{"total_cpu_power", "number"}, {"total_gpu_power", "number"}, {"total_memory_power", "number"},
                 {"node_power_details", "array"}},
                "stats.nodes.compute_power");
  ASSERT_FALSE(nodes["compute_power"]["node_power_details"].empty());
  expect_fields(nodes["compute_power"]["node_power_details"][0],
                {{"node_id", "string"}, {"node_name", "string"}, {"cpu_power", "number"}, {"gpu_power", "number"},
                 {"memory_power", "number"}},
                "stats.nodes.compute_power.node_power_details[]");
}

}  // namespace
}  // namespace lingua::test
