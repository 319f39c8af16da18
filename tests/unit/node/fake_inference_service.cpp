#include "unit/node/fake_inference_service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <map>
#include <numbers>
#include <thread>

#include "node/engines/wav.hpp"

namespace lingua::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct fake_inference_service::server {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  mutable std::mutex mutex;  // behaviours and requests: the test thread and the server thread
  std::map<std::string, behaviour> behaviours;
  std::vector<request> seen;
  std::thread thread;

  reply respond(const request& r) {
    behaviour b;
    {
      std::lock_guard lock(mutex);
      seen.push_back(r);
      auto found = behaviours.find(r.path);
      if (found != behaviours.end()) b = found->second;
    }
    return b ? b(r) : like_the_real_service(r);
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> message;
    auto [read_error, n] = co_await http::async_read(socket, buffer, message, asio::as_tuple(asio::use_awaitable));
    if (read_error) co_return;
    request r{std::string(message.target()), nlohmann::json::parse(message.body(), nullptr, false)};
    if (r.body.is_discarded()) r.body = nullptr;
    const reply out = respond(r);
    if (out.never_answer) {
      asio::steady_timer forever(io, std::chrono::minutes(10));
      co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
      co_return;
    }
    http::response<http::string_body> response{static_cast<http::status>(out.status), 11};
    response.set(http::field::content_type, out.content_type);
    response.set(http::field::connection, "close");
    response.body() = out.body;
    response.prepare_payload();
    co_await http::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  }

  asio::awaitable<void> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }
};

fake_inference_service::fake_inference_service() : server_(std::make_unique<server>()) {
  port_ = server_->acceptor.local_endpoint().port();
  asio::co_spawn(server_->io, server_->accept(), asio::detached);
  server_->thread = std::thread([s = server_.get()] { s->io.run(); });
}

fake_inference_service::~fake_inference_service() {
  server_->io.stop();
  server_->thread.join();
}

void fake_inference_service::on(const std::string& path, behaviour b) {
  std::lock_guard lock(server_->mutex);
  server_->behaviours[path] = std::move(b);
}

std::vector<fake_inference_service::request> fake_inference_service::requests() const {
  std::lock_guard lock(server_->mutex);
  return server_->seen;
}

fake_inference_service::reply fake_inference_service::answer(unsigned status, std::string body,
                                                             std::string content_type) {
  reply r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

fake_inference_service::reply fake_inference_service::like_the_real_service(const request& r) {
  const auto text = [&](const char* key) {
    return r.body.is_object() && r.body.contains(key) && r.body[key].is_string() ? r.body[key].get<std::string>()
                                                                                   : std::string();
  };
  if (r.path == "/utterance") {
    const nlohmann::json body = {{"text", " hello how are you today"},
                                 {"segments", nlohmann::json::array()},
                                 {"language", text("src_lang")},
                                 {"duration", 1.5},
                                 {"vad_segments", nlohmann::json::array()}};
    return answer(200, body.dump());
  }
  if (r.path == "/v1/translate") {
    const nlohmann::json body = {{"ok", true},
                                 {"text", text("tgt_lang") + ": " + text("text")},
                                 {"model", "fake-m2m100"},
                                 {"provider", "local-m2m100"}};
    return answer(200, body.dump());
  }
  if (r.path == "/tts") {
    constexpr unsigned rate = 22050;
    node::pcm16 tone(text("text").size() * rate * 60 / 1000);
    for (std::size_t i = 0; i < tone.size(); ++i) {
      tone[i] = static_cast<std::int16_t>(8000.0 * std::sin(2.0 * std::numbers::pi * 440.0 * static_cast<double>(i) / rate));
    }
    return answer(200, node::encode_wav(tone, rate), "audio/wav");
  }
  return answer(404, R"({"detail":"Not Found"})");
}

}  // namespace lingua::test
