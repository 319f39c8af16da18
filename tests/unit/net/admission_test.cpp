#include "net/admission.hpp"

#include <gtest/gtest.h>

namespace lingua::net {
namespace {

TEST(admission, one_address_gets_at_most_its_share_and_others_keep_theirs) {
  admission caps({.max_sockets = 100, .max_websockets = 50, .max_per_address = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(caps.admit_socket("10.0.0.1"), admission::verdict::admitted);
  EXPECT_EQ(caps.admit_socket("10.0.0.1"), admission::verdict::address_full);
  EXPECT_EQ(caps.admit_socket("10.0.0.2"), admission::verdict::admitted);
  EXPECT_EQ(caps.sockets(), 4U);
  caps.release_socket("10.0.0.1");
  EXPECT_EQ(caps.admit_socket("10.0.0.1"), admission::verdict::admitted);
}

TEST(admission, the_socket_cap_refuses_everyone_once_reached_and_frees_on_release) {
  admission caps({.max_sockets = 2, .max_websockets = 2, .max_per_address = 0});
  EXPECT_EQ(caps.admit_socket("a"), admission::verdict::admitted);
  EXPECT_EQ(caps.admit_socket("b"), admission::verdict::admitted);
  EXPECT_EQ(caps.admit_socket("c"), admission::verdict::server_full);
  EXPECT_EQ(caps.sockets_from("c"), 0U);
  caps.release_socket("a");
  EXPECT_EQ(caps.admit_socket("c"), admission::verdict::admitted);
}

TEST(admission, the_websocket_cap_is_separate_from_the_socket_cap) {
  admission caps({.max_sockets = 10, .max_websockets = 1, .max_per_address = 0});
  EXPECT_TRUE(caps.admit_websocket());
  EXPECT_FALSE(caps.admit_websocket());
  EXPECT_TRUE(caps.under_pressure());
  caps.release_websocket();
  EXPECT_TRUE(caps.admit_websocket());
}

TEST(admission, released_addresses_are_forgotten) {
  admission caps({.max_sockets = 0, .max_websockets = 0, .max_per_address = 1});
  for (int i = 0; i < 1000; ++i) {
    const std::string address = "10.0." + std::to_string(i);
    ASSERT_EQ(caps.admit_socket(address), admission::verdict::admitted);
    caps.release_socket(address);
  }
  EXPECT_EQ(caps.sockets(), 0U);
  EXPECT_EQ(caps.sockets_from("10.0.1"), 0U);
}

TEST(admission, the_caps_stay_below_the_descriptor_limit_with_room_for_plain_http) {
  const admission_limits small = effective_limits(10'000, 64, 1024);
  EXPECT_LT(small.max_sockets, 1024U);
  EXPECT_LT(small.max_websockets, small.max_sockets);
  EXPECT_EQ(small.max_per_address, 64U);
  const admission_limits large = effective_limits(10'000, 64, 1'048'576);
  EXPECT_EQ(large.max_websockets, 10'000U);
  EXPECT_GT(large.max_sockets, large.max_websockets);
}

TEST(admission, a_socket_taking_an_evicted_ones_place_passes_the_socket_cap_but_not_the_address_cap) {
  admission caps({.max_sockets = 1, .max_websockets = 1, .max_per_address = 1});
  EXPECT_EQ(caps.admit_socket("a"), admission::verdict::admitted);
  EXPECT_EQ(caps.admit_socket("b"), admission::verdict::server_full);
  EXPECT_EQ(caps.admit_socket("b", admission::beyond_socket_cap), admission::verdict::admitted);
  EXPECT_EQ(caps.admit_socket("b", admission::beyond_socket_cap), admission::verdict::address_full);
  caps.release_socket("a");
  caps.release_socket("b");
  EXPECT_EQ(caps.sockets(), 0U);
}

}  // namespace
}  // namespace lingua::net
