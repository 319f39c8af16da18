// The script contract: every outcome and reason word the lua/ scripts answer with is known to the one C++ table
// (src/state/script_outcome.cpp), and every script's KEYS count reached the build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "state/script_key_counts.hpp"
#include "state/script_outcome.hpp"
#include "state/script_sources.hpp"

namespace {

std::filesystem::path lua_dir() { return LINGUA_LUA_DIR; }

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The words a script names as its answers: `{"word"` in its header comment, and `{ 'word'` starting a reply table
// in its code (`return { 'late' }`, `local reply = { 'completed', sess }`, `reply[#reply + 1] = { 'ack_timeout', …`).
std::set<std::string> answer_words(const std::string& text) {
  std::set<std::string> out;
  std::istringstream lines(text);
  static const std::regex header_word(R"(\{"([A-Za-z_]+)\")");
  static const std::regex reply_word(R"((?:return|reply[^=]*=)\s*\{\s*'([A-Za-z_]+)')");
  bool in_header = true;
  for (std::string line; std::getline(lines, line);) {
    in_header = in_header && line.starts_with("--");
    const std::regex& pattern = in_header ? header_word : reply_word;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), pattern); it != std::sregex_iterator(); ++it) {
      out.insert((*it)[1].str());
    }
  }
  return out;
}

}  // namespace

TEST(script_contract, every_answer_word_of_every_script_is_in_the_one_outcome_table) {
  std::size_t scripts = 0;
  std::set<std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(lua_dir())) {
    if (entry.path().extension() != ".lua") continue;
    ++scripts;
    for (const auto& word : answer_words(read(entry.path()))) {
      seen.insert(word);
      const auto o = lingua::state::outcome_of(word);
      const auto r = lingua::state::rejection_of(word);
      EXPECT_TRUE(o != lingua::state::outcome::unrecognised || r != lingua::state::rejection::unrecognised)
          << entry.path().filename() << " answers '" << word << "', which src/state/script_outcome.cpp does not know";
      if (o != lingua::state::outcome::unrecognised) {
        EXPECT_EQ(lingua::state::word_of(o), word);
      }
    }
  }
  EXPECT_GT(scripts, 20u);
  // The scan itself works: it finds the main outcomes of the job scripts.
  for (const char* word : {"assigned", "queued", "late", "completed", "stale", "CREATED", "NOT_FOUND"}) {
    EXPECT_TRUE(seen.contains(word)) << word;
  }
}

TEST(script_contract, unknown_words_are_unrecognised_not_guessed) {
  EXPECT_EQ(lingua::state::outcome_of("Assigned"), lingua::state::outcome::unrecognised);
  EXPECT_EQ(lingua::state::outcome_of(""), lingua::state::outcome::unrecognised);
  EXPECT_EQ(lingua::state::rejection_of("NO_POOLS"), lingua::state::rejection::unrecognised);
  EXPECT_EQ(lingua::state::rejection_of("NO_POOL"), lingua::state::rejection::no_pool);
  EXPECT_EQ(lingua::state::word_of(lingua::state::rejection::max_attempts), "MAX_ATTEMPTS");
}

TEST(script_contract, each_script_declares_the_keys_its_callers_pass) {
  // The counts the build read from the headers (a call site passing another number does not compile).
  EXPECT_EQ(lingua::state::script_keys::dispatch_task, 15u);
  EXPECT_EQ(lingua::state::script_keys::complete_task, 14u);
  EXPECT_EQ(lingua::state::script_keys::ack_task, 13u);
  EXPECT_EQ(lingua::state::script_keys::room_expire, 2u);
  for (const auto& source : lingua::state::script_sources()) {
    EXPECT_GT(source.keys, 0u) << source.name << " declares no KEYS in its header";
    EXPECT_EQ(source.variable_keys, std::string(source.name) == "room_expire") << source.name;
  }
}
