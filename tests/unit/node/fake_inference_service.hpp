#pragma once
// An HTTP server on a loopback port that behaves like the existing Lingua node's inference services (ASR
// POST /utterance, MT POST /v1/translate, TTS POST /tts; request and answer shapes as in docs/node.md), for the
// HTTP adapter's tests. It runs on its own thread; a test changes its behaviour per path.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lingua::test {

class fake_inference_service {
 public:
  struct reply {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    bool never_answer = false;  // read the request, then keep the connection open and silent
  };
  struct request {
    std::string path;
    nlohmann::json body;  // null when the body is not JSON
  };
  using behaviour = std::function<reply(const request&)>;

  // Starts listening on 127.0.0.1 at a free port. Answers like the real services until told otherwise:
  // /utterance → {"text":" hello how are you today", ...}, /v1/translate → {"ok":true,"text":"<tgt>: <text>"},
  // /tts → a 22050 Hz WAV tone, 60 ms per character; anything else 404.
  fake_inference_service();
  ~fake_inference_service();
  fake_inference_service(const fake_inference_service&) = delete;
  fake_inference_service& operator=(const fake_inference_service&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }
  void on(const std::string& path, behaviour b);
  std::vector<request> requests() const;

  static reply like_the_real_service(const request& r);
  static reply answer(unsigned status, std::string body, std::string content_type = "application/json");

 private:
  struct server;
  std::unique_ptr<server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace lingua::test
