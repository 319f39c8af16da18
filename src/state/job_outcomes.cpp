// scheduler_state::job_outcomes (lua/job_outcomes.lua), apart from the transitions: a read the sessions use to
// notice job news that was lost between instances.
#include "state/scheduler_state.hpp"

namespace lingua::state {

namespace {

job_standing::kind standing_kind(const std::string& name) {
  if (name == "active") return job_standing::kind::active;
  if (name == "completed") return job_standing::kind::completed;
  if (name == "completed_no_text") return job_standing::kind::completed_no_text;
  if (name == "failed") return job_standing::kind::failed;
  return job_standing::kind::unknown;
}

}  // namespace

boost::asio::awaitable<result<std::vector<job_standing>>> scheduler_state::job_outcomes(
    const std::vector<std::string>& job_ids) {
  std::vector<job_standing> out;
  if (job_ids.empty()) co_return out;
  std::vector<std::string> keys;
  std::vector<std::string> args = job_ids;
  auto r = co_await run("job_outcomes", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  if (r->size() != 3 * job_ids.size()) co_return make_error_code(errc::bad_reply);
  for (std::size_t i = 0; i + 2 < r->size(); i += 3) {
    job_standing s;
    s.status = standing_kind((*r)[i].str());
    s.reason = (*r)[i + 1].str();
    s.ended_ago_ms = (*r)[i + 2].as_integer().value_or(0);
    out.push_back(std::move(s));
  }
  co_return out;
}

}  // namespace lingua::state
