#include "unit/node/speech_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "node/engines/wav.hpp"

namespace lingua::test {

namespace {

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

node::pcm16 read_wav_16k(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return node::decode_wav(bytes);
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
