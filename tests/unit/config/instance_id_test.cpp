#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>

#include "config/instance_id.hpp"
#include "config/validate_config.hpp"

namespace lingua::config {
namespace {

using ::testing::IsEmpty;

TEST(instance_id, generated_id_is_host_pid_and_eight_hex_digits) {
  const std::string id = generate_instance_id();
  const std::regex shape("^[A-Za-z0-9._-]+-" + std::to_string(getpid()) + "-[0-9a-f]{8}$");
  EXPECT_TRUE(std::regex_match(id, shape)) << id;
}

TEST(instance_id, generated_ids_differ_between_calls) {
  EXPECT_NE(generate_instance_id(), generate_instance_id());
}

TEST(instance_id, generated_id_passes_validation) {
  scheduler_config c;
  c.instance.id = generate_instance_id();
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(instance_id, configured_id_is_used_as_is) {
  instance_section instance;
  instance.id = "eu-1";
  EXPECT_EQ(effective_instance_id(instance), "eu-1");
  instance.id.clear();
  EXPECT_NE(effective_instance_id(instance), "");
}

}  // namespace
}  // namespace lingua::config
