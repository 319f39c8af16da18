// WebRTC signalling between room members end to end: relayed with `to` naming the sender, and withheld from a
// member who refuses the sender's raw voice.
#include "room_peers.hpp"

namespace lingua::test {
namespace {

using room_signalling = scheduler_e2e;

TEST_F(room_signalling, offers_answers_and_candidates_reach_the_target_with_to_naming_the_sender) {
  auto& scheduler = start_scheduler();
  fake_session alice, bob;
  alice.connect(scheduler.port());
  bob.connect(scheduler.port());
  const std::string code = create_room(alice, "Alice");
  join_room(bob, code, {alice.id(), bob.id()});

  const nlohmann::json sdp = {{"type", "offer"}, {"sdp", "v=0 ..."}};
  alice.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", bob.id()}, {"sdp", sdp}});
  auto offer = expect_message(bob.socket(), "webrtc_offer");
  EXPECT_EQ(offer["to"], alice.id());
  EXPECT_EQ(offer["room_code"], code);
  EXPECT_EQ(offer["sdp"], sdp);

  bob.send({{"type", "webrtc_answer"}, {"room_code", code}, {"to", alice.id()}, {"sdp", "answer-sdp"}});
  auto answer = expect_message(alice.socket(), "webrtc_answer");
  EXPECT_EQ(answer["to"], bob.id());
  EXPECT_EQ(answer["sdp"], "answer-sdp");

  const nlohmann::json candidate = {{"candidate", "candidate:1 1 udp 1 10.0.0.1 5000 typ host"}, {"sdpMLineIndex", 0}};
  alice.send({{"type", "webrtc_ice"}, {"room_code", code}, {"to", bob.id()}, {"candidate", candidate}});
  auto ice = expect_message(bob.socket(), "webrtc_ice");
  EXPECT_EQ(ice["to"], alice.id());
  EXPECT_EQ(ice["candidate"], candidate);
}

TEST_F(room_signalling, a_member_refusing_the_senders_raw_voice_gets_none_of_its_signalling) {
  auto& scheduler = start_scheduler();
  fake_session alice, bob;
  alice.connect(scheduler.port());
  bob.connect(scheduler.port());
  const std::string code = create_room(alice, "Alice");
  join_room(bob, code, {alice.id(), bob.id()});

  bob.send({{"type", "room_raw_voice_preference"}, {"room_code", code}, {"target_session_id", alice.id()},
            {"receive_raw_voice", false}});
  auto for_bob = expect_members(bob, {alice.id(), bob.id()});
  EXPECT_EQ(for_bob["members"][1]["raw_voice_preferences"], (nlohmann::json{{alice.id(), false}}));
  auto for_alice = expect_members(alice, {alice.id(), bob.id()});
  // Alice first reads the list sent when Bob joined, then the one with Bob's preference.
  if (for_alice.value("members", nlohmann::json::array()).size() == 2 &&
      for_alice["members"][1]["raw_voice_preferences"].empty()) {
    for_alice = expect_members(alice, {alice.id(), bob.id()});
  }
  EXPECT_EQ(for_alice, for_bob) << "every member sees the preference";

  alice.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", bob.id()}, {"sdp", "x"}});
  alice.send({{"type", "webrtc_ice"}, {"room_code", code}, {"to", bob.id()}, {"candidate", "c"}});
  EXPECT_FALSE(bob.next("webrtc_offer", 500ms));
  EXPECT_FALSE(bob.next("webrtc_ice", 100ms));
  EXPECT_FALSE(alice.next("room_error", 100ms)) << "a withheld message is dropped silently";

  bob.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", alice.id()}, {"sdp", "y"}});
  EXPECT_EQ(expect_message(alice.socket(), "webrtc_offer")["to"], bob.id()) << "the preference is one-way";

  bob.send({{"type", "room_raw_voice_preference"}, {"room_code", code}, {"target_session_id", alice.id()},
            {"receive_raw_voice", true}});
  auto relaxed = expect_members(alice, {alice.id(), bob.id()});
  EXPECT_EQ(relaxed["members"][1]["raw_voice_preferences"], (nlohmann::json{{alice.id(), true}}));
  alice.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", bob.id()}, {"sdp", "z"}});
  EXPECT_EQ(expect_message(bob.socket(), "webrtc_offer")["sdp"], "z");
}

TEST_F(room_signalling, signalling_outside_a_shared_room_is_dropped) {
  auto& scheduler = start_scheduler();
  fake_session alice, bob, stranger;
  alice.connect(scheduler.port());
  bob.connect(scheduler.port());
  stranger.connect(scheduler.port());
  const std::string code = create_room(alice, "Alice");
  join_room(bob, code, {alice.id(), bob.id()});

  stranger.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", bob.id()}, {"sdp", "from a stranger"}});
  alice.send({{"type", "webrtc_offer"}, {"room_code", "999999"}, {"to", bob.id()}, {"sdp", "wrong room"}});
  alice.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", stranger.id()}, {"sdp", "to a stranger"}});
  EXPECT_FALSE(bob.next("webrtc_offer", 500ms));
  EXPECT_FALSE(stranger.next("webrtc_offer", 100ms));
  alice.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", bob.id()}, {"sdp", "fine"}});
  EXPECT_EQ(expect_message(bob.socket(), "webrtc_offer")["sdp"], "fine");
}

}  // namespace
}  // namespace lingua::test
