#include "peer_log/log_throttle.hpp"

#include <array>
#include <utility>

namespace lingua::peer_log {

namespace {

constexpr std::string_view other_sources = "other sources";

std::string key_of(std::string_view source, peer_event event) {
  std::string key(1, static_cast<char>(event));
  key.append(source);
  return key;
}

std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string_view name_of(peer_event event) noexcept {
  static constexpr std::array<std::string_view, 11> names{
      "invalid message", "refused frame",    "rate limited", "refused upgrade", "refused connection", "protocol error",
      "deadline",        "connection error", "peer report",  "accept error",    "peer activity"};
  const auto index = static_cast<std::size_t>(event);
  return index < names.size() ? names[index] : std::string_view("peer event");
}

std::string describe(const suppression_summary& summary) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(summary.window).count();
  return "suppressed " + grouped(summary.suppressed) + " similar message" + (summary.suppressed == 1 ? "" : "s") +
         " (" + std::string(name_of(summary.event)) + ") from " + summary.source + " in the last " +
         std::to_string(seconds) + " s";
}

std::string_view source_of(std::string_view remote_endpoint) noexcept {
  if (remote_endpoint.starts_with('[')) {
    const auto close = remote_endpoint.find(']');
    if (close != std::string_view::npos) return remote_endpoint.substr(1, close - 1);
    return remote_endpoint;
  }
  const auto colon = remote_endpoint.rfind(':');
  if (colon == std::string_view::npos || remote_endpoint.find(':') != colon) return remote_endpoint;
  return remote_endpoint.substr(0, colon);
}

log_throttle::log_throttle(throttle_settings settings, time_source now, summary_sink on_summary)
    : settings_(settings), now_(std::move(now)), on_summary_(std::move(on_summary)) {}

bool log_throttle::admit(std::string_view source, peer_event event) {
  const auto now = now_();
  end_windows(now, false);
  std::string key = key_of(source, event);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= settings_.max_keys) {
      key = key_of(other_sources, event);
      it = windows_.find(key);
    }
    if (it == windows_.end()) {
      it = windows_.emplace(key, window_state{now}).first;
      order_.push_back(opened{std::move(key), now});
    }
  }
  window_state& w = it->second;
  if (w.written < settings_.lines_per_window) {
    ++w.written;
    return true;
  }
  ++w.suppressed;
  return false;
}

void log_throttle::flush_due() { end_windows(now_(), false); }

void log_throttle::flush_all() { end_windows(now_(), true); }

void log_throttle::end_windows(clock::time_point now, bool all) {
  while (!order_.empty() && (all || now - order_.front().start >= settings_.window)) {
    opened front = std::move(order_.front());
    order_.pop_front();
    const auto it = windows_.find(front.key);
    if (it == windows_.end()) continue;
    const std::uint64_t suppressed = it->second.suppressed;
    windows_.erase(it);
    if (suppressed == 0 || !on_summary_) continue;
    suppression_summary summary;
    summary.event = static_cast<peer_event>(front.key.front());
    summary.source = front.key.substr(1);
    summary.suppressed = suppressed;
    summary.window = settings_.window;
    on_summary_(summary);
  }
}

}  // namespace lingua::peer_log
