// End to end: the real scheduler, the real lingua-node with its Debian engines, and a session that speaks.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "e2e/harness/fake_session.hpp"
#include "e2e/harness/scheduler_process.hpp"
#include "e2e/node/node_process.hpp"
#include "e2e/node/speech_session.hpp"
#include "node/engines/audio.hpp"
#include "protocol/base64.hpp"
#include "unit/node/speech_fixture.hpp"

namespace lingua::test {
namespace {

using namespace std::chrono_literals;

constexpr auto registered = "registered with the scheduler as ";

std::string node_id_in(const std::string& log, std::size_t occurrence = 0) {
  std::size_t at = log.find(registered);
  for (std::size_t i = 0; i < occurrence && at != std::string::npos; ++i) at = log.find(registered, at + 1);
  if (at == std::string::npos) return "";
  const auto start = at + std::string_view(registered).size();
  return log.substr(start, log.find_first_of("\r\n", start) - start);
}

class NodeTranslation : public ::testing::Test {
 protected:
  void SetUp() override {
    scheduler = std::make_unique<scheduler_process>("", fast_test_flags());
    scheduler->start();
    node = std::make_unique<node_process>(std::vector<std::string>{
        "--scheduler=ws://127.0.0.1:" + std::to_string(scheduler->port()) + "/ws/node?token=" + default_node_token,
        "--workers=1",
        "--heartbeat-interval-ms=500", "--log-level=debug",
        // The test machine is shared with other builds: report the node's own CPU, not the machine's.
        "--report-cpu=process"});
    node->start();
    ASSERT_TRUE(node->wait_for_log(registered, 30s)) << "the node did not register";
  }
  void TearDown() override {
    node.reset();
    scheduler.reset();
  }

  std::unique_ptr<scheduler_process> scheduler;
  std::unique_ptr<node_process> node;
};

TEST_F(NodeTranslation, SpokenEnglishShowsPartialTextThenComesBackAsSpanishTextAndOpusSpeech) {
  fake_session session;
  session.connect(scheduler->port(), "en", "es");
  speak(session, flite_speech("hello how are you today"));

  std::optional<nlohmann::json> result;
  std::vector<nlohmann::json> partials;
  std::string seen;
  for (int i = 0; i < 50 && !result; ++i) {
    auto m = session.socket().receive_json(30s);
    if (!m) break;
    if ((*m)["type"] == "asr_partial") partials.push_back(*m);
    if ((*m)["type"] == "translation_result") result = m; else seen += m->dump().substr(0, 300) + "\n";
  }
  ASSERT_TRUE(result) << "no translation_result; got:\n" << seen;
  // The words heard so far reach the speaker while the node recognises (is_final false), then the recognised text
  // (is_final true) as soon as ASR ends, all before translation and speech.
  ASSERT_GE(partials.size(), 2u) << "no asr_partial while recognising; got:\n" << seen;
  EXPECT_FALSE(partials.front()["is_final"].get<bool>()) << partials.front();
  EXPECT_TRUE(partials.back()["is_final"].get<bool>()) << partials.back();
  EXPECT_EQ(partials.back()["text"], (*result)["text_asr"]);
  for (const auto& partial : partials) {
    EXPECT_EQ(partial["utterance_index"], (*result)["utterance_index"]);
    EXPECT_EQ(partial["job_id"], "");
  }
  const std::string heard = (*result)["text_asr"].get<std::string>();
  const std::string translated = (*result)["text_translated"].get<std::string>();
  EXPECT_GE(words_in_common("hello how are you today", heard), 4u) << heard;
  EXPECT_NE(translated.find("hola"), std::string::npos) << translated;
  EXPECT_NE(translated.find("hoy"), std::string::npos) << translated;
  EXPECT_EQ((*result)["tts_format"], "opus");
  const auto tts = protocol::base64::decode((*result)["tts_audio"].get<std::string>());
  ASSERT_TRUE(tts);
  const node::pcm16 speech = node::decode_plan_a(*tts);
  EXPECT_GT(speech.size(), 8000u);  // more than half a second at 16 kHz
  EXPECT_GT(node::rms(speech), 300.0);
  ASSERT_TRUE(result->contains("service_timings"));
  EXPECT_TRUE((*result)["service_timings"].contains("asr_ms"));
  EXPECT_TRUE((*result)["service_timings"].contains("tts_ms"));
}

// Silence is not dispatched at all (segmentation.skip_silent_cuts, docs/protocol.md "Utterances"): the node never
// sees it, it uses no utterance index, and the next utterance is translated.
TEST_F(NodeTranslation, SilenceGivesNoResultAndTheNextUtteranceIsTranslated) {
  fake_session session;
  session.connect(scheduler->port(), "en", "es");
  speak(session, node::pcm16(16000, 0));
  std::this_thread::sleep_for(300ms);  // past the cut's hangover: the silence is a cut of its own
  speak(session, flite_speech("good morning my friend"));
  auto result = session.next("translation_result", 30s);
  ASSERT_TRUE(result);
  EXPECT_NE((*result)["text_translated"].get<std::string>().find("amigo"), std::string::npos) << *result;
  EXPECT_EQ((*result)["utterance_index"], 0) << "the silent cut used no utterance index";
  EXPECT_EQ(node->log().find("done: \"\""), std::string::npos) << "the node was given the silence";
}

TEST_F(NodeTranslation, TheNodeReconnectsAfterASchedulerRestartKeepingItsId) {
  const std::string first_id = node_id_in(node->log());
  ASSERT_FALSE(first_id.empty());
  scheduler->terminate();
  scheduler->start();
  ASSERT_TRUE(node->wait_for_log(registered, 30s, 2)) << "the node did not register again";
  EXPECT_EQ(node_id_in(node->log(), 1), first_id);
  // And it serves jobs on the new connection.
  fake_session session;
  session.connect(scheduler->port(), "en", "es");
  speak(session, flite_speech("hello how are you today"));
  auto result = session.next("translation_result", 30s);
  ASSERT_TRUE(result);
  EXPECT_NE((*result)["text_translated"].get<std::string>().find("hola"), std::string::npos) << *result;
}

}  // namespace
}  // namespace lingua::test
