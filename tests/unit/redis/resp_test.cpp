#include "redis/resp.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace lingua::redis::detail {
namespace {

using namespace std::string_literals;

std::vector<reply> parse_all(reply_reader& reader, std::string_view bytes) {
  EXPECT_TRUE(reader.feed(bytes.data(), bytes.size()));
  std::vector<reply> out;
  reply r;
  while (reader.next(r) == reply_reader::status::reply) out.push_back(r);
  return out;
}

TEST(redis_resp, commands_are_encoded_as_arrays_of_bulk_strings) {
  std::string out;
  append_command(out, {"SET", "k", "a\0b"s});
  append_command(out, {"PING"});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na\0b\r\n*1\r\n$4\r\nPING\r\n"s);
}

TEST(redis_resp, commands_with_many_arguments_are_encoded_whole) {
  std::vector<std::string> args{"RPUSH", "list"};
  for (int i = 0; i < 100; ++i) args.push_back(std::to_string(i));
  std::string out;
  append_command(out, args);
  EXPECT_TRUE(out.starts_with("*102\r\n$5\r\nRPUSH\r\n"));
  EXPECT_TRUE(out.ends_with("$2\r\n99\r\n"));
}

TEST(redis_resp, every_reply_kind_is_converted) {
  reply_reader reader;
  auto replies = parse_all(reader, "+OK\r\n-ERR bad\r\n:-12\r\n$3\r\na\0b\r\n$-1\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n*-1\r\n"s);
  ASSERT_EQ(replies.size(), 7u);
  EXPECT_EQ(replies[0].type(), reply::kind::status);
  EXPECT_EQ(replies[0].str(), "OK");
  EXPECT_EQ(replies[1].type(), reply::kind::error);
  EXPECT_EQ(replies[1].str(), "ERR bad");
  EXPECT_EQ(replies[2].as_integer(), -12);
  EXPECT_EQ(replies[3].type(), reply::kind::string);
  EXPECT_EQ(replies[3].str(), "a\0b"s);
  EXPECT_TRUE(replies[4].is_nil());
  ASSERT_TRUE(replies[5].is_array());
  EXPECT_EQ(replies[5][0][0].as_integer(), 1);
  EXPECT_EQ(replies[5][1].str(), "");
  EXPECT_TRUE(replies[6].is_nil());
}

TEST(redis_resp, a_reply_split_across_reads_is_assembled) {
  reply_reader reader;
  EXPECT_TRUE(parse_all(reader, "*2\r\n$5\r\nhel").empty());
  auto replies = parse_all(reader, "lo\r\n:4");
  EXPECT_TRUE(replies.empty());
  replies = parse_all(reader, "2\r\n");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0][0].str(), "hello");
  EXPECT_EQ(replies[0][1].as_integer(), 42);
}

TEST(redis_resp, garbage_is_a_protocol_error_until_reset) {
  reply_reader reader;
  std::string_view garbage = "?what\r\n";
  reader.feed(garbage.data(), garbage.size());
  reply r;
  EXPECT_EQ(reader.next(r), reply_reader::status::error);
  EXPECT_FALSE(reader.error().empty());
  reader.reset();
  auto replies = parse_all(reader, ":5\r\n");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].as_integer(), 5);
}

}  // namespace
}  // namespace lingua::redis::detail
