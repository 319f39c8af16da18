#include "node/engines/audio.hpp"

#include <opus.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

namespace lingua::node {

namespace {

constexpr int frame_samples = 320;       // 20 ms at 16 kHz
constexpr int max_frame_samples = 1920;  // 120 ms, the longest Opus frame
constexpr int bitrate_bps = 24000;

struct decoder_deleter {
  void operator()(OpusDecoder* d) const { opus_decoder_destroy(d); }
};
struct encoder_deleter {
  void operator()(OpusEncoder* e) const { opus_encoder_destroy(e); }
};

}  // namespace

pcm16 decode_plan_a(std::string_view bytes) {
  int error = 0;
  std::unique_ptr<OpusDecoder, decoder_deleter> decoder(opus_decoder_create(sample_rate_hz, 1, &error));
  if (error != OPUS_OK || !decoder) throw engine_error(std::string("opus decoder: ") + opus_strerror(error));
  pcm16 out;
  pcm16 frame(max_frame_samples);
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 2) throw engine_error("plan A: truncated length field");
    const auto length = static_cast<std::size_t>(static_cast<unsigned char>(bytes[at])) |
                        (static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + 1])) << 8);
    at += 2;
    if (length == 0 || bytes.size() - at < length) throw engine_error("plan A: truncated packet");
    const int n = opus_decode(decoder.get(), reinterpret_cast<const unsigned char*>(bytes.data() + at),
                              static_cast<opus_int32>(length), frame.data(), max_frame_samples, 0);
    if (n < 0) throw engine_error(std::string("opus decode: ") + opus_strerror(n));
    out.insert(out.end(), frame.begin(), frame.begin() + n);
    at += length;
  }
  return out;
}

std::string encode_plan_a(const pcm16& audio) {
  int error = 0;
  std::unique_ptr<OpusEncoder, encoder_deleter> encoder(
      opus_encoder_create(sample_rate_hz, 1, OPUS_APPLICATION_VOIP, &error));
  if (error != OPUS_OK || !encoder) throw engine_error(std::string("opus encoder: ") + opus_strerror(error));
  opus_encoder_ctl(encoder.get(), OPUS_SET_BITRATE(bitrate_bps));
  std::string out;
  std::vector<unsigned char> packet(4000);
  pcm16 frame(frame_samples);
  for (std::size_t at = 0; at < audio.size(); at += frame_samples) {
    const std::size_t n = std::min<std::size_t>(frame_samples, audio.size() - at);
    std::fill(frame.begin(), frame.end(), 0);
    std::copy_n(audio.begin() + static_cast<std::ptrdiff_t>(at), n, frame.begin());
    const int length = opus_encode(encoder.get(), frame.data(), frame_samples, packet.data(),
                                   static_cast<opus_int32>(packet.size()));
    if (length < 0) throw engine_error(std::string("opus encode: ") + opus_strerror(length));
    out.push_back(static_cast<char>(length & 0xff));
    out.push_back(static_cast<char>((length >> 8) & 0xff));
    out.append(reinterpret_cast<const char*>(packet.data()), static_cast<std::size_t>(length));
  }
  return out;
}

pcm16 pcm16_from_bytes(std::string_view bytes) {
  pcm16 out(bytes.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto lo = static_cast<unsigned>(static_cast<unsigned char>(bytes[2 * i]));
    const auto hi = static_cast<unsigned>(static_cast<unsigned char>(bytes[2 * i + 1]));
    out[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
  }
  return out;
}

pcm16 resample(const pcm16& audio, unsigned from_hz, unsigned to_hz) {
  if (from_hz == to_hz || audio.empty()) return audio;
  constexpr int half_taps = 16;
  const double ratio = static_cast<double>(from_hz) / to_hz;      // input samples per output sample
  const double cutoff = std::min(1.0, static_cast<double>(to_hz) / from_hz);  // of the input Nyquist
  const auto out_size = static_cast<std::size_t>(static_cast<double>(audio.size()) / ratio);
  pcm16 out(out_size);
  const auto last = static_cast<long>(audio.size()) - 1;
  for (std::size_t n = 0; n < out_size; ++n) {
    const double t = static_cast<double>(n) * ratio;
    const auto centre = static_cast<long>(std::floor(t));
    double sum = 0;
    double weight = 0;
    for (long k = centre - half_taps + 1; k <= centre + half_taps; ++k) {
      if (k < 0 || k > last) continue;
      const double x = t - static_cast<double>(k);
      const double arg = std::numbers::pi * x * cutoff;
      const double sinc = std::abs(x) < 1e-9 ? 1.0 : std::sin(arg) / arg;
      const double window = 0.5 + 0.5 * std::cos(std::numbers::pi * x / (half_taps + 1));
      const double w = sinc * window;
      sum += w * audio[static_cast<std::size_t>(k)];
      weight += w;
    }
    const double value = weight != 0 ? sum / weight : 0;
    out[n] = static_cast<std::int16_t>(std::clamp(std::lround(value), -32768L, 32767L));
  }
  return out;
}

double rms(const pcm16& audio) {
  if (audio.empty()) return 0;
  double sum = 0;
  for (auto s : audio) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(audio.size()));
}

std::string two_letter_code(const std::string& code) {
  static const std::pair<const char*, const char*> table[] = {
      {"eng", "en"}, {"spa", "es"}, {"cat", "ca"}, {"fra", "fr"}, {"fre", "fr"}, {"por", "pt"}, {"ita", "it"},
      {"deu", "de"}, {"ger", "de"}, {"glg", "gl"}, {"oci", "oc"}, {"ron", "ro"}, {"rum", "ro"}, {"eus", "eu"},
      {"nld", "nl"}, {"dut", "nl"}, {"afr", "af"}, {"dan", "da"}, {"swe", "sv"}, {"nob", "nb"}, {"nno", "nn"},
      {"isl", "is"}, {"epo", "eo"}, {"rus", "ru"}, {"ukr", "uk"}, {"bel", "be"}, {"pol", "pl"}, {"ces", "cs"},
      {"slk", "sk"}, {"hbs", "sh"}, {"bul", "bg"}, {"mkd", "mk"}, {"eng_US", "en"}, {"arg", "an"},
      {"zho", "zh"}, {"cmn", "zh"}, {"jpn", "ja"}, {"kor", "ko"}, {"ara", "ar"}, {"tur", "tr"}, {"kaz", "kk"},
      {"tat", "tt"}, {"hin", "hi"}, {"urd", "ur"}, {"mlt", "mt"}, {"gle", "ga"}, {"cym", "cy"}, {"bre", "br"}};
  if (code.size() == 2) return code;
  for (const auto& [three, two] : table) {
    if (code == three) return two;
  }
  return "";
}

}  // namespace lingua::node
