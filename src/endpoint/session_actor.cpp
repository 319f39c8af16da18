#include "endpoint/session_actor.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asio/log_escape.hpp"
#include "clock/clock.hpp"
#include "protocol/base64.hpp"

namespace lingua::endpoint {
namespace asio = boost::asio;

session_actor::session_actor(context ctx, std::shared_ptr<net::connection> conn, session_profile profile)
    : ctx_(std::move(ctx)),
      profile_(std::move(profile)),
      segmenter_(ctx_.settings.segmentation),
      groups_(profile_.session_id),
      utterance_order_(session::result_order_config{ctx_.settings.result_gap_wait_ms, 200, 0}),
      delivery_(std::make_shared<result_delivery>(result_delivery::context{
          ctx_.executor, ctx_.router, profile_.session_id, std::move(conn), ctx_.settings.result_gap_wait_ms, ctx_.metrics})),
      clock_(ctx_.executor),
      work_signal_(ctx_.executor) {}

void session_actor::send(std::string text) { delivery_->send(std::move(text)); }

void session_actor::send_error(const std::string& code, const std::string& message) {
  send(protocol::to_json(protocol::error_message{code, message, std::nullopt}));
}

asio::awaitable<void> session_actor::start() {
  running_ = true;
  std::weak_ptr<routing::session_sink> sink = weak_from_this();  // named: see jobs::job_service::send
  co_await ctx_.router.claim_session(profile_.session_id, std::move(sink));
  auto self = shared_from_this();
  asio::co_spawn(ctx_.executor, [self]() { return self->clock_loop(); },
                 log_escape("session " + profile_.session_id + ": clock loop"));
  asio::co_spawn(ctx_.executor, [self]() { return self->dispatch_loop(); },
                 log_escape("session " + profile_.session_id + ": dispatch loop"));
}

asio::awaitable<void> session_actor::stop() {
  if (!running_) co_return;
  running_ = false;
  clock_.cancel();
  work_signal_.cancel();
  queue_.clear();
  co_await ctx_.router.release_session(profile_.session_id, this);
}

// ---- client messages -------------------------------------------------------------------------------------------

void session_actor::on_audio_chunk(const protocol::audio_chunk& chunk) {
  if (closed_) {
    send_error("SESSION_CLOSED", "Session is closed");
    return;
  }
  std::string bytes;
  if (chunk.payload && !protocol::base64::decode_append(*chunk.payload, bytes)) {
    send_error("INVALID_MESSAGE", "Invalid message format: payload is not valid base64");
    return;
  }
  if (!first_chunk_client_ms_ && chunk.client_timestamp_ms) first_chunk_client_ms_ = chunk.client_timestamp_ms;
  enqueue(segmenter_.on_chunk(steady_ms(), bytes, chunk.is_final, chunk.client_timestamp_ms));
  rearm();
}

void session_actor::on_utterance(protocol::utterance message) {
  if (closed_) {
    send_error("SESSION_CLOSED", "Session is closed");
    return;
  }
  if (protocol::base64::encoded_size(ctx_.settings.max_utterance_audio_bytes) < message.audio.size()) {
    send_error("INVALID_MESSAGE", "Invalid message format: utterance audio exceeds " +
                                      std::to_string(ctx_.settings.max_utterance_audio_bytes) + " bytes");
    return;
  }
  if (!state::valid_language(message.tgt_lang) ||
      (message.src_lang != "auto" && !state::valid_language(message.src_lang))) {
    send_error("INVALID_MESSAGE", "Invalid message format: src_lang/tgt_lang are not language codes");
    return;
  }
  if (!protocol::base64::decoded_size(message.audio)) {  // checked, not decoded: it goes on as base64
    send_error("INVALID_MESSAGE", "Invalid message format: audio is not valid base64");
    return;
  }
  const std::uint64_t index = message.utterance_index;
  const std::int64_t now = steady_ms();
  utterance_order_.resolve(index, std::move(message), now);
  enqueue_ready_utterances(now);
  rearm();
}

void session_actor::on_tts_started(const std::string& group_id) {
  const std::int64_t now = steady_ms();
  groups_.on_tts_started(group_id, now);
  segmenter_.on_playback(now);
  rearm();
}

void session_actor::on_tts_ended(const std::string& group_id) {
  const std::int64_t now = steady_ms();
  groups_.on_tts_ended(group_id, now);
  segmenter_.on_playback(now);
  rearm();
}

asio::awaitable<void> session_actor::close() {
  if (!closed_) {
    closed_ = true;
    enqueue(segmenter_.close(steady_ms()));
    // The last utterance is placed before the acknowledgement, so the client knows it was not lost.
    asio::steady_timer wait(ctx_.executor);
    for (int i = 0; i < 2000 && running_ && (dispatching_ || !queue_.empty()); ++i) {
      wait.expires_after(std::chrono::milliseconds(5));
      co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    delivery_->release_ready(steady_ms());
  }
  send(protocol::to_json(protocol::session_close_ack{profile_.session_id}));
}

// ---- clock -----------------------------------------------------------------------------------------------------

std::optional<std::int64_t> session_actor::next_deadline() const {
  std::optional<std::int64_t> due = segmenter_.next_deadline();
  auto earliest = [&due](std::optional<std::int64_t> t) {
    if (t && (!due || *t < *due)) due = t;
  };
  earliest(utterance_order_.next_deadline());
  earliest(delivery_->next_deadline());
  if (!watching_) {
    for (const auto& [id, job] : jobs_) earliest(job.look_at_ms);
  }
  return due;
}

void session_actor::rearm() { clock_.cancel(); }

asio::awaitable<void> session_actor::clock_loop() {
  auto self = shared_from_this();
  while (running_) {
    const auto due = next_deadline();
    if (due) {
      clock_.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(0, *due - steady_ms())));
    } else {
      clock_.expires_at(asio::steady_timer::time_point::max());
    }
    co_await clock_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!running_) break;
    on_clock();
  }
}

void session_actor::on_clock() {
  const std::int64_t now = steady_ms();
  enqueue(segmenter_.on_timer(now));
  if (const auto due = utterance_order_.next_deadline(); due && *due <= now) enqueue_ready_utterances(now);
  delivery_->release_ready(steady_ms());
  maybe_watch_jobs(now);
}

}  // namespace lingua::endpoint
