#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace lingua::config {
namespace {

using ::testing::HasSubstr;
using test::config_file;
using test::load_with_file;

TEST(config_defaults, start_the_scheduler_when_no_argument_is_given) {
  const auto result = load_config_from_args({});
  EXPECT_FALSE(result.exit_now);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "");
  EXPECT_EQ(result.config, scheduler_config{});
}

TEST(config_defaults, match_the_documented_values) {
  const scheduler_config c;
  EXPECT_EQ(c.server.host, "0.0.0.0");
  EXPECT_EQ(c.server.port, 5010);
  EXPECT_EQ(c.server.max_frame_bytes, 1048576u);
  EXPECT_EQ(c.server.max_messages_per_second, 200u);
  EXPECT_EQ(c.server.message_burst, 400u);
  EXPECT_EQ(c.server.max_write_queue_bytes, 8388608u);
  EXPECT_EQ(c.server.shutdown_grace_ms, 5000);

  EXPECT_EQ(c.redis.url, "");
  EXPECT_EQ(c.redis.key_prefix, "lingua");
  EXPECT_EQ(c.redis.connections, 2u);
  EXPECT_EQ(c.redis.command_timeout_ms, 2000);
  EXPECT_EQ(c.redis.connect_timeout_ms, 1000);
  EXPECT_EQ(c.redis.reconnect_min_ms, 50);
  EXPECT_EQ(c.redis.reconnect_max_ms, 2000);
  EXPECT_EQ(c.redis.embedded_executable, "redis-server");
  EXPECT_EQ(c.redis.embedded_data_dir, "");
  EXPECT_EQ(c.redis.embedded_port, 0);

  EXPECT_EQ(c.instance.id, "");
  EXPECT_EQ(c.instance.presence_ttl_ms, 10000);
  EXPECT_EQ(c.instance.presence_renew_ms, 3000);

  EXPECT_EQ(c.nodes.default_max_concurrent_jobs, 4u);
  EXPECT_EQ(c.nodes.heartbeat_interval_ms, 15000);
  EXPECT_EQ(c.nodes.heartbeat_timeout_ms, 45000);
  EXPECT_EQ(c.nodes.resource_threshold_percent, 95.0);
  EXPECT_EQ(c.nodes.model_unavailable_ttl_ms, 60000);

  EXPECT_EQ(c.selection.sample_size, 3u);
  EXPECT_EQ(c.selection.max_sample_rounds, 3u);
  EXPECT_TRUE(c.selection.sticky_sessions);

  EXPECT_EQ(c.jobs.ack_timeout_ms, 5000);
  EXPECT_EQ(c.jobs.run_timeout_base_ms, 15000);
  EXPECT_EQ(c.jobs.run_timeout_per_audio_second_ms, 2000);
  EXPECT_EQ(c.jobs.run_timeout_min_ms, 15000);
  EXPECT_EQ(c.jobs.run_timeout_max_ms, 60000);
  EXPECT_EQ(c.jobs.max_attempts, 3u);
  EXPECT_EQ(c.jobs.backlog_max_wait_ms, 10000);
  EXPECT_EQ(c.jobs.job_ttl_ms, 3600000);
  EXPECT_EQ(c.jobs.idempotency_ttl_ms, 300000);
  EXPECT_EQ(c.jobs.deadline_scan_interval_ms, 250);
  EXPECT_EQ(c.jobs.queue_wait_budget_ms, 2000);
  EXPECT_EQ(c.jobs.max_backlog, 5000);
  EXPECT_EQ(c.jobs.max_utterances_in_flight, 32u);

  EXPECT_EQ(c.segmentation.pause_ms, 3000);
  EXPECT_EQ(c.segmentation.max_duration_ms, 10000);
  EXPECT_EQ(c.segmentation.max_buffer_bytes, 512000u);
  EXPECT_EQ(c.segmentation.hangover_auto_ms, 150);
  EXPECT_EQ(c.segmentation.hangover_manual_ms, 200);
  EXPECT_EQ(c.segmentation.padding_auto_ms, 220);
  EXPECT_EQ(c.segmentation.padding_manual_ms, 280);
  EXPECT_EQ(c.segmentation.max_utterance_audio_bytes, 512000u);
  EXPECT_EQ(c.segmentation.result_gap_wait_ms, 5000);

  EXPECT_EQ(c.rooms.expire_after_ms, 1800000);
  EXPECT_EQ(c.rooms.scan_interval_ms, 60000);
  EXPECT_EQ(c.rooms.max_members, 50u);

  EXPECT_EQ(c.routing.stream_maxlen, 10000u);
  EXPECT_EQ(c.routing.stream_block_ms, 1000);
  EXPECT_EQ(c.routing.stream_batch, 64u);
  EXPECT_EQ(c.routing.reclaim_idle_ms, 5000);
  EXPECT_EQ(c.routing.dead_letter_after_deliveries, 10u);
  EXPECT_EQ(c.routing.dead_letter_maxlen, 10000u);

  EXPECT_EQ(c.limits.node_register_burst, 5u);
  EXPECT_EQ(c.limits.node_register_interval_ms, 10000);

  EXPECT_EQ(c.log.level, "info");
}

TEST(config_file, values_replace_the_defaults_and_absent_keys_keep_them) {
  const config_file file(R"(
[server]
port = 6010
host = "127.0.0.1"

[redis]
url = "redis://127.0.0.1:6379"
key_prefix = "staging"

[nodes]
resource_threshold_percent = 80.5

[selection]
sticky_sessions = false

[jobs]
max_attempts = 5
run_timeout_max_ms = 90000

[log]
level = "debug"
)");
  const auto result = load_with_file(file);
  ASSERT_FALSE(result.exit_now) << result.output;

  scheduler_config expected;
  expected.server.port = 6010;
  expected.server.host = "127.0.0.1";
  expected.redis.url = "redis://127.0.0.1:6379";
  expected.redis.key_prefix = "staging";
  expected.nodes.resource_threshold_percent = 80.5;
  expected.selection.sticky_sessions = false;
  expected.jobs.max_attempts = 5;
  expected.jobs.run_timeout_max_ms = 90000;
  expected.log.level = "debug";
  EXPECT_EQ(result.config, expected);
}

TEST(config_file, accepts_a_whole_number_for_a_percentage) {
  const config_file file("[nodes]\nresource_threshold_percent = 90\n");
  const auto result = load_with_file(file);
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config.nodes.resource_threshold_percent, 90.0);
}

TEST(config_file, empty_file_gives_the_defaults) {
  const config_file file("");
  const auto result = load_with_file(file);
  ASSERT_FALSE(result.exit_now) << result.output;
  EXPECT_EQ(result.config, scheduler_config{});
}

TEST(config_file, unknown_key_is_an_error_naming_the_key_and_its_line) {
  const config_file file("[jobs]\nmax_attempts = 3\nmax_atempts = 4\n");
  const auto result = load_with_file(file);
  EXPECT_TRUE(result.exit_now);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr(file.path() + ":3:"));
  EXPECT_THAT(result.output, HasSubstr("unknown key 'jobs.max_atempts'"));
  EXPECT_THAT(result.output, HasSubstr("did you mean 'jobs.max_attempts'?"));
}

TEST(config_file, every_unknown_key_is_reported_in_file_order) {
  const config_file file("[server]\nprot = 1\n[redis]\nadress = \"x\"\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  const auto server = result.output.find("'server.prot'");
  const auto redis = result.output.find("'redis.adress'");
  ASSERT_NE(server, std::string::npos) << result.output;
  ASSERT_NE(redis, std::string::npos) << result.output;
  EXPECT_LT(server, redis) << result.output;
}

TEST(config_file, unknown_section_is_an_error_naming_the_section) {
  const config_file file("[sever]\nport = 5011\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("unknown section [sever]"));
  EXPECT_THAT(result.output, HasSubstr("did you mean [server]?"));
}

TEST(config_file, key_outside_any_section_is_an_error_pointing_to_its_section) {
  const config_file file("port = 5011\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("unknown key 'port' outside any section"));
  EXPECT_THAT(result.output, HasSubstr("[server]"));
}

TEST(config_file, nested_table_inside_a_section_is_an_unknown_key) {
  const config_file file("[server.tls]\ncert = \"x\"\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("unknown key 'server.tls'"));
}

TEST(config_file, wrong_type_is_an_error_naming_the_key_and_both_types) {
  const config_file file("[server]\nport = \"5010\"\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr(file.path() + ":2:"));
  EXPECT_THAT(result.output, HasSubstr("'server.port' expects an integer, got a string"));
}

TEST(config_file, fraction_where_an_integer_belongs_is_an_error) {
  const config_file file("[jobs]\nack_timeout_ms = 1.5\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'jobs.ack_timeout_ms' expects an integer, got a floating-point number"));
}

TEST(config_file, string_where_a_boolean_belongs_is_an_error) {
  const config_file file("[selection]\nsticky_sessions = \"yes\"\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'selection.sticky_sessions' expects a boolean"));
}

TEST(config_file, array_where_a_string_belongs_is_an_error) {
  const config_file file("[redis]\nurl = [\"redis://a:1\"]\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'redis.url' expects a string, got an array"));
}

TEST(config_file, negative_count_is_an_error) {
  const config_file file("[jobs]\nmax_attempts = -1\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'jobs.max_attempts' must not be negative"));
}

TEST(config_file, port_beyond_65535_is_an_error) {
  const config_file file("[server]\nport = 70000\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'server.port' is out of range: got 70000, allowed 0 to 65535"));
}

TEST(config_file, section_given_as_a_value_is_an_error) {
  const config_file file("server = 5\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'server' must be a section"));
}

TEST(config_file, syntax_error_is_reported_with_its_line) {
  const config_file file("[server]\nport = = 1\n");
  const auto result = load_with_file(file);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr(file.path() + ":2:"));
  EXPECT_THAT(result.output, HasSubstr("invalid TOML"));
}

TEST(config_file, missing_file_is_an_error_naming_the_path) {
  const auto result = load_config_from_args({"--config", "/nonexistent/lingua.toml"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'/nonexistent/lingua.toml' does not exist"));
}

}  // namespace
}  // namespace lingua::config
