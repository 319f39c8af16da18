// Room expiry against a real Redis: each idle room expires once, whoever runs the scan, and activity saves it.
#include <boost/asio/co_spawn.hpp>

#include <algorithm>

#include "room_fixture.hpp"

namespace lingua::test {
namespace {

using room_expiry = room_test;

TEST_F(room_expiry, an_idle_room_expires_once_and_answers_its_members) {
  create("123456", "s-A");
  join("123456", "s-B");
  create("654321", "s-C");
  raw({"ZADD", key("rooms"), "1000", "123456"});  // idle since 1970

  auto idle = run(store->idle(60000, 10));
  ASSERT_TRUE(idle);
  EXPECT_EQ(*idle, strings{"123456"}) << "the fresh room is not a candidate";
  auto expired = run(store->expire(*idle, 60000));
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].code, "123456");
  auto sessions = (*expired)[0].session_ids;
  std::sort(sessions.begin(), sessions.end());
  EXPECT_EQ(sessions, (strings{"s-A", "s-B"}));

  EXPECT_EQ(raw({"EXISTS", key("room:123456")}).as_integer(), 0);
  EXPECT_TRUE(raw({"ZSCORE", key("rooms"), "123456"}).is_nil());
  EXPECT_EQ(room_of("s-A"), "");
  EXPECT_EQ(room_of("s-B"), "");
  EXPECT_EQ(room_of("s-C"), "654321");

  auto again = run(store->expire(strings{"123456"}, 60000));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty()) << "a room expires once";
}

TEST_F(room_expiry, concurrent_scans_expire_each_room_exactly_once) {
  for (int i = 0; i < 20; ++i) {
    const std::string code = std::to_string(100000 + i);
    create(code, "s-" + std::to_string(i));
    raw({"ZADD", key("rooms"), "1000", code});
  }
  // Two scanners (as two instances would) race over the same candidates.
  auto first = run(store->idle(60000, 64));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 20u);
  std::size_t expired_total = 0;
  int finished = 0;
  for (int scanner = 0; scanner < 2; ++scanner) {
    boost::asio::co_spawn(io, store->expire(*first, 60000), [&](std::exception_ptr, auto r) {
      if (r) expired_total += r->size();
      ++finished;
    });
  }
  io.restart();
  while (finished < 2) io.run_one();
  EXPECT_EQ(expired_total, 20u);
  EXPECT_EQ(raw({"ZCARD", key("rooms")}).as_integer(), 0);
}

TEST_F(room_expiry, a_room_with_activity_after_the_scan_is_not_expired) {
  create("123456", "s-A");
  raw({"ZADD", key("rooms"), "1000", "123456"});
  auto idle = run(store->idle(60000, 10));
  ASSERT_TRUE(idle);
  ASSERT_EQ(idle->size(), 1u);
  ASSERT_EQ(run(store->touch("123456", "s-A"))->what, kind::done);  // the member speaks meanwhile
  auto expired = run(store->expire(*idle, 60000));
  ASSERT_TRUE(expired);
  EXPECT_TRUE(expired->empty());
  EXPECT_EQ(room_of("s-A"), "123456");
}

TEST_F(room_expiry, a_join_is_activity_that_restarts_the_expiry_clock) {
  create("123456", "s-A");
  raw({"ZADD", key("rooms"), "1000", "123456"});
  join("123456", "s-B");
  auto idle = run(store->idle(60000, 10));
  ASSERT_TRUE(idle);
  EXPECT_TRUE(idle->empty());
}

TEST_F(room_expiry, a_session_entry_pointing_at_another_room_survives_the_expiry) {
  create("111111", "s-A");
  raw({"ZADD", key("rooms"), "1000", "111111"});
  // s-A already moved to another room: expiring 111111 must not drop its new entry.
  raw({"HSET", key("room:111111"), "m:s-B", R"({"session_id":"s-B","joined_at":"x","tgt_lang":"en"})"});
  create("222222", "s-B");
  auto expired = run(store->expire(strings{"111111"}, 60000));
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(room_of("s-B"), "222222");
}

}  // namespace
}  // namespace lingua::test
