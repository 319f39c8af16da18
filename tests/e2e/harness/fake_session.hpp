#pragma once
// A scripted client speaking the session protocol over a real WebSocket, as the web client does.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "kit/ws_client.hpp"

namespace lingua::test {

class fake_session {
 public:
  fake_session() = default;
  // Upgrades with `query` appended to /ws/session (e.g. "?token=…") and these extra headers (e.g. Origin).
  explicit fake_session(std::string query, ws_options options = {})
      : query_(std::move(query)), options_(std::move(options)) {}

  // Connects and sends session_init (one-way src→tgt unless `init` overrides fields); returns the session id.
  std::string connect(std::uint16_t port, const std::string& src = "en", const std::string& tgt = "zh",
                      nlohmann::json init_overrides = nlohmann::json::object());
  // An audio_chunk with `bytes` of Plan A audio (20 ms per 61-byte record) or a bare is_final marker.
  void send_audio(std::size_t records, bool is_final = false);
  void send_final();
  // A whole `utterance` message.
  void send_utterance(std::uint64_t index, std::size_t audio_bytes = 320, nlohmann::json overrides = nlohmann::json::object());
  void send(const nlohmann::json& message) { ws_.send_json(message); }

  std::optional<nlohmann::json> next(std::string_view type, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return ws_.receive_until(type, timeout);
  }
  ws_client& socket() { return ws_; }
  const std::string& id() const { return session_id_; }

 private:
  ws_client ws_;
  std::string session_id_;
  std::uint64_t seq_ = 0;
  std::string query_;
  ws_options options_;
};

// Plan A opus audio: `records` frames of [u16 LE 59][59 bytes], base64-encoded.
std::string plan_a_audio_base64(std::size_t records);

}  // namespace lingua::test
