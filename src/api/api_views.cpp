#include "api/api_views.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace lingua::api {
using nlohmann::json;

namespace {

std::int64_t int_at(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return 0;
  return it->get<std::int64_t>();
}

double number_at(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return 0;
  return it->get<double>();
}

std::string text_at(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

json list_of(const std::string& comma_list) { return split_list(comma_list, ','); }

// The original's ServiceType Debug names ("Asr", "Nmt", ...).
std::string service_type(const std::string& service) {
  std::string out = service;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string primary(const std::string& tag) { return tag.substr(0, tag.find('-')); }

// One node as the cluster route shows it (the original's fields first, then ours).
json node_entry(const json& row, const json& read) {
  const json& info = row["info"];
  const json& state = row["state"];
  const std::int64_t now = read.value("now_ms", std::int64_t{0});
  const std::int64_t hb = int_at(state, "hb");
  const std::int64_t age = hb > 0 ? std::max<std::int64_t>(0, now - hb) : -1;
  const std::int64_t max = std::max<std::int64_t>(1, int_at(info, "max"));
  const std::int64_t slots = row.value("slots", std::int64_t{0});
  std::string status = text_at(state, "st");
  if (status.empty()) status = "unknown";
  std::string reported = text_at(state, "rep");
  if (reported.empty()) reported = status;
  json services = json::array();
  json capabilities = json::array();
  for (const auto& svc : list_of(text_at(info, "svc"))) {
    const std::string id = svc.get<std::string>();
    services.push_back({{"service_id", id}, {"service_type", service_type(id)}, {"status", "ready"}});
    capabilities.push_back(
        {{"service_type", service_type(id)}, {"ready", true}, {"reason", nullptr}, {"ready_impl_ids", json::array()}});
  }
  json drain = nullptr;
  const json& drains = read["drains"];
  const std::string owner = row.value("owner", std::string{});
  if (!row["drained_since_ms"].is_null()) {
    drain = {{"by", "node"}, {"since_ms", row["drained_since_ms"]}};
  } else if (!owner.empty() && drains.contains("instance:" + owner)) {
    drain = {{"by", "instance"}, {"since_ms", drains["instance:" + owner]}};
  }
  json languages = json::array();
  for (const auto& pool : read["pools"]) {
    if (pool["pool"] == row["pool"]) languages = pool["languages"];
  }
  return {{"node_id", row["node_id"]},
          {"platform", ""},
          {"online", age >= 0 && age <= read.value("heartbeat_timeout_ms", std::int64_t{0})},
          {"status", status},
          {"cpu_usage", number_at(state, "cpu")},
          {"gpu_usage", number_at(state, "gpu")},
          {"memory_usage", number_at(state, "mem")},
          {"current_jobs", slots},
          {"max_concurrent_jobs", max},
          {"last_heartbeat", hb},
          {"services", std::move(services)},
          {"capabilities", std::move(capabilities)},
          {"heartbeat_age_ms", age},
          {"reported_status", reported},
          {"free_slots", std::max<std::int64_t>(0, max - slots)},
          {"running_jobs_reported", int_at(state, "run")},
          {"queued_jobs_reported", int_at(state, "q")},
          {"pool", row["pool"]},
          {"languages", std::move(languages)},
          {"asr_langs", list_of(text_at(info, "asr"))},
          {"tts_langs", list_of(text_at(info, "tts"))},
          {"accept_public_jobs", int_at(info, "pub") != 0},
          {"owner_instance", owner},
          {"drain", std::move(drain)}};
}

json node_entries(const json& read) {
  json out = json::array();
  for (const auto& row : read["nodes"]) out.push_back(node_entry(row, read));
  return out;
}

// Pools with the slot totals of their members in this read (exact when the node page is complete).
json pool_entries(const json& read, const json& nodes) {
  json out = json::array();
  for (const auto& pool : read["pools"]) {
    std::int64_t capacity = 0, used = 0, ready = 0;
    for (const auto& node : nodes) {
      if (node["pool"] != pool["pool"]) continue;
      capacity += node["max_concurrent_jobs"].get<std::int64_t>();
      used += node["current_jobs"].get<std::int64_t>();
      if (node["status"] == "ready" && node["online"].get<bool>()) ++ready;
    }
    json entry = pool;
    entry["ready_members"] = ready;
    entry["slots"] = {{"capacity", capacity}, {"used", used}, {"free", std::max<std::int64_t>(0, capacity - used)},
                      {"exact", read["page"]["complete"]}};
    out.push_back(std::move(entry));
  }
  return out;
}

json instance_entries(const json& read, const local_instance& self) {
  json out = json::array();
  const std::int64_t now = read.value("now_ms", std::int64_t{0});
  for (const auto& inst : read["instances"]) {
    const bool is_self = inst["instance_id"] == self.instance_id;
    const std::int64_t expires = inst["presence_expires_ms"].get<std::int64_t>();
    json entry = {{"instance_id", inst["instance_id"]},
                  {"hostname", is_self ? json(self.hostname) : json(nullptr)},
                  {"pid", is_self ? json(self.pid) : json(nullptr)},
                  {"version", is_self ? json(self.version) : json(nullptr)},
                  {"started_at_ms", is_self ? json(self.started_at_ms) : json(nullptr)},
                  {"uptime_seconds", is_self ? json((now - self.started_at_ms) / 1000) : json(nullptr)},
                  {"is_online", expires > now},
                  {"inbox_length", inst["inbox_length"]},
                  {"inbox_pending", inst["inbox_pending"]},
                  {"nodes_owned", inst["nodes_owned"]},
                  {"sessions_owned", inst["sessions_owned"]},
                  {"presence_expires_in_ms", expires - now},
                  {"draining", !inst["drained_since_ms"].is_null()},
                  {"drained_since_ms", inst["drained_since_ms"]},
                  {"is_self", is_self}};
    out.push_back(std::move(entry));
  }
  return out;
}

std::int64_t count_nodes(const json& nodes, const char* status) {
  return std::count_if(nodes.begin(), nodes.end(), [status](const json& n) {
    return n["online"].get<bool>() && (status == nullptr || n["status"] == status);
  });
}

}  // namespace

json split_list(const std::string& text, char separator) {
  json out = json::array();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

json uncovered_pairs(const json& pools, const std::vector<local_session>& sessions) {
  std::set<std::string> languages;
  for (const auto& pool : pools) {
    for (const auto& l : pool["languages"]) languages.insert(l.get<std::string>());
  }
  for (const auto& s : sessions) {
    for (const std::string* tag : {&s.src_lang, &s.tgt_lang, &s.lang_a, &s.lang_b}) {
      if (!tag->empty() && *tag != "auto") languages.insert(primary(*tag));
    }
  }
  json out = json::array();
  for (auto a = languages.begin(); a != languages.end(); ++a) {
    for (auto b = std::next(a); b != languages.end(); ++b) {
      bool served = false, free = false;
      for (const auto& pool : pools) {
        const auto& l = pool["languages"];
        if (std::find(l.begin(), l.end(), *a) == l.end() || std::find(l.begin(), l.end(), *b) == l.end()) continue;
        served = true;
        if (pool["free_members"].get<std::int64_t>() > 0) free = true;
      }
      if (!served) out.push_back({{"source", *a}, {"target", *b}, {"reason", "no_node"}});
      else if (!free) out.push_back({{"source", *a}, {"target", *b}, {"reason", "no_free_node"}});
    }
  }
  return out;
}

json cluster_body(const json& read, const local_instance& self) {
  json instances = instance_entries(read, self);
  const std::int64_t online_instances =
      std::count_if(instances.begin(), instances.end(), [](const json& i) { return i["is_online"].get<bool>(); });
  std::int64_t pending = 0;
  for (const auto& i : instances) pending += i["inbox_pending"].get<std::int64_t>();
  json nodes = node_entries(read);
  const json& totals = read["totals"];
  return {{"instances", instances},
          {"total_instances", instances.size()},
          {"online_instances", online_instances},
          {"total_nodes", totals["nodes"]},
          {"online_nodes", count_nodes(nodes, nullptr)},
          {"ready_nodes", count_nodes(nodes, "ready")},
          {"total_sessions", totals["sessions"]},
          {"total_pending", pending},
          {"total_dlq", totals["dead_letters"]},
          {"redis_key_prefix", self.key_prefix},
          {"nodes", nodes},
          {"redis", {{"up", true}}},
          {"instance_id", self.instance_id},
          {"local_sessions", self.sessions.size()},
          {"slots_held", totals["slots_held"]},
          {"backlog_length", totals["backlog"]},
          {"unavailability_marks", totals["unavailability_marks"]},
          {"pools", pool_entries(read, nodes)},
          {"pools_truncated", read["pools_truncated"]},
          {"uncovered_pairs", uncovered_pairs(read["pools"], self.sessions)},
          {"rooms", {{"total", totals["rooms"]}, {"recent", read["rooms"]}}},
          {"drains", read["drains"]},
          {"page", read["page"]},
          {"now_ms", read["now_ms"]}};
}

json stats_body(const json& read, const local_instance& self) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> usage;  // language -> (as source, as target)
  for (const auto& s : self.sessions) {
    if (s.mode == "two_way_auto" && !s.lang_a.empty() && !s.lang_b.empty()) {
      for (const std::string* l : {&s.lang_a, &s.lang_b}) {
        ++usage[*l].first;
        ++usage[*l].second;
      }
      continue;
    }
    if (!s.src_lang.empty() && s.src_lang != "auto") ++usage[s.src_lang].first;
    if (!s.tgt_lang.empty()) ++usage[s.tgt_lang].second;
  }
  json language_usage = json::object();
  std::vector<std::pair<std::int64_t, std::string>> ranked;
  for (const auto& [lang, n] : usage) {
    language_usage[lang] = {{"as_source", n.first}, {"as_target", n.second}, {"total", n.first + n.second}};
    ranked.emplace_back(n.first + n.second, lang);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  json top = json::array();
  for (std::size_t i = 0; i < ranked.size() && i < 10; ++i) {
    top.push_back({{"language", ranked[i].second}, {"count", ranked[i].first}});
  }

  json nodes = node_entries(read);
  std::map<std::string, std::int64_t> by_type, in_use;
  json details = json::array();
  double cpu = 0, gpu = 0, mem = 0;
  for (const auto& n : nodes) {
    if (!n["online"].get<bool>()) continue;
    for (const auto& svc : n["services"]) {
      const std::string type = svc["service_type"].get<std::string>();
      ++by_type[type];
      if (n["current_jobs"].get<std::int64_t>() > 0) ++in_use[type];
    }
    // Power = the headroom a node reports (1 = idle, 0 = saturated), summed over live nodes.
    const double c = std::max(0.0, 100.0 - n["cpu_usage"].get<double>()) / 100.0;
    const double g = std::max(0.0, 100.0 - n["gpu_usage"].get<double>()) / 100.0;
    const double m = std::max(0.0, 100.0 - n["memory_usage"].get<double>()) / 100.0;
    cpu += c;
    gpu += g;
    mem += m;
    details.push_back({{"node_id", n["node_id"]}, {"node_name", n["node_id"]}, {"cpu_power", c}, {"gpu_power", g},
                       {"memory_power", m}});
  }
  json services = json::array();
  for (const auto& [type, count] : by_type) {
    std::string id = type;
    if (!id.empty()) id[0] = static_cast<char>(id[0] - 'A' + 'a');
    services.push_back({{"service_id", id}, {"name", type}, {"latest_version", ""}, {"variants", json::array()},
                        {"node_count", count}});
  }
  for (const auto& [type, count] : by_type) in_use.try_emplace(type, 0);
  json node_details = json::array();
  for (const auto& n : nodes) {
    node_details.push_back({{"node_id", n["node_id"]}, {"status", n["status"]}, {"online", n["online"]},
                            {"languages", n["languages"]}, {"current_jobs", n["current_jobs"]},
                            {"max_concurrent_jobs", n["max_concurrent_jobs"]},
                            {"heartbeat_age_ms", n["heartbeat_age_ms"]}, {"drain", n["drain"]}});
  }
  const json& totals = read["totals"];
  return {{"web_clients",
           {{"active_users", self.sessions.size()},
            {"top_languages", top},
            {"language_usage", language_usage},
            {"cluster_sessions", totals["sessions"]}}},
          {"nodes",
           {{"connected_nodes", count_nodes(nodes, nullptr)},
            {"type_node_counts", by_type},
            {"available_services", services},
            {"total_services", services.size()},
            {"type_in_use_counts", in_use},
            {"compute_power",
             {{"total_cpu_power", cpu}, {"total_gpu_power", gpu}, {"total_memory_power", mem},
              {"node_power_details", details}}},
            {"total_nodes", totals["nodes"]},
            {"details", node_details}}},
          {"jobs", {{"slots_held", totals["slots_held"]}, {"backlog_length", totals["backlog"]}}},
          {"rooms", {{"total", totals["rooms"]}, {"recent", read["rooms"]}}},
          {"page", read["page"]},
          {"instance_id", self.instance_id},
          {"now_ms", read["now_ms"]}};
}

}  // namespace lingua::api
