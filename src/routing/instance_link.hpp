#pragma once
// What makes several scheduler instances on one Redis behave as one (remote_delivery for the router):
//
//  - presence: each instance renews its entry in "{p}:instances" (expiry time); one that stops renewing is dead;
//  - ownership: a node or session socket is recorded as owned by its instance when it registers (claim_owner), and
//    released on close (compare-and-delete), so any instance can find it;
//  - delivery: a message for a socket elsewhere goes to the owner's Redis Stream inbox "{p}:inbox:<instance>",
//    read by that instance's consumer group; acknowledged (and deleted) once delivered to the socket; an entry
//    whose socket is not (or no longer) there stays pending, is retried after reclaim_idle_ms and, after
//    dead_letter_after deliveries, moves to the dead-letter stream "{p}:dead_letters";
//  - take-over: a survivor that reaps a dead instance fails over its nodes' jobs and ends its sessions at once,
//    and deletes its inbox, so nothing waits on a dead inbox.
// A socket on this instance is never reached through Redis (the router checks its own registry first).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "redis/client.hpp"
#include "metrics/scheduler_metrics.hpp"
#include "routing/router.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::routing {

struct instance_config {
  std::string instance_id;
  std::int64_t presence_ttl_ms = 10000;
  std::int64_t presence_renew_ms = 3000;
  std::size_t stream_maxlen = 10000;
  std::int64_t stream_block_ms = 1000;
  std::size_t stream_batch = 64;
  std::int64_t reclaim_idle_ms = 5000;
  std::size_t dead_letter_after = 10;
  std::size_t dead_letter_maxlen = 10000;
};

class instance_link : public remote_delivery {
 public:
  // `inbox_redis` is a client of its own: the inbox read blocks its connection.
  instance_link(boost::asio::any_io_executor executor, state::scheduler_state& state, redis::client& inbox_redis,
                router& local, instance_config config);

  // What to do with what a dead instance left behind (set before start()).
  std::function<boost::asio::awaitable<void>(std::string node_id)> on_dead_node;
  std::function<boost::asio::awaitable<void>(std::string session_id)> on_dead_session;
  // Inbox deliveries and dead-letter moves are counted here when set.
  metrics::scheduler_metrics* metrics = nullptr;

  // Announces the instance and starts the presence, inbox and reclaim loops.
  boost::asio::awaitable<void> start();
  // Stops the loops; leave() then withdraws the presence and deletes the inbox (graceful shutdown).
  void stop();
  boost::asio::awaitable<void> leave();
  // Redis lost its data: announce the instance again and record every local socket's ownership again.
  boost::asio::awaitable<void> reannounce();

  const std::string& instance_id() const { return config_.instance_id; }

  boost::asio::awaitable<bool> to_session(const std::string& session_id, const session_delivery& delivery) override;
  boost::asio::awaitable<bool> to_node(const std::string& node_id, const std::string& text,
                                       const job_attempt* job) override;
  boost::asio::awaitable<bool> own(bool is_node, const std::string& id, bool owned) override;

 private:
  std::string inbox_of(const std::string& instance) const;
  boost::asio::awaitable<std::string> owner_of(bool is_node, const std::string& id);
  boost::asio::awaitable<bool> post(const std::string& instance, std::string message);
  boost::asio::awaitable<void> renew_presence();
  boost::asio::awaitable<void> presence_loop();
  boost::asio::awaitable<void> inbox_loop();
  boost::asio::awaitable<void> reclaim_loop();
  boost::asio::awaitable<void> reap_dead();
  boost::asio::awaitable<void> move_dead_letters();
  // Delivers one inbox entry to its local socket; false when that socket is not here.
  bool deliver_locally(const std::string& message);
  boost::asio::awaitable<void> handle_entries(const redis::reply& entries);

  boost::asio::any_io_executor executor_;
  state::scheduler_state& state_;
  redis::client& inbox_redis_;
  router& local_;
  instance_config config_;
  std::string inbox_;
  bool running_ = false;
  boost::asio::steady_timer presence_timer_;
  boost::asio::steady_timer reclaim_timer_;
};

}  // namespace lingua::routing
