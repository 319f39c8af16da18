#include <gtest/gtest.h>

#include "node/engines/apertium_mt.hpp"
#include "node/engines/audio.hpp"
#include "node/engines/espeak_tts.hpp"
#include "node/engines/pocketsphinx_asr.hpp"
#include "node/job_runner.hpp"
#include "protocol/base64.hpp"
#include "unit/node/speech_fixture.hpp"

namespace lingua::node {
namespace {

class JobRunner : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engines_ = new engine_set{std::make_unique<pocketsphinx_asr>(), std::make_unique<apertium_mt>(),
                              std::make_unique<espeak_tts>()};
  }
  static void TearDownTestSuite() {
    delete engines_;
    engines_ = nullptr;
  }

  static protocol::job_assign job_with(const pcm16& audio, std::string tgt = "es") {
    protocol::job_assign job;
    job.job_id = "job-1";
    job.attempt_id = 2;
    job.session_id = "s-1";
    job.utterance_index = 7;
    job.src_lang = "en";
    job.tgt_lang = std::move(tgt);
    job.audio = protocol::base64::encode(encode_plan_a(audio));
    job.audio_format = "opus";
    job.trace_id = "trace";
    return job;
  }

  static engine_set* engines_;
  std::atomic<bool> cancelled_{false};
};

engine_set* JobRunner::engines_ = nullptr;

TEST_F(JobRunner, OpusSpeechBecomesSpanishTextAndOpusSpeech) {
  std::string partial;
  auto result = run_job(job_with(test::flite_speech("hello how are you today")), *engines_, cancelled_, "node-a",
                        [&](const std::string& text, bool) { partial = text; });
  ASSERT_TRUE(result);
  ASSERT_TRUE(result->success) << (result->error ? result->error->message : "");
  EXPECT_EQ(result->job_id, "job-1");
  EXPECT_EQ(result->attempt_id, 2u);
  EXPECT_EQ(result->node_id, "node-a");
  EXPECT_EQ(result->utterance_index, 7u);
  EXPECT_GE(test::words_in_common("hello how are you today", result->text_asr.value_or("")), 4u);
  EXPECT_EQ(partial, result->text_asr.value_or(""));
  EXPECT_NE(result->text_translated.value_or("").find("hola"), std::string::npos) << *result->text_translated;
  EXPECT_EQ(result->tts_format, "opus");
  const pcm16 speech = decode_plan_a(protocol::base64::decode(result->tts_audio.value_or("")).value_or(""));
  EXPECT_GT(speech.size(), 8000u);
  EXPECT_GT(rms(speech), 300.0);
  ASSERT_TRUE(result->extra && result->extra->service_timings);
  EXPECT_TRUE(result->extra->service_timings->asr_ms && result->extra->service_timings->nmt_ms &&
              result->extra->service_timings->tts_ms && result->extra->service_timings->total_ms);
}

struct heard_text {
  std::string text;
  bool is_final;
};

TEST_F(JobRunner, PartialTextsComeWhileRecognisingThenTheFinalTextOnce) {
  std::vector<heard_text> heard;
  auto result = run_job(job_with(test::flite_speech("please call me back this afternoon")), *engines_, cancelled_,
                        "node-a", [&](const std::string& text, bool is_final) { heard.push_back({text, is_final}); });
  ASSERT_TRUE(result && result->success);
  ASSERT_GE(heard.size(), 3u) << "fewer than two partials before the final text";
  for (std::size_t i = 0; i + 1 < heard.size(); ++i) {
    EXPECT_FALSE(heard[i].is_final) << heard[i].text;
    EXPECT_FALSE(heard[i].text.empty());
    if (i > 0) {
      EXPECT_NE(heard[i].text, heard[i - 1].text) << "a partial repeated";
    }
  }
  EXPECT_TRUE(heard.back().is_final);
  EXPECT_EQ(heard.back().text, result->text_asr.value_or(""));
}

TEST_F(JobRunner, AJobWithoutStreamingAsrGetsOnlyTheFinalText) {
  auto job = job_with(test::flite_speech("please call me back this afternoon"));
  job.enable_streaming_asr = false;
  std::vector<heard_text> heard;
  auto result = run_job(job, *engines_, cancelled_, "node-a",
                        [&](const std::string& text, bool is_final) { heard.push_back({text, is_final}); });
  ASSERT_TRUE(result && result->success);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_TRUE(heard.front().is_final);
}

// A cancel arriving while the audio is being recognised stops the decoding: no further partial, no final text.
TEST_F(JobRunner, ACancelDuringRecognitionStopsThePartials) {
  std::vector<heard_text> heard;
  auto result = run_job(job_with(test::flite_speech("please call me back this afternoon")), *engines_, cancelled_,
                        "node-a", [&](const std::string& text, bool is_final) {
                          heard.push_back({text, is_final});
                          cancelled_ = true;  // the scheduler's job_cancel, as the first partial goes out
                        });
  EXPECT_FALSE(result);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_FALSE(heard.front().is_final);
}

TEST_F(JobRunner, SilenceGivesAnEmptyAsrResult) {
  auto result = run_job(job_with(pcm16(16000, 0)), *engines_, cancelled_, "node-a", {});
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->success);
  EXPECT_EQ(result->text_asr, "");
  EXPECT_FALSE(result->tts_audio);
  ASSERT_TRUE(result->extra);
  EXPECT_EQ(result->extra->reason, "ASR_EMPTY");
}

TEST_F(JobRunner, ACancelledJobStopsAtTheNextStageAndSendsNothing) {
  bool heard = false;
  cancelled_ = true;
  auto result = run_job(job_with(test::flite_speech("hello")), *engines_, cancelled_, "node-a",
                        [&](const std::string&, bool) { heard = true; });
  EXPECT_FALSE(result);
  EXPECT_FALSE(heard);
}

TEST_F(JobRunner, AnUninstalledTargetLanguageIsModelNotAvailable) {
  auto result = run_job(job_with(test::flite_speech("hello how are you today"), "xx"), *engines_, cancelled_,
                        "node-a", {});
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->success);
  ASSERT_TRUE(result->error);
  EXPECT_EQ(result->error->code, "MODEL_NOT_AVAILABLE");
  EXPECT_EQ(result->error->details, (nlohmann::json{{"service_type", "nmt"}}));
}

TEST_F(JobRunner, BrokenAudioIsAProcessingError) {
  auto job = job_with(pcm16(320, 0));
  job.audio = protocol::base64::encode(std::string("\x10\x00\x01", 3));
  auto result = run_job(job, *engines_, cancelled_, "node-a", {});
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->success);
  ASSERT_TRUE(result->error);
  EXPECT_EQ(result->error->code, "PROCESSING_ERROR");
}

}  // namespace
}  // namespace lingua::node
