#include "sim_session.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "protocol/base64.hpp"
#include "protocol/node_messages.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::bench {

namespace asio = boost::asio;

std::string utterance_audio(std::size_t bytes) {
  std::string pcm(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) pcm[i] = static_cast<char>((i * 37) & 0xff);
  return protocol::base64::encode(pcm);
}

sim_session::sim_session(asio::any_io_executor executor, const session_profile& profile, recorder& record,
                         session_role role)
    : executor_(executor), profile_(profile), record_(record), role_(role), peer_(ws_peer::make(executor)),
      cadence_(executor) {}

asio::awaitable<bool> sim_session::start(ws_target target) {
  target.path = "/ws/session";
  std::weak_ptr<sim_session> weak = weak_from_this();
  ws_peer::text_handler on_text = [weak](std::string_view text) {
    if (auto self = weak.lock()) self->on_text(text);
  };
  ws_peer::close_handler on_close = [weak] {
    if (auto self = weak.lock(); self && !self->stopped_) self->record_.error_seen("session", "SOCKET_CLOSED");
  };
  const bool ok = co_await peer_->connect(std::move(target), std::move(on_text), std::move(on_close));
  if (!ok) co_return false;
  peer_->send(nlohmann::json{{"type", "session_init"},
                             {"client_version", "web-client-v1.0"},
                             {"platform", "web"},
                             {"src_lang", profile_.src_lang},
                             {"tgt_lang", profile_.tgt_lang},
                             {"features", nlohmann::json::object()},
                             {"mode", "one_way"}}
                  .dump());
  co_return true;
}

const std::string& sim_session::error() const { return peer_->error(); }

void sim_session::create_room() {
  peer_->send(nlohmann::json{{"type", "room_create"}, {"client_ts", 1700000000000}, {"display_name", "speaker"}}.dump());
}

void sim_session::join_room(const std::string& code, const std::string& preferred_lang) {
  room_lang_ = preferred_lang;
  peer_->send(nlohmann::json{{"type", "room_join"},
                             {"room_code", code},
                             {"display_name", "listener"},
                             {"preferred_lang", preferred_lang}}
                  .dump());
}

void sim_session::set_listeners(std::vector<std::pair<std::string, std::string>> listeners) {
  listeners_ = std::move(listeners);
}

void sim_session::begin() {
  sending_ = true;
  if (role_ == session_role::utterance) {
    for (std::size_t i = 0; i < profile_.window; ++i) send_utterance();
  } else if (role_ == session_role::stream) {
    next_chunk();
  }
}

void sim_session::halt() {
  sending_ = false;
  cadence_.cancel();
}

void sim_session::stop() {
  stopped_ = true;
  halt();
  peer_->close();
}

void sim_session::send_utterance() {
  if (!sending_ || stopped_) return;
  const std::uint64_t index = next_index_++;
  std::string m;
  m.reserve(profile_.audio_base64.size() + 320);
  m += R"({"type":"utterance","session_id":")";
  m += session_id_;
  m += R"(","utterance_index":)";
  m += std::to_string(index);
  m += R"(,"manual_cut":true,"src_lang":")";
  m += profile_.src_lang;
  m += R"(","tgt_lang":")";
  m += profile_.tgt_lang;
  m += R"(","audio":")";
  m += profile_.audio_base64;
  m += R"(","audio_format":"pcm16","sample_rate":16000,"pipeline":{"use_asr":true,"use_nmt":true,"use_tts":true}})";
  std::vector<std::string> streams;
  std::vector<std::pair<std::string, std::string>> receivers;
  if (listeners_.empty()) {
    streams.push_back(session_id_);
    receivers.emplace_back(session_id_, session_id_);
  } else {
    for (const auto& [listener, lang] : listeners_) {
      std::string stream = protocol::stream_session_id(session_id_, lang);
      if (std::find(streams.begin(), streams.end(), stream) == streams.end()) streams.push_back(stream);
      receivers.emplace_back(listener, std::move(stream));
    }
  }
  recorder::utterance_done done;
  if (profile_.window > 0) {
    done = [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->send_utterance();
    };
  }
  record_.utterance_sent(session_id_, index, streams, receivers, std::move(done));
  peer_->send(std::move(m));
}

void sim_session::next_chunk() {
  if (!sending_ || stopped_) return;
  const bool cut = ++chunks_in_phrase_ > profile_.phrase_chunks;
  std::string m = R"({"type":"audio_chunk","session_id":")" + session_id_ + R"(","seq":)" + std::to_string(seq_++);
  if (cut) {
    m += R"(,"is_final":true,"payload":""})";
    chunks_in_phrase_ = 0;
  } else {
    m += R"(,"is_final":false,"payload":")" + profile_.chunk_payload + R"("})";
  }
  peer_->send(std::move(m));
  if (cut) cut_sent();
  cadence_.expires_after(profile_.chunk_interval);
  cadence_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->next_chunk();
  });
}

void sim_session::cut_sent() {
  // The scheduler numbers the cuts of the audio path 0, 1, 2, … (a voiced cut is never skipped).
  const std::uint64_t index = next_index_++;
  std::vector<std::string> streams{session_id_};
  std::vector<std::pair<std::string, std::string>> receivers{{session_id_, session_id_}};
  record_.utterance_sent(session_id_, index, streams, receivers, {}, true);
}

void sim_session::on_text(std::string_view text) {
  // The scheduler writes `type` first; progress events are the bulk of the traffic and are not needed here.
  if (text.starts_with(R"({"type":"ui_event")")) {
    // Except ERROR: the one outcome of that utterance (the `error` message that follows names no index).
    if (text.find(R"("event":"ERROR")") == std::string_view::npos || !room_lang_.empty()) return;
    auto event = protocol::parse_session_outbound(text);
    if (!event) return;
    if (auto* e = std::get_if<protocol::ui_event>(&*event); e != nullptr && e->session_id == session_id_) {
      record_.delivery_refused(session_id_, session_id_, e->utterance_index);
    }
    return;
  }
  auto parsed = protocol::parse_session_outbound(text);
  if (!parsed) {
    record_.error_seen("session", "UNPARSABLE_FRAME");
    return;
  }
  if (auto* result = std::get_if<protocol::translation_result>(&*parsed)) {
    on_result(result->session_id, result->utterance_index);
  } else if (auto* ack = std::get_if<protocol::session_init_ack>(&*parsed)) {
    session_id_ = ack->session_id;
  } else if (auto* room = std::get_if<protocol::room_create_ack>(&*parsed)) {
    room_code_ = room->room_code;
  } else if (std::holds_alternative<protocol::room_members>(*parsed)) {
    if (!room_lang_.empty()) joined_ = true;
  } else if (auto* error = std::get_if<protocol::error_message>(&*parsed)) {
    record_.error_seen("session", error->code);
  } else if (auto* room_error = std::get_if<protocol::room_error>(&*parsed)) {
    record_.error_seen("room", room_error->code);
  } else if (std::holds_alternative<protocol::missing_result>(*parsed)) {
    record_.error_seen("session", "missing_result");
  } else if (std::holds_alternative<protocol::backpressure>(*parsed)) {
    record_.error_seen("session", "backpressure");
  }
}

void sim_session::on_result(std::string_view speaker, std::uint64_t index) {
  const std::string stream =
      room_lang_.empty() ? std::string(speaker) : protocol::stream_session_id(speaker, room_lang_);
  record_.result_delivered(session_id_, stream, index);
}

}  // namespace lingua::bench
