#include "endpoint/result_delivery.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"
#include "metrics/scheduler_metrics.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

result_delivery::result_delivery(context ctx) : ctx_(std::move(ctx)) {}

void result_delivery::send(std::string text) {
  if (ctx_.speaker && ctx_.speaker->is_open()) ctx_.speaker->send(std::move(text));
}

session::result_order<outbound>& result_delivery::order_for(const std::string& target_lang, std::uint64_t first_index) {
  auto it = orders_.find(target_lang);
  if (it == orders_.end()) {
    // A language first heard at utterance N (a listener joined mid-session) starts its order there.
    it = orders_
             .emplace(target_lang, session::result_order<outbound>(
                                       session::result_order_config{ctx_.result_gap_wait_ms, 200, first_index}))
             .first;
  }
  return it->second;
}

void result_delivery::expect(const std::string& target_lang, std::uint64_t utterance_index, std::int64_t now_ms) {
  order_for(target_lang, utterance_index).expect(utterance_index, now_ms);
}

void result_delivery::not_heard(std::uint64_t utterance_index, const std::vector<std::string>& heard,
                                std::int64_t now_ms) {
  for (auto& [lang, order] : orders_) {
    if (std::find(heard.begin(), heard.end(), lang) == heard.end()) order.resolve(utterance_index, std::nullopt, now_ms);
  }
}

void result_delivery::resolve(const std::string& target_lang, std::uint64_t utterance_index,
                              std::optional<outbound> out, std::int64_t now_ms) {
  auto& order = order_for(target_lang, utterance_index);
  const std::uint64_t late_before = order.late_total();
  order.resolve(utterance_index, std::move(out), now_ms);
  if (ctx_.metrics != nullptr && order.late_total() > late_before) ctx_.metrics->result_late();
  release_ready(now_ms);
}

std::optional<std::int64_t> result_delivery::next_deadline() const {
  std::optional<std::int64_t> due;
  for (const auto& [lang, order] : orders_) {
    const auto t = order.next_deadline();
    if (t && (!due || *t < *due)) due = t;
  }
  return due;
}

void result_delivery::release_ready(std::int64_t now_ms) {
  for (auto& [lang, order] : orders_) {
    const std::uint64_t skipped_before = order.skipped_total();
    std::vector<outbound> ready = order.take_ready(now_ms);
    if (ctx_.metrics != nullptr && order.skipped_total() > skipped_before) {
      ctx_.metrics->result_gap_wait(order.skipped_total() - skipped_before);
    }
    for (auto& out : ready) {
      if (ctx_.metrics != nullptr && out.cut_ms >= 0) {
        ctx_.metrics->utterance_latency(static_cast<double>(now_ms - out.cut_ms) / 1000.0);
      }
      if (out.listeners.empty()) {
        for (auto& text : out.texts) send(std::move(text));
        continue;
      }
      for (const auto& listener : out.listeners) {
        for (const auto& text : out.texts) {
          if (listener == ctx_.session_id) {
            send(text);
            continue;
          }
          send_to_listener(listener, text);
        }
      }
    }
  }
}

void result_delivery::send_to_listener(const std::string& listener, std::string text) {
  auto [it, fresh] = listener_queues_.try_emplace(listener);
  it->second.push_back(std::move(text));
  if (!fresh) return;  // its drainer is running and will take this one after the earlier ones
  auto self = shared_from_this();
  asio::co_spawn(
      ctx_.executor, [self, id = listener]() -> asio::awaitable<void> { co_await self->drain_listener(id); },
      log_escape("delivery to listener " + listener));
}

asio::awaitable<void> result_delivery::drain_listener(std::string listener) {
  while (true) {
    auto it = listener_queues_.find(listener);
    if (it == listener_queues_.end()) co_return;
    if (it->second.empty()) {
      listener_queues_.erase(it);
      co_return;
    }
    routing::session_delivery news = routing::client_text{std::move(it->second.front())};
    it->second.pop_front();
    // Awaited before the next one: the router's hand-off (local socket or the listener's instance inbox) is done
    // in order.
    co_await ctx_.router.to_session(listener, std::move(news));
  }
}

}  // namespace lingua::endpoint
