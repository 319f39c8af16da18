#include "e2e/node/speech_session.hpp"

#include "node/engines/audio.hpp"
#include "protocol/base64.hpp"

namespace lingua::test {

void speak(fake_session& session, const node::pcm16& speech) {
  const std::string plan_a = node::encode_plan_a(speech);
  std::size_t at = 0;
  std::uint64_t seq = 0;
  while (at < plan_a.size()) {
    std::size_t end = at;
    for (int records = 0; records < 13 && end < plan_a.size(); ++records) {
      end += 2 + (std::size_t{static_cast<unsigned char>(plan_a[end])} |
                  (std::size_t{static_cast<unsigned char>(plan_a[end + 1])} << 8));
    }
    session.send({{"type", "audio_chunk"},
                  {"session_id", session.id()},
                  {"seq", seq++},
                  {"is_final", end >= plan_a.size()},
                  {"payload", protocol::base64::encode(std::string_view(plan_a).substr(at, end - at))}});
    at = end;
  }
}

}  // namespace lingua::test
