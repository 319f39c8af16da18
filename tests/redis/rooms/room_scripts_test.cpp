// The room scripts against a real Redis: membership changes, their refusals, and one room per session.
#include "room_fixture.hpp"

namespace lingua::test {
namespace {

using room_scripts = room_test;

TEST_F(room_scripts, a_created_room_has_its_creator_as_its_only_member) {
  auto created = create("123456", "s-A");
  EXPECT_EQ(created.what, kind::done);
  EXPECT_EQ(ids(created.members), strings{"s-A"});
  EXPECT_EQ(created.members[0].display_name, "name of s-A");
  EXPECT_EQ(created.members[0].tgt_lang, "zh");
  EXPECT_EQ(created.left_code, "");
  EXPECT_TRUE(created.left_members.empty());
  EXPECT_EQ(room_of("s-A"), "123456");
  EXPECT_EQ(raw({"HGET", key("room:123456"), "id"}).str(), "room-id-123456");
  EXPECT_TRUE(raw({"ZSCORE", key("rooms"), "123456"}).as_integer().has_value());
}

TEST_F(room_scripts, a_code_already_in_use_is_reported_so_another_is_drawn) {
  create("123456", "s-A");
  auto again = run(store->create("123456", "other-id", member("s-B")));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->what, kind::exists);
  EXPECT_EQ(room_of("s-B"), "");
  EXPECT_EQ(raw({"HGET", key("room:123456"), "id"}).str(), "room-id-123456");
}

TEST_F(room_scripts, joining_an_unknown_room_is_not_found_and_changes_nothing) {
  EXPECT_EQ(join("654321", "s-A").what, kind::not_found);
  EXPECT_EQ(room_of("s-A"), "");
  EXPECT_EQ(raw({"EXISTS", key("room:654321")}).as_integer(), 0);
}

TEST_F(room_scripts, members_are_listed_in_join_order) {
  create("123456", "s-C");
  join("123456", "s-A");
  auto joined = join("123456", "s-B");
  EXPECT_EQ(joined.what, kind::done);
  EXPECT_EQ(ids(joined.members), (strings{"s-C", "s-A", "s-B"}));
  EXPECT_EQ(room_of("s-B"), "123456");
}

TEST_F(room_scripts, joining_a_room_one_is_already_in_is_refused) {
  create("123456", "s-A");
  join("123456", "s-B");
  EXPECT_EQ(join("123456", "s-B").what, kind::already_in_room);
  EXPECT_EQ(join("123456", "s-A").what, kind::already_in_room) << "the creator is a member too";
}

TEST_F(room_scripts, a_full_room_refuses_one_more_member) {
  create("123456", "s-A");
  EXPECT_EQ(join("123456", "s-B", 2).what, kind::done);
  EXPECT_EQ(join("123456", "s-C", 2).what, kind::full);
  EXPECT_EQ(room_of("s-C"), "");
  leave("123456", "s-B");
  EXPECT_EQ(join("123456", "s-C", 2).what, kind::done) << "a place freed by a leaver can be taken";
}

TEST_F(room_scripts, a_leaver_is_removed_and_the_last_leaver_deletes_the_room) {
  create("123456", "s-A");
  join("123456", "s-B");
  auto left = leave("123456", "s-A");
  EXPECT_EQ(left.what, kind::done);
  EXPECT_EQ(ids(left.members), strings{"s-B"});
  EXPECT_EQ(room_of("s-A"), "");
  auto last = leave("123456", "s-B");
  EXPECT_EQ(last.what, kind::done);
  EXPECT_TRUE(last.members.empty());
  EXPECT_EQ(raw({"EXISTS", key("room:123456")}).as_integer(), 0);
  EXPECT_TRUE(raw({"ZSCORE", key("rooms"), "123456"}).is_nil());
  EXPECT_EQ(raw({"HLEN", key("session:rooms")}).as_integer(), 0);
  EXPECT_EQ(join("123456", "s-C").what, kind::not_found);
}

TEST_F(room_scripts, leaving_an_unknown_room_is_not_found_and_a_room_one_is_not_in_is_left_alone) {
  EXPECT_EQ(leave("999999", "s-A").what, kind::not_found);
  create("123456", "s-A");
  EXPECT_EQ(leave("123456", "s-B").what, kind::not_member);
  EXPECT_EQ(ids(join("123456", "s-C").members), (strings{"s-A", "s-C"}));
}

TEST_F(room_scripts, creating_a_room_leaves_the_room_the_session_was_in) {
  create("111111", "s-A");
  join("111111", "s-B");
  auto created = create("222222", "s-A");
  EXPECT_EQ(created.what, kind::done);
  EXPECT_EQ(created.left_code, "111111");
  EXPECT_EQ(ids(created.left_members), strings{"s-B"});
  EXPECT_EQ(room_of("s-A"), "222222");
  EXPECT_EQ(leave("111111", "s-A").what, kind::not_member);
}

TEST_F(room_scripts, joining_a_room_leaves_the_room_the_session_was_in_and_deletes_it_when_empty) {
  create("111111", "s-A");
  create("222222", "s-B");
  auto joined = join("111111", "s-B");
  EXPECT_EQ(joined.what, kind::done);
  EXPECT_EQ(joined.left_code, "222222");
  EXPECT_TRUE(joined.left_members.empty());
  EXPECT_EQ(raw({"EXISTS", key("room:222222")}).as_integer(), 0);
  EXPECT_EQ(room_of("s-B"), "111111");
}

TEST_F(room_scripts, a_join_that_raced_a_change_of_the_sessions_room_is_told_to_read_again) {
  create("111111", "s-A");
  create("222222", "s-B");
  // s-B's caller believes it is in no room: the script must not leave 222222 behind with s-B in it.
  auto r = run(state->script("room_join").call(
      *client, strings{key("room:111111"), key("session:rooms"), key("rooms"), key("room:")},
      strings{"111111", "s-B", R"({"session_id":"s-B","tgt_lang":"en","joined_at":"x"})", "", "50"}));
  ASSERT_FALSE(r.ec);
  ASSERT_TRUE(r.value.is_array());
  EXPECT_EQ(r.value[0].str(), "RETRY");
  EXPECT_EQ(room_of("s-B"), "222222");
  EXPECT_EQ(raw({"HEXISTS", key("room:111111"), "m:s-B"}).as_integer(), 0);
}

TEST_F(room_scripts, a_raw_voice_preference_is_kept_on_the_sender_and_only_about_members) {
  create("123456", "s-A");
  join("123456", "s-B");
  auto set = run(store->set_voice("123456", "s-A", "s-B", false));
  ASSERT_TRUE(set);
  ASSERT_EQ(set->what, kind::done);
  ASSERT_EQ(set->members.size(), 2u);
  EXPECT_EQ(set->members[0].raw_voice_preferences, (std::map<std::string, bool>{{"s-B", false}}));
  EXPECT_FALSE(set->members[0].receives_raw_voice_from("s-B"));
  EXPECT_TRUE(set->members[1].raw_voice_preferences.empty()) << "the target's own preferences are untouched";
  EXPECT_TRUE(set->members[1].receives_raw_voice_from("s-A"));

  auto stranger = run(store->set_voice("123456", "s-A", "s-STRANGER", false));
  ASSERT_TRUE(stranger);
  EXPECT_EQ(stranger->members[0].raw_voice_preferences, (std::map<std::string, bool>{{"s-B", false}}));
  auto back = run(store->set_voice("123456", "s-A", "s-B", true));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->members[0].raw_voice_preferences, (std::map<std::string, bool>{{"s-B", true}}));
}

TEST_F(room_scripts, a_raw_voice_preference_needs_the_room_and_the_senders_membership) {
  create("123456", "s-A");
  EXPECT_EQ(run(store->set_voice("999999", "s-A", "s-B", false))->what, kind::not_found);
  EXPECT_EQ(run(store->set_voice("123456", "s-X", "s-A", false))->what, kind::not_found);
}

TEST_F(room_scripts, a_speaker_touch_answers_the_members_and_a_non_member_changes_nothing) {
  create("123456", "s-A");
  join("123456", "s-B");
  raw({"ZADD", key("rooms"), "5", "123456"});
  auto touched = run(store->touch("123456", "s-B"));
  ASSERT_TRUE(touched);
  EXPECT_EQ(touched->what, kind::done);
  EXPECT_EQ(ids(touched->members), (strings{"s-A", "s-B"}));
  EXPECT_GT(raw({"ZSCORE", key("rooms"), "123456"}).as_integer().value_or(0), 1700000000000);

  raw({"ZADD", key("rooms"), "5", "123456"});
  EXPECT_EQ(run(store->touch("123456", "s-X"))->what, kind::not_member);
  EXPECT_EQ(run(store->touch("999999", "s-A"))->what, kind::not_found);
  EXPECT_EQ(raw({"ZSCORE", key("rooms"), "123456"}).as_integer(), 5);
}

TEST_F(room_scripts, a_stale_session_entry_is_dropped_when_its_room_is_gone) {
  raw({"HSET", key("session:rooms"), "s-A", "123456"});
  EXPECT_EQ(leave("123456", "s-A").what, kind::not_found);
  EXPECT_EQ(room_of("s-A"), "");
}

TEST_F(room_scripts, members_named_reads_members_and_reports_non_members_as_absent) {
  create("123456", "s-A");
  auto found = run(store->members_named("123456", strings{"s-A", "s-X"}));
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  ASSERT_TRUE((*found)[0]);
  EXPECT_EQ((*found)[0]->session_id, "s-A");
  EXPECT_FALSE((*found)[1]);
  auto none = run(store->members_named("999999", strings{"s-A", "s-X"}));
  ASSERT_TRUE(none);
  EXPECT_FALSE((*none)[0]);
}

TEST_F(room_scripts, client_text_in_a_member_survives_the_round_trip_through_the_scripts) {
  rooms::room_member m = member("s-A", "en");
  m.display_name = "张三 \"quoted\" / \\ back";
  auto created = run(store->create("123456", "id", m));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->members.size(), 1u);
  EXPECT_EQ(created->members[0].display_name, m.display_name);
  EXPECT_EQ(created->members[0].preferred_lang, "en");
  EXPECT_EQ(created->members[0].joined_at, m.joined_at);
  auto voice = run(store->set_voice("123456", "s-A", "s-A", false));  // re-encoded by Lua
  ASSERT_TRUE(voice);
  EXPECT_EQ(voice->members[0].display_name, m.display_name);
  EXPECT_TRUE(voice->members[0].raw_voice_preferences.empty()) << "no preference about oneself";
}

}  // namespace
}  // namespace lingua::test
