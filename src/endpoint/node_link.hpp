#pragma once
// The scheduler's side of one node socket (`/ws/node`): registration, heartbeats, and the node's job messages,
// each passed to the state scripts (through jobs::job_service) once the socket has proven who it is. A message
// that claims another node id than the one this socket registered is refused. When the socket closes, the node's
// in-flight jobs are failed over at once — only if this socket still was the node's current one.
//
// Credential binding (auth): the socket arrives with the identity its upgrade proved. A per-node token registers
// only its own node id (whatever id the register names, null included); an id reserved for a per-node token is
// refused to every other credential; a live node id registered with another credential is refused
// (NODE_ID_CONFLICT, checked here for this instance's sockets and atomically by the register script across
// instances). A reconnect with the same credential takes the node over and the older socket is closed.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/gatekeeper.hpp"
#include "endpoint/node_profile.hpp"
#include "jobs/job_service.hpp"
#include "metrics/scheduler_metrics.hpp"
#include "net/connection.hpp"
#include "net/token_bucket.hpp"
#include "routing/router.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::endpoint {

struct node_link_context {
  state::scheduler_state& state;
  routing::router& router;
  jobs::job_service& jobs;
  std::uint32_t default_max_jobs = 4;
  protocol::input_limits input{};  // bounds every inbound frame; max_node_languages also bounds the union
  const auth::gatekeeper* gate = nullptr;  // for ids reserved to per-node tokens; nullptr: none reserved
  std::uint32_t serial_max_jobs = 1;  // for a node that reports gpu_queue_length and declares no capacity
  metrics::scheduler_metrics* metrics = nullptr;  // refused frames are counted here when set
  // node_register per socket ([limits]): the first one and a few re-registers at once, then one per interval.
  std::size_t register_burst = 5;
  std::int64_t register_interval_ms = 10000;
};

class node_link : public net::connection_handler,
                  public routing::node_sink,
                  public std::enable_shared_from_this<node_link> {
 public:
  node_link(node_link_context context, std::shared_ptr<net::connection> conn, auth::node_identity identity);

  boost::asio::awaitable<void> on_text(net::connection& conn, std::string_view text) override;
  void on_rejected(net::connection& conn, net::rejection why) override;
  std::string_view introduction() const override { return "node_register"; }
  void on_close(net::connection& conn) override;
  bool send_text(std::string text) override;
  // Job frames that reach the socket while it settles (between claiming the node id and listing the jobs the node
  // held through its previous connection) wait; an attempt the socket moved at the reconnect is dropped.
  bool send_job(std::string text, const routing::job_attempt& job) override;
  void drain() override;
  boost::asio::awaitable<void> restore_state() override;
  std::string credential() const override { return identity_.credential; }
  void replaced() override;
  void credentials_reloaded() override;
  std::optional<routing::node_gauges> gauges() const override;

 private:
  boost::asio::awaitable<void> on_register(protocol::node_register message);
  boost::asio::awaitable<void> on_heartbeat(const protocol::node_heartbeat& message);
  enum class registration { recorded, state_down, conflict };
  boost::asio::awaitable<registration> register_in_state(const std::string& node_id, const node_profile& profile);
  // The node id this socket may register, or "" after refusing it (error frame + log line).
  std::string admissible_id(const protocol::node_register& message);
  void refuse_id(const std::string& node_id, const std::string& why);
  // False (and the socket closed with 1008 "node token revoked") when a reload dropped this socket's credential.
  bool still_admitted();
  // False (and a RATE_LIMITED error frame; the socket stays usable) when this socket sends node_register more often
  // than register_burst at once, then one per register_interval: each runs the register script in Redis.
  bool register_allowed();
  // The id was registered by another credential after all: release it (no failover) and close the socket.
  boost::asio::awaitable<void> lose_binding();
  // False (and an error frame to the node) when `claimed` is not this socket's node.
  bool proves(const std::string& claimed, std::string_view what);
  void send_error(const std::string& code, const std::string& message);
  // The job_assign `text` with the job's language tags replaced by the ones this node declared (see send_job).
  std::string in_node_tags(std::string text, const routing::job_attempt& job) const;
  // An INVALID_MESSAGE error naming the problem when `profile` declares more distinct languages than allowed (the
  // pool's pair index grows with their square); true when within bounds.
  bool languages_within_bounds(const node_profile& profile);
  // Logs the report entries the parser dropped (unknown service types, statuses, …) when they change.
  void note_ignored(const std::vector<std::string>& entries);

  node_link_context ctx_;
  std::shared_ptr<net::connection> conn_;
  auth::node_identity identity_;
  std::string node_id_;
  std::optional<node_profile> profile_;
  state::node_runtime last_runtime_;
  bool draining_ = false;
  bool heartbeat_seen_ = false;  // last_runtime_ is the node's own report
  std::string recorded_status_;  // the status the heartbeat script recorded (an operator drain included)
  std::vector<std::string> last_ignored_;
  net::token_bucket registrations_;
  // Reconnect (on_register): job frames held while settling, and job -> the attempt moved away from the old
  // connection (a frame of that attempt or an older one is superseded).
  bool settling_ = false;
  std::vector<std::pair<std::string, routing::job_attempt>> settling_frames_;
  std::map<std::string, std::uint32_t> moved_attempts_;
};

}  // namespace lingua::endpoint
