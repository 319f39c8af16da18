#include "rooms/room_service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>
#include <variant>
#include <spdlog/spdlog.h>

#include "endpoint/ids.hpp"
#include "peer_log/peer_log.hpp"
#include "state/node_capabilities.hpp"

namespace lingua::rooms {
namespace asio = boost::asio;

namespace {

// A taken code is drawn again; with 10^6 codes this many misses in a row means the code space is nearly full.
constexpr int max_code_draws = 8;
// Rounds of "look up the session's room, leave it" when the room changes under us.
constexpr int max_leave_rounds = 4;
constexpr int max_expire_passes = 16;
constexpr std::size_t max_session_id_length = 128;

// The original's texts (clients may show them as they are).
constexpr const char* text_not_found = "房间不存在";
constexpr const char* text_already_in_room = "已在房间中";
constexpr const char* text_full = "房间已满";
constexpr const char* text_invalid_code = "房间号无效";
constexpr const char* text_unavailable = "房间服务暂时不可用，请稍后再试";

std::string members_text(const std::string& code, const std::vector<room_member>& members) {
  protocol::room_members message;
  message.room_code = code;
  for (const auto& m : members) message.members.push_back(m.participant());
  return protocol::to_json(message);
}

std::string ack_text(const std::string& code, const std::string& room_id) {
  protocol::room_create_ack ack;
  ack.room_code = code;
  ack.room_id = room_id;
  return protocol::to_json(ack);
}

std::string expired_room_text(const std::string& code, const std::string& message) {
  protocol::room_expired expired;
  expired.room_code = code;
  expired.message = message;
  return protocol::to_json(expired);
}

std::string error_text(const std::string& code, const std::string& message) {
  protocol::error_message error;
  error.code = code;
  error.message = message;
  return protocol::to_json(error);
}

template <class Message>
std::string relayed_text(const Message& inbound, const std::string& sender) {
  Message out = inbound;
  out.to = sender;
  return protocol::to_json(out);
}

}  // namespace

std::optional<std::vector<endpoint::audience>> audiences_of(const std::string& speaker_id,
                                                           const std::vector<room_member>& members,
                                                           bool speaker_hears_own_target) {
  std::map<std::string, std::vector<std::string>> groups;
  const room_member* speaker = nullptr;
  for (const auto& m : members) {
    if (m.session_id == speaker_id) {
      speaker = &m;
    } else if (m.preferred_lang && !m.preferred_lang->empty()) {
      // Grouped by the normalised tag: listeners asking zh-CN, zh_cn and zh-cn share one job of one stream.
      groups[state::normalize_language(*m.preferred_lang)].push_back(m.session_id);
    }
  }
  if (speaker == nullptr || groups.empty()) return std::nullopt;
  if (speaker_hears_own_target && !speaker->tgt_lang.empty()) {
    groups[state::normalize_language(speaker->tgt_lang)].push_back(speaker_id);
  }
  std::vector<endpoint::audience> out;
  for (auto& [lang, listeners] : groups) out.push_back(endpoint::audience{lang, std::move(listeners)});
  return out;
}

room_service::room_service(state::scheduler_state& state, routing::router& router, room_config config)
    : router_(router), config_(config), store_(state), codes_(config.code_digits) {}

// ---- messages ------------------------------------------------------------------------------------------------------

asio::awaitable<void> room_service::on_message(endpoint::session_actor& session,
                                               const protocol::session_inbound& message) {
  const std::string& sender = session.profile().session_id;
  const bool signalling = std::holds_alternative<protocol::webrtc_offer>(message) ||
                          std::holds_alternative<protocol::webrtc_answer>(message) ||
                          std::holds_alternative<protocol::webrtc_ice>(message);
  if (session.closed()) {
    if (signalling) {
      spdlog::debug("session {} is closed: WebRTC signalling dropped", sender);
    } else {
      session.send(error_text("INTERNAL_ERROR", "Failed to process message: Session is closed"));
    }
    co_return;
  }
  if (const auto* create = std::get_if<protocol::room_create>(&message)) {
    co_await on_create(session, *create);
  } else if (const auto* join = std::get_if<protocol::room_join>(&message)) {
    co_await on_join(session, *join);
  } else if (const auto* leave = std::get_if<protocol::room_leave>(&message)) {
    co_await on_leave(session, *leave);
  } else if (const auto* voice = std::get_if<protocol::room_raw_voice_preference>(&message)) {
    co_await on_voice(session, *voice);
  } else if (const auto* offer = std::get_if<protocol::webrtc_offer>(&message)) {
    const std::string text = relayed_text(*offer, sender);
    co_await relay(sender, offer->room_code, offer->to, text);
  } else if (const auto* answer = std::get_if<protocol::webrtc_answer>(&message)) {
    const std::string text = relayed_text(*answer, sender);
    co_await relay(sender, answer->room_code, answer->to, text);
  } else if (const auto* ice = std::get_if<protocol::webrtc_ice>(&message)) {
    const std::string text = relayed_text(*ice, sender);
    co_await relay(sender, ice->room_code, ice->to, text);
  }
}

asio::awaitable<void> room_service::on_create(endpoint::session_actor& session, const protocol::room_create& m) {
  if (!check_preferred_lang(session, m.preferred_lang)) co_return;
  const room_member creator = member_for(session, m.display_name, m.preferred_lang);
  const std::string room_id = endpoint::new_uuid();
  std::optional<room_change> created;
  std::string code;
  forget(creator.session_id);
  for (int draw = 0; draw < max_code_draws; ++draw) {
    code = codes_.next();
    auto r = co_await store_.create(code, room_id, creator);
    if (!r) {
      spdlog::warn("room_create for {} failed: {}", creator.session_id, r.error().message());
      send_room_error(session, "INTERNAL_ERROR", text_unavailable);
      co_return;
    }
    if (r->what != room_change::kind::exists) {
      created = std::move(*r);
      break;
    }
  }
  if (!created) {
    spdlog::error("room_create for {}: {} room codes in a row were taken", creator.session_id, max_code_draws);
    send_room_error(session, "INTERNAL_ERROR", text_unavailable);
    co_return;
  }
  remember(creator.session_id, code);
  peer_log::info(creator.session_id, peer_log::peer_event::peer_activity,
                 "room {} ({}) created by {}", code, room_id, creator.session_id);
  session.send(ack_text(code, room_id));
  session.send(members_text(code, created->members));
  const std::string left = created->left_code;
  co_await broadcast(left, created->left_members, "");
}

asio::awaitable<void> room_service::on_join(endpoint::session_actor& session, const protocol::room_join& m) {
  if (!check_code(session, m.room_code)) co_return;
  if (!check_preferred_lang(session, m.preferred_lang)) co_return;
  const room_member member = member_for(session, m.display_name, m.preferred_lang);
  forget(member.session_id);
  auto r = co_await store_.join(m.room_code, member, config_.max_members);
  forget(member.session_id);
  if (!r) {
    spdlog::warn("room_join of {} by {} failed: {}", m.room_code, member.session_id, r.error().message());
    send_room_error(session, "INTERNAL_ERROR", text_unavailable);
    co_return;
  }
  switch (r->what) {
    case room_change::kind::not_found:
      send_room_error(session, "ROOM_NOT_FOUND", text_not_found);
      co_return;
    case room_change::kind::already_in_room:
      send_room_error(session, "ALREADY_IN_ROOM", text_already_in_room);
      co_return;
    case room_change::kind::full:
      send_room_error(session, "ROOM_FULL", text_full);
      co_return;
    default:
      break;
  }
  remember(member.session_id, m.room_code);
  peer_log::info(member.session_id, peer_log::peer_event::peer_activity,
                 "session {} joined room {} ({} members)", member.session_id, m.room_code, r->members.size());
  session.send(members_text(m.room_code, r->members));
  co_await broadcast(m.room_code, r->members, member.session_id);
  const std::string left = r->left_code;
  co_await broadcast(left, r->left_members, "");
}

asio::awaitable<void> room_service::on_leave(endpoint::session_actor& session, const protocol::room_leave& m) {
  if (!check_code(session, m.room_code)) co_return;
  const std::string& session_id = session.profile().session_id;
  forget(session_id);
  auto r = co_await store_.leave(m.room_code, session_id);
  forget(session_id);
  if (!r) {
    spdlog::warn("room_leave of {} by {} failed: {}", m.room_code, session_id, r.error().message());
    send_room_error(session, "INTERNAL_ERROR", text_unavailable);
    co_return;
  }
  if (r->what == room_change::kind::not_found) {
    send_room_error(session, "ROOM_NOT_FOUND", text_not_found);
    co_return;
  }
  if (r->what == room_change::kind::not_member) {
    spdlog::debug("session {} left room {} it was not in: nothing to do", session_id, m.room_code);
    co_return;
  }
  peer_log::info(session_id, peer_log::peer_event::peer_activity,
                 "session {} left room {} ({} remain)", session_id, m.room_code, r->members.size());
  co_await broadcast(m.room_code, r->members, "");
}

asio::awaitable<void> room_service::on_voice(endpoint::session_actor& session,
                                             const protocol::room_raw_voice_preference& m) {
  if (!check_code(session, m.room_code)) co_return;
  const std::string& session_id = session.profile().session_id;
  auto r = co_await store_.set_voice(m.room_code, session_id, m.target_session_id, m.receive_raw_voice);
  if (!r) {
    spdlog::warn("raw-voice preference in {} by {} failed: {}", m.room_code, session_id, r.error().message());
    send_room_error(session, "INTERNAL_ERROR", text_unavailable);
    co_return;
  }
  if (r->what != room_change::kind::done) {
    send_room_error(session, "ROOM_NOT_FOUND", text_not_found);
    co_return;
  }
  session.send(members_text(m.room_code, r->members));
  co_await broadcast(m.room_code, r->members, session_id);
}

asio::awaitable<void> room_service::relay(const std::string& sender, const std::string& room_code,
                                          const std::string& to, const std::string& text) {
  if (!well_formed_room_code(room_code) || to.empty() || to == sender || to.size() > max_session_id_length) {
    spdlog::debug("WebRTC signalling from {} to '{}' in '{}' dropped: malformed", sender, to, room_code);
    co_return;
  }
  std::vector<std::string> pair;
  pair.push_back(sender);
  pair.push_back(to);
  auto members = co_await store_.members_named(room_code, pair);
  if (!members || members->size() != 2) {
    spdlog::warn("WebRTC signalling from {} to {} dropped: room lookup failed", sender, to);
    co_return;
  }
  if (!(*members)[0] || !(*members)[1]) {
    spdlog::debug("WebRTC signalling from {} to {} dropped: not both members of room {}", sender, to, room_code);
    co_return;
  }
  if (!(*members)[1]->receives_raw_voice_from(sender)) {
    spdlog::debug("WebRTC signalling from {} to {} dropped: {} refuses {}'s raw voice", sender, to, to, sender);
    co_return;
  }
  co_await tell(to, text);
}

// ---- session end, fan-out ------------------------------------------------------------------------------------------

asio::awaitable<void> room_service::on_session_end(const std::string& session_id) {
  forget(session_id);
  co_await leave_current_room(session_id);
  forget(session_id);
}

void room_service::remember(const std::string& session_id, const std::string& code) {
  ++membership_changes_;
  remembered_rooms_[session_id] = code;
}

void room_service::forget(const std::string& session_id) {
  ++membership_changes_;
  remembered_rooms_.erase(session_id);
}

asio::awaitable<void> room_service::leave_current_room(const std::string& session_id) {
  for (int round = 0; round < max_leave_rounds; ++round) {
    auto current = co_await store_.room_of(session_id);
    if (!current) {
      spdlog::warn("session {} ended; its room could not be looked up: {}", session_id, current.error().message());
      co_return;
    }
    if (current->empty()) co_return;
    const std::string code = *current;
    auto r = co_await store_.leave(code, session_id);
    if (!r) {
      spdlog::warn("session {} ended; leaving room {} failed: {}", session_id, code, r.error().message());
      co_return;
    }
    if (r->what == room_change::kind::done) {
      spdlog::info("session {} ended: left room {} ({} remain)", session_id, code, r->members.size());
      co_await broadcast(code, r->members, "");
      co_return;
    }
    // The index named a room the session is no longer in; the script dropped that entry: look again.
  }
}

asio::awaitable<std::optional<std::vector<endpoint::audience>>> room_service::audiences(
    const std::string& speaker_id) {
  std::optional<std::vector<endpoint::audience>> none;
  std::string code;
  if (auto known = remembered_rooms_.find(speaker_id); known != remembered_rooms_.end()) {
    code = known->second;
  } else {
    const std::uint64_t before = membership_changes_;
    auto current = co_await store_.room_of(speaker_id);
    if (!current) co_return none;
    code = *current;
    if (membership_changes_ == before) remembered_rooms_[speaker_id] = code;
  }
  if (code.empty()) co_return none;
  auto r = co_await store_.touch(code, speaker_id);
  if (!r) co_return none;
  if (r->what != room_change::kind::done) {
    forget(speaker_id);  // the room expired (or the entry was stale): look again next time
    co_return none;
  }
  co_return audiences_of(speaker_id, r->members, config_.speaker_hears_own_target);
}

std::function<asio::awaitable<std::optional<std::vector<endpoint::audience>>>(const std::string&)>
room_service::audience_lookup() {
  return [this](const std::string& speaker_id) { return audiences(speaker_id); };
}

// ---- expiry --------------------------------------------------------------------------------------------------------

asio::awaitable<void> room_service::run_sweeper() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  sweep_timer_ = &timer;
  while (sweeping_) {
    timer.expires_after(std::chrono::milliseconds(config_.scan_interval_ms));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!sweeping_) break;
    co_await expire_idle_rooms();
  }
  sweep_timer_ = nullptr;
}

void room_service::stop() {
  sweeping_ = false;
  if (sweep_timer_ != nullptr) sweep_timer_->cancel();
}

asio::awaitable<std::size_t> room_service::expire_idle_rooms() {
  std::size_t total = 0;
  const std::string message = expired_text();
  for (int pass = 0; pass < max_expire_passes; ++pass) {
    auto idle = co_await store_.idle(config_.expire_after_ms, config_.expire_batch);
    if (!idle) {
      spdlog::warn("room expiry scan failed: {}", idle.error().message());
      break;
    }
    if (idle->empty()) break;
    auto expired = co_await store_.expire(*idle, config_.expire_after_ms);
    if (!expired) {
      spdlog::warn("room expiry failed: {}", expired.error().message());
      break;
    }
    for (const auto& room : *expired) {
      spdlog::info("room {} expired after {} ms without activity ({} members told)", room.code,
                   config_.expire_after_ms, room.session_ids.size());
      const std::string text = expired_room_text(room.code, message);
      for (const auto& session_id : room.session_ids) co_await tell(session_id, text);
    }
    total += expired->size();
    if (idle->size() < config_.expire_batch) break;
  }
  co_return total;
}

// ---- helpers -------------------------------------------------------------------------------------------------------

asio::awaitable<void> room_service::broadcast(const std::string& code, const std::vector<room_member>& members,
                                              const std::string& skip) {
  if (code.empty() || members.empty()) co_return;
  const std::string text = members_text(code, members);
  for (const auto& m : members) {
    if (m.session_id == skip) continue;
    co_await tell(m.session_id, text);
  }
}

asio::awaitable<void> room_service::tell(const std::string& session_id, const std::string& text) {
  routing::session_delivery delivery = routing::client_text{text};
  const bool delivered = co_await router_.to_session(session_id, std::move(delivery));
  if (!delivered) spdlog::debug("room message for session {} not delivered: not connected anywhere", session_id);
}

room_member room_service::member_for(const endpoint::session_actor& session,
                                     const std::optional<std::string>& display_name,
                                     const std::optional<std::string>& preferred_lang) const {
  room_member m;
  m.session_id = session.profile().session_id;
  m.display_name = display_name;
  if (preferred_lang && !preferred_lang->empty()) m.preferred_lang = preferred_lang;
  m.tgt_lang = session.profile().tgt_lang;
  m.joined_at = rfc3339_utc(std::chrono::system_clock::now());
  return m;
}

bool room_service::check_preferred_lang(endpoint::session_actor& session, const std::optional<std::string>& lang) {
  if (!lang || lang->empty() || state::valid_language(*lang)) return true;
  session.send(error_text("INVALID_MESSAGE", "Invalid message format: preferred_lang '" + *lang +
                                                 "' is not a language code"));
  return false;
}

bool room_service::check_code(endpoint::session_actor& session, const std::string& code) {
  if (well_formed_room_code(code)) return true;
  send_room_error(session, "INVALID_ROOM_CODE", text_invalid_code);
  return false;
}

void room_service::send_room_error(endpoint::session_actor& session, const std::string& code,
                                   const std::string& message) {
  protocol::room_error error;
  error.code = code;
  error.message = message;
  session.send(protocol::to_json(error));
}

std::string room_service::expired_text() const {
  // The original's "30分钟无人发言，房间已过期", with the configured time.
  if (config_.expire_after_ms % 60000 == 0) {
    return std::to_string(config_.expire_after_ms / 60000) + "分钟无人发言，房间已过期";
  }
  return std::to_string((config_.expire_after_ms + 999) / 1000) + "秒无人发言，房间已过期";
}

}  // namespace lingua::rooms
