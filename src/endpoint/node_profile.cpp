#include "endpoint/node_profile.hpp"

#include <algorithm>

namespace lingua::endpoint {
namespace {

void add(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// The Lingua node agent's registration: no max_concurrent_jobs (the original protocol has none; it is our
// extension) and every service it found listed with its device and status. The agent runs every stage of every
// job through one GPU lease (its FIFO "gpu:0", whatever the device), so it serialises from the start. Its
// heartbeats say so only while its queue is not empty (gpu_queue_length is left out at 0), too late for the
// jobs of one burst (a room's languages).
bool lists_its_services_without_capacity(const protocol::node_register& registration) {
  return !registration.max_concurrent_jobs && registration.installed_services &&
         !registration.installed_services->empty();
}

}  // namespace

node_profile::node_profile(const protocol::node_register& registration, std::uint32_t default_max_jobs,
                           std::uint32_t serial_max_jobs)
    : default_max_jobs_(default_max_jobs),
      serial_max_jobs_(serial_max_jobs),
      serialises_(lists_its_services_without_capacity(registration)),
      languages_(registration.language_capabilities),
      models_(registration.installed_models),
      services_(registration.installed_services.value_or(std::vector<protocol::installed_service>{})),
      readiness_(registration.capability_by_type),
      max_jobs_(registration.max_concurrent_jobs),
      accept_public_(registration.accept_public_jobs) {
  derive();
}

bool node_profile::update(const protocol::node_heartbeat& heartbeat) {
  const state::node_capabilities before = capabilities_;
  if (heartbeat.language_capabilities) languages_ = heartbeat.language_capabilities;
  if (heartbeat.installed_models) models_ = *heartbeat.installed_models;
  services_ = heartbeat.installed_services;
  readiness_ = heartbeat.capability_by_type;
  if (heartbeat.max_concurrent_jobs) max_jobs_ = heartbeat.max_concurrent_jobs;
  if (heartbeat.resource_usage.gpu_queue_length) serialises_ = true;
  derive();
  return before.to_json() != capabilities_.to_json();
}

std::optional<std::string> node_profile::service_type_of(const std::string& service_id) const {
  for (const auto& s : services_) {
    if (s.service_id == service_id) return std::string(protocol::to_string(s.type));
  }
  return std::nullopt;
}

bool node_profile::declares_exactly(const std::string& tag) const {
  return std::find(declared_tags_.begin(), declared_tags_.end(), tag) != declared_tags_.end();
}

void node_profile::derive() {
  state::node_capabilities caps;
  declared_tags_.clear();
  // Language tags are kept in their normalised spelling (zh_cn → zh-CN) so that the scripts compare them exactly;
  // the node's own spelling is kept for the job_assigns it is sent (tag_for).
  const auto add_language = [this](std::vector<std::string>& list, const std::string& tag) {
    add(list, state::normalize_language(tag));
    add(declared_tags_, tag);
  };
  // Languages: the node's declared language capabilities; failing those, its installed models.
  if (languages_) {
    for (const auto& l : languages_->asr_languages.value_or(std::vector<std::string>{})) add_language(caps.asr_languages, l);
    for (const auto& l : languages_->tts_languages.value_or(std::vector<std::string>{})) add_language(caps.tts_languages, l);
    for (const auto& l : languages_->semantic_languages.value_or(std::vector<std::string>{})) add_language(caps.other_languages, l);
    for (const auto& nmt : languages_->nmt_capabilities.value_or(std::vector<protocol::nmt_capability>{})) {
      for (const auto& l : nmt.languages) add_language(caps.other_languages, l);
    }
  }
  if (caps.asr_languages.empty() && caps.tts_languages.empty() && caps.other_languages.empty()) {
    for (const auto& m : models_) {
      if (m.enabled == false) continue;
      if (m.kind == "asr" && m.src_lang) add_language(caps.asr_languages, *m.src_lang);
      if (m.kind == "tts") add_language(caps.tts_languages, m.tgt_lang.value_or(m.src_lang.value_or("")));
      if (m.kind == "nmt") {
        if (m.src_lang) add_language(caps.other_languages, *m.src_lang);
        if (m.tgt_lang) add_language(caps.other_languages, *m.tgt_lang);
      }
    }
  }
  // Services: the ready ones by type; failing a readiness report, the running installed services; a node that
  // reports neither is trusted to run the core pipeline (ASR, NMT, TTS).
  for (const auto& c : readiness_) {
    if (c.ready) add(caps.services, std::string(protocol::to_string(c.type)));
  }
  if (readiness_.empty()) {
    for (const auto& s : services_) {
      if (s.status == protocol::service_status::running) add(caps.services, std::string(protocol::to_string(s.type)));
    }
    if (services_.empty()) caps.services = {"asr", "nmt", "tts"};
  }
  caps.max_concurrent_jobs = max_jobs_.value_or(serialises_ ? serial_max_jobs_ : default_max_jobs_);
  caps.accept_public_jobs = accept_public_;
  caps.credential = capabilities_.credential;
  capabilities_ = std::move(caps);
}

state::node_runtime runtime_of(const protocol::node_heartbeat& heartbeat) {
  state::node_runtime runtime;
  runtime.status = heartbeat.status ? std::string(protocol::to_string(*heartbeat.status)) : std::string("ready");
  runtime.cpu_percent = heartbeat.resource_usage.cpu_percent;
  runtime.gpu_percent = heartbeat.resource_usage.gpu_percent.value_or(0);
  runtime.mem_percent = heartbeat.resource_usage.mem_percent;
  runtime.running_jobs = static_cast<std::uint32_t>(std::min<std::uint64_t>(heartbeat.resource_usage.running_jobs, 1U << 20));
  if (heartbeat.resource_usage.gpu_queue_length) {
    runtime.queued_jobs =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(*heartbeat.resource_usage.gpu_queue_length, 1U << 20));
  }
  return runtime;
}

}  // namespace lingua::endpoint
