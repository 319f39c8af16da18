#pragma once
// The script contract in one place: every outcome word a lua/ script answers with (the first element of its reply,
// see each script's "Returns" header) and every reason word it gives, as C++ enums. script_outcome.cpp holds the
// only table that spells the words; callers compare enums, never strings. A word the table does not know reads as
// outcome::unrecognised (a broken contract, reported as errc::bad_reply by the callers that cannot go on), and the
// unit test script_outcome_test checks that every word the scripts' headers and returns name is in the table.
#include <string_view>

namespace lingua::state {

enum class outcome {
  unrecognised,  // not a word of the contract
  // jobs (dispatch_task, reassign_task, ack_task, complete_task, abandon_job, heartbeat, ...)
  assigned, queued, existing, rejected, late, failed, accepted, running, stale, completed, upgraded, duplicate,
  unknown, ok, registered, updated, conflict, removed, marked, abandoned, ended,
  // epochs (check_epoch)
  same, changed, fresh,
  // deadlines (expire_deadlines)
  ack_timeout, run_timeout, backlog_timeout,
  // rooms (room_*.lua)
  room_created, room_joined, room_left, room_set, room_touched, room_exists, room_not_found, room_not_member,
  room_already_in_room, room_full, room_retry,
};

// Why a job found no node (dispatch_task, reassign_task `rejected` / `failed`).
enum class rejection {
  unrecognised, no_pool, excluded, missing_service, missing_language, private_nodes, max_attempts,
  backlog_full,  // capable nodes exist but are all busy and the backlog holds its bound already (admission)
};

outcome outcome_of(std::string_view word);
std::string_view word_of(outcome o);  // "" for unrecognised
rejection rejection_of(std::string_view word);
std::string_view word_of(rejection r);

}  // namespace lingua::state
