// Each rule that cuts the audio stream into utterances, observed from the node's side of the real binary.
#include <thread>

#include "e2e_fixture.hpp"
#include "protocol/base64.hpp"

namespace lingua::test {
namespace {

using segmentation = scheduler_e2e;

std::size_t audio_bytes(const nlohmann::json& job) {
  return protocol::base64::decode(job["audio"].get<std::string>()).value_or("").size();
}

TEST_F(segmentation, silence_for_pause_ms_cuts_an_utterance_flagged_as_timeout_triggered) {
  auto& scheduler = start_scheduler();  // pause_ms 400
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(10);
  auto job = node.next_job(3s);
  ASSERT_TRUE(job);
  EXPECT_EQ((*job)["is_timeout_triggered"], true);
  EXPECT_FALSE(job->contains("is_manual_cut"));
  EXPECT_EQ((*job)["padding_ms"], 220);
}

TEST_F(segmentation, audio_after_a_pause_starts_the_next_utterance) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(10);
  std::this_thread::sleep_for(700ms);
  session.send_audio(4, true);
  auto first = node.next_job();
  auto second = node.next_job();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(audio_bytes(*first), 10u * 61u);
  EXPECT_EQ((*second)["utterance_index"], 1);
  EXPECT_EQ(audio_bytes(*second), 4u * 61u) << "the chunk after the pause is not glued to the previous utterance";
}

TEST_F(segmentation, long_speech_is_cut_at_max_duration_and_keeps_its_turn_id) {
  auto& scheduler = start_scheduler({"--segmentation.max_duration_ms=400", "--segmentation.pause_ms=5000"});
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(25);  // 500 ms of Plan A audio
  session.send_audio(25);
  auto first = node.next_job();
  auto second = node.next_job();
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)["is_max_duration_triggered"], true);
  EXPECT_EQ((*second)["is_max_duration_triggered"], true);
  ASSERT_TRUE(first->contains("turn_id"));
  EXPECT_EQ((*first)["turn_id"], (*second)["turn_id"]);
  session.send_audio(3, true);
  auto last = node.next_job();
  ASSERT_TRUE(last);
  EXPECT_EQ((*last)["is_manual_cut"], true);
  session.send_audio(3, true);
  auto next_turn = node.next_job();
  ASSERT_TRUE(next_turn);
  EXPECT_NE((*next_turn)["turn_id"], (*first)["turn_id"]) << "a manual cut ends the turn";
}

TEST_F(segmentation, a_full_buffer_is_cut_at_once_without_padding) {
  auto& scheduler = start_scheduler({"--segmentation.max_buffer_bytes=1000", "--segmentation.pause_ms=5000"});
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(20);  // 1220 bytes
  auto job = node.next_job(2s);
  ASSERT_TRUE(job);
  EXPECT_EQ((*job)["padding_ms"], 0);
  EXPECT_FALSE(job->contains("is_manual_cut"));
  EXPECT_EQ((*job)["is_timeout_triggered"], true) << "segmentation.close_turns_at_limits (default)";
  EXPECT_FALSE(job->contains("is_max_duration_triggered"));
}

TEST_F(segmentation, an_empty_cut_does_not_use_up_an_utterance_index) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_final();
  session.send_final();
  session.send_audio(5, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  EXPECT_EQ((*job)["utterance_index"], 0);
}

}  // namespace
}  // namespace lingua::test
