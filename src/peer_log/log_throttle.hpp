#pragma once
// Decides which peer-caused log lines are written: per (source address, event) at most `lines_per_window` lines in
// a window of `window`, counting the rest; when the window is over, one summary of what was suppressed.
//
// Why: a peer chooses how often it makes the scheduler log (a refused frame per frame, a failed upgrade per
// connection). Unthrottled, six attacker sockets wrote 88 MB of log in 200 s. With this, a flood costs at most
// (lines_per_window + 1) lines per window per (address, event), and memory is bounded by max_sources.
//
// Pure logic with an injected clock (see tests/unit/peer_log); peer_log.hpp is the façade the code base calls.
// Not thread-safe, on purpose: one instance per event-loop thread (the scheduler has one loop), so no mutex.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lingua::peer_log {

// What kind of peer-caused line it is: lines of one kind from one address are "similar". Add kinds as needed.
enum class peer_event : std::uint8_t {
  invalid_message,     // a frame that does not parse or breaks a message rule
  refused_frame,       // a frame turned away unread (oversized, binary, ...)
  rate_limited,        // a peer above its message rate
  refused_upgrade,     // a WebSocket upgrade turned away (credentials, origin, ...)
  refused_connection,  // a socket turned away by the connection caps
  protocol_error,      // a well-formed message the protocol does not allow here (wrong node id, ...)
  deadline,            // a peer closed for being silent (first message, idle, HTTP request)
  connection_error,    // a peer's socket failed (reset, timeout, slow consumer, ...)
  peer_report,         // an error a node reports about itself
  accept_error,        // accept() failed (e.g. out of file descriptors); source is the listener
  peer_activity,       // routine lines a peer can repeat at will (session opened, room joined, ...)
};
std::string_view name_of(peer_event event) noexcept;

struct throttle_settings {
  std::size_t lines_per_window = 5;
  std::chrono::milliseconds window{10'000};
  // Distinct (source, event) keys tracked at once; lines of further sources share one key per event whose source
  // is "other sources", so a flood from many addresses is bounded too.
  std::size_t max_keys = 1024;
};

// One window that suppressed something, reported when it is over.
struct suppression_summary {
  std::string source;
  peer_event event{};
  std::uint64_t suppressed = 0;
  std::chrono::milliseconds window{};
};

// "suppressed 1,234 similar messages (invalid_message) from 10.0.0.1 in the last 10 s"
std::string describe(const suppression_summary& summary);

// "10.0.0.1:5555" → "10.0.0.1", "[::1]:5555" → "::1"; anything else as given. A view into `remote_endpoint`.
std::string_view source_of(std::string_view remote_endpoint) noexcept;

class log_throttle {
 public:
  using clock = std::chrono::steady_clock;
  using time_source = std::function<clock::time_point()>;
  using summary_sink = std::function<void(const suppression_summary&)>;

  log_throttle(throttle_settings settings, time_source now, summary_sink on_summary);

  // True if a line about `event` caused by `source` (an address; see source_of) may be written now. Ends the
  // windows that are over first (their summaries go to the sink).
  bool admit(std::string_view source, peer_event event);
  // Ends the windows that are over now; call it periodically so a summary comes out after a flood stops.
  void flush_due();
  // Ends every window now (at shutdown).
  void flush_all();

  std::size_t tracked_keys() const noexcept { return windows_.size(); }
  const throttle_settings& settings() const noexcept { return settings_; }

 private:
  struct window_state {
    clock::time_point start;
    std::size_t written = 0;
    std::uint64_t suppressed = 0;
  };
  struct opened {
    std::string key;
    clock::time_point start;
  };

  void end_windows(clock::time_point now, bool all);

  throttle_settings settings_;
  time_source now_;
  summary_sink on_summary_;
  // key = event byte + source; windows open in time order, so `order` ends them front to back.
  std::unordered_map<std::string, window_state> windows_;
  std::deque<opened> order_;
};

}  // namespace lingua::peer_log
