#include "node/engines/wav.hpp"

#include <algorithm>

#include "node/engines/audio.hpp"

namespace lingua::node {

namespace {

std::uint32_t le(std::string_view b, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

pcm16 decode_wav(std::string_view bytes) {
  if (bytes.size() < 12 || bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE") {
    throw engine_error("not a WAV file (" + std::to_string(bytes.size()) + " bytes)");
  }
  unsigned channels = 0;
  unsigned rate = 0;
  std::size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const std::string_view id = bytes.substr(at, 4);
    const std::uint32_t size = le(bytes, at + 4, 4);
    const std::size_t body = at + 8;
    if (id == "fmt ") {
      if (size < 16 || body + 16 > bytes.size()) throw engine_error("WAV: truncated fmt chunk");
      const auto format = le(bytes, body, 2);
      channels = le(bytes, body + 2, 2);
      rate = le(bytes, body + 4, 4);
      const auto bits = le(bytes, body + 14, 2);
      // 1 = PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE (its sub-format is PCM for 16-bit integer speech).
      if ((format != 1 && format != 0xFFFE) || bits != 16 || channels == 0 || rate == 0) {
        throw engine_error("WAV: only 16-bit PCM is supported (format " + std::to_string(format) + ", " +
                           std::to_string(bits) + " bits)");
      }
    } else if (id == "data") {
      if (channels == 0) throw engine_error("WAV: data before fmt");
      const std::size_t n = std::min<std::size_t>(size, bytes.size() - body);
      const pcm16 interleaved = pcm16_from_bytes(bytes.substr(body, n));
      pcm16 mono(interleaved.size() / channels);
      for (std::size_t i = 0; i < mono.size(); ++i) {
        int sum = 0;
        for (unsigned c = 0; c < channels; ++c) sum += interleaved[i * channels + c];
        mono[i] = static_cast<std::int16_t>(sum / static_cast<int>(channels));
      }
      return resample(mono, rate, sample_rate_hz);
    }
    at = body + size + (size & 1);
  }
  throw engine_error("WAV: no data chunk");
}

std::string encode_wav(const pcm16& audio, unsigned rate_hz) {
  const auto data_bytes = static_cast<std::uint32_t>(audio.size() * 2);
  std::string out = "RIFF";
  put_le(out, 36 + data_bytes, 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);
  put_le(out, 1, 2);  // PCM
  put_le(out, 1, 2);  // mono
  put_le(out, rate_hz, 4);
  put_le(out, rate_hz * 2, 4);  // bytes per second
  put_le(out, 2, 2);            // block align
  put_le(out, 16, 2);           // bits per sample
  out += "data";
  put_le(out, data_bytes, 4);
  for (const auto s : audio) put_le(out, static_cast<std::uint16_t>(s), 2);
  return out;
}

}  // namespace lingua::node
