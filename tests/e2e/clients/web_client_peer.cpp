#include "e2e/clients/web_client_peer.hpp"

#include <opus/opus.h>

#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "protocol/base64.hpp"

namespace lingua::test {
namespace {

constexpr int sample_rate = 16000;
constexpr int frame_samples = 320;  // 20 ms
constexpr int packets_per_chunk = 13;

}  // namespace

web_client_peer::web_client_peer() {
  int error = 0;
  encoder_ = opus_encoder_create(sample_rate, 1, OPUS_APPLICATION_VOIP, &error);
  if (error != OPUS_OK || encoder_ == nullptr) throw std::runtime_error("opus_encoder_create failed");
  opus_encoder_ctl(encoder_, OPUS_SET_BITRATE(24000));
}

web_client_peer::~web_client_peer() { opus_encoder_destroy(encoder_); }

std::string web_client_peer::connect(std::uint16_t port) {
  return session_.connect(port, "auto", "en",
                          {{"mode", "two_way_auto"}, {"lang_a", "zh"}, {"lang_b", "en"},
                           {"auto_langs", {"zh", "en"}}, {"trace_id", "web-client-trace"}});
}

std::string web_client_peer::chunk_payload(bool speech) {
  std::string plan_a;
  std::vector<opus_int16> pcm(frame_samples);
  std::vector<unsigned char> packet(1500);
  for (int p = 0; p < packets_per_chunk; ++p) {
    for (int i = 0; i < frame_samples; ++i, ++sample_) {
      const double t = static_cast<double>(sample_) / sample_rate;
      const double voice = std::sin(2 * M_PI * 180 * t) + 0.5 * std::sin(2 * M_PI * 720 * t);
      pcm[static_cast<std::size_t>(i)] =
          speech ? static_cast<opus_int16>(6000 * voice * (0.6 + 0.4 * std::sin(2 * M_PI * 4 * t))) : 0;
    }
    const int length = opus_encode(encoder_, pcm.data(), frame_samples, packet.data(), static_cast<opus_int32>(packet.size()));
    if (length <= 0) throw std::runtime_error("opus_encode failed");
    last_packet_bytes_ = static_cast<std::size_t>(length);
    plan_a.push_back(static_cast<char>(length & 0xFF));
    plan_a.push_back(static_cast<char>((length >> 8) & 0xFF));
    plan_a.append(reinterpret_cast<const char*>(packet.data()), static_cast<std::size_t>(length));
  }
  return protocol::base64::encode(plan_a);
}

void web_client_peer::send_chunk(bool speech) {
  // The client's chunks carry only these five fields.
  session_.send({{"type", "audio_chunk"}, {"session_id", session_.id()}, {"seq", seq_++}, {"is_final", false},
                 {"payload", chunk_payload(speech)}});
}

void web_client_peer::cut() {
  session_.send({{"type", "audio_chunk"}, {"session_id", session_.id()}, {"seq", seq_++}, {"is_final", true},
                 {"payload", ""}});
}

void web_client_peer::pace(std::chrono::milliseconds cadence) {
  if (chunks_sent_ > 0) std::this_thread::sleep_for(cadence);  // one chunk every `cadence`, as the client's timer
  ++chunks_sent_;
}

void web_client_peer::speak(int chunks, std::chrono::milliseconds cadence) {
  for (int i = 0; i < chunks; ++i) {
    pace(cadence);
    send_chunk(true);
  }
}

void web_client_peer::silent_cut(std::chrono::milliseconds cadence) {
  pace(cadence);
  send_chunk(false);
  cut();
}

void web_client_peer::long_silent_cut(int chunks, std::chrono::milliseconds cadence) {
  for (int i = 0; i < chunks; ++i) {
    pace(cadence);
    send_chunk(false);
  }
  cut();
}

}  // namespace lingua::test
