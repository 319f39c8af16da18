#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace lingua::config {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Applies `text` over a configuration that differs from `expected` in every field, so a key that to_toml forgot
// to print would show up as a difference.
scheduler_config parse_over_changed(const std::string& text) {
  scheduler_config c;
  c.server.host = "changed";
  c.redis.url = "redis://changed:1";
  c.log.level = "error";
  c.nodes.resource_threshold_percent = 1.0;
  c.selection.sticky_sessions = !c.selection.sticky_sessions;
  c.jobs.max_attempts = 99;
  EXPECT_THAT(apply_toml(text, "printed", c), IsEmpty());
  return c;
}

TEST(config_toml, printing_the_defaults_then_parsing_gives_the_defaults) {
  const scheduler_config defaults;
  EXPECT_EQ(parse_over_changed(to_toml(defaults)), defaults);
}

TEST(config_toml, printing_a_changed_config_then_parsing_gives_the_same_config) {
  scheduler_config c;
  c.server.host = "::1";
  c.server.port = 65535;
  c.server.max_frame_bytes = 123456789012;
  c.redis.url = "unix:///tmp/a \"quoted\" \\ path\n\twith controls\x01";
  c.redis.embedded_data_dir = "/var/lib/lingua/é";
  c.redis.embedded_port = 6380;
  c.instance.id = "eu-west-1.a";
  c.nodes.resource_threshold_percent = 87.125;
  c.selection.sticky_sessions = false;
  c.jobs.run_timeout_per_audio_second_ms = -7;  // printing does not validate
  c.jobs.job_ttl_ms = 9'000'000'000'000;
  c.routing.dead_letter_maxlen = 1;
  c.log.level = "trace";
  EXPECT_EQ(parse_over_changed(to_toml(c)), c);
}

TEST(config_toml, fractional_percentages_survive_the_round_trip_exactly) {
  for (const double value : {0.1, 1.0 / 3.0, 99.99999999999999, 1e-300}) {
    scheduler_config c;
    c.nodes.resource_threshold_percent = value;
    EXPECT_EQ(parse_over_changed(to_toml(c)).nodes.resource_threshold_percent, value);
  }
}

TEST(config_toml, printed_document_documents_each_key_with_a_comment) {
  const std::string text = to_toml(scheduler_config{});
  EXPECT_THAT(text, HasSubstr("[server]\n# Address to listen on\nhost = \"0.0.0.0\"\n"));
  EXPECT_THAT(text, HasSubstr("[log]\n"));
  EXPECT_THAT(text, HasSubstr("resource_threshold_percent = 95.0\n"));
}

TEST(config_toml, print_config_flag_prints_the_effective_config_and_exits) {
  const test::config_file file("[jobs]\nmax_attempts = 7\n");
  const auto result = test::load_with_file(file, {"--port", "6001", "--print-config"});
  EXPECT_TRUE(result.exit_now);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("port = 6001\n"));
  EXPECT_THAT(result.output, HasSubstr("max_attempts = 7\n"));

  scheduler_config expected;
  expected.server.port = 6001;
  expected.jobs.max_attempts = 7;
  EXPECT_EQ(parse_over_changed(result.output), expected);
}

TEST(config_toml, print_config_still_refuses_an_invalid_config) {
  const auto result = load_config_from_args({"--selection.sample_size", "0", "--print-config"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("selection.sample_size"));
}

}  // namespace
}  // namespace lingua::config
