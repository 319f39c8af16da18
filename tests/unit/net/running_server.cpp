#include "running_server.hpp"

namespace lingua::net::test {

server_config running_server::loopback() {
  server_config config;
  config.address = "127.0.0.1";
  config.port = 0;
  return config;
}

running_server::running_server(server_config config) : front_(loop_.get_executor(), std::move(config)) {}

running_server::~running_server() {
  if (!thread_.joinable()) return;
  if (!stop(close_code::going_away, "test over")) loop_.stop();
  thread_.join();
}

void running_server::start() {
  front_.start();
  port_ = front_.port();
  std::promise<void> done;
  finished_ = done.get_future();
  thread_ = std::thread([this, done = std::move(done)]() mutable {
    loop_.run();
    done.set_value();
  });
}

bool running_server::stop(std::uint16_t code, std::string reason, std::chrono::milliseconds timeout) {
  request_stop(code, std::move(reason));
  return wait_stopped(timeout);
}

void running_server::request_stop(std::uint16_t code, std::string reason) {
  boost::asio::post(loop_, [this, code, reason = std::move(reason)] { front_.stop(code, reason); });
}

bool running_server::wait_stopped(std::chrono::milliseconds timeout) {
  return finished_.valid() && finished_.wait_for(timeout) == std::future_status::ready;
}

}  // namespace lingua::net::test
