#include "redis/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "asio/log_escape.hpp"

namespace lingua::redis::detail {
namespace {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string escaped_from(const char* what, std::size_t index) {
  return "redis connection " + std::to_string(index) + ": " + what + " ended by exception";
}

}  // namespace

waiter::waiter(const asio::any_io_executor& executor, std::chrono::steady_clock::time_point deadline)
    : signal_(executor, deadline) {}

waiter::~waiter() { release(); }

void waiter::release() {
  if (owner_ && !done_) owner_->abandon(sequence_);
  owner_.reset();
}

void waiter::complete(result r) {
  done_ = true;
  result_ = std::move(r);
  owner_.reset();
  signal_.cancel();
}

asio::awaitable<result> waiter::wait() {
  if (!done_) co_await signal_.async_wait(use_tuple);
  if (done_) co_return std::move(result_);
  // The deadline passed first (or the awaiting coroutine was cancelled, which also ends the timer's wait).
  bool expired = std::chrono::steady_clock::now() >= signal_.expiry();
  release();
  done_ = true;
  std::error_code why = make_error_code(errc::timeout);
  if (!expired) why = std::make_error_code(std::errc::operation_canceled);
  co_return result{why, {}};
}

connection::connection(asio::any_io_executor executor, connection_settings settings, std::function<void()> on_up)
    : executor_(std::move(executor)),
      settings_(std::move(settings)),
      on_up_(std::move(on_up)),
      socket_(executor_),
      resolver_(executor_),
      wake_(executor_),
      writer_exit_(executor_),
      deadline_(executor_),
      backoff_(executor_) {}

void connection::start() {
  auto self = shared_from_this();
  asio::co_spawn(executor_, [self] { return self->run(); },
                 [self](const std::exception_ptr& e) { log_escaped(escaped_from("connection loop", self->settings_.index), e); });
}

void connection::stop() {
  if (stopped_) return;
  stopped_ = true;
  on_up_ = nullptr;
  if (up_) shut(errc::stopped);
  boost::system::error_code ignored;
  socket_.close(ignored);
  resolver_.cancel();
  deadline_.cancel();
  backoff_.cancel();
  wake_.cancel();
}

void connection::send(const command_args& args, waiter& w) {
  append_command(outgoing_, args);
  w.owner_ = shared_from_this();
  w.sequence_ = front_sequence_ + slots_.size();
  slots_.push_back(&w);
  if (writer_idle_) {
    writer_idle_ = false;
    wake_.cancel();
  }
}

void connection::abandon(std::uint64_t sequence) {
  if (sequence < front_sequence_) return;
  auto offset = sequence - front_sequence_;
  if (offset < slots_.size()) slots_[static_cast<std::size_t>(offset)] = nullptr;
}

void connection::shut(errc why) {
  if (!up_) return;
  up_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);
  wake_.cancel();
  outgoing_.clear();
  auto orphans = std::move(slots_);
  slots_.clear();
  front_sequence_ += orphans.size();
  for (waiter* w : orphans) {
    if (w != nullptr) w->complete(result{make_error_code(why), {}});
  }
}

std::string connection::describe() const {
  if (settings_.address.kind == server_address::transport::unix_socket) return "unix://" + settings_.address.path;
  return "redis://" + settings_.address.host + ":" + std::to_string(settings_.address.port);
}

asio::awaitable<void> connection::pause(std::chrono::milliseconds delay) {
  if (stopped_) co_return;
  backoff_.expires_after(delay);
  co_await backoff_.async_wait(use_tuple);
}

asio::awaitable<void> connection::run() {
  auto self = shared_from_this();
  auto delay = settings_.reconnect_min;
  bool failure_reported = false;
  while (!stopped_) {
    if (!co_await connect_once()) {
      if (stopped_) break;
      if (!failure_reported) {
        spdlog::warn("redis connection {}: cannot connect to {}; retrying", settings_.index, describe());
        failure_reported = true;
      }
      co_await pause(delay);
      delay = std::min(delay * 2, settings_.reconnect_max);
      continue;
    }
    if (stopped_) break;
    spdlog::info("redis connection {}: connected to {}", settings_.index, describe());
    failure_reported = false;
    delay = settings_.reconnect_min;
    parser_.reset();
    outgoing_.clear();
    up_ = true;
    append_command(outgoing_, {"CLIENT", "SETNAME", settings_.name});
    slots_.push_back(nullptr);
    writer_running_ = true;
    asio::co_spawn(executor_, [self] { return self->write_commands(); },
                   [self](const std::exception_ptr& e) {
                     log_escaped(escaped_from("writer", self->settings_.index), e);
                     self->writer_running_ = false;
                     self->writer_exit_.cancel();
                   });
    if (on_up_) on_up_();
    co_await read_replies();
    shut(errc::unreachable);
    while (writer_running_) {
      writer_exit_.expires_at(asio::steady_timer::time_point::max());
      co_await writer_exit_.async_wait(use_tuple);
    }
    if (stopped_) break;
    spdlog::warn("redis connection {}: connection to {} lost; reconnecting", settings_.index, describe());
    co_await pause(delay);
  }
  boost::system::error_code ignored;
  socket_.close(ignored);
}

asio::awaitable<bool> connection::connect_once() {
  if (stopped_) co_return false;
  auto self = shared_from_this();
  const auto attempt = ++attempt_;
  connecting_ = true;
  deadline_.expires_after(settings_.connect_timeout);
  deadline_.async_wait([self, attempt](const boost::system::error_code& ec) {
    if (ec || self->attempt_ != attempt || !self->connecting_) return;
    self->connecting_ = false;
    self->resolver_.cancel();
    boost::system::error_code ignored;
    self->socket_.close(ignored);
  });

  boost::system::error_code ec;
  bool tcp = settings_.address.kind == server_address::transport::tcp;
  if (!tcp) {
    asio::generic::stream_protocol::endpoint endpoint(asio::local::stream_protocol::endpoint(settings_.address.path));
    std::tie(ec) = co_await socket_.async_connect(endpoint, use_tuple);
  } else {
    std::vector<asio::ip::tcp::endpoint> endpoints;
    boost::system::error_code parse_ec;
    auto ip = asio::ip::make_address(settings_.address.host, parse_ec);
    if (!parse_ec) {
      endpoints.emplace_back(ip, settings_.address.port);
    } else {
      auto [resolve_ec, results] =
          co_await resolver_.async_resolve(settings_.address.host, std::to_string(settings_.address.port), use_tuple);
      ec = resolve_ec;
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    if (!ec && endpoints.empty()) ec = asio::error::host_not_found;
    for (const auto& endpoint : endpoints) {
      if (stopped_ || attempt_ != attempt || !connecting_) break;
      boost::system::error_code ignored;
      socket_.close(ignored);
      std::tie(ec) = co_await socket_.async_connect(asio::generic::stream_protocol::endpoint(endpoint), use_tuple);
      if (!ec) break;
    }
  }
  if (!ec && (!connecting_ || !socket_.is_open())) ec = asio::error::timed_out;
  connecting_ = false;
  deadline_.cancel();
  if (ec || stopped_) {
    spdlog::debug("redis connection {}: connect to {} failed: {}", settings_.index, describe(), ec.message());
    boost::system::error_code ignored;
    socket_.close(ignored);
    co_return false;
  }
  if (tcp) {
    boost::system::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  }
  co_return true;
}

asio::awaitable<void> connection::read_replies() {
  reply value;
  for (;;) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(incoming_), use_tuple);
    if (ec || !up_) co_return;
    if (!parser_.feed(incoming_.data(), n)) {
      spdlog::error("redis connection {}: protocol error: {}", settings_.index, parser_.error());
      shut(errc::protocol);
      co_return;
    }
    for (;;) {
      auto status = parser_.next(value);
      if (status == reply_reader::status::need_more) break;
      if (status == reply_reader::status::error || slots_.empty()) {
        spdlog::error("redis connection {}: protocol error: {}", settings_.index,
                      slots_.empty() ? std::string("reply without a command") : parser_.error());
        shut(errc::protocol);
        co_return;
      }
      waiter* w = slots_.front();
      slots_.pop_front();
      ++front_sequence_;
      if (w != nullptr) w->complete(result{{}, std::move(value)});
    }
  }
}

asio::awaitable<void> connection::write_commands() {
  while (up_) {
    if (outgoing_.empty()) {
      writer_idle_ = true;
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(use_tuple);
      writer_idle_ = false;
      continue;
    }
    std::swap(writing_, outgoing_);
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(writing_), use_tuple);
    writing_.clear();
    if (ec) {
      shut(errc::unreachable);
      co_return;
    }
  }
}

}  // namespace lingua::redis::detail
