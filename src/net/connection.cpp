#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <utility>

#include "net/websocket_connection.hpp"
#include "asio/log_escape.hpp"
#include "peer_log/peer_log.hpp"

namespace lingua::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t discard_chunk = 64 * 1024;

// One event on the endpoint's counter, when the server was given metrics.
void count(metrics::counter* c) {
  if (c != nullptr) c->inc();
}
// A read buffer that grew past this for one large message is given back afterwards.
constexpr std::size_t kept_buffer_capacity = 256 * 1024;
constexpr std::size_t max_reason_bytes = 123;  // RFC 6455 §5.5: control payload ≤ 125 bytes, 2 for the code
constexpr auto rate_report_interval = std::chrono::seconds(1);

// "10 s", or "500 ms" when not whole seconds: for close reasons a person reads.
std::string describe(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

bool is_expected_end(const error_code& ec) {
  return ec == websocket::error::closed || ec == asio::error::operation_aborted || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor ||
         ec == beast::error::timeout;
}

}  // namespace

template <class Stream>
websocket_connection<Stream>::websocket_connection(std::uint64_t id, std::string remote_endpoint, Stream stream,
                                                   const connection_limits& limits, finished_callback on_finished)
    : connection(id, std::move(remote_endpoint)),
      ws_(std::move(stream)),
      limits_(limits),
      on_finished_(std::move(on_finished)),
      wake_(ws_.get_executor()),
      deadline_(ws_.get_executor()),
      introduction_(ws_.get_executor()),
      token_wait_(ws_.get_executor()),
      bucket_(limits.messages_per_second, limits.message_burst, token_bucket::clock::now()) {
  wake_.expires_at(asio::steady_timer::time_point::max());
}

template <class Stream>
std::shared_ptr<websocket_connection<Stream>> websocket_connection<Stream>::self() {
  return std::static_pointer_cast<websocket_connection>(shared_from_this());
}

template <class Stream>
void websocket_connection<Stream>::start(upgrade_request request, http_request upgrade, websocket_endpoint endpoint) {
  auto me = self();
  ++running_;
  asio::co_spawn(
      ws_.get_executor(),
      [me, request = std::move(request), upgrade = std::move(upgrade), endpoint = std::move(endpoint)]() mutable {
        return me->handshake(std::move(request), std::move(upgrade), std::move(endpoint));
      },
      [me](const std::exception_ptr& e) {
        log_escaped("websocket handshake", e);
        me->task_ended(task::handshake, e != nullptr);
      });
}

template <class Stream>
void websocket_connection<Stream>::spawn(task which) {
  auto me = self();
  ++running_;
  asio::co_spawn(
      ws_.get_executor(), [me, which] { return which == task::reader ? me->read_loop() : me->write_loop(); },
      [me, which](const std::exception_ptr& e) {
        log_escaped(which == task::reader ? "websocket reader" : "websocket writer", e);
        me->task_ended(which, e != nullptr);
      });
}

template <class Stream>
asio::awaitable<void> websocket_connection<Stream>::handshake(upgrade_request request, http_request upgrade,
                                                              websocket_endpoint endpoint) {
  websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = limits_.handshake_timeout;
  timeouts.idle_timeout = limits_.idle_timeout.count() > 0
                              ? std::chrono::duration_cast<websocket::stream_base::duration>(limits_.idle_timeout)
                              : websocket::stream_base::none();
  // A ping at half the idle timeout: a peer that is quiet but alive (browsers answer pings by themselves) stays.
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "lingua"); }));
  ws_.read_message_max(0);  // the reader enforces max_frame_bytes itself, without failing the connection
  ws_.auto_fragment(false);

  auto [ec] = co_await ws_.async_accept(request, use_tuple);
  if (ec) {
    log_end("handshake", ec);
    co_return;
  }
  if (!close_requested_) {
    phase_ = phase::open;
    handler_ = endpoint(shared_from_this(), upgrade);
    if (!handler_) {
      spdlog::error("ws {} {}: endpoint {} returned no handler", id(), remote_endpoint(), upgrade.path);
      close(close_code::internal_error, "no handler");
    }
  }
  if (!handler_) {  // stopped during the handshake, or refused
    co_await send_close_frame();
    co_return;
  }
  spdlog::debug("ws {} {}: open on {}", id(), remote_endpoint(), upgrade.path);
  arm_first_message_deadline();
  spawn(task::reader);
  spawn(task::writer);
}

template <class Stream>
asio::awaitable<void> websocket_connection<Stream>::read_loop() {
  beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    if (buffer.capacity() > kept_buffer_capacity) buffer.shrink_to_fit();
    // Read one message piecewise: never more than max_frame_bytes + 1 buffered, the rest of a longer message
    // discarded as it arrives.
    bool oversized = false;
    do {
      const std::size_t limit = oversized ? discard_chunk : limits_.max_frame_bytes + 1 - buffer.size();
      auto [ec, bytes] = co_await ws_.async_read_some(buffer, limit, use_tuple);
      if (ec) {
        log_end("read", ec);
        co_return;
      }
      if (oversized || buffer.size() > limits_.max_frame_bytes) {
        oversized = true;
        buffer.clear();
      }
    } while (!ws_.is_message_done());

    if (close_requested_) continue;
    // Every message costs a token, binary ones too (they are ignored, but a flood of them is still paced).
    const bool took = co_await take_token();
    if (!took) continue;  // closing: what is left is read and skipped until the close completes
    if (ws_.got_binary()) continue;
    if (oversized) {
      count(limits_.meters ? limits_.meters->refused_oversized : nullptr);
      handler_->on_rejected(*this, rejection::oversized_frame);
      continue;
    }
    count(limits_.meters ? limits_.meters->frames_in : nullptr);
    const auto data = buffer.cdata();
    co_await handler_->on_text(*this, std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
}

template <class Stream>
asio::awaitable<bool> websocket_connection<Stream>::take_token() {
  auto now = token_bucket::clock::now();
  if (bucket_.try_take(now)) {
    throttled_since_.reset();
    co_return true;
  }
  // Back-pressure, never loss: this message waits for its token, and while it waits nothing more is read, so the
  // peer's TCP window fills and its sends slow down.
  if (!throttled_since_) throttled_since_ = now;
  while (!bucket_.try_take(now)) {
    if (close_requested_ || phase_ != phase::open) co_return false;
    if (limits_.rate_limit_close_after.count() > 0 && now - *throttled_since_ >= limits_.rate_limit_close_after) {
      const std::string how_long = describe(limits_.rate_limit_close_after);
      peer_log::warn(remote_endpoint(), peer_log::peer_event::rate_limited,
                     "ws {} {}: over the message rate limit for {} without a break, closing", id(),
                     remote_endpoint(), how_long);
      count(limits_.meters ? limits_.meters->closed_rate_limit : nullptr);
      close(close_code::policy_violation, "message rate limit exceeded for " + how_long);
      co_return false;
    }
    const auto wait = bucket_.time_until_token(now);
    if (now - last_rate_report_ >= rate_report_interval) {
      last_rate_report_ = now;
      peer_log::info(remote_endpoint(), peer_log::peer_event::rate_limited,
                     "ws {} {}: over the message rate limit, reading paused", id(), remote_endpoint());
      handler_->on_throttled(*this, std::chrono::ceil<std::chrono::milliseconds>(wait));
    }
    token_wait_.expires_after(wait);
    co_await token_wait_.async_wait(use_tuple);  // cancelled by close() / finish()
    now = token_bucket::clock::now();
  }
  co_return true;
}

template <class Stream>
void websocket_connection<Stream>::arm_first_message_deadline() {
  if (limits_.first_message_timeout.count() <= 0 || introduced_) return;
  introduction_.expires_after(limits_.first_message_timeout);
  introduction_.async_wait([me = self()](const error_code& ec) {
    if (ec || me->introduced_ || me->phase_ != phase::open || !me->handler_) return;
    const std::string how_long = describe(me->limits_.first_message_timeout);
    const std::string expected(me->handler_->introduction());
    peer_log::info(me->remote_endpoint(), peer_log::peer_event::deadline, "ws {} {}: no {} within {}, closing",
                   me->id(), me->remote_endpoint(), expected, how_long);
    count(me->limits_.meters ? me->limits_.meters->closed_first_message_timeout : nullptr);
    me->close(close_code::policy_violation, "no " + expected + " within " + how_long);
  });
}

template <class Stream>
void websocket_connection<Stream>::introduced() {
  introduced_ = true;
  introduction_.cancel();
}

template <class Stream>
asio::awaitable<void> websocket_connection<Stream>::write_loop() {
  for (;;) {
    if (read_ended_) co_return;
    if (queue_.empty()) {
      if (close_requested_) break;
      co_await wake_.async_wait(use_tuple);  // cancelled = something to do
      continue;
    }
    // Moved out of the queue first: a slow-consumer drop may clear the queue while this frame is being written.
    std::string message = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= message.size();
    ws_.text(true);
    auto [ec, bytes] = co_await ws_.async_write(asio::buffer(message), use_tuple);
    if (ec) {
      log_end("write", ec);
      co_return;
    }
    count(limits_.meters ? limits_.meters->frames_out : nullptr);
  }
  co_await send_close_frame();
}

template <class Stream>
asio::awaitable<void> websocket_connection<Stream>::send_close_frame() {
  // Not after the peer's close: Beast has answered it already (and a second close frame is a protocol error).
  if (!ws_.is_open()) co_return;
  auto [ec] = co_await ws_.async_close(close_reason_, use_tuple);
  if (ec) log_end("close", ec);
}

template <class Stream>
void websocket_connection<Stream>::send(std::string text) {
  if (phase_ != phase::open) return;
  if (!queue_.empty() &&
      (queue_.size() >= limits_.max_queued_messages || queued_bytes_ + text.size() > limits_.max_queued_bytes)) {
    peer_log::warn(remote_endpoint(), peer_log::peer_event::connection_error,
                   "ws {} {}: slow consumer ({} messages, {} bytes queued), closing", id(), remote_endpoint(),
                   queue_.size(), queued_bytes_);
    queue_.clear();
    queued_bytes_ = 0;
    count(limits_.meters ? limits_.meters->closed_slow_consumer : nullptr);
    close(close_code::policy_violation, "slow consumer");
    return;
  }
  queued_bytes_ += text.size();
  queue_.push_back(std::move(text));
  wake_.cancel();
}

template <class Stream>
void websocket_connection<Stream>::close(std::uint16_t code, std::string reason) {
  if (phase_ == phase::finished || close_requested_) return;
  if (reason.size() > max_reason_bytes) reason.resize(max_reason_bytes);
  close_requested_ = true;
  close_reason_.code = code;
  close_reason_.reason.assign(reason.data(), reason.size());
  begin_closing();
  wake_.cancel();
  token_wait_.cancel();
  introduction_.cancel();
}

template <class Stream>
bool websocket_connection<Stream>::is_open() const noexcept { return phase_ == phase::open; }

template <class Stream>
std::size_t websocket_connection<Stream>::queued_bytes() const noexcept { return queued_bytes_; }

template <class Stream>
void websocket_connection<Stream>::task_ended(task which, bool threw) {
  switch (which) {
    case task::handshake:
      if (threw) cut();  // the endpoint threw: no handler, no loops
      break;
    case task::reader:
      if (threw) {  // a handler threw; the stream itself is fine, so say goodbye properly
        close(close_code::internal_error, "internal error");
      } else {
        read_ended_ = true;
        begin_closing();
        wake_.cancel();
      }
      break;
    case task::writer:
      cut();  // closed, failed or abandoned: make sure the reader's pending read ends too
      break;
  }
  if (--running_ == 0) finish();
}

template <class Stream>
void websocket_connection<Stream>::begin_closing() {
  if (phase_ == phase::handshaking || phase_ == phase::open) phase_ = phase::closing;
  if (deadline_armed_ || phase_ == phase::finished) return;
  deadline_armed_ = true;
  deadline_.expires_after(limits_.close_timeout);
  deadline_.async_wait([me = self()](const error_code& ec) {
    if (ec) return;  // cancelled by finish()
    spdlog::debug("ws {} {}: close timed out, cutting the socket", me->id(), me->remote_endpoint());
    me->cut();
  });
}

template <class Stream>
void websocket_connection<Stream>::cut() noexcept { beast::get_lowest_layer(ws_).close(); }

template <class Stream>
void websocket_connection<Stream>::finish() {
  phase_ = phase::finished;
  deadline_.cancel();
  wake_.cancel();
  token_wait_.cancel();
  introduction_.cancel();
  queue_.clear();
  queued_bytes_ = 0;
  cut();
  if (auto handler = std::move(handler_)) {
    spdlog::debug("ws {} {}: closed", id(), remote_endpoint());
    try {
      handler->on_close(*this);
    } catch (...) {
      log_escaped("websocket on_close", std::current_exception());
    }
  }
  if (on_finished_) on_finished_(id());
}

template <class Stream>
void websocket_connection<Stream>::log_end(std::string_view what, const error_code& ec) const {
  if (ec == beast::error::timeout && phase_ == phase::open) {
    count(limits_.meters ? limits_.meters->closed_idle : nullptr);
    peer_log::info(remote_endpoint(), peer_log::peer_event::deadline,
                   "ws {} {}: silent for {} ms and no answer to a ping, closed", id(), remote_endpoint(),
                   limits_.idle_timeout.count());
  } else if (is_expected_end(ec)) {
    spdlog::debug("ws {} {}: {} ended: {}", id(), remote_endpoint(), what, ec.message());
  } else {
    peer_log::info(remote_endpoint(), peer_log::peer_event::connection_error, "ws {} {}: {} failed: {}", id(),
                   remote_endpoint(), what, ec.message());
  }
}

// The two streams a connection runs over, compiled here once (see websocket_connection.hpp).
template class websocket_connection<plain_stream>;
template class websocket_connection<tls_stream>;

}  // namespace lingua::net::detail
