#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/validate_config.hpp"

namespace lingua::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(config_validation, accepts_the_defaults) { EXPECT_THAT(validate(scheduler_config{}), IsEmpty()); }

TEST(config_validation, rejects_port_zero) {
  scheduler_config c;
  c.server.port = 0;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("server.port must be between 1 and 65535")));
}

TEST(config_validation, rejects_zero_and_negative_timeouts) {
  scheduler_config c;
  c.jobs.ack_timeout_ms = 0;
  c.redis.command_timeout_ms = -5;
  c.nodes.heartbeat_interval_ms = 0;
  c.nodes.heartbeat_timeout_ms = 1;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("redis.command_timeout_ms must be positive (got -5)"),
                                       HasSubstr("nodes.heartbeat_interval_ms must be positive (got 0)"),
                                       HasSubstr("jobs.ack_timeout_ms must be positive (got 0)")));
}

TEST(config_validation, allows_zero_where_zero_means_no_wait) {
  scheduler_config c;
  c.server.shutdown_grace_ms = 0;
  c.jobs.backlog_max_wait_ms = 0;
  c.segmentation.hangover_auto_ms = 0;
  c.segmentation.padding_manual_ms = 0;
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(config_validation, rejects_a_queue_wait_budget_longer_than_the_backlog_wait_and_a_negative_backlog_cap) {
  scheduler_config c;
  c.jobs.queue_wait_budget_ms = 12000;
  c.jobs.max_backlog = -1;
  EXPECT_THAT(validate(c),
              ElementsAre(HasSubstr("jobs.queue_wait_budget_ms (12000) must not exceed jobs.backlog_max_wait_ms (10000)"),
                          HasSubstr("jobs.max_backlog must not be negative (got -1)")));
}

TEST(config_validation, allows_admission_off) {
  scheduler_config c;
  c.jobs.queue_wait_budget_ms = 0;
  c.jobs.max_backlog = 0;
  c.jobs.max_utterances_in_flight = 0;
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(config_validation, rejects_sample_size_zero) {
  scheduler_config c;
  c.selection.sample_size = 0;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("selection.sample_size must be at least 1 (got 0)")));
}

TEST(config_validation, rejects_max_attempts_zero) {
  scheduler_config c;
  c.jobs.max_attempts = 0;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("jobs.max_attempts must be at least 1 (got 0)")));
}

TEST(config_validation, rejects_a_minimum_above_its_maximum) {
  scheduler_config c;
  c.jobs.run_timeout_min_ms = 70000;
  c.redis.reconnect_min_ms = 3000;
  EXPECT_THAT(validate(c),
              ElementsAre(HasSubstr("redis.reconnect_min_ms (3000) must not exceed redis.reconnect_max_ms (2000)"),
                          HasSubstr("jobs.run_timeout_min_ms (70000) must not exceed jobs.run_timeout_max_ms (60000)")));
}

TEST(config_validation, accepts_a_minimum_equal_to_its_maximum) {
  scheduler_config c;
  c.jobs.run_timeout_min_ms = c.jobs.run_timeout_max_ms;
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(config_validation, rejects_presence_renewal_not_faster_than_its_ttl) {
  scheduler_config c;
  c.instance.presence_renew_ms = c.instance.presence_ttl_ms;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("instance.presence_renew_ms (10000) must be less than "
                                                 "instance.presence_ttl_ms (10000)")));
}

TEST(config_validation, rejects_a_heartbeat_timeout_not_above_the_interval) {
  scheduler_config c;
  c.nodes.heartbeat_timeout_ms = 10000;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("nodes.heartbeat_interval_ms (15000) must be less than "
                                                 "nodes.heartbeat_timeout_ms (10000)")));
}

TEST(config_validation, rejects_a_resource_threshold_outside_zero_to_one_hundred) {
  scheduler_config c;
  c.nodes.resource_threshold_percent = 101.0;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("nodes.resource_threshold_percent must be above 0 and at most 100")));
  c.nodes.resource_threshold_percent = 0.0;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("nodes.resource_threshold_percent")));
}

TEST(config_validation, rejects_a_redis_url_without_a_known_scheme) {
  scheduler_config c;
  c.redis.url = "127.0.0.1:6379";
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("redis.url must start with redis:// or unix://")));
  c.redis.url = "unix:///run/redis.sock";
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(config_validation, rejects_a_key_prefix_that_would_break_the_hash_tag) {
  scheduler_config c;
  c.redis.key_prefix = "a}b";
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("redis.key_prefix")));
  c.redis.key_prefix = "";
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("redis.key_prefix")));
}

TEST(config_validation, rejects_an_instance_id_with_spaces) {
  scheduler_config c;
  c.instance.id = "eu 1";
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("instance.id")));
}

TEST(config_validation, rejects_an_unknown_log_level) {
  scheduler_config c;
  c.log.level = "verbose";
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("log.level must be one of")));
}

TEST(config_validation, accepts_text_and_json_log_formats_and_rejects_others) {
  scheduler_config c;
  c.log.format = "json";
  EXPECT_THAT(validate(c), IsEmpty());
  c.log.format = "xml";
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("log.format must be text or json")));
}

TEST(config_validation, rejects_a_write_queue_smaller_than_one_frame) {
  scheduler_config c;
  c.server.max_write_queue_bytes = c.server.max_frame_bytes - 1;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("server.max_write_queue_bytes must be at least")));
}

TEST(config_validation, reports_every_problem_at_once) {
  scheduler_config c;
  c.selection.sample_size = 0;
  c.jobs.max_attempts = 0;
  c.rooms.max_members = 0;
  c.routing.stream_batch = 0;
  EXPECT_EQ(validate(c).size(), 4u);
}

TEST(config_validation, rejects_a_node_register_limit_that_would_refuse_every_registration) {
  scheduler_config c;
  c.limits.node_register_burst = 0;
  c.limits.node_register_interval_ms = 0;
  EXPECT_THAT(validate(c), ElementsAre(HasSubstr("limits.node_register_burst must be at least 1 (got 0)"),
                                       HasSubstr("limits.node_register_interval_ms must be positive (got 0)")));
}

}  // namespace
}  // namespace lingua::config
