#pragma once
// What a node told us about itself, merged over its registration and heartbeats, and what the selection makes of
// it (state::node_capabilities). Kept per node socket, so a node whose registration Redis lost (restart, expiry)
// is registered again from it without the node noticing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/node_messages.hpp"
#include "state/node_capabilities.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::endpoint {

class node_profile {
 public:
  // Capacity: the node's max_concurrent_jobs; else `serial_max_jobs` for a node that serialises (the Lingua node
  // agent runs all its work through one FIFO: jobs beyond it only wait there, towards its own queue timeout,
  // instead of in the scheduler's backlog where any node can take them) — recognised from a registration that
  // lists installed_services without max_concurrent_jobs, or once a heartbeat reports gpu_queue_length; else
  // `default_max_jobs`.
  node_profile(const protocol::node_register& registration, std::uint32_t default_max_jobs,
               std::uint32_t serial_max_jobs = 1);

  // Folds in what a heartbeat carries; true when the capabilities changed.
  bool update(const protocol::node_heartbeat& heartbeat);

  const state::node_capabilities& capabilities() const { return capabilities_; }
  // Whether the node runs its work through one queue: its registration listed installed_services without
  // max_concurrent_jobs (the Lingua node agent), or a heartbeat of it carried gpu_queue_length.
  bool serialises() const { return serialises_; }
  // The credential the node's socket proved (kept across updates): stored with the node's record.
  void bind_credential(std::string credential) { capabilities_.credential = std::move(credential); }
  // The tag this node understands for a job's language, in its own spelling (state::declared_tag_for over every
  // language it declared), and whether it declared exactly `tag` (then a job_assign goes out as it is).
  std::string tag_for(const std::string& tag) const { return state::declared_tag_for(tag, declared_tags_); }
  bool declares_exactly(const std::string& tag) const;
  // The service type (asr, nmt, ...) of one of the node's service ids, for MODEL_NOT_AVAILABLE reports.
  std::optional<std::string> service_type_of(const std::string& service_id) const;

 private:
  void derive();

  std::uint32_t default_max_jobs_;
  std::uint32_t serial_max_jobs_;
  bool serialises_ = false;  // see serialises()
  std::optional<protocol::node_language_capabilities> languages_;
  std::vector<protocol::installed_model> models_;
  std::vector<protocol::installed_service> services_;
  std::vector<protocol::capability_by_type> readiness_;
  std::optional<std::uint32_t> max_jobs_;
  bool accept_public_ = true;
  state::node_capabilities capabilities_;
  std::vector<std::string> declared_tags_;  // every language tag it declared, as it spelled them
};

// The runtime part of a heartbeat: explicit status (extension) or "ready", resource usage, running jobs.
state::node_runtime runtime_of(const protocol::node_heartbeat& heartbeat);

}  // namespace lingua::endpoint
