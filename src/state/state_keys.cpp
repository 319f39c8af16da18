#include "state/state_keys.hpp"

namespace lingua::state {

state_keys::state_keys(std::string_view prefix) : tag_("{" + std::string(prefix) + "}") {
  for (const char* suffix : {"node:info", "node:state", "node:load", "node:seen", "pool:all", "pool:free",
                             "pair:pools", "node:jobs", "node:unavailable", "jobs", "job:deadlines",
                             "job:backlog", "node:ready"}) {
    fixed_.push_back(key(suffix));
  }
}

std::string state_keys::job_payload(std::string_view job_id) const { return key("job:" + std::string(job_id)); }
std::string state_keys::job_key(std::string_view k) const { return key("jobkey:" + std::string(k)); }
std::string state_keys::key(std::string_view suffix) const { return tag_ + ":" + std::string(suffix); }

}  // namespace lingua::state
