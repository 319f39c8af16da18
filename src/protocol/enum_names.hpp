#pragma once
// Internal to src/protocol: the one table of wire spellings per enum, indexed by the enumerator's value. Both the
// public to_string/from_string functions and the JSON reader (for its "expected one of" messages) use it.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/error_code.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/types.hpp"

namespace lingua::protocol::detail {

template <class E>
struct enum_names;

template <>
struct enum_names<service_type> {
  static constexpr std::array<std::string_view, 7> values{"asr",      "nmt",      "tts",        "tone",
                                                          "semantic", "phonetic", "punctuation"};
};
template <>
struct enum_names<device_type> {
  static constexpr std::array<std::string_view, 2> values{"gpu", "cpu"};
};
template <>
struct enum_names<service_status> {
  static constexpr std::array<std::string_view, 3> values{"running", "stopped", "error"};
};
template <>
struct enum_names<node_status> {
  static constexpr std::array<std::string_view, 5> values{"registering", "ready", "degraded", "draining", "offline"};
};
template <>
struct enum_names<nmt_rule> {
  static constexpr std::array<std::string_view, 4> values{"any_to_any", "any_to_en", "en_to_any", "specific_pairs"};
};
template <>
struct enum_names<error_code> {
  static constexpr std::array<std::string_view, 21> values{
      "INVALID_MESSAGE",     "INTERNAL_ERROR",     "INVALID_SESSION",     "SESSION_CLOSED",
      "NODE_UNAVAILABLE",    "NODE_OVERLOADED",    "MODEL_NOT_AVAILABLE", "MODEL_LOAD_FAILED",
      "UNSUPPORTED_FEATURE", "INVALID_PAIRING_CODE", "NO_AVAILABLE_NODE", "WS_DISCONNECTED",
      "NMT_TIMEOUT",         "TTS_TIMEOUT",        "JOB_TIMEOUT",         "MODEL_VERIFY_FAILED",
      "MODEL_CORRUPTED",     "NO_GPU_AVAILABLE",   "NODE_ID_CONFLICT",    "INVALID_CAPABILITY_SCHEMA",
      "SCHEDULER_DEPENDENCY_DOWN"};
};
template <>
struct enum_names<ui_event_type> {
  static constexpr std::array<std::string_view, 11> values{
      "INPUT_STARTED", "INPUT_ENDED", "ASR_PARTIAL",      "ASR_FINAL",      "DISPATCHED",
      "NODE_ACCEPTED", "NMT_DONE",    "TTS_PLAY_STARTED", "TTS_PLAY_ENDED", "ERROR",
      "QUEUED"};
};
template <>
struct enum_names<ui_event_status> {
  static constexpr std::array<std::string_view, 2> values{"ok", "error"};
};
template <>
struct enum_names<backpressure_action> {
  static constexpr std::array<std::string_view, 3> values{"BUSY", "PAUSE", "SLOW_DOWN"};
};

template <class E>
constexpr std::string_view enum_to_string(E v) {
  const auto& names = enum_names<E>::values;
  const auto index = static_cast<std::size_t>(v);
  return index < names.size() ? names[index] : std::string_view{};
}

template <class E>
constexpr bool enum_from_string(std::string_view text, E& out) {
  const auto& names = enum_names<E>::values;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) {
      out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

// "a, b, c" for error messages.
template <class E>
std::string enum_alternatives() {
  std::string list;
  for (const auto name : enum_names<E>::values) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

}  // namespace lingua::protocol::detail
