#pragma once
// Engines that call the HTTP inference services the existing Lingua node runs (so a GPU operator keeps its models
// and runs this node): ASR `POST /utterance` (faster-whisper-vad, asr-sherpa: base64 PCM16 16 kHz in, JSON
// {text, ...} out), MT `POST /v1/translate` (nmt-m2m100: {text, src_lang, tgt_lang} in, {ok, text, error} out), TTS
// `POST /tts` (piper-tts: {text, voice, language} in, a WAV out). docs/node.md lists the exact fields.
//
// The requests run on the node's event loop (http_client.hpp); the engine methods are called on worker threads and
// wait for their answer, bounded by the timeout. A service that is unreachable, slow, answers an error status or
// something unreadable gives engine_error (PROCESSING_ERROR in the job_result, the message names the URL); a
// language outside the configured lists, or a TTS voice the service does not have (HTTP 404), is model_missing
// (MODEL_NOT_AVAILABLE: the scheduler moves the job to another node).
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "node/engines/engine.hpp"
#include "node/engines/http_client.hpp"

namespace lingua::node {

struct http_engine_options {
  boost::asio::io_context* loop = nullptr;  // the node's event loop, run by another thread than the engine's caller
  http_service service;
  std::chrono::milliseconds timeout{15000};  // per request, everything included
};

class http_asr final : public asr_engine {
 public:
  http_asr(http_engine_options options, std::vector<std::string> languages);
  std::string name() const override { return "http-asr"; }
  std::vector<std::string> languages() const override { return languages_; }
  // The service answers with the whole text: no partial hypotheses.
  std::string recognise(const pcm16& audio, const std::string& language,
                        const partial_hypothesis& on_partial = {}) override;

 private:
  http_engine_options options_;
  std::vector<std::string> languages_;
};

class http_mt final : public mt_engine {
 public:
  http_mt(http_engine_options options, std::vector<language_pair> pairs);
  std::string name() const override { return "http-nmt"; }
  std::vector<language_pair> pairs() const override { return pairs_; }
  std::string translate(const std::string& text, const std::string& src, const std::string& tgt) override;

 private:
  http_engine_options options_;
  std::vector<language_pair> pairs_;
};

class http_tts final : public tts_engine {
 public:
  // `voices`: language → voice name sent as `voice` (default: the voices the existing node picks for en and zh;
  // any other language is sent as its own code).
  http_tts(http_engine_options options, std::vector<std::string> languages,
           std::map<std::string, std::string> voices = {});
  std::string name() const override { return "http-tts"; }
  std::vector<std::string> languages() const override { return languages_; }
  pcm16 synthesise(const std::string& text, const std::string& language) override;

 private:
  http_engine_options options_;
  std::vector<std::string> languages_;
  std::map<std::string, std::string> voices_;
};

// Command-line lists: "en,zh" → languages; "en-es,es-en" → pairs; "en=en_US-lessac-medium,zh=…" → voices. Empty and
// `error` set on a malformed list.
std::vector<std::string> parse_languages(std::string_view list, std::string& error);
std::vector<language_pair> parse_language_pairs(std::string_view list, std::string& error);
std::map<std::string, std::string> parse_voices(std::string_view list, std::string& error);

}  // namespace lingua::node
