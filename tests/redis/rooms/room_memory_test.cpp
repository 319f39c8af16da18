// room_service remembers the room of each of its sessions: a session in no room speaks without a Redis lookup per
// utterance, and a remembered room that expired (on any instance) is forgotten at the next utterance.
#include <string>

#include "room_fixture.hpp"
#include "rooms/room_service.hpp"
#include "routing/router.hpp"

namespace lingua::test {
namespace {

class room_memory : public room_test {
 protected:
  // How often Redis ran `command` so far (INFO commandstats; scripts' inner calls included).
  std::int64_t calls_of(const std::string& command) {
    const std::string info = raw({"INFO", "commandstats"}).str();
    const std::string field = "cmdstat_" + command + ":calls=";
    const auto at = info.find(field);
    if (at == std::string::npos) return 0;
    return std::stoll(info.substr(at + field.size()));
  }

  routing::router router;
};

TEST_F(room_memory, a_session_in_no_room_is_looked_up_once_and_then_speaks_without_redis) {
  rooms::room_service service(*state, router, rooms::room_config{});
  EXPECT_FALSE(run(service.audiences("s-alone")));
  const std::int64_t after_first = calls_of("hget");
  EXPECT_GE(after_first, 1) << "the first utterance looks the room up";
  EXPECT_FALSE(run(service.audiences("s-alone")));
  EXPECT_FALSE(run(service.audiences("s-alone")));
  EXPECT_EQ(calls_of("hget"), after_first) << "later utterances of a session in no room cost no lookup";
}

TEST_F(room_memory, a_remembered_room_that_expired_is_forgotten) {
  rooms::room_service service(*state, router, rooms::room_config{});
  create("123456", "s-speaker");
  ASSERT_TRUE(run(store->join("123456", member("s-listener", "en"), 50)));
  auto heard = run(service.audiences("s-speaker"));
  ASSERT_TRUE(heard);
  ASSERT_EQ(heard->size(), 1u);
  EXPECT_EQ((*heard)[0].target_lang, "en");

  auto expired = run(store->expire({"123456"}, 0));
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_FALSE(run(service.audiences("s-speaker"))) << "the room is gone: the speaker is on its own";
  EXPECT_FALSE(run(service.audiences("s-speaker")));
}

}  // namespace
}  // namespace lingua::test
