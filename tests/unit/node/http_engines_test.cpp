// The HTTP adapter against a loopback server that behaves like the existing Lingua node's inference services. As in
// the node, the requests run on an event loop of their own thread and the engines are called from another (here the
// test's) thread.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "node/engines/audio.hpp"
#include "node/engines/http_engines.hpp"
#include "node/engines/wav.hpp"
#include "node/job_runner.hpp"
#include "protocol/base64.hpp"
#include "support/test_support.hpp"
#include "unit/node/fake_inference_service.hpp"

namespace lingua::node {
namespace {

using namespace std::chrono_literals;
using test::fake_inference_service;

class HttpEngines : public ::testing::Test {
 protected:
  HttpEngines() : work(boost::asio::make_work_guard(loop)), loop_thread([this] { loop.run(); }) {}
  ~HttpEngines() override {
    work.reset();
    loop.stop();
    loop_thread.join();
  }

  http_engine_options options_for(const std::string& url, std::chrono::milliseconds timeout = 5s) {
    std::string error;
    auto parsed = parse_http_service(url, error);
    EXPECT_TRUE(parsed) << error;
    return {.loop = &loop, .service = parsed.value_or(http_service{}), .timeout = timeout};
  }
  http_engine_options options(std::chrono::milliseconds timeout = 5s) { return options_for(service.url(), timeout); }

  // The engine_error a call throws ("" and a failure when it throws none).
  template <typename F>
  static std::pair<std::string, bool> failure_of(F&& f) {
    try {
      f();
    } catch (const engine_error& e) {
      return {e.what(), e.model_missing()};
    }
    ADD_FAILURE() << "no engine_error";
    return {"", false};
  }

  fake_inference_service service;
  boost::asio::io_context loop;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::thread loop_thread;
};

pcm16 ramp(std::size_t n) {
  pcm16 samples(n);
  for (std::size_t i = 0; i < n; ++i) samples[i] = static_cast<std::int16_t>(static_cast<int>(i % 2000) - 1000);
  return samples;
}

TEST_F(HttpEngines, AsrPostsTheUtteranceAsBase64Pcm16AndReturnsTheTrimmedText) {
  http_asr asr(options(), {"en", "zh"});
  const pcm16 audio = ramp(16000);
  EXPECT_EQ(asr.recognise(audio, "en"), "hello how are you today");

  const auto requests = service.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/utterance");
  const auto& body = requests[0].body;
  EXPECT_EQ(body["src_lang"], "en");
  EXPECT_EQ(body["audio_format"], "pcm16");
  EXPECT_EQ(body["sample_rate"], 16000);
  EXPECT_TRUE(body["job_id"].is_string());
  const auto bytes = protocol::base64::decode(body["audio"].get<std::string>());
  ASSERT_TRUE(bytes);
  EXPECT_EQ(pcm16_from_bytes(*bytes), audio);
}

TEST_F(HttpEngines, MtPostsTextAndLanguagesAndReturnsTheTranslation) {
  http_mt mt(options(), {{"en", "zh"}, {"zh", "en"}});
  EXPECT_EQ(mt.translate("good morning", "en", "zh"), "zh: good morning");
  const auto requests = service.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/translate");
  EXPECT_EQ(requests[0].body, (nlohmann::json{{"text", "good morning"}, {"src_lang", "en"}, {"tgt_lang", "zh"}}));
}

TEST_F(HttpEngines, AnMtAnswerWithOkFalseIsAProcessingErrorWithTheServicesReason) {
  service.on("/v1/translate", [](const auto&) {
    return fake_inference_service::answer(200, R"({"ok":false,"error":"Model not loaded","provider":"local-m2m100"})");
  });
  http_mt mt(options(), {{"en", "zh"}});
  const auto [message, missing] = failure_of([&] { mt.translate("hello", "en", "zh"); });
  EXPECT_NE(message.find("Model not loaded"), std::string::npos) << message;
  EXPECT_FALSE(missing);
}

TEST_F(HttpEngines, TtsSendsTheVoiceOfTheLanguageAndResamplesTheWavTo16kHz) {
  http_tts tts(options(), {"en", "es"}, {{"es", "es_ES-davefx-medium"}});
  const pcm16 speech = tts.synthesise("hello there", "en");  // 11 characters: 660 ms at 22050 Hz
  EXPECT_NEAR(static_cast<double>(speech.size()), 0.66 * 16000, 16.0);
  EXPECT_GT(rms(speech), 1000.0);
  tts.synthesise("hola", "es");
  const auto requests = service.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/tts");
  EXPECT_EQ(requests[0].body, (nlohmann::json{{"text", "hello there"}, {"voice", "en_US-lessac-medium"}, {"language", "en"}}));
  EXPECT_EQ(requests[1].body["voice"], "es_ES-davefx-medium");
}

TEST_F(HttpEngines, ATtsVoiceTheServiceDoesNotHaveIsAMissingModel) {
  service.on("/tts", [](const auto&) {
    return fake_inference_service::answer(404, R"({"detail":"Model not found for voice: en_US-lessac-medium"})");
  });
  http_tts tts(options(), {"en"});
  const auto [message, missing] = failure_of([&] { tts.synthesise("hello", "en"); });
  EXPECT_TRUE(missing) << message;
  EXPECT_NE(message.find("HTTP 404"), std::string::npos) << message;
}

TEST_F(HttpEngines, AServerErrorIsAProcessingErrorNamingTheUrlAndStatus) {
  service.on("/utterance", [](const auto&) {
    return fake_inference_service::answer(500, R"({"detail":"Utterance processing failed: CUDA out of memory"})");
  });
  http_asr asr(options(), {"en"});
  const auto [message, missing] = failure_of([&] { asr.recognise(ramp(1600), "en"); });
  EXPECT_FALSE(missing);
  EXPECT_NE(message.find(service.url() + "/utterance"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
  EXPECT_NE(message.find("CUDA out of memory"), std::string::npos) << message;
}

TEST_F(HttpEngines, AnAnswerThatIsNotTheServicesJsonIsAProcessingError) {
  service.on("/utterance", [](const auto&) { return fake_inference_service::answer(200, "<html>proxy</html>"); });
  http_asr asr(options(), {"en"});
  const auto [message, missing] = failure_of([&] { asr.recognise(ramp(1600), "en"); });
  EXPECT_NE(message.find("not a JSON object"), std::string::npos) << message;
  service.on("/tts", [](const auto&) { return fake_inference_service::answer(200, "RIFF....", "audio/wav"); });
  http_tts tts(options(), {"en"});
  const auto [tts_message, tts_missing] = failure_of([&] { tts.synthesise("hi", "en"); });
  EXPECT_NE(tts_message.find("WAV"), std::string::npos) << tts_message;
}

TEST_F(HttpEngines, AServiceThatDoesNotAnswerTimesOutWithinTheDeadline) {
  fake_inference_service::reply silent;
  silent.never_answer = true;
  service.on("/v1/translate", [silent](const auto&) { return silent; });
  http_mt mt(options(300ms), {{"en", "zh"}});
  const auto started = std::chrono::steady_clock::now();
  const auto [message, missing] = failure_of([&] { mt.translate("hello", "en", "zh"); });
  EXPECT_NE(message.find("timed out after 300 ms"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);  // bounded (not a speed assertion)
  // And the engine still works afterwards.
  service.on("/v1/translate", fake_inference_service::like_the_real_service);
  EXPECT_EQ(mt.translate("hello", "en", "zh"), "zh: hello");
}

TEST_F(HttpEngines, AServiceThatIsNotRunningIsAProcessingError) {
  const auto port = test::free_port();
  http_asr asr(options_for("http://127.0.0.1:" + std::to_string(port)), {"en"});
  const auto [message, missing] = failure_of([&] { asr.recognise(ramp(1600), "en"); });
  EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
  EXPECT_FALSE(missing);
}

TEST_F(HttpEngines, AnAnswerOverTheSizeCapIsRefused) {
  service.on("/utterance", [](const auto&) {
    return fake_inference_service::answer(200, R"({"text":")" + std::string(2 * 1024 * 1024, 'a') + R"("})");
  });
  http_asr asr(options(), {"en"});
  const auto [message, missing] = failure_of([&] { asr.recognise(ramp(1600), "en"); });
  EXPECT_NE(message.find("answer larger than"), std::string::npos) << message;
}

TEST_F(HttpEngines, ALanguageOutsideTheConfiguredListsIsAMissingModelWithoutARequest) {
  http_asr asr(options(), {"en"});
  http_mt mt(options(), {{"en", "zh"}});
  http_tts tts(options(), {"zh"});
  EXPECT_TRUE(failure_of([&] { asr.recognise(ramp(1600), "fr"); }).second);
  EXPECT_TRUE(failure_of([&] { mt.translate("hello", "en", "fr"); }).second);
  EXPECT_TRUE(failure_of([&] { tts.synthesise("hello", "en"); }).second);
  EXPECT_TRUE(service.requests().empty());
}

TEST_F(HttpEngines, AJobThroughTheServicesGivesTheirTextsAndOpusSpeech) {
  engine_set engines{.asr = std::make_unique<http_asr>(options(), std::vector<std::string>{"en"}),
                     .mt = std::make_unique<http_mt>(options(), std::vector<language_pair>{{"en", "es"}}),
                     .tts = std::make_unique<http_tts>(options(), std::vector<std::string>{"es"})};
  protocol::job_assign job;
  job.job_id = "job-1";
  job.src_lang = "en";
  job.tgt_lang = "es";
  job.audio = protocol::base64::encode(encode_plan_a(ramp(16000)));
  job.audio_format = "opus";
  job.sample_rate = 16000;
  job.pipeline.use_asr = job.pipeline.use_nmt = job.pipeline.use_tts = true;
  std::atomic<bool> cancelled{false};
  auto result = run_job(job, engines, cancelled, "node-1", nullptr);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->success);
  EXPECT_EQ(result->text_asr.value_or(""), "hello how are you today");
  EXPECT_EQ(result->text_translated.value_or(""), "es: hello how are you today");
  const auto speech = protocol::base64::decode(result->tts_audio.value_or(""));
  ASSERT_TRUE(speech);
  EXPECT_GT(decode_plan_a(*speech).size(), 16000u);

  // A failing service becomes the job's error, with the stage that failed.
  service.on("/v1/translate", [](const auto&) { return fake_inference_service::answer(503, "overloaded"); });
  result = run_job(job, engines, cancelled, "node-1", nullptr);
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->success);
  ASSERT_TRUE(result->error);
  EXPECT_EQ(result->error->code, "PROCESSING_ERROR");
  EXPECT_EQ(result->error->details.value_or(nullptr)["service_type"], "nmt");
  EXPECT_NE(result->error->message.find("HTTP 503"), std::string::npos) << result->error->message;
}

TEST(Wav, A16BitWavOfAnyRateBecomes16kHzAndOtherFormatsAreRefused) {
  const pcm16 tone = ramp(8000);  // one second at 8 kHz
  EXPECT_NEAR(static_cast<double>(decode_wav(encode_wav(tone, 8000)).size()), 16000.0, 4.0);
  EXPECT_EQ(decode_wav(encode_wav(tone, 16000)), tone);
  std::string eight_bit = encode_wav(tone, 8000);
  eight_bit[34] = 8;  // bits per sample
  EXPECT_THROW(decode_wav(eight_bit), engine_error);
  EXPECT_THROW(decode_wav("RIFF"), engine_error);
}

TEST(HttpEngineFlags, ServiceUrlsAndListsParseAndMistakesAreNamed) {
  std::string error;
  auto s = parse_http_service("http://gpu-box:6007/asr/", error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->host, "gpu-box");
  EXPECT_EQ(s->port, "6007");
  EXPECT_EQ(s->base_path, "/asr");
  EXPECT_FALSE(parse_http_service("https://gpu-box:6007", error));
  EXPECT_FALSE(parse_http_service("http://gpu-box:port", error));

  error.clear();
  EXPECT_EQ(parse_languages("en, zh", error), (std::vector<std::string>{"en", "zh"}));
  EXPECT_EQ(parse_language_pairs("en-zh,zh-en", error), (std::vector<language_pair>{{"en", "zh"}, {"zh", "en"}}));
  EXPECT_EQ(parse_voices("en=en_US-lessac-medium", error).at("en"), "en_US-lessac-medium");
  EXPECT_TRUE(error.empty()) << error;
  parse_language_pairs("en", error);
  EXPECT_NE(error.find("\"en\""), std::string::npos) << error;
  error.clear();
  parse_languages("EN!", error);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace lingua::node
