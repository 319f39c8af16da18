// Stored member records, room codes and the room timestamp format.
#include <gtest/gtest.h>

#include <set>

#include "rooms/room_member.hpp"

namespace lingua::rooms {
namespace {

TEST(room_member_record, a_member_survives_its_stored_form_and_keeps_its_target_language_off_the_wire) {
  room_member m;
  m.session_id = "s-1";
  m.display_name = "张三";
  m.preferred_lang = "en";
  m.tgt_lang = "zh";
  m.raw_voice_preferences = {{"s-2", false}};
  m.joined_at = "2026-01-01T00:00:00.000Z";
  auto back = member_from_stored_json(to_stored_json(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->session_id, "s-1");
  EXPECT_EQ(back->display_name, "张三");
  EXPECT_EQ(back->preferred_lang, "en");
  EXPECT_EQ(back->tgt_lang, "zh");
  EXPECT_EQ(back->raw_voice_preferences, m.raw_voice_preferences);
  EXPECT_EQ(back->joined_at, m.joined_at);

  const std::string wire = protocol::to_json(protocol::room_members{"123456", {back->participant()}});
  EXPECT_EQ(wire.find("tgt_lang"), std::string::npos);
  EXPECT_NE(wire.find(R"("participant_id":"s-1","session_id":"s-1")"), std::string::npos) << wire;
}

TEST(room_member_record, a_record_without_a_session_id_or_not_json_is_rejected) {
  EXPECT_FALSE(member_from_stored_json("not json"));
  EXPECT_FALSE(member_from_stored_json(R"({"display_name":"x"})"));
  EXPECT_FALSE(member_from_stored_json(R"(["s-1"])"));
}

TEST(room_member_record, a_missing_preference_means_the_raw_voice_is_received) {
  room_member m;
  m.raw_voice_preferences = {{"s-2", false}, {"s-3", true}};
  EXPECT_FALSE(m.receives_raw_voice_from("s-2"));
  EXPECT_TRUE(m.receives_raw_voice_from("s-3"));
  EXPECT_TRUE(m.receives_raw_voice_from("s-4"));
}

TEST(room_codes, codes_have_the_configured_number_of_digits_and_do_not_repeat_in_a_short_run) {
  room_code_generator six(6);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string code = six.next();
    EXPECT_EQ(code.size(), 6u);
    EXPECT_TRUE(well_formed_room_code(code)) << code;
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 190u);
  room_code_generator twelve(12);
  EXPECT_EQ(twelve.next().size(), 12u);
}

TEST(room_codes, only_short_runs_of_decimal_digits_are_well_formed) {
  EXPECT_TRUE(well_formed_room_code("000123"));
  EXPECT_TRUE(well_formed_room_code("123456789012345678"));
  EXPECT_FALSE(well_formed_room_code(""));
  EXPECT_FALSE(well_formed_room_code("1234567890123456789"));
  EXPECT_FALSE(well_formed_room_code("12a456"));
  EXPECT_FALSE(well_formed_room_code("{x}:room"));
}

TEST(room_timestamps, joined_at_is_rfc3339_utc_with_milliseconds) {
  const auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1767225600123));
  EXPECT_EQ(rfc3339_utc(when), "2026-01-01T00:00:00.123Z");
}

}  // namespace
}  // namespace lingua::rooms
