#pragma once
// The scheduler's log format (spdlog's default logger) and the one way job events are logged.
//
// configure("text", …) keeps spdlog's human pattern; configure("json", …) writes one JSON object per line:
// {"ts":"2026-12-02T01:23:45.678Z","level":"info","msg":"…","instance":"…"} and, for a job event, the job's
// fields beside msg: trace_id, session, job, node, attempt (and outcome, code when the event ends the job). Strings
// are escaped; invalid UTF-8 is replaced, so every line parses.
//
// What is logged: one info line per job outcome (completed, empty, failed, timed out) and per failover; nothing
// per audio chunk; audio and texts of results are never logged (only ids, codes and counts).
#include <cstdint>
#include <string>
#include <string_view>

#include <spdlog/common.h>

namespace lingua::logging {

// Installs the format on every spdlog logger. `format`: "text" or "json" (validated by the config).
void configure(std::string_view format, std::string_view instance_id);

struct job_fields {
  std::string_view trace_id;
  std::string_view session_id;
  std::string_view job_id;
  std::string_view node_id;
  std::uint32_t attempt = 0;
  std::string_view outcome;  // set when the event ends the job: completed, empty, failed, timed_out
  std::string_view code;     // error code, if any
};

// One job event: in text format the fields are appended to msg ("… job=… node=… attempt=…"); in JSON they are
// fields of the line.
void job_event(spdlog::level::level_enum level, const job_fields& fields, std::string_view msg);

// The text-format suffix of a job event (for tests and for callers composing messages).
std::string describe(const job_fields& fields);

}  // namespace lingua::logging
