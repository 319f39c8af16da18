#pragma once
// Room steps for the e2e tests: a session creates or joins a room and reads the room messages it is sent.
#include <string>
#include <vector>

#include "e2e_fixture.hpp"

namespace lingua::test {

inline nlohmann::json room_create_message(const std::string& display_name, const std::string& preferred_lang = "") {
  nlohmann::json m = {{"type", "room_create"}, {"client_ts", 1700000000000}, {"display_name", display_name}};
  if (!preferred_lang.empty()) m["preferred_lang"] = preferred_lang;
  return m;
}

inline nlohmann::json room_join_message(const std::string& code, const std::string& display_name,
                                        const std::string& preferred_lang = "") {
  nlohmann::json m = {{"type", "room_join"}, {"room_code", code}, {"display_name", display_name}};
  if (!preferred_lang.empty()) m["preferred_lang"] = preferred_lang;
  return m;
}

inline std::vector<std::string> member_ids(const nlohmann::json& room_members) {
  std::vector<std::string> ids;
  for (const auto& m : room_members.value("members", nlohmann::json::array())) ids.push_back(m.value("session_id", ""));
  return ids;
}

// Reads room_members messages until one lists exactly `ids` (in join order); fails the test when none does.
inline nlohmann::json expect_members(fake_session& s, const std::vector<std::string>& ids,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto m = s.next("room_members", left);
    if (!m) break;
    if (member_ids(*m) == ids) return *m;
  }
  ADD_FAILURE() << "session " << s.id() << ": no room_members listing the expected members";
  return nlohmann::json::object();
}

// Creates a room and reads the ack and the first member list; returns the room code.
inline std::string create_room(fake_session& s, const std::string& display_name, const std::string& lang = "") {
  s.send(room_create_message(display_name, lang));
  auto ack = s.next("room_create_ack");
  if (!ack) {
    ADD_FAILURE() << "no room_create_ack";
    return "";
  }
  expect_members(s, {s.id()});
  return (*ack)["room_code"].get<std::string>();
}

// Joins and reads the member list the joiner is sent.
inline void join_room(fake_session& s, const std::string& code, const std::vector<std::string>& expected_ids,
                      const std::string& lang = "") {
  s.send(room_join_message(code, "name of " + s.id(), lang));
  expect_members(s, expected_ids);
}

}  // namespace lingua::test
