#pragma once
// A test peer that sends audio as the Lingua web client does (/work/shared/reference/clients-observed.md): the
// two-way session_init of its UI, one audio_chunk every ~256 ms carrying 13 real Opus packets (libopus, 16 kHz mono,
// VOIP, 24 kbps, 20 ms frames, "Plan A" framing), and after a phrase a cut (`is_final` with an empty payload) after
// every trailing silent chunk.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "e2e/harness/fake_session.hpp"

struct OpusEncoder;

namespace lingua::test {

class web_client_peer {
 public:
  web_client_peer();
  ~web_client_peer();
  web_client_peer(const web_client_peer&) = delete;
  web_client_peer& operator=(const web_client_peer&) = delete;

  std::string connect(std::uint16_t port);
  // Chunks go out one every `cadence` (the first at once); a cut (`is_final`, empty payload) right after the chunk
  // it follows, as the client sends it.
  // `chunks` chunks of speech-like sound (a modulated tone).
  void speak(int chunks, std::chrono::milliseconds cadence = std::chrono::milliseconds(256));
  // One chunk of digital silence followed by a cut: what the client sends after a phrase, again and again.
  void silent_cut(std::chrono::milliseconds cadence = std::chrono::milliseconds(256));
  // `chunks` chunks of silence, then one cut (the client's 2,340 ms cut of pure silence is 9 chunks).
  void long_silent_cut(int chunks, std::chrono::milliseconds cadence = std::chrono::milliseconds(256));
  void cut();
  // The base64 Plan A payload of one chunk (13 packets), speech or silence, as sent.
  std::string chunk_payload(bool speech);

  fake_session& session() { return session_; }
  std::size_t last_packet_bytes() const { return last_packet_bytes_; }

 private:
  void send_chunk(bool speech);
  void pace(std::chrono::milliseconds cadence);

  fake_session session_;
  OpusEncoder* encoder_ = nullptr;
  std::uint64_t seq_ = 0;
  std::uint64_t sample_ = 0;
  std::size_t last_packet_bytes_ = 0;
  std::uint64_t chunks_sent_ = 0;
};

}  // namespace lingua::test
