#include "state/script_outcome.hpp"

#include <array>
#include <utility>

namespace lingua::state {

namespace {

// The words exactly as the scripts write them (lua/ headers, "Returns").
constexpr std::array outcome_words{
    std::pair{outcome::assigned, "assigned"},
    std::pair{outcome::queued, "queued"},
    std::pair{outcome::existing, "existing"},
    std::pair{outcome::rejected, "rejected"},
    std::pair{outcome::late, "late"},
    std::pair{outcome::failed, "failed"},
    std::pair{outcome::accepted, "accepted"},
    std::pair{outcome::running, "running"},
    std::pair{outcome::stale, "stale"},
    std::pair{outcome::completed, "completed"},
    std::pair{outcome::upgraded, "upgraded"},
    std::pair{outcome::duplicate, "duplicate"},
    std::pair{outcome::unknown, "unknown"},
    std::pair{outcome::ok, "ok"},
    std::pair{outcome::registered, "registered"},
    std::pair{outcome::updated, "updated"},
    std::pair{outcome::conflict, "conflict"},
    std::pair{outcome::removed, "removed"},
    std::pair{outcome::marked, "marked"},
    std::pair{outcome::abandoned, "abandoned"},
    std::pair{outcome::ended, "ended"},
    std::pair{outcome::same, "same"},
    std::pair{outcome::changed, "changed"},
    std::pair{outcome::fresh, "new"},
    std::pair{outcome::ack_timeout, "ack_timeout"},
    std::pair{outcome::run_timeout, "run_timeout"},
    std::pair{outcome::backlog_timeout, "backlog_timeout"},
    std::pair{outcome::room_created, "CREATED"},
    std::pair{outcome::room_joined, "JOINED"},
    std::pair{outcome::room_left, "LEFT"},
    std::pair{outcome::room_set, "SET"},
    std::pair{outcome::room_touched, "TOUCHED"},
    std::pair{outcome::room_exists, "EXISTS"},
    std::pair{outcome::room_not_found, "NOT_FOUND"},
    std::pair{outcome::room_not_member, "NOT_MEMBER"},
    std::pair{outcome::room_already_in_room, "ALREADY_IN_ROOM"},
    std::pair{outcome::room_full, "ROOM_FULL"},
    std::pair{outcome::room_retry, "RETRY"},
};

constexpr std::array rejection_words{
    std::pair{rejection::no_pool, "NO_POOL"},
    std::pair{rejection::excluded, "EXCLUDED"},
    std::pair{rejection::missing_service, "MISSING_SERVICE"},
    std::pair{rejection::missing_language, "MISSING_LANGUAGE"},
    std::pair{rejection::private_nodes, "PRIVATE"},
    std::pair{rejection::max_attempts, "MAX_ATTEMPTS"},
    std::pair{rejection::backlog_full, "BACKLOG_FULL"},
};

template <class Table, class Enum>
Enum find_by_word(const Table& table, std::string_view word, Enum fallback) {
  for (const auto& [value, text] : table) {
    if (word == text) return value;
  }
  return fallback;
}

template <class Table, class Enum>
std::string_view find_word(const Table& table, Enum value) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return {};
}

}  // namespace

outcome outcome_of(std::string_view word) { return find_by_word(outcome_words, word, outcome::unrecognised); }
std::string_view word_of(outcome o) { return find_word(outcome_words, o); }
rejection rejection_of(std::string_view word) { return find_by_word(rejection_words, word, rejection::unrecognised); }
std::string_view word_of(rejection r) { return find_word(rejection_words, r); }

}  // namespace lingua::state
