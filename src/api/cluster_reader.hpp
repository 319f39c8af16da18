#pragma once
// Reads what the operator API shows from Redis without scanning the keyspace: one read-only script over the node
// state (lua/cluster_view.lua: totals, pools, one page of nodes, operator drains) and one pipeline over the
// instances (presence zset, their inboxes and owned sets) and rooms (activity zset, the most recent rooms' hashes).
// The result is plain JSON in our own field names; api/api_views.hpp shapes it for each route.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "state/scheduler_state.hpp"

namespace lingua::api {

struct read_limits {
  std::string cursor;           // continue a node listing after this pool member ("" = from the start)
  std::int64_t node_page = 1000;  // nodes per read
  std::int64_t max_pools = 1000;
  std::int64_t max_instances = 1000;
  std::int64_t recent_rooms = 50;  // rooms listed with their member counts (the total is always exact)
};

// {
//   "now_ms", "heartbeat_timeout_ms",
//   "totals": {nodes, slots_held, backlog, unavailability_marks, sessions (cluster-wide), dead_letters, rooms},
//   "pools": [{pool, languages, members, free_members}], "pools_truncated",
//   "nodes": [{node_id, pool, info{...}, state{...}, slots, job_links, owner, drained_since_ms|null}],
//   "page": {cursor, next_cursor, limit, complete},
//   "instances": [{instance_id, presence_expires_ms, inbox_length, inbox_pending, nodes_owned, sessions_owned,
//                  drained_since_ms|null}],
//   "rooms": [{code, members, last_activity_ms}],
//   "drains": {"node:<id>"|"instance:<id>": since_ms}
// }
// nullopt when Redis does not answer (the routes then say 503).
boost::asio::awaitable<std::optional<nlohmann::json>> read_cluster(state::scheduler_state& state, read_limits limits);

}  // namespace lingua::api
