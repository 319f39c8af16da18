#pragma once
// Delivery to a session or node socket, wherever it is connected. A socket on this instance is reached directly
// (never through Redis); a socket elsewhere through the remote path (Redis Streams, routing/instance_link), when
// one is attached. Everything runs on the instance's single event loop, so the registries need no locks.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "routing/session_delivery.hpp"

namespace lingua::routing {

// What the operator API shows of a local session: the languages its session_init declared.
struct session_languages {
  std::string src_lang;
  std::string tgt_lang;
  std::string mode;  // "" or e.g. "two_way_auto"
  std::string lang_a;
  std::string lang_b;
};

// Which job attempt a job_assign frame carries, passed along with it wherever the node socket is: a socket that
// moved its node's jobs at a reconnect drops older attempts that reach it afterwards (node_link::send_job).
struct job_attempt {
  std::string job_id;
  std::uint32_t attempt = 0;
  // The job's language tags as the frame carries them (src_lang unless "auto", tgt_lang, lang_a, lang_b,
  // auto_langs): the node socket rewrites a frame whose tags the node did not declare exactly into the tags it
  // understands (endpoint::node_link::send_job).
  std::vector<std::string> languages;
};

class session_sink {
 public:
  virtual ~session_sink() = default;
  virtual session_languages languages() const { return {}; }
  virtual void deliver(session_delivery delivery) = 0;
  // Redis lost its data (restart without persistence): place again every job still waiting for its outcome.
  virtual void state_lost() {}
};

// What GET /metrics counts of one node socket (per instance, no Redis read).
struct node_gauges {
  std::string node_id;
  std::string status;  // registering, ready, degraded, draining, ...
  std::string pool;    // its language set, e.g. "en-zh"
  std::uint32_t capacity = 0;
};

class node_sink {
 public:
  virtual ~node_sink() = default;
  // Queues a text frame for the node; false when the node's socket is gone or refuses more.
  virtual bool send_text(std::string text) = 0;
  // A job_assign frame for `job`; true when it was queued or is known to be superseded (a newer attempt exists).
  virtual bool send_job(std::string text, const job_attempt& job) {
    (void)job;
    return send_text(std::move(text));
  }
  // This instance is shutting down: the node should take no new job here (its running ones may finish).
  virtual void drain() {}
  // Redis lost its data: register the node again (capabilities and last runtime) so it is selectable at once.
  virtual boost::asio::awaitable<void> restore_state() { co_return; }
  // The fingerprint of the credential the socket proved (auth): a live node id is only taken over by the same one.
  virtual std::string credential() const { return {}; }
  // A newer socket of the same node (same credential) claimed the node id on this instance: this one is stale.
  virtual void replaced() {}
  // The token files were re-read (SIGHUP): a socket whose credential is no longer accepted closes (and its jobs
  // fail over like on any disconnect).
  virtual void credentials_reloaded() {}
  // nullopt until the node has registered.
  virtual std::optional<node_gauges> gauges() const { return std::nullopt; }
};

class remote_delivery {
 public:
  virtual ~remote_delivery() = default;
  virtual boost::asio::awaitable<bool> to_session(const std::string& session_id, const session_delivery& delivery) = 0;
  // `job`: the attempt a job_assign frame carries (nullptr for other frames).
  virtual boost::asio::awaitable<bool> to_node(const std::string& node_id, const std::string& text,
                                               const job_attempt* job) = 0;
  // Records (or drops) that a socket is connected to this instance, so other instances can reach it. Dropping
  // answers whether this instance still was the owner (false: the peer already reconnected elsewhere).
  virtual boost::asio::awaitable<bool> own(bool is_node, const std::string& id, bool owned) = 0;
};

class router {
 public:
  void attach_session(const std::string& session_id, std::weak_ptr<session_sink> sink);
  void detach_session(const std::string& session_id, const session_sink* sink);
  void attach_node(const std::string& node_id, std::weak_ptr<node_sink> sink);
  void detach_node(const std::string& node_id, const node_sink* sink);
  void set_remote(remote_delivery* remote) { remote_ = remote; }

  // attach + tell other instances (owner key); detach + withdraw it. The owner key is written when the socket
  // registers, not on a later timer, so a just-registered node is reachable from every instance at once.
  boost::asio::awaitable<void> claim_session(const std::string& session_id, std::weak_ptr<session_sink> sink);
  // True when this socket was the peer's current connection anywhere (not replaced by a newer one).
  boost::asio::awaitable<bool> release_session(const std::string& session_id, const session_sink* sink);
  // A different local sink already attached for the id is told replaced() (after the new one is attached).
  boost::asio::awaitable<void> claim_node(const std::string& node_id, std::weak_ptr<node_sink> sink);
  boost::asio::awaitable<bool> release_node(const std::string& node_id, const node_sink* sink);

  std::shared_ptr<session_sink> local_session(const std::string& session_id) const;
  std::shared_ptr<node_sink> local_node(const std::string& node_id) const;
  std::vector<std::string> local_node_ids() const;
  std::vector<std::string> local_session_ids() const;
  std::size_t local_session_count() const { return sessions_.size(); }
  std::size_t local_node_count() const { return nodes_.size(); }

  // True when the delivery reached a local socket or the owner instance's inbox.
  boost::asio::awaitable<bool> to_session(const std::string& session_id, session_delivery delivery);
  boost::asio::awaitable<bool> to_node(const std::string& node_id, std::string text);
  // A job_assign frame: the node socket learns which attempt it carries (see node_sink::send_job).
  boost::asio::awaitable<bool> job_to_node(const std::string& node_id, std::string text, const job_attempt& job);

 private:
  std::unordered_map<std::string, std::weak_ptr<session_sink>> sessions_;
  std::unordered_map<std::string, std::weak_ptr<node_sink>> nodes_;
  remote_delivery* remote_ = nullptr;
};

}  // namespace lingua::routing
