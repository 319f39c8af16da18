#include "rooms/room_store.hpp"

#include <spdlog/spdlog.h>

#include "state/script_keys.hpp"
#include "state/script_outcome.hpp"

namespace lingua::rooms {
namespace asio = boost::asio;

namespace {

// create/join re-read the session's room and call again when another change raced them; a handful of rounds is
// plenty (only the session's own socket moves it between rooms).
constexpr int max_rounds = 4;

// Argument lists are built into named locals by a call, never as braced lists or ?: inside a coroutine's
// co_await: GCC 12 mis-compiles both.
template <class... A>
std::vector<std::string> strings(A&&... items) {
  std::vector<std::string> out;
  out.reserve(sizeof...(items));
  (out.emplace_back(std::forward<A>(items)), ...);
  return out;
}

std::vector<room_member> members_at(const redis::reply& r, std::size_t i) {
  std::vector<room_member> members;
  if (i >= r.size()) return members;
  for (const auto& text : r[i].elements()) {
    if (auto m = member_from_stored_json(text.str())) {
      members.push_back(std::move(*m));
    } else {
      spdlog::warn("room member record unreadable, ignored: {}", text.str());
    }
  }
  return members;
}

state::result<room_change> change_of(const redis::reply& r) {
  room_change change;
  using state::outcome;
  const outcome status = state::outcome_of(r.size() > 0 ? std::string_view(r[0].str()) : std::string_view());
  if (status == outcome::room_created || status == outcome::room_joined) {
    change.members = members_at(r, 1);
    if (r.size() > 2) change.left_code = r[2].str();
    change.left_members = members_at(r, 3);
  } else if (status == outcome::room_left || status == outcome::room_set || status == outcome::room_touched) {
    change.members = members_at(r, 1);
  } else if (status == outcome::room_exists) {
    change.what = room_change::kind::exists;
  } else if (status == outcome::room_not_found) {
    change.what = room_change::kind::not_found;
  } else if (status == outcome::room_not_member) {
    change.what = room_change::kind::not_member;
  } else if (status == outcome::room_already_in_room) {
    change.what = room_change::kind::already_in_room;
  } else if (status == outcome::room_full) {
    change.what = room_change::kind::full;
  } else {
    return state::make_error_code(state::errc::bad_reply);
  }
  return change;
}

bool is_retry(const redis::reply& r) {
  return r.size() > 0 && state::outcome_of(r[0].str()) == state::outcome::room_retry;
}

}  // namespace

room_store::room_store(state::scheduler_state& state)
    : state_(state), index_key_(state.keys().key("session:rooms")), rooms_key_(state.keys().key("rooms")) {}

std::string room_store::room_key(const std::string& code) const { return state_.keys().key("room:" + code); }

asio::awaitable<state::result<redis::reply>> room_store::run(const char* script, std::vector<std::string> keys,
                                                             std::vector<std::string> args) {
  redis::result r = co_await state_.script(script).call(state_.redis(), keys, args);
  if (r.ec) co_return state::make_error_code(state::errc::dependency_down);
  if (r.value.is_error()) {
    const std::string code = r.value.error_code();
    if (code == "LOADING" || code == "BUSY" || code == "MASTERDOWN" || code == "TRYAGAIN" || code == "READONLY") {
      co_return state::make_error_code(state::errc::dependency_down);
    }
    spdlog::error("room script {} failed: {}", script, r.value.str());
    co_return state::make_error_code(state::errc::script_failed);
  }
  if (!r.value.is_array()) co_return state::make_error_code(state::errc::bad_reply);
  co_return std::move(r.value);
}

asio::awaitable<state::result<std::string>> room_store::room_of(const std::string& session_id) {
  redis::command_args command = redis::arguments("HGET", index_key_, session_id);
  redis::result r = co_await state_.redis().command(std::move(command));
  if (r.ec) co_return state::make_error_code(state::errc::dependency_down);
  if (r.value.is_error()) co_return state::make_error_code(state::errc::script_failed);
  co_return r.value.str();  // "" for nil
}

asio::awaitable<state::result<room_change>> room_store::create(const std::string& code, const std::string& room_id,
                                                               const room_member& creator) {
  const std::string member_json = to_stored_json(creator);
  for (int round = 0; round < max_rounds; ++round) {
    auto previous = co_await room_of(creator.session_id);
    if (!previous) co_return previous.error();
    std::vector<std::string> keys =
        state::script_keys_of<state::script_keys::room_create>(room_key(code), index_key_, rooms_key_,
                                                        room_key(*previous));
    std::vector<std::string> args = strings(code, room_id, creator.session_id, member_json, *previous);
    auto r = co_await run("room_create", std::move(keys), std::move(args));
    if (!r) co_return r.error();
    if (!is_retry(*r)) co_return change_of(*r);
  }
  spdlog::warn("room_create for {}: the session's room kept changing", creator.session_id);
  co_return state::make_error_code(state::errc::dependency_down);
}

asio::awaitable<state::result<room_change>> room_store::join(const std::string& code, const room_member& member,
                                                             std::size_t max_members) {
  const std::string member_json = to_stored_json(member);
  for (int round = 0; round < max_rounds; ++round) {
    auto previous = co_await room_of(member.session_id);
    if (!previous) co_return previous.error();
    std::vector<std::string> keys =
        state::script_keys_of<state::script_keys::room_join>(room_key(code), index_key_, rooms_key_,
                                                        room_key(*previous));
    std::vector<std::string> args =
        strings(code, member.session_id, member_json, *previous, std::to_string(max_members));
    auto r = co_await run("room_join", std::move(keys), std::move(args));
    if (!r) co_return r.error();
    if (!is_retry(*r)) co_return change_of(*r);
  }
  spdlog::warn("room_join for {}: the session's room kept changing", member.session_id);
  co_return state::make_error_code(state::errc::dependency_down);
}

asio::awaitable<state::result<room_change>> room_store::leave(const std::string& code, const std::string& session_id) {
  std::vector<std::string> keys =
      state::script_keys_of<state::script_keys::room_leave>(room_key(code), index_key_, rooms_key_);
  std::vector<std::string> args = strings(code, session_id);
  auto r = co_await run("room_leave", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  co_return change_of(*r);
}

asio::awaitable<state::result<room_change>> room_store::set_voice(const std::string& code,
                                                                  const std::string& session_id,
                                                                  const std::string& target, bool receive) {
  // Built from a char: assigning "1" to a std::string trips GCC 12's false -Wrestrict at -O2.
  const std::string flag(1, receive ? '1' : '0');
  std::vector<std::string> keys = state::script_keys_of<state::script_keys::room_set_voice>(room_key(code));
  std::vector<std::string> args = strings(session_id, target, flag);
  auto r = co_await run("room_set_voice", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  co_return change_of(*r);
}

asio::awaitable<state::result<room_change>> room_store::touch(const std::string& code, const std::string& session_id) {
  std::vector<std::string> keys = state::script_keys_of<state::script_keys::room_touch>(room_key(code), rooms_key_);
  std::vector<std::string> args = strings(code, session_id);
  auto r = co_await run("room_touch", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  co_return change_of(*r);
}

asio::awaitable<state::result<std::vector<std::optional<room_member>>>> room_store::members_named(
    const std::string& code, const std::vector<std::string>& session_ids) {
  redis::command_args command = redis::arguments("HMGET", room_key(code));
  for (const auto& id : session_ids) command.push_back("m:" + id);
  redis::result r = co_await state_.redis().command(std::move(command));
  if (r.ec) co_return state::make_error_code(state::errc::dependency_down);
  if (!r.value.is_array()) co_return state::make_error_code(state::errc::bad_reply);
  std::vector<std::optional<room_member>> members;
  for (const auto& item : r.value.elements()) {
    if (item.is_nil()) {
      members.emplace_back();
    } else {
      members.push_back(member_from_stored_json(item.str()));
    }
  }
  co_return members;
}

asio::awaitable<state::result<std::vector<std::string>>> room_store::idle(std::int64_t expire_after_ms,
                                                                          std::size_t limit) {
  std::vector<std::string> keys = state::script_keys_of<state::script_keys::room_idle>(rooms_key_);
  std::vector<std::string> args = strings(std::to_string(expire_after_ms), std::to_string(limit));
  auto r = co_await run("room_idle", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  std::vector<std::string> codes;
  for (const auto& code : r->elements()) codes.push_back(code.str());
  co_return codes;
}

asio::awaitable<state::result<std::vector<expired_room>>> room_store::expire(const std::vector<std::string>& codes,
                                                                             std::int64_t expire_after_ms) {
  std::vector<std::string> keys = strings(rooms_key_, index_key_);
  std::vector<std::string> args = strings(std::to_string(expire_after_ms));
  for (const auto& code : codes) {
    keys.push_back(room_key(code));
    args.push_back(code);
  }
  auto r = co_await run("room_expire", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  std::vector<expired_room> expired;
  for (const auto& entry : r->elements()) {
    if (entry.size() < 2) co_return state::make_error_code(state::errc::bad_reply);
    expired_room room;
    room.code = entry[0].str();
    for (const auto& id : entry[1].elements()) room.session_ids.push_back(id.str());
    expired.push_back(std::move(room));
  }
  co_return expired;
}

}  // namespace lingua::rooms
