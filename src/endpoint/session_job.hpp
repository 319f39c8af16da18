#pragma once
// What a session keeps about one job it placed, from placement until the job's outcome reached the client, and the
// client messages one utterance's outcome becomes. Plain data, shared by placement (session_placement.cpp), the
// lost-news watch (session_watch.cpp), rendering (result_render) and ordered delivery (result_delivery).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jobs/job_service.hpp"

namespace lingua::endpoint {

struct session_job {
  std::uint64_t utterance_index = 0;
  std::string target_lang;
  std::vector<std::string> listeners;  // session ids; empty = the speaker
  std::int64_t created_ms = 0;       // steady clock
  std::int64_t created_wall_ms = 0;  // system clock
  std::int64_t dispatched_wall_ms = 0;
  std::int64_t cut_ms = 0;      // steady clock
  std::int64_t queued_ms = -1;  // steady clock: since when it waits in the backlog (-1: not waiting)
  std::int64_t queued_behind = 0;  // the backlog's length when it joined (itself included); 0: not known
  std::string node_id;
  std::string trace_id;
  std::vector<std::string> languages;            // for refusal texts
  std::shared_ptr<const jobs::job_order> order;  // kept until the outcome, to place the job again
  // The lost-news watch (session_actor::watch_jobs): when to look the job up in the state next, the interval after
  // that, and what was seen.
  std::int64_t look_at_ms = 0;  // steady clock
  std::int64_t look_step_ms = 0;
  int unknown_looks = 0;  // looks that found no record of the job
  int placed_again = 0;   // times placed again because its news was lost
};

// Client messages of one utterance, released in order.
struct outbound {
  std::vector<std::string> texts;
  std::vector<std::string> listeners;  // empty = the speaker
  std::int64_t cut_ms = -1;            // a result: its utterance's cut time, for the end-to-end latency
};

}  // namespace lingua::endpoint
