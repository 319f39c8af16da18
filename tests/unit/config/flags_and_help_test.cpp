#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "config_test_support.hpp"

namespace lingua::config {
namespace {

using ::testing::HasSubstr;
using test::config_file;
using test::load_with_file;

// "[section]" and "key = value" lines of a TOML document as "section.key".
std::vector<std::string> dotted_keys(const std::string& toml_text) {
  std::vector<std::string> keys;
  std::istringstream in(toml_text);
  std::string line;
  std::string section;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) {
      section = line.substr(1, line.size() - 2);
    } else if (const auto eq = line.find(" = "); !line.starts_with("#") && eq != std::string::npos) {
      keys.push_back(section + "." + line.substr(0, eq));
    }
  }
  return keys;
}

TEST(config_flags, override_values_from_the_file) {
  const config_file file("[server]\nport = 6010\nhost = \"127.0.0.1\"\n[jobs]\nmax_attempts = 5\n");
  const auto result = load_with_file(file, {"--port", "7010", "--jobs.max_attempts", "2"});
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config.server.port, 7010);
  EXPECT_EQ(result.config.jobs.max_attempts, 2u);
  EXPECT_EQ(result.config.server.host, "127.0.0.1");
}

TEST(config_flags, override_the_file_even_when_given_before_it) {
  const config_file file("[server]\nport = 6010\n");
  const auto result = load_config_from_args({"--server.port=7010", "--config", file.path()});
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config.server.port, 7010);
}

TEST(config_flags, short_aliases_set_the_same_fields_as_the_dotted_flags) {
  const auto result = load_config_from_args({"--port", "6001", "--host", "::1", "--redis", "unix:///tmp/r.sock",
                                             "--instance-id", "eu-1", "--key-prefix", "prod", "--log-level",
                                             "debug"});
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config.server.port, 6001);
  EXPECT_EQ(result.config.server.host, "::1");
  EXPECT_EQ(result.config.redis.url, "unix:///tmp/r.sock");
  EXPECT_EQ(result.config.instance.id, "eu-1");
  EXPECT_EQ(result.config.redis.key_prefix, "prod");
  EXPECT_EQ(result.config.log.level, "debug");
}

TEST(config_flags, every_toml_key_can_be_set_by_its_dotted_flag) {
  // Setting each key through its flag to the value it already has must be accepted and change nothing.
  const scheduler_config defaults;
  std::vector<std::string> args;
  std::istringstream in(to_toml(defaults));
  std::string line;
  std::string section;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) {
      section = line.substr(1, line.size() - 2);
    } else if (const auto eq = line.find(" = "); !line.starts_with("#") && eq != std::string::npos) {
      std::string value = line.substr(eq + 3);
      if (value.starts_with("\"")) value = value.substr(1, value.size() - 2);
      args.push_back("--" + section + "." + line.substr(0, eq) + "=" + value);
    }
  }
  ASSERT_GT(args.size(), 50u);
  const auto result = load_config_from_args(args);
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config, defaults);
}

TEST(config_flags, booleans_accept_true_false_and_their_usual_spellings) {
  EXPECT_FALSE(load_config_from_args({"--selection.sticky_sessions", "false"}).config.selection.sticky_sessions);
  EXPECT_FALSE(load_config_from_args({"--selection.sticky_sessions=off"}).config.selection.sticky_sessions);
  EXPECT_FALSE(load_config_from_args({"--selection.sticky_sessions=0"}).config.selection.sticky_sessions);
  const auto yes = load_config_from_args({"--selection.sticky_sessions=yes"});
  ASSERT_FALSE(yes.exit_now) << yes.output;
  EXPECT_TRUE(yes.config.selection.sticky_sessions);
}

TEST(config_flags, empty_value_clears_a_text_setting_from_the_file) {
  const config_file file("[redis]\nurl = \"redis://10.0.0.5:6379\"\n");
  for (const std::vector<std::string>& flags : {std::vector<std::string>{"--redis="},
                                               std::vector<std::string>{"--redis", ""}}) {
    const auto result = load_with_file(file, flags);
    ASSERT_FALSE(result.exit_now) << result.output;
    EXPECT_EQ(result.config.redis.url, "");
  }
}

TEST(config_flags, empty_value_does_not_swallow_the_next_flag) {
  const auto result = load_config_from_args({"--instance.id=", "--port", "6001"});
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config.instance.id, "");
  EXPECT_EQ(result.config.server.port, 6001);
}

TEST(config_flags, the_last_of_a_repeated_flag_wins) {
  const auto result = load_config_from_args({"--port", "6001", "--port", "6002"});
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config.server.port, 6002);
}

TEST(config_flags, non_numeric_value_is_an_error_naming_the_flag) {
  const auto result = load_config_from_args({"--port", "abc"});
  EXPECT_TRUE(result.exit_now);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--server.port: 'abc' is not an integer"));
}

TEST(config_flags, trailing_garbage_after_a_number_is_an_error) {
  const auto result = load_config_from_args({"--jobs.ack_timeout_ms", "5s"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--jobs.ack_timeout_ms: '5s' is not an integer"));
}

TEST(config_flags, negative_count_is_an_error) {
  const auto result = load_config_from_args({"--selection.sample_size=-1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--selection.sample_size: must not be negative"));
}

TEST(config_flags, unknown_flag_is_an_error_naming_it) {
  const auto result = load_config_from_args({"--prot", "5010"});
  EXPECT_TRUE(result.exit_now);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--prot"));
}

TEST(config_flags, invalid_value_fails_validation_and_names_the_key) {
  const auto result = load_config_from_args({"--jobs.max_attempts", "0"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("jobs.max_attempts must be at least 1 (got 0)"));
}

TEST(config_help, lists_every_option_with_its_default) {
  const auto result = load_config_from_args({"--help"});
  EXPECT_TRUE(result.exit_now);
  EXPECT_EQ(result.exit_code, 0);
  const std::string& help = result.output;
  EXPECT_THAT(help, HasSubstr("lingua-scheduler"));
  EXPECT_THAT(help, HasSubstr("--port"));
  EXPECT_THAT(help, HasSubstr("--redis"));
  EXPECT_THAT(help, HasSubstr("--config"));
  EXPECT_THAT(help, HasSubstr("--print-config"));
  EXPECT_THAT(help, HasSubstr("--version"));
  EXPECT_THAT(help, HasSubstr("[default: 5010]"));
  EXPECT_THAT(help, HasSubstr("[default: \"redis-server\"]"));
  EXPECT_THAT(help, HasSubstr("[default: 95.0]"));
  const auto keys = dotted_keys(to_toml(scheduler_config{}));
  ASSERT_GT(keys.size(), 50u);
  for (const auto& key : keys) {
    // "--server.port INT" or, with an alias, "--server.port,--port INT".
    const bool listed = help.find("--" + key + " ") != std::string::npos ||
                        help.find("--" + key + ",--") != std::string::npos;
    EXPECT_TRUE(listed) << "--" << key << " is missing from --help";
  }
}

TEST(config_help, version_flag_prints_the_version_and_exits) {
  const auto result = load_config_from_args({"--version"});
  EXPECT_TRUE(result.exit_now);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, version_text() + "\n");
  EXPECT_THAT(version_text(), HasSubstr("lingua-scheduler "));
}

TEST(config_flags, load_config_reads_argv_after_the_program_name) {
  std::string program = "lingua-scheduler";
  std::string flag = "--port";
  std::string value = "6123";
  char* argv[] = {program.data(), flag.data(), value.data(), nullptr};
  const auto result = load_config(3, argv);
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config.server.port, 6123);
}

}  // namespace
}  // namespace lingua::config
