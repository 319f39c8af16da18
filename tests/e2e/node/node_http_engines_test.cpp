// End to end with the HTTP adapter: the real scheduler, the real lingua-node started with --asr/--mt/--tts pointing at
// a loopback server that behaves like the existing Lingua node's inference services, and a session that speaks.
#include <gtest/gtest.h>

#include "e2e/harness/fake_session.hpp"
#include "e2e/harness/scheduler_process.hpp"
#include "e2e/node/node_process.hpp"
#include "e2e/node/speech_session.hpp"
#include "node/engines/audio.hpp"
#include "protocol/base64.hpp"
#include "unit/node/fake_inference_service.hpp"
#include "unit/node/speech_fixture.hpp"

namespace lingua::test {
namespace {

using namespace std::chrono_literals;

TEST(NodeHttpEngines, ANodeOnTheInferenceServicesTranslatesWithTheirTextsAndSpeech) {
  fake_inference_service services;
  scheduler_process scheduler("", fast_test_flags());
  scheduler.start();
  node_process node({"--scheduler=ws://127.0.0.1:" + std::to_string(scheduler.port()) + "/ws/node",
                     std::string("--token=") + default_node_token, "--workers=1", "--report-cpu=process",
                     "--asr=" + services.url(), "--asr-languages=en", "--mt=" + services.url(), "--mt-pairs=en-es",
                     "--tts=" + services.url(), "--tts-languages=es", "--tts-voices=es=es_ES-davefx-medium",
                     "--log-level=debug"});
  node.start();
  ASSERT_TRUE(node.wait_for_log("registered with the scheduler as ", 30s)) << "the node did not register";

  fake_session session;
  session.connect(scheduler.port(), "en", "es");
  speak(session, flite_speech("hello how are you today"));
  auto result = session.next("translation_result", 30s);
  ASSERT_TRUE(result) << "no translation_result";
  EXPECT_EQ((*result)["text_asr"], "hello how are you today") << *result;
  EXPECT_EQ((*result)["text_translated"], "es: hello how are you today") << *result;
  const auto tts = protocol::base64::decode((*result)["tts_audio"].get<std::string>());
  ASSERT_TRUE(tts);
  EXPECT_GT(node::decode_plan_a(*tts).size(), 16000u);

  std::vector<std::string> paths;
  for (const auto& r : services.requests()) paths.push_back(r.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/utterance", "/v1/translate", "/tts"}));
  EXPECT_EQ(services.requests().back().body["voice"], "es_ES-davefx-medium");
}

TEST(NodeHttpEngines, AnAdapterFlagWithoutItsLanguagesIsRefusedAtStart) {
  node_process node({"--asr=http://127.0.0.1:1", "--print-capabilities"});
  node.start();
  ASSERT_TRUE(node.wait_for_log("--asr needs --asr-languages", 10s)) << node.log();
  EXPECT_EQ(node.signal_and_wait(0, 10s) >> 8, 2) << "exit status 2 expected";
}

}  // namespace
}  // namespace lingua::test
