#pragma once
// THE way to log anything a peer can cause (a refused frame, an invalid message, a rate-limit hit, a refused
// upgrade or connection, a protocol error, a peer's socket failing...). Plain spdlog is for what the scheduler
// itself does; a line whose frequency a remote socket controls goes through here:
//
//   peer_log::warn(conn.remote_endpoint(), peer_log::peer_event::invalid_message,
//                  "node socket {}: invalid message dropped: {}", conn.id(), why);
//
// Per (source address, event) at most a few lines per window are written (the port is ignored, so many sockets
// from one address share the budget); the rest are counted, and when the window ends one line says
// "suppressed 1,234 similar messages (invalid message) from 10.0.0.1 in the last 10 s". Arguments of a suppressed
// line are not formatted. Memory is bounded (log_throttle.hpp, max_keys).
//
// Threading: the throttle is thread_local — one per event-loop thread, no mutex. The scheduler runs one loop, so
// it has one throttle; tests that run several loops on several threads get one each.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <spdlog/spdlog.h>
#include <string_view>
#include <utility>

#include "peer_log/log_throttle.hpp"

namespace lingua::peer_log {

// This thread's throttle (created on first use with default settings, writing summaries with spdlog::warn).
log_throttle& throttle();
// Replaces this thread's throttle (pending summaries of the old one are written first).
void configure(throttle_settings settings);

// Writes this thread's due summaries every `tick` until stop_summaries(), then all pending ones. Spawn it once on
// the event loop; without it summaries still come out, but only when the next peer line is logged.
boost::asio::awaitable<void> write_summaries(std::chrono::milliseconds tick = std::chrono::seconds(1));
void stop_summaries();

template <typename... Args>
void log(spdlog::level::level_enum level, std::string_view remote_endpoint, peer_event event,
         spdlog::format_string_t<Args...> format, Args&&... args) {
  if (!spdlog::should_log(level)) return;
  if (!throttle().admit(source_of(remote_endpoint), event)) return;
  spdlog::log(level, format, std::forward<Args>(args)...);
}

template <typename... Args>
void warn(std::string_view remote_endpoint, peer_event event, spdlog::format_string_t<Args...> format,
          Args&&... args) {
  log(spdlog::level::warn, remote_endpoint, event, format, std::forward<Args>(args)...);
}

template <typename... Args>
void info(std::string_view remote_endpoint, peer_event event, spdlog::format_string_t<Args...> format,
          Args&&... args) {
  log(spdlog::level::info, remote_endpoint, event, format, std::forward<Args>(args)...);
}

}  // namespace lingua::peer_log
