#include "rooms/room_member.hpp"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace lingua::rooms {
namespace {

std::optional<std::string> text_at(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

protocol::room_participant room_member::participant() const {
  protocol::room_participant p;
  p.participant_id = session_id;
  p.session_id = session_id;
  p.display_name = display_name;
  p.preferred_lang = preferred_lang;
  p.raw_voice_preferences = raw_voice_preferences;
  p.joined_at = joined_at;
  return p;
}

bool room_member::receives_raw_voice_from(const std::string& sender) const {
  auto it = raw_voice_preferences.find(sender);
  return it == raw_voice_preferences.end() || it->second;
}

std::string to_stored_json(const room_member& member) {
  nlohmann::json j = nlohmann::json::object();
  j["session_id"] = member.session_id;
  if (member.display_name) j["display_name"] = *member.display_name;
  if (member.preferred_lang) j["preferred_lang"] = *member.preferred_lang;
  j["tgt_lang"] = member.tgt_lang;
  if (!member.raw_voice_preferences.empty()) j["raw_voice_preferences"] = member.raw_voice_preferences;
  j["joined_at"] = member.joined_at;
  // Replace invalid UTF-8 (a display name is client text) instead of throwing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<room_member> member_from_stored_json(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto session_id = text_at(j, "session_id");
  if (!session_id || session_id->empty()) return std::nullopt;
  room_member m;
  m.session_id = std::move(*session_id);
  m.display_name = text_at(j, "display_name");
  m.preferred_lang = text_at(j, "preferred_lang");
  m.tgt_lang = text_at(j, "tgt_lang").value_or("");
  m.joined_at = text_at(j, "joined_at").value_or("");
  auto prefs = j.find("raw_voice_preferences");
  if (prefs != j.end() && prefs->is_object()) {
    for (const auto& [other, receive] : prefs->items()) {
      if (receive.is_boolean()) m.raw_voice_preferences[other] = receive.get<bool>();
    }
  }
  return m;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", date, static_cast<int>(ms % 1000));
  return out;
}

room_code_generator::room_code_generator(std::size_t digits) : digits_(digits) {}

std::string room_code_generator::next() {
  std::uint64_t space = 1;
  for (std::size_t i = 0; i < digits_; ++i) space *= 10;
  std::uniform_int_distribution<std::uint64_t> draw(0, space - 1);
  std::string code = std::to_string(draw(device_));
  if (code.size() < digits_) code.insert(0, digits_ - code.size(), '0');
  return code;
}

bool well_formed_room_code(std::string_view code) {
  if (code.empty() || code.size() > 18) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace lingua::rooms
