#pragma once
// The C++ face of the room scripts (lua/room_*.lua): one awaitable per change, each one atomic script and (apart
// from the read of the session's current room that create/join pass along) one round trip. Nothing here keeps
// state; any number of instances may call these concurrently on the same Redis.
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rooms/room_member.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::rooms {

struct room_change {
  enum class kind { done, exists, not_found, not_member, already_in_room, full };
  kind what = kind::done;
  std::vector<room_member> members;       // the room after the change, in join order ({} when it was deleted)
  std::string left_code;                  // create/join: the room the session left on the way ("" = none)
  std::vector<room_member> left_members;  // who remains there
};

struct expired_room {
  std::string code;
  std::vector<std::string> session_ids;  // its members when it expired
};

class room_store {
 public:
  explicit room_store(state::scheduler_state& state);

  // kind::exists when the code is taken (draw another).
  boost::asio::awaitable<state::result<room_change>> create(const std::string& code, const std::string& room_id,
                                                            const room_member& creator);
  // not_found, already_in_room, full, or done.
  boost::asio::awaitable<state::result<room_change>> join(const std::string& code, const room_member& member,
                                                          std::size_t max_members);
  // not_found, not_member, or done (members: who remains).
  boost::asio::awaitable<state::result<room_change>> leave(const std::string& code, const std::string& session_id);
  // not_found (no room, or the sender is not a member) or done.
  boost::asio::awaitable<state::result<room_change>> set_voice(const std::string& code, const std::string& session_id,
                                                               const std::string& target, bool receive);
  // Speech: restarts the room's expiry clock. not_found, not_member, or done (members: the room now).
  boost::asio::awaitable<state::result<room_change>> touch(const std::string& code, const std::string& session_id);

  // The room the session is in ("" = none).
  boost::asio::awaitable<state::result<std::string>> room_of(const std::string& session_id);
  // The named members of a room (nullopt for a session that is not a member, or when the room does not exist).
  boost::asio::awaitable<state::result<std::vector<std::optional<room_member>>>> members_named(
      const std::string& code, const std::vector<std::string>& session_ids);

  // Codes of rooms idle for at least expire_after_ms (candidates), then the ones actually expired by this call.
  boost::asio::awaitable<state::result<std::vector<std::string>>> idle(std::int64_t expire_after_ms,
                                                                       std::size_t limit);
  boost::asio::awaitable<state::result<std::vector<expired_room>>> expire(const std::vector<std::string>& codes,
                                                                          std::int64_t expire_after_ms);

 private:
  std::string room_key(const std::string& code) const;
  boost::asio::awaitable<state::result<redis::reply>> run(const char* script, std::vector<std::string> keys,
                                                          std::vector<std::string> args);

  state::scheduler_state& state_;
  std::string index_key_;  // {p}:session:rooms
  std::string rooms_key_;  // {p}:rooms
};

}  // namespace lingua::rooms
