#include "e2e/harness/fake_session.hpp"

#include <stdexcept>

#include "protocol/base64.hpp"

namespace lingua::test {

std::string plan_a_audio_base64(std::size_t records) {
  std::string bytes;
  for (std::size_t i = 0; i < records; ++i) {
    bytes.push_back(static_cast<char>(59));
    bytes.push_back('\0');
    bytes.append(59, static_cast<char>(0x40 + static_cast<int>(i % 16)));
  }
  return protocol::base64::encode(bytes);
}

std::string fake_session::connect(std::uint16_t port, const std::string& src, const std::string& tgt,
                                  nlohmann::json init_overrides) {
  ws_.connect("127.0.0.1", port, "/ws/session" + query_, std::chrono::seconds(5), options_);
  nlohmann::json init = {{"type", "session_init"}, {"client_version", "web-client-v1.0"},
                         {"platform", "web"},      {"src_lang", src},
                         {"tgt_lang", tgt},        {"dialect", nullptr},
                         {"features", nlohmann::json::object()}, {"pairing_code", nullptr},
                         {"tenant_id", nullptr},   {"mode", "one_way"}};
  for (auto& [k, v] : init_overrides.items()) init[k] = v;
  ws_.send_json(init);
  auto ack = ws_.receive_until("session_init_ack", std::chrono::seconds(5));
  if (!ack) throw std::runtime_error("no session_init_ack");
  session_id_ = (*ack)["session_id"].get<std::string>();
  return session_id_;
}

void fake_session::send_audio(std::size_t records, bool is_final) {
  ws_.send_json({{"type", "audio_chunk"},
                 {"session_id", session_id_},
                 {"seq", seq_++},
                 {"is_final", is_final},
                 {"payload", records == 0 ? std::string() : plan_a_audio_base64(records)}});
}

void fake_session::send_final() { send_audio(0, true); }

void fake_session::send_utterance(std::uint64_t index, std::size_t audio_bytes, nlohmann::json overrides) {
  nlohmann::json m = {{"type", "utterance"},
                      {"session_id", session_id_},
                      {"utterance_index", index},
                      {"manual_cut", true},
                      {"src_lang", "en"},
                      {"tgt_lang", "zh"},
                      {"audio", protocol::base64::encode(std::string(audio_bytes, '\x01'))},
                      {"audio_format", "pcm16"},
                      {"sample_rate", 16000},
                      {"pipeline", {{"use_asr", true}, {"use_nmt", true}, {"use_tts", true}}}};
  for (auto& [k, v] : overrides.items()) m[k] = v;
  ws_.send_json(m);
}

}  // namespace lingua::test
