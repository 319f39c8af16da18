#pragma once
// The client messages a job's news becomes (docs/protocol.md): ui_events, the error pair of a failed job, the
// translation_result of a finished one, the text of a refusal. Pure functions of the job's record and its news:
// no state, no clock reads (the caller passes the times), no sending.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "endpoint/session_job.hpp"
#include "protocol/node_messages.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::endpoint {

// The client's text for a placement the state refused (reason: the dispatch script's refusal code).
std::string refusal_text(const std::string& reason, const std::vector<std::string>& languages);

// A ui_event about the job (elapsed_ms as given).
protocol::ui_event job_event(const std::string& session_id, const session_job& job, const std::string& job_id,
                             protocol::ui_event_type event, std::optional<std::uint64_t> elapsed_ms);

// A failed job: a ui_event of type error (with the ui error code and hint for the code) and the error message.
// Addressed to the speaker: listeners in a room have no use for another speaker's failures.
outbound error_outbound(const std::string& session_id, const session_job& job, const std::string& job_id,
                        const std::string& code, const std::string& message, std::optional<nlohmann::json> details,
                        std::int64_t now_ms);

// A finished job with something to show, before its group placement (group_id / part_index: the caller's).
// first_chunk_client_ms: the client's timestamp of the session's first audio chunk, when it sent one.
protocol::translation_result translation_for(const std::string& session_id, const session_job& job,
                                             const std::string& job_id, const protocol::job_result& result,
                                             std::optional<std::int64_t> first_chunk_client_ms, std::int64_t now_wall_ms);

// Negative durations (clock steps, a peer's skewed clock) are left out rather than sent.
std::optional<std::uint64_t> non_negative(std::int64_t v);

}  // namespace lingua::endpoint
