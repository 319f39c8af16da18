#include "peer_log/peer_log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace lingua::peer_log {

namespace asio = boost::asio;

namespace {

std::unique_ptr<log_throttle> make_throttle(throttle_settings settings) {
  return std::make_unique<log_throttle>(
      settings, [] { return log_throttle::clock::now(); },
      [](const suppression_summary& summary) { spdlog::warn("{}", describe(summary)); });
}

// Per thread (see peer_log.hpp): the throttle, and the timer of write_summaries() if one runs.
thread_local std::unique_ptr<log_throttle> current;
thread_local asio::steady_timer* summary_timer = nullptr;
thread_local bool summaries_stopped = false;

}  // namespace

log_throttle& throttle() {
  if (!current) current = make_throttle(throttle_settings{});
  return *current;
}

void configure(throttle_settings settings) {
  if (current) current->flush_all();
  current = make_throttle(settings);
}

asio::awaitable<void> write_summaries(std::chrono::milliseconds tick) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  summary_timer = &timer;
  summaries_stopped = false;
  while (!summaries_stopped) {
    timer.expires_after(tick);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    throttle().flush_due();
  }
  summary_timer = nullptr;
  throttle().flush_all();
}

void stop_summaries() {
  summaries_stopped = true;
  if (summary_timer != nullptr) summary_timer->cancel();
}

}  // namespace lingua::peer_log
