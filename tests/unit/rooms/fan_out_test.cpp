// Who hears a speaking room member: one audience per distinct preferred_lang of the other members.
#include <gtest/gtest.h>

#include "rooms/room_service.hpp"

namespace lingua::rooms {
namespace {

room_member member(std::string id, std::optional<std::string> preferred_lang, std::string tgt_lang = "en") {
  room_member m;
  m.session_id = std::move(id);
  m.preferred_lang = std::move(preferred_lang);
  m.tgt_lang = std::move(tgt_lang);
  return m;
}

TEST(room_fan_out, each_distinct_preferred_language_of_the_others_is_one_audience_of_its_members) {
  const std::vector<room_member> members = {member("s-SPEAK", "zh"), member("s-1", "en"), member("s-2", "ja"),
                                            member("s-3", "en")};
  auto audiences = audiences_of("s-SPEAK", members, false);
  ASSERT_TRUE(audiences);
  ASSERT_EQ(audiences->size(), 2u);
  EXPECT_EQ((*audiences)[0].target_lang, "en");
  EXPECT_EQ((*audiences)[0].listeners, (std::vector<std::string>{"s-1", "s-3"}));
  EXPECT_EQ((*audiences)[1].target_lang, "ja");
  EXPECT_EQ((*audiences)[1].listeners, (std::vector<std::string>{"s-2"}));
}

TEST(room_fan_out, listeners_whose_tags_differ_only_in_spelling_are_one_audience_of_the_canonical_tag) {
  const std::vector<room_member> members = {member("s-SPEAK", "en"), member("s-1", "zh-CN"), member("s-2", "zh_cn"),
                                            member("s-3", "ZH-cn"), member("s-4", "zh")};
  auto audiences = audiences_of("s-SPEAK", members, false);
  ASSERT_TRUE(audiences);
  ASSERT_EQ(audiences->size(), 2u) << "zh-CN (three spellings) and zh";
  EXPECT_EQ((*audiences)[0].target_lang, "zh");
  EXPECT_EQ((*audiences)[1].target_lang, "zh-CN");
  EXPECT_EQ((*audiences)[1].listeners, (std::vector<std::string>{"s-1", "s-2", "s-3"}));
}

TEST(room_fan_out, the_speakers_own_preferred_language_does_not_make_a_job) {
  const std::vector<room_member> members = {member("s-SPEAK", "zh"), member("s-1", "en")};
  auto audiences = audiences_of("s-SPEAK", members, false);
  ASSERT_TRUE(audiences);
  ASSERT_EQ(audiences->size(), 1u);
  EXPECT_EQ((*audiences)[0].target_lang, "en");
}

TEST(room_fan_out, without_another_member_with_a_preferred_language_the_speaker_is_on_its_own) {
  EXPECT_FALSE(audiences_of("s-SPEAK", {member("s-SPEAK", "zh"), member("s-1", std::nullopt)}, false));
  EXPECT_FALSE(audiences_of("s-SPEAK", {member("s-SPEAK", "zh"), member("s-1", "")}, true));
  EXPECT_FALSE(audiences_of("s-SPEAK", {member("s-SPEAK", "zh")}, true));
  EXPECT_FALSE(audiences_of("s-GONE", {member("s-1", "en")}, false)) << "a speaker who is not a member";
}

TEST(room_fan_out, when_configured_the_speaker_hears_its_own_target_once_merged_with_that_language) {
  const std::vector<room_member> members = {member("s-SPEAK", "zh", "en"), member("s-1", "en"),
                                            member("s-2", "ja")};
  auto audiences = audiences_of("s-SPEAK", members, true);
  ASSERT_TRUE(audiences);
  ASSERT_EQ(audiences->size(), 2u);
  EXPECT_EQ((*audiences)[0].target_lang, "en");
  EXPECT_EQ((*audiences)[0].listeners, (std::vector<std::string>{"s-1", "s-SPEAK"}));
  EXPECT_EQ((*audiences)[1].listeners, (std::vector<std::string>{"s-2"}));

  auto own = audiences_of("s-SPEAK", {member("s-SPEAK", std::nullopt, "de"), member("s-1", "en")}, true);
  ASSERT_TRUE(own);
  ASSERT_EQ(own->size(), 2u);
  EXPECT_EQ((*own)[0].target_lang, "de");
  EXPECT_EQ((*own)[0].listeners, (std::vector<std::string>{"s-SPEAK"}));
}

}  // namespace
}  // namespace lingua::rooms
