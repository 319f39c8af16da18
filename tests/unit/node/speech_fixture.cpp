#include "unit/node/speech_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "node/engines/audio.hpp"

namespace lingua::test {

namespace {

std::uint32_t le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24);
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

node::pcm16 read_wav_16k(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 44 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) {
    throw std::runtime_error("not a WAV file: " + path);
  }
  unsigned rate = 0;
  std::size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const std::string id = bytes.substr(at, 4);
    const std::uint32_t size = le32(bytes, at + 4);
    if (id == "fmt ") rate = le32(bytes, at + 12);
    if (id == "data") {
      const std::size_t n = std::min<std::size_t>(size, bytes.size() - at - 8);
      return node::resample(node::pcm16_from_bytes(std::string_view(bytes).substr(at + 8, n)), rate,
                            node::sample_rate_hz);
    }
    at += 8 + size + (size & 1);
  }
  throw std::runtime_error("no data chunk in " + path);
}

node::pcm16 flite_speech(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("lingua-flite-" + std::to_string(getpid()) + "-" + std::to_string(std::hash<std::string>{}(text)) + ".wav");
  const std::string command = "flite -t '" + text + "' -o '" + path.string() + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("flite failed (is it installed?)");
  auto samples = read_wav_16k(path.string());
  std::filesystem::remove(path);
  return samples;
}

std::size_t words_in_common(const std::string& expected, const std::string& hypothesis) {
  auto heard = words(hypothesis);
  std::size_t common = 0;
  for (const auto& w : words(expected)) {
    auto found = std::find(heard.begin(), heard.end(), w);
    if (found != heard.end()) {
      ++common;
      heard.erase(found);
    }
  }
  return common;
}

}  // namespace lingua::test
