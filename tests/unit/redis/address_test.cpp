#include "redis/address.hpp"

#include <gtest/gtest.h>

namespace lingua::redis {
namespace {

TEST(redis_address, a_tcp_address_gives_host_and_port) {
  auto a = parse_address("redis://10.0.0.7:6380");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, server_address::transport::tcp);
  EXPECT_EQ(a->host, "10.0.0.7");
  EXPECT_EQ(a->port, 6380);
}

TEST(redis_address, a_tcp_address_without_port_uses_6379) {
  auto a = parse_address("redis://redis.internal");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "redis.internal");
  EXPECT_EQ(a->port, 6379);
}

TEST(redis_address, an_ipv6_host_is_written_in_brackets) {
  auto a = parse_address("redis://[::1]:7000");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 7000);
}

TEST(redis_address, a_unix_address_gives_the_socket_path) {
  auto a = parse_address("unix:///run/redis/redis.sock");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, server_address::transport::unix_socket);
  EXPECT_EQ(a->path, "/run/redis/redis.sock");
}

TEST(redis_address, malformed_addresses_are_rejected) {
  for (const char* text : {"", "127.0.0.1:6379", "http://x:1", "redis://", "redis://:6379", "redis://host:",
                           "redis://host:0", "redis://host:70000", "redis://host:12ab", "redis://[::1",
                           "unix://relative.sock", "unix://"}) {
    EXPECT_FALSE(parse_address(text)) << text;
  }
  EXPECT_FALSE(parse_address("unix:///" + std::string(200, 'a')));
}

}  // namespace
}  // namespace lingua::redis
