#include "app/metrics_route.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "state/state_keys.hpp"

namespace lingua::app {
namespace asio = boost::asio;

namespace {

// The order of the scrape pipeline's commands (node loads come last, one HMGET for every local node).
enum read : std::size_t { ping, backlog, rooms, room_members, fleet_nodes, instances, inbox_length, inbox_pending,
                          dead_letters, node_loads };

std::vector<redis::command_args> scrape_commands(const state::state_keys& keys, const std::string& inbox,
                                                 const std::vector<std::string>& nodes) {
  std::vector<redis::command_args> c;
  c.push_back(redis::arguments("PING"));
  c.push_back(redis::arguments("ZCARD", keys.key("job:backlog")));
  c.push_back(redis::arguments("ZCARD", keys.key("rooms")));
  c.push_back(redis::arguments("HLEN", keys.key("session:rooms")));
  c.push_back(redis::arguments("HLEN", keys.key("node:info")));
  c.push_back(redis::arguments("ZCARD", keys.key("instances")));
  c.push_back(redis::arguments("XLEN", inbox));
  c.push_back(redis::arguments("XPENDING", inbox, "scheduler"));  // summary form: [count, first, last, consumers]
  c.push_back(redis::arguments("XLEN", keys.key("dead_letters")));
  if (!nodes.empty()) {
    redis::command_args loads = redis::arguments("HMGET", keys.key("node:load"));
    loads.insert(loads.end(), nodes.begin(), nodes.end());
    c.push_back(std::move(loads));
  }
  return c;
}

std::optional<double> integer_of(const redis::result& r) {
  if (!r.ok()) return std::nullopt;
  if (auto n = r.value.as_integer()) return static_cast<double>(*n);
  return std::nullopt;
}

void set_or_clear(metrics::gauge_family& family, std::optional<double> value) {
  family.clear();
  if (value) family.get().set(*value);
}

struct node_view {
  routing::node_gauges gauges;
  std::int64_t used = 0;
};

// The gauges of this instance's nodes: by status, by pool, slots used and free (free: of ready nodes only, the
// ones a dispatch can use), and per node when enabled.
void publish_nodes(metrics::scheduler_metrics& m, const std::vector<node_view>& nodes) {
  m.nodes_by_status().clear();
  m.nodes_by_pool().clear();
  m.node_slots_used().clear();
  for (std::string_view s : {"registering", "ready", "degraded", "draining"}) m.nodes_by_status().with({s}).set(0);
  double used = 0;
  double free = 0;
  for (const auto& n : nodes) {
    m.nodes_by_status().with({n.gauges.status}).add(1);
    m.nodes_by_pool().with({n.gauges.pool}).add(1);
    const std::int64_t capacity = n.gauges.capacity;
    const std::int64_t held = std::clamp<std::int64_t>(n.used, 0, capacity);
    used += static_cast<double>(held);
    if (n.gauges.status == "ready") free += static_cast<double>(capacity - held);
    if (m.per_node_labels()) m.node_slots_used().with({n.gauges.node_id}).set(static_cast<double>(held));
  }
  m.slots().with({"used"}).set(used);
  m.slots().with({"free"}).set(free);
}

asio::awaitable<net::http_response> scrape(const metrics_sources& src, const state::state_keys& keys) {
  metrics::scheduler_metrics& m = src.metrics;
  std::vector<node_view> nodes;
  std::vector<std::string> ids;
  for (const auto& id : src.router.local_node_ids()) {
    auto sink = src.router.local_node(id);
    if (!sink) continue;
    auto g = sink->gauges();
    if (!g) continue;
    ids.push_back(g->node_id);
    nodes.push_back(node_view{std::move(*g), 0});
  }
  std::vector<redis::command_args> commands = scrape_commands(keys, keys.key("inbox:" + src.instance_id), ids);
  const std::vector<redis::result> r = co_await src.redis.pipeline(std::move(commands));
  const bool up = r.size() > read::ping && r[read::ping].ok();
  m.redis_up().get().set(up ? 1 : 0);
  m.sessions_connected().get().set(static_cast<double>(src.router.local_session_count()));
  m.nodes_connected().get().set(static_cast<double>(src.router.local_node_count()));
  set_or_clear(m.backlog_jobs(), up ? integer_of(r[read::backlog]) : std::nullopt);
  set_or_clear(m.rooms(), up ? integer_of(r[read::rooms]) : std::nullopt);
  set_or_clear(m.room_members(), up ? integer_of(r[read::room_members]) : std::nullopt);
  set_or_clear(m.fleet_nodes(), up ? integer_of(r[read::fleet_nodes]) : std::nullopt);
  set_or_clear(m.fleet_instances(), up ? integer_of(r[read::instances]) : std::nullopt);
  set_or_clear(m.inbox_length(), up ? integer_of(r[read::inbox_length]) : std::nullopt);
  std::optional<double> pending;
  if (up && r[read::inbox_pending].ok() && r[read::inbox_pending].value.size() >= 1) {
    if (auto n = r[read::inbox_pending].value[0].as_integer()) pending = static_cast<double>(*n);
  }
  if (up && !pending) pending = 0;  // no consumer group yet: nothing read, nothing pending
  set_or_clear(m.inbox_pending(), pending);
  set_or_clear(m.dead_letters(), up ? integer_of(r[read::dead_letters]) : std::nullopt);
  if (up && !ids.empty() && r.size() > read::node_loads && r[read::node_loads].ok()) {
    const auto& loads = r[read::node_loads].value;
    for (std::size_t i = 0; i < nodes.size() && i < loads.size(); ++i) {
      if (auto n = loads[i].as_integer()) nodes[i].used = *n;
    }
  }
  publish_nodes(m, nodes);
  co_return net::http_response{.content_type = "text/plain; version=0.0.4; charset=utf-8", .body = m.render()};
}

}  // namespace

void add_metrics_route(net::server& front, metrics_sources sources) {
  auto src = std::make_shared<const metrics_sources>(std::move(sources));
  auto keys = std::make_shared<const state::state_keys>(src->key_prefix);
  front.handle_get("/metrics", [src, keys](const net::http_request&) -> asio::awaitable<net::http_response> {
    return scrape(*src, *keys);
  });
}

}  // namespace lingua::app
