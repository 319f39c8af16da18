// Room membership end to end: create, join, refusals, leaving in every way, and expiry.
#include <regex>
#include <thread>

#include "room_peers.hpp"

namespace lingua::test {
namespace {

using room_membership = scheduler_e2e;

TEST_F(room_membership, a_created_room_is_acknowledged_and_every_member_is_told_about_a_joiner) {
  auto& scheduler = start_scheduler();
  fake_session alice;
  alice.connect(scheduler.port(), "zh", "en");
  fake_session bob;
  bob.connect(scheduler.port(), "en", "zh");

  alice.send(room_create_message("Alice", "zh"));
  auto ack = expect_message(alice.socket(), "room_create_ack");
  const std::string code = ack.value("room_code", "");
  EXPECT_TRUE(std::regex_match(code, std::regex("[0-9]{6}"))) << code;
  EXPECT_TRUE(std::regex_match(ack.value("room_id", ""),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  auto first = expect_members(alice, {alice.id()});
  EXPECT_EQ(first["room_code"], code);

  bob.send(room_join_message(code, "Bob", "en"));
  auto seen_by_bob = expect_members(bob, {alice.id(), bob.id()});
  auto seen_by_alice = expect_members(alice, {alice.id(), bob.id()});
  EXPECT_EQ(seen_by_bob, seen_by_alice) << "the joiner and the others get the same list";
  const auto& a = seen_by_bob["members"][0];
  EXPECT_EQ(a["participant_id"], alice.id());
  EXPECT_EQ(a["display_name"], "Alice");
  EXPECT_EQ(a["preferred_lang"], "zh");
  EXPECT_EQ(a["raw_voice_preferences"], nlohmann::json::object());
  EXPECT_TRUE(std::regex_match(a.value("joined_at", ""),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << a.dump();
  EXPECT_FALSE(a.contains("tgt_lang")) << "internal fields stay internal";
  EXPECT_EQ(seen_by_bob["members"][1]["preferred_lang"], "en");
}

TEST_F(room_membership, joining_is_refused_for_an_unknown_room_a_malformed_code_a_second_time_and_a_full_room) {
  auto& scheduler = start_scheduler({"--rooms.max_members=2"});
  fake_session alice;
  alice.connect(scheduler.port());
  fake_session bob;
  bob.connect(scheduler.port());
  fake_session carol;
  carol.connect(scheduler.port());
  const std::string code = create_room(alice, "Alice");

  carol.send(room_join_message("12345678", "Carol"));
  auto unknown = expect_message(carol.socket(), "room_error");
  EXPECT_EQ(unknown["code"], "ROOM_NOT_FOUND");
  EXPECT_EQ(unknown["message"], "房间不存在");
  carol.send(room_join_message("12ab", "Carol"));
  EXPECT_EQ(expect_message(carol.socket(), "room_error")["code"], "INVALID_ROOM_CODE");

  join_room(bob, code, {alice.id(), bob.id()});
  expect_members(alice, {alice.id(), bob.id()});
  bob.send(room_join_message(code, "Bob"));
  auto again = expect_message(bob.socket(), "room_error");
  EXPECT_EQ(again["code"], "ALREADY_IN_ROOM");
  EXPECT_EQ(again["message"], "已在房间中");

  carol.send(room_join_message(code, "Carol"));
  EXPECT_EQ(expect_message(carol.socket(), "room_error")["code"], "ROOM_FULL");
  EXPECT_FALSE(alice.next("room_members", 300ms)) << "a refused joiner is never announced";
}

TEST_F(room_membership, a_leave_a_session_close_and_an_abrupt_disconnect_each_tell_the_remaining_members) {
  auto& scheduler = start_scheduler();
  fake_session alice, bob, carol, dave;
  alice.connect(scheduler.port());
  bob.connect(scheduler.port());
  carol.connect(scheduler.port());
  dave.connect(scheduler.port());
  const std::string code = create_room(alice, "Alice");
  join_room(bob, code, {alice.id(), bob.id()});
  join_room(carol, code, {alice.id(), bob.id(), carol.id()});
  join_room(dave, code, {alice.id(), bob.id(), carol.id(), dave.id()});
  expect_members(carol, {alice.id(), bob.id(), carol.id(), dave.id()});

  carol.send({{"type", "room_leave"}, {"room_code", code}});
  expect_members(alice, {alice.id(), bob.id(), dave.id()});
  expect_members(dave, {alice.id(), bob.id(), dave.id()});
  EXPECT_FALSE(carol.next("room_members", 300ms)) << "the leaver is not sent the list it left";

  dave.send({{"type", "session_close"}, {"session_id", dave.id()}, {"reason", "bye"}});
  expect_members(alice, {alice.id(), bob.id()});
  expect_members(bob, {alice.id(), bob.id()});

  bob.socket().drop();
  expect_members(alice, {alice.id()});

  carol.send({{"type", "room_leave"}, {"room_code", code}});
  EXPECT_FALSE(carol.next("room_error", 300ms)) << "leaving a room one is not in is no error";
  alice.send({{"type", "room_leave"}, {"room_code", code}});
  std::this_thread::sleep_for(200ms);
  carol.send(room_join_message(code, "Carol"));
  EXPECT_EQ(expect_message(carol.socket(), "room_error")["code"], "ROOM_NOT_FOUND") << "the emptied room is gone";
  carol.send({{"type", "room_leave"}, {"room_code", code}});
  EXPECT_EQ(expect_message(carol.socket(), "room_error")["code"], "ROOM_NOT_FOUND");
}

TEST_F(room_membership, creating_a_room_while_in_another_leaves_the_first_and_tells_its_members) {
  auto& scheduler = start_scheduler();
  fake_session alice, bob;
  alice.connect(scheduler.port());
  bob.connect(scheduler.port());
  const std::string first = create_room(alice, "Alice");
  join_room(bob, first, {alice.id(), bob.id()});
  const std::string second = create_room(alice, "Alice");
  EXPECT_NE(first, second);
  auto left = expect_members(bob, {bob.id()});
  EXPECT_EQ(left["room_code"], first);
}

TEST_F(room_membership, a_room_without_speech_for_the_configured_time_expires_and_every_member_is_told) {
  auto& scheduler = start_scheduler({"--rooms.expire_after_ms=1000", "--rooms.scan_interval_ms=100"});
  fake_session alice, bob;
  alice.connect(scheduler.port());
  bob.connect(scheduler.port());
  const std::string code = create_room(alice, "Alice");
  join_room(bob, code, {alice.id(), bob.id()});
  const auto joined = std::chrono::steady_clock::now();

  auto to_alice = expect_message(alice.socket(), "room_expired");
  auto to_bob = expect_message(bob.socket(), "room_expired");
  EXPECT_GE(std::chrono::steady_clock::now() - joined, 900ms) << "not before the configured time";
  EXPECT_EQ(to_alice["room_code"], code);
  EXPECT_EQ(to_bob["room_code"], code);
  EXPECT_EQ(to_alice["message"], "1秒无人发言，房间已过期");
  EXPECT_FALSE(alice.next("room_expired", 500ms)) << "a room expires once";

  bob.send(room_join_message(code, "Bob"));
  EXPECT_EQ(expect_message(bob.socket(), "room_error")["code"], "ROOM_NOT_FOUND");
}

TEST_F(room_membership, room_messages_need_a_session_and_a_valid_preferred_language) {
  auto& scheduler = start_scheduler();
  ws_client raw;
  raw.connect("127.0.0.1", scheduler.port(), "/ws/session");
  raw.send_json(room_create_message("Nobody"));
  auto error = expect_message(raw, "error");
  EXPECT_EQ(error["code"], "INTERNAL_ERROR");

  fake_session alice;
  alice.connect(scheduler.port());
  alice.send(room_create_message("Alice", "en,zh"));
  auto invalid = expect_message(alice.socket(), "error");
  EXPECT_EQ(invalid["code"], "INVALID_MESSAGE");
  EXPECT_FALSE(alice.next("room_create_ack", 300ms));
  alice.send({{"type", "room_raw_voice_preference"}, {"room_code", "123456"}, {"target_session_id", "s-X"},
              {"receive_raw_voice", false}});
  EXPECT_EQ(expect_message(alice.socket(), "room_error")["code"], "ROOM_NOT_FOUND");
}

}  // namespace
}  // namespace lingua::test
