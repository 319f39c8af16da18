#include "api/cluster_reader.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "api/api_views.hpp"
#include "state/script_keys.hpp"

namespace lingua::api {
namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr const char* inbox_group = "scheduler";  // routing/instance_link.cpp's consumer group

std::int64_t integer_of(const redis::reply& r) { return r.as_integer().value_or(0); }

json parsed_or_empty(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json::object();
  return j;
}

json since_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return redis::reply::make_string(text).as_integer().value_or(0);
}

// The script's reply (lua/cluster_view.lua) as JSON; false when its shape is not the documented one.
bool fill_from_view(const redis::reply& view, const read_limits& limits, json& out) {
  if (!view.is_array() || view.size() != 5 || !view[0].is_array() || view[0].size() != 6) return false;
  const redis::reply& totals = view[0];
  out["now_ms"] = integer_of(totals[0]);
  out["totals"] = {{"nodes", integer_of(totals[1])},
                   {"slots_held", integer_of(totals[2])},
                   {"backlog", integer_of(totals[3])},
                   {"unavailability_marks", integer_of(totals[4])}};
  out["pools_truncated"] = integer_of(totals[5]) != 0;
  json pools = json::array();
  const auto& flat = view[1].elements();
  for (std::size_t i = 0; i + 2 < flat.size(); i += 3) {
    pools.push_back({{"pool", flat[i].str()},
                     {"languages", split_list(flat[i].str(), '-')},
                     {"members", integer_of(flat[i + 1])},
                     {"free_members", integer_of(flat[i + 2])}});
  }
  out["pools"] = std::move(pools);
  json nodes = json::array();
  for (const auto& row : view[2].elements()) {
    if (!row.is_array() || row.size() != 8) return false;
    json info = parsed_or_empty(row[2].str());
    info.erase("cred");  // the credential's fingerprint is the auth module's business, not the dashboard's
    nodes.push_back({{"node_id", row[0].str()},
                     {"pool", row[1].str()},
                     {"info", std::move(info)},
                     {"state", parsed_or_empty(row[3].str())},
                     {"slots", integer_of(row[4])},
                     {"job_links", integer_of(row[5])},
                     {"owner", row[6].str()},
                     {"drained_since_ms", since_or_null(row[7].str())}});
  }
  out["nodes"] = std::move(nodes);
  const std::string next = view[3].str();
  out["page"] = {{"cursor", limits.cursor}, {"next_cursor", next}, {"limit", limits.node_page},
                 {"complete", limits.cursor.empty() && next.empty()}};
  json drains = json::object();
  const auto& pairs = view[4].elements();
  for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) drains[pairs[i].str()] = integer_of(pairs[i + 1]);
  out["drains"] = std::move(drains);
  return true;
}

json drained_since(const json& drains, const std::string& target) {
  const auto it = drains.find(target);
  if (it == drains.end()) return nullptr;
  return *it;
}

}  // namespace

asio::awaitable<std::optional<json>> read_cluster(state::scheduler_state& state, read_limits limits) {
  const state::state_keys& keys = state.keys();
  limits.node_page = std::max<std::int64_t>(1, limits.node_page);
  limits.max_pools = std::max<std::int64_t>(1, limits.max_pools);
  std::vector<std::string> view_keys = keys.fixed();
  for (auto& k : state::transition_keys_of<state::script_keys::cluster_view>(keys.key("drain"), keys.key("owners:node"))) {
    view_keys.push_back(std::move(k));
  }
  std::vector<std::string> view_args{limits.cursor, std::to_string(limits.node_page), std::to_string(limits.max_pools)};
  redis::result view = co_await state.script("cluster_view").call(state.redis(), view_keys, view_args);
  if (!view.ok()) co_return std::nullopt;
  json out = json::object();
  out["heartbeat_timeout_ms"] = state.config().heartbeat_timeout_ms;
  if (!fill_from_view(view.value, limits, out)) co_return std::nullopt;

  std::vector<redis::command_args> first;
  first.push_back(redis::arguments("ZRANGE", keys.key("instances"), 0, limits.max_instances - 1, "WITHSCORES"));
  first.push_back(redis::arguments("HLEN", keys.key("owners:session")));
  first.push_back(redis::arguments("XLEN", keys.key("dead_letters")));
  first.push_back(redis::arguments("ZCARD", keys.key("rooms")));
  first.push_back(redis::arguments("ZREVRANGE", keys.key("rooms"), 0, limits.recent_rooms - 1, "WITHSCORES"));
  std::vector<redis::result> got = co_await state.redis().pipeline(std::move(first));
  if (got.size() != 5 || std::any_of(got.begin(), got.end(), [](const redis::result& r) { return r.ec; })) {
    co_return std::nullopt;
  }
  out["totals"]["sessions"] = integer_of(got[1].value);
  out["totals"]["dead_letters"] = integer_of(got[2].value);
  out["totals"]["rooms"] = integer_of(got[3].value);

  // Per instance: inbox length, pending (read, not yet acknowledged), owned nodes and sessions; per recent room:
  // its fields (members are "m:<session>").
  std::vector<std::pair<std::string, std::int64_t>> instances;
  const auto& presence = got[0].value.elements();
  for (std::size_t i = 0; i + 1 < presence.size(); i += 2) {
    instances.emplace_back(presence[i].str(), integer_of(presence[i + 1]));
  }
  std::vector<std::pair<std::string, std::int64_t>> rooms;
  const auto& recent = got[4].value.elements();
  for (std::size_t i = 0; i + 1 < recent.size(); i += 2) rooms.emplace_back(recent[i].str(), integer_of(recent[i + 1]));
  std::vector<redis::command_args> second;
  for (const auto& [id, expiry] : instances) {
    const std::string inbox = keys.key("inbox:" + id);
    second.push_back(redis::arguments("XLEN", inbox));
    second.push_back(redis::arguments("XPENDING", inbox, inbox_group));
    second.push_back(redis::arguments("SCARD", keys.key("owned:" + id + ":node")));
    second.push_back(redis::arguments("SCARD", keys.key("owned:" + id + ":session")));
  }
  for (const auto& [code, at] : rooms) second.push_back(redis::arguments("HKEYS", keys.key("room:" + code)));
  std::vector<redis::result> more;
  if (!second.empty()) more = co_await state.redis().pipeline(std::move(second));
  if (more.size() != 4 * instances.size() + rooms.size()) co_return std::nullopt;

  json instance_list = json::array();
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const redis::result* r = &more[4 * i];
    std::int64_t pending = 0;  // XPENDING summary: {count, first, last, consumers}; an error (no group yet) is 0
    if (r[1].ok() && r[1].value.is_array() && r[1].value.size() >= 1) pending = integer_of(r[1].value[0]);
    instance_list.push_back({{"instance_id", instances[i].first},
                             {"presence_expires_ms", instances[i].second},
                             {"inbox_length", integer_of(r[0].value)},
                             {"inbox_pending", pending},
                             {"nodes_owned", integer_of(r[2].value)},
                             {"sessions_owned", integer_of(r[3].value)},
                             {"drained_since_ms", drained_since(out["drains"], "instance:" + instances[i].first)}});
  }
  out["instances"] = std::move(instance_list);
  json room_list = json::array();
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    const auto& fields = more[4 * instances.size() + i].value.elements();
    const auto members = std::count_if(fields.begin(), fields.end(),
                                       [](const redis::reply& f) { return f.str().rfind("m:", 0) == 0; });
    room_list.push_back({{"code", rooms[i].first}, {"members", members}, {"last_activity_ms", rooms[i].second}});
  }
  out["rooms"] = std::move(room_list);
  co_return out;
}

}  // namespace lingua::api
