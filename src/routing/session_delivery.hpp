#pragma once
// What the rest of the scheduler hands to a session, wherever its socket is connected. Job news is addressed by job
// id: the session owns the context of its jobs (utterance, target language, listeners) and turns the news into
// client messages in utterance order. Plain client text is sent as it is.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "protocol/node_messages.hpp"

namespace lingua::routing {

struct client_text {  // a ready client message (room broadcasts, WebRTC relays, ...)
  std::string text;
};

struct job_dispatched {  // the job was sent to a node (first time, after a hand-off, or after failover)
  std::string job_id;
  std::string node_id;
  std::uint32_t attempt = 0;
};

struct job_accepted {  // the node acknowledged the job
  std::string job_id;
};

struct job_queued {  // capable nodes are busy: the job waits for a slot
  std::string job_id;
};

struct job_partial {  // streaming ASR text from the node
  std::string job_id;
  std::string text;
  bool is_final = false;
};

struct job_finished {  // the node's result for the job's current attempt (delivered once)
  std::string job_id;
  protocol::job_result result;
};

struct job_failed {  // the job ended without a result
  std::string job_id;
  std::string code;  // protocol ErrorCode or the node's code
  std::string message;
  std::optional<nlohmann::json> details;
};

using session_delivery =
    std::variant<client_text, job_dispatched, job_accepted, job_queued, job_partial, job_finished, job_failed>;

// For crossing instances (Redis Streams).
std::string encode(const session_delivery& delivery);
std::optional<session_delivery> decode_session_delivery(std::string_view text);

}  // namespace lingua::routing
