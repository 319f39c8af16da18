#pragma once
// A room member as stored in Redis (one JSON text per member, see lua/includes/rooms.lua), room codes and the
// timestamp format of the room messages.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "protocol/session_messages.hpp"

namespace lingua::rooms {

struct room_member {
  std::string session_id;
  std::optional<std::string> display_name;
  std::optional<std::string> preferred_lang;  // the language this member hears the others in
  std::string tgt_lang;                       // the member session's own target language (never on the wire)
  std::map<std::string, bool> raw_voice_preferences;  // other member → receive its raw voice (absent: receive)
  std::string joined_at;                      // RFC 3339

  // The wire form (room_members): participant_id = session_id; raw_voice_preferences always present.
  protocol::room_participant participant() const;
  bool receives_raw_voice_from(const std::string& sender) const;
};

// The stored JSON without "seq" (the join order, which the scripts add).
std::string to_stored_json(const room_member& member);
// nullopt when the text is not a stored member (not JSON, no session_id).
std::optional<room_member> member_from_stored_json(std::string_view text);

// "2026-01-31T12:34:56.789Z" (UTC, milliseconds).
std::string rfc3339_utc(std::chrono::system_clock::time_point when);

// Room codes are `digits` decimal digits drawn uniformly from [0, 10^digits) by std::random_device (the OS CSPRNG),
// so a code cannot be predicted from earlier ones. 6 digits (the original's format) give 10^6 codes: enough to
// avoid collisions among live rooms (a taken code is simply drawn again) but guessable by brute force with about
// 5·10^5 tries per live room; longer codes (rooms.code_digits) make guessing proportionally harder.
class room_code_generator {
 public:
  explicit room_code_generator(std::size_t digits);
  std::string next();

 private:
  std::size_t digits_;
  std::random_device device_;
};

// A code a client may send: 1..18 decimal digits (anything else is INVALID_ROOM_CODE; a well-formed code that names
// no room is ROOM_NOT_FOUND).
bool well_formed_room_code(std::string_view code);

}  // namespace lingua::rooms
