#include "redis/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <utility>

#include "redis/address.hpp"
#include "redis/connection.hpp"

namespace lingua::redis {

namespace asio = boost::asio;

struct client::impl {
  asio::any_io_executor executor;
  client_options options;
  std::vector<std::shared_ptr<detail::connection>> connections;
  std::vector<asio::steady_timer*> connect_waiters;  // wait_connected() callers, woken when a connection comes up
  std::size_t next = 0;
  bool started = false;
  bool stopped = false;

  impl(asio::any_io_executor ex, client_options opts) : executor(std::move(ex)), options(std::move(opts)) {}

  // Round robin over the connections that are up; nullptr when none is.
  detail::connection* pick() {
    const std::size_t n = connections.size();
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t index = (next + i) % n;
      if (connections[index]->up()) {
        next = (index + 1) % n;
        return connections[index].get();
      }
    }
    return nullptr;
  }

  bool any_up() const {
    return std::any_of(connections.begin(), connections.end(), [](const auto& c) { return c->up(); });
  }

  void wake_connect_waiters() {
    for (auto* t : connect_waiters) t->cancel();
  }

  // Counts one finished command: its round trip when Redis answered, its failure kind otherwise.
  void measure(const result& r, std::chrono::steady_clock::time_point sent_at) const {
    if (options.metrics == nullptr) return;
    if (r.ec) {
      if (r.ec == errc::stopped) return;
      options.metrics->redis_error(r.ec == errc::timeout    ? "timeout"
                                   : r.ec == errc::protocol ? "protocol"
                                                            : "unreachable");
      return;
    }
    options.metrics->redis_round_trip(std::chrono::duration<double>(std::chrono::steady_clock::now() - sent_at).count());
    if (r.value.is_error()) options.metrics->redis_error("error_reply");
  }

  static asio::awaitable<result> run_command(std::shared_ptr<impl> self, command_args args,
                                             std::chrono::milliseconds timeout) {
    if (self->stopped) co_return result{make_error_code(errc::stopped), {}};
    detail::connection* conn = self->pick();
    if (conn == nullptr) {
      result down{make_error_code(errc::unreachable), {}};
      self->measure(down, {});
      co_return down;
    }
    const auto sent_at = std::chrono::steady_clock::now();
    detail::waiter w(self->executor, sent_at + timeout);
    conn->send(args, w);
    result r = co_await w.wait();
    self->measure(r, sent_at);
    co_return r;
  }

  static asio::awaitable<std::vector<result>> run_pipeline(std::shared_ptr<impl> self,
                                                           std::vector<command_args> commands) {
    std::vector<result> results;
    results.reserve(commands.size());
    if (commands.empty()) co_return results;
    std::error_code failure;
    detail::connection* conn = nullptr;
    if (self->stopped) {
      failure = make_error_code(errc::stopped);
    } else if (conn = self->pick(); conn == nullptr) {
      failure = make_error_code(errc::unreachable);
    }
    if (failure) {
      for (std::size_t i = 0; i < commands.size(); ++i) results.push_back(result{failure, {}});
      self->measure(results.front(), {});
      co_return results;
    }
    const auto sent_at = std::chrono::steady_clock::now();
    const auto deadline = sent_at + self->options.command_timeout;
    std::deque<detail::waiter> waiters;  // a deque never moves its elements, and the connection points at them
    for (const auto& args : commands) {
      waiters.emplace_back(self->executor, deadline);
      conn->send(args, waiters.back());
    }
    for (auto& w : waiters) {
      results.push_back(co_await w.wait());
      self->measure(results.back(), sent_at);
    }
    co_return results;
  }

  static asio::awaitable<bool> run_wait_connected(std::shared_ptr<impl> self, std::chrono::milliseconds timeout) {
    if (self->stopped) co_return false;
    if (self->any_up()) co_return true;
    asio::steady_timer timer(self->executor, timeout);
    self->connect_waiters.push_back(&timer);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::erase(self->connect_waiters, &timer);
    co_return !self->stopped && self->any_up();
  }
};

client::client(asio::any_io_executor executor, client_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options))) {
  auto address = parse_address(impl_->options.address);
  if (!address) throw std::invalid_argument("malformed redis address: " + impl_->options.address);
  if (impl_->options.connections == 0) throw std::invalid_argument("redis client needs at least one connection");
  std::weak_ptr<impl> owner = impl_;
  for (std::size_t i = 0; i < impl_->options.connections; ++i) {
    detail::connection_settings settings{*address,
                                         impl_->options.name,
                                         impl_->options.connect_timeout,
                                         impl_->options.reconnect_min,
                                         std::max(impl_->options.reconnect_max, impl_->options.reconnect_min),
                                         i};
    impl_->connections.push_back(std::make_shared<detail::connection>(impl_->executor, std::move(settings), [owner] {
      if (auto self = owner.lock()) self->wake_connect_waiters();
    }));
  }
}

client::~client() { stop(); }

void client::start() {
  if (impl_->started || impl_->stopped) return;
  impl_->started = true;
  for (auto& c : impl_->connections) c->start();
}

void client::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  for (auto& c : impl_->connections) c->stop();
  impl_->wake_connect_waiters();
}

asio::awaitable<result> client::command(command_args args) {
  return impl::run_command(impl_, std::move(args), impl_->options.command_timeout);
}

asio::awaitable<result> client::command(command_args args, std::chrono::milliseconds timeout) {
  return impl::run_command(impl_, std::move(args), timeout);
}

asio::awaitable<std::vector<result>> client::pipeline(std::vector<command_args> commands) {
  return impl::run_pipeline(impl_, std::move(commands));
}

asio::awaitable<bool> client::wait_connected(std::chrono::milliseconds timeout) {
  return impl::run_wait_connected(impl_, timeout);
}

bool client::connected() const { return impl_->any_up(); }

const client_options& client::options() const { return impl_->options; }

}  // namespace lingua::redis
