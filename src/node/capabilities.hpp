#pragma once
// What this node tells the scheduler it can do, derived from the engines it really loaded: ASR languages = what the
// ASR engine hears, NMT = the installed pairs, TTS languages = the voices of languages a job can end in (an MT target
// or an ASR language; espeak-ng has ~100 voices and offering all would attract jobs no pair can translate),
// services = the engines present (ready), capacity = the worker count.
#include <cstdint>
#include <optional>
#include <string>

#include "node/engines/engine.hpp"
#include "protocol/node_messages.hpp"

namespace lingua::node {

inline constexpr const char* node_version = "lingua-node/0.1.0";

protocol::node_language_capabilities language_capabilities(const engine_set& engines);
std::vector<protocol::installed_service> installed_services(const engine_set& engines);
std::vector<protocol::capability_by_type> readiness(const engine_set& engines);

protocol::node_register registration(const engine_set& engines, std::uint32_t workers,
                                     const std::optional<std::string>& node_id);
// A heartbeat repeating what `registered` offers (computed once: engines are busy on their workers).
protocol::node_heartbeat heartbeat(const protocol::node_register& registered, const std::string& node_id,
                                   double cpu_percent, double mem_percent, std::uint64_t running_jobs);

}  // namespace lingua::node
