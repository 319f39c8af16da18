#include "node/capabilities.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "clock/clock.hpp"
#include "node/system_usage.hpp"

namespace lingua::node {

namespace {

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

protocol::node_language_capabilities language_capabilities(const engine_set& engines) {
  std::vector<std::string> asr = engines.asr ? engines.asr->languages() : std::vector<std::string>{};
  std::vector<std::string> nmt_languages;
  std::vector<protocol::language_pair> pairs;
  std::set<std::string> reachable(asr.begin(), asr.end());
  if (engines.mt) {
    for (const auto& p : engines.mt->pairs()) {
      pairs.push_back({p.src, p.tgt});
      add_unique(nmt_languages, p.src);
      add_unique(nmt_languages, p.tgt);
      reachable.insert(p.tgt);
    }
  }
  std::vector<std::string> tts;
  if (engines.tts) {
    for (const auto& l : engines.tts->languages()) {
      if (reachable.contains(l)) tts.push_back(l);
    }
  }
  protocol::node_language_capabilities caps;
  caps.asr_languages = asr;
  caps.tts_languages = tts;
  caps.semantic_languages = std::vector<std::string>{};
  if (engines.mt) {
    std::sort(nmt_languages.begin(), nmt_languages.end());
    caps.nmt_capabilities = std::vector<protocol::nmt_capability>{
        protocol::nmt_capability{.model_id = engines.mt->name(),
                                 .languages = nmt_languages,
                                 .rule = protocol::nmt_rule::specific_pairs,
                                 .supported_pairs = pairs}};
  }
  return caps;
}

std::vector<protocol::installed_service> installed_services(const engine_set& engines) {
  std::vector<protocol::installed_service> out;
  auto add = [&](const std::string& name, protocol::service_type type) {
    out.push_back(protocol::installed_service{.service_id = name,
                                              .type = type,
                                              .device = protocol::device_type::cpu,
                                              .status = protocol::service_status::running,
                                              .engine = name});
  };
  if (engines.asr) add(engines.asr->name(), protocol::service_type::asr);
  if (engines.mt) add(engines.mt->name(), protocol::service_type::nmt);
  if (engines.tts) add(engines.tts->name(), protocol::service_type::tts);
  return out;
}

std::vector<protocol::capability_by_type> readiness(const engine_set& engines) {
  auto entry = [](protocol::service_type type, bool ready, const std::string& name) {
    protocol::capability_by_type c{.type = type, .ready = ready};
    if (ready) {
      c.ready_impl_ids = std::vector<std::string>{name};
    } else {
      c.reason = "not installed";
    }
    return c;
  };
  return {entry(protocol::service_type::asr, engines.asr != nullptr, engines.asr ? engines.asr->name() : ""),
          entry(protocol::service_type::nmt, engines.mt != nullptr, engines.mt ? engines.mt->name() : ""),
          entry(protocol::service_type::tts, engines.tts != nullptr, engines.tts ? engines.tts->name() : "")};
}

protocol::node_register registration(const engine_set& engines, std::uint32_t workers,
                                     const std::optional<std::string>& node_id) {
  protocol::node_register r;
  r.node_id = node_id;
  r.version = node_version;
  r.capability_schema_version = "2.0";
  r.platform = "linux";
  r.hardware = protocol::hardware_info{.cpu_cores = std::max(1u, std::thread::hardware_concurrency()),
                                       .memory_gb = system_usage::memory_gb()};
  r.installed_services = installed_services(engines);
  r.capability_by_type = readiness(engines);
  r.accept_public_jobs = true;
  r.language_capabilities = language_capabilities(engines);
  r.max_concurrent_jobs = workers;
  return r;
}

protocol::node_heartbeat heartbeat(const protocol::node_register& registered, const std::string& node_id,
                                   double cpu_percent, double mem_percent, std::uint64_t running_jobs) {
  protocol::node_heartbeat h;
  h.node_id = node_id;
  h.timestamp = wall_ms();
  h.resource_usage = protocol::resource_usage{.cpu_percent = cpu_percent, .mem_percent = mem_percent,
                                              .running_jobs = running_jobs};
  h.installed_services = registered.installed_services.value_or(std::vector<protocol::installed_service>{});
  h.capability_by_type = registered.capability_by_type;
  h.language_capabilities = registered.language_capabilities;
  h.max_concurrent_jobs = registered.max_concurrent_jobs;
  h.status = protocol::node_status::ready;
  return h;
}

}  // namespace lingua::node
