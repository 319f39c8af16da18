#pragma once
// Rooms (reference §6, with the original's defects fixed): the room and WebRTC messages of the session endpoint,
// who hears a speaking member (session_actor::context::audiences), and the expiry of idle rooms.
//
// All room state is in Redis (room_store), so the members of one room may be connected to different instances;
// every message to a member other than the requester goes through the router, which reaches a socket wherever it
// is. The requester's own replies are sent on its socket directly.
//
// Behaviour (docs/protocol.md):
//  - room_create → room_create_ack{room_code, room_id}, then room_members (creator only).
//  - room_join → room_error ROOM_NOT_FOUND | ALREADY_IN_ROOM | ROOM_FULL, or room_members to the joiner and the
//    same room_members to every other member.
//  - room_leave → room_error ROOM_NOT_FOUND for an unknown room; leaving a room one is not in changes nothing
//    (no reply); otherwise the remaining members get room_members (the leaver gets nothing; an emptied room is
//    deleted).
//  - room_raw_voice_preference → room_error ROOM_NOT_FOUND unless the room exists and the sender is a member;
//    otherwise every member (sender included) gets room_members.
//  - A session is in at most one room: create/join while in another room leaves it first (its members are told).
//  - The end of a session (session_close, disconnect, a new session_init, its instance dying) leaves its room
//    exactly like room_leave.
//  - A malformed room code (not 1..18 digits) → room_error INVALID_ROOM_CODE; an invalid preferred_lang →
//    error INVALID_MESSAGE; Redis unreachable → room_error INTERNAL_ERROR. Room ops of a closed session →
//    error INTERNAL_ERROR.
//  - webrtc_offer/answer/ice are relayed to `to` with `to` rewritten to the sender, when both are members of
//    room_code and the target has not set raw_voice_preferences[sender] = false; otherwise dropped (logged).
//  - Speech (each utterance a member dispatches) and joins are activity; a room without activity for
//    expire_after_ms is deleted and each of its members gets room_expired.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "endpoint/session_link.hpp"
#include "rooms/room_member.hpp"
#include "rooms/room_store.hpp"
#include "routing/router.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::rooms {

struct room_config {
  std::int64_t expire_after_ms = 1800000;
  std::int64_t scan_interval_ms = 60000;
  std::size_t max_members = 50;
  std::size_t code_digits = 6;
  bool speaker_hears_own_target = false;  // the speaker also gets its utterance in its session's tgt_lang
  std::size_t expire_batch = 64;          // rooms expired per script call
};

// The fan-out of one utterance given the room's members (see room_service::audiences).
std::optional<std::vector<endpoint::audience>> audiences_of(const std::string& speaker_id,
                                                           const std::vector<room_member>& members,
                                                           bool speaker_hears_own_target);

class room_service final : public endpoint::room_handler {
 public:
  room_service(state::scheduler_state& state, routing::router& router, room_config config);

  boost::asio::awaitable<void> on_message(endpoint::session_actor& session,
                                          const protocol::session_inbound& message) override;
  boost::asio::awaitable<void> on_session_end(const std::string& session_id) override;

  // Who hears `speaker_id` speak: one audience per distinct preferred_lang of the *other* members (plus the
  // speaker's own tgt_lang when configured); nullopt when the speaker is in no room or no other member has a
  // preferred_lang (the session then behaves as a one-way session). Each call is speech: it restarts the room's
  // expiry clock.
  boost::asio::awaitable<std::optional<std::vector<endpoint::audience>>> audiences(const std::string& speaker_id);
  // audiences() bound to this service, for session_actor::context::audiences.
  std::function<boost::asio::awaitable<std::optional<std::vector<endpoint::audience>>>(const std::string&)>
  audience_lookup();

  // Expires idle rooms every scan_interval_ms until stop(). Any number of instances may run it.
  boost::asio::awaitable<void> run_sweeper();
  void stop();
  // One expiry pass; the number of rooms this call expired.
  boost::asio::awaitable<std::size_t> expire_idle_rooms();

 private:
  boost::asio::awaitable<void> on_create(endpoint::session_actor& session, const protocol::room_create& m);
  boost::asio::awaitable<void> on_join(endpoint::session_actor& session, const protocol::room_join& m);
  boost::asio::awaitable<void> on_leave(endpoint::session_actor& session, const protocol::room_leave& m);
  boost::asio::awaitable<void> on_voice(endpoint::session_actor& session, const protocol::room_raw_voice_preference& m);
  // Sends `text` (the WebRTC message with `to` = sender) to `to` when both are members of the room and `to`
  // accepts the sender's raw voice.
  boost::asio::awaitable<void> relay(const std::string& sender, const std::string& room_code, const std::string& to,
                                     const std::string& text);

  // room_members of `members` to each of them except `skip` ("" = nobody skipped).
  boost::asio::awaitable<void> broadcast(const std::string& code, const std::vector<room_member>& members,
                                         const std::string& skip);
  boost::asio::awaitable<void> tell(const std::string& session_id, const std::string& text);
  boost::asio::awaitable<void> leave_current_room(const std::string& session_id);

  room_member member_for(const endpoint::session_actor& session, const std::optional<std::string>& display_name,
                         const std::optional<std::string>& preferred_lang) const;
  // False (after answering INVALID_MESSAGE) when preferred_lang is not a language code.
  static bool check_preferred_lang(endpoint::session_actor& session, const std::optional<std::string>& lang);
  static bool check_code(endpoint::session_actor& session, const std::string& code);
  static void send_room_error(endpoint::session_actor& session, const std::string& code, const std::string& message);
  std::string expired_text() const;

  // The room of each session of this instance as last seen ("" = none), so that an utterance of a session in no
  // room costs no Redis lookup. Only this instance changes the membership of its sessions (their room messages
  // and their end arrive here), so a remembered entry stays true, except that its room may expire elsewhere:
  // touch() then reports it and the entry is forgotten. A lookup is only remembered when no membership change
  // of this instance overlapped it (membership_changes_ moved on: the answer may be stale).
  void remember(const std::string& session_id, const std::string& code);
  void forget(const std::string& session_id);
  std::unordered_map<std::string, std::string> remembered_rooms_;
  std::uint64_t membership_changes_ = 0;

  routing::router& router_;
  room_config config_;
  room_store store_;
  room_code_generator codes_;
  bool sweeping_ = true;
  boost::asio::steady_timer* sweep_timer_ = nullptr;
};

}  // namespace lingua::rooms
