// Replays every checked-in fuzz input (tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/) through
// the entry point its directory names. An input that crashes or breaks an invariant aborts the test.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "entry_points.hpp"

namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::function<void(std::string_view)>>& entry_points() {
  static const std::map<std::string, std::function<void(std::string_view)>> all{
      {"session_frame", lingua::fuzz::session_frame},
      {"node_frame", lingua::fuzz::node_frame},
      {"base64_text", lingua::fuzz::base64_text},
      {"config_text", lingua::fuzz::config_text},
  };
  return all;
}

fs::path fuzz_dir() { return fs::path(LINGUA_FUZZ_DIR); }

// Inputs replayed for `target`.
std::size_t replay(const std::string& target) {
  std::size_t count = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fuzz_dir() / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      SCOPED_TRACE(entry.path().string());
      entry_points().at(target)(data);
      ++count;
    }
  }
  return count;
}

TEST(fuzz_corpus, every_session_frame_input_is_handled_without_crash) { EXPECT_GT(replay("session_frame"), 5U); }
TEST(fuzz_corpus, every_node_frame_input_is_handled_without_crash) { EXPECT_GT(replay("node_frame"), 5U); }
TEST(fuzz_corpus, every_base64_input_is_handled_without_crash) { EXPECT_GT(replay("base64_text"), 3U); }
TEST(fuzz_corpus, every_config_input_is_handled_without_crash) { EXPECT_GT(replay("config_text"), 3U); }

TEST(fuzz_corpus, every_directory_names_a_known_entry_point) {
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fuzz_dir() / kind;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      EXPECT_TRUE(entry_points().contains(entry.path().filename().string())) << entry.path();
    }
  }
}

}  // namespace
