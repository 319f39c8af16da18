#include "state/scheduler_state.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "clock/clock.hpp"
#include "state/script_keys.hpp"
#include "state/script_outcome.hpp"
#include "state/script_sources.hpp"

namespace lingua::state {
namespace net = boost::asio;

namespace {

class state_category : public std::error_category {
 public:
  const char* name() const noexcept override { return "lingua.state"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::dependency_down: return "Redis is unreachable";
      case errc::script_failed: return "a state script failed";
      case errc::bad_reply: return "a state script answered in an unknown shape";
      case errc::too_late: return "Redis ran the call after its deadline: nothing was done";
      case errc::outcome_unknown: return "Redis did not answer in time: the outcome is unknown";
    }
    return "unknown state error";
  }
};

const std::string& text_at(const redis::reply& r, std::size_t i) {
  static const std::string empty;
  return i < r.size() ? r[i].str() : empty;
}

std::int64_t number_at(const redis::reply& r, std::size_t i) {
  return i < r.size() ? r[i].as_integer().value_or(0) : 0;
}

// Argument lists are built by a call into a local before co_await, never as a braced list or a conditional
// expression inside it: GCC 12 mis-compiles both in coroutines (initializer_list arrays, ?: temporaries).
template <class... A>
std::vector<std::string> strings(A&&... items) {
  std::vector<std::string> out;
  out.reserve(sizeof...(items));
  (out.emplace_back(std::forward<A>(items)), ...);
  return out;
}

// The script's answer word (its reply's first element), through the one table of script_outcome.cpp.
outcome outcome_at(const redis::reply& r, std::size_t i) { return outcome_of(text_at(r, i)); }

std::uint32_t attempt_at(const redis::reply& r, std::size_t i) { return static_cast<std::uint32_t>(number_at(r, i)); }

// job_id, attempt, job_id, attempt ... from position `from` on.
std::vector<placed_job> placed_from(const redis::reply& r, std::size_t from) {
  std::vector<placed_job> jobs;
  for (std::size_t i = from; i + 1 < r.size(); i += 2) jobs.push_back({r[i].str(), attempt_at(r, i + 1)});
  return jobs;
}

const char* reason_name(reassign_reason why) {
  switch (why) {
    case reassign_reason::ack_timeout: return "ack_timeout";
    case reassign_reason::run_timeout: return "run_timeout";
    case reassign_reason::node_lost: return "node_lost";
    case reassign_reason::send_failed: return "send_failed";
    case reassign_reason::node_error: return "node_error";
    case reassign_reason::reconnected: return "reconnected";
  }
  return "node_error";
}

const char* completion_name(completion how) {
  switch (how) {
    case completion::completed: return "completed";
    case completion::completed_no_text: return "completed_no_text";
    case completion::failed: return "failed";
  }
  return "failed";
}

// Appends `more` to `args` (argument lists of the selection scripts start with selection_args()).
template <class... A>
std::vector<std::string> appended(std::vector<std::string> args, A&&... more) {
  args.reserve(args.size() + sizeof...(more));
  (args.emplace_back(std::forward<A>(more)), ...);
  return args;
}

}  // namespace

const std::error_category& category() {
  static const state_category instance;
  return instance;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), category()}; }

scheduler_state::scheduler_state(redis::client& redis, state_config config)
    : redis_(redis), config_(std::move(config)), keys_(config_.key_prefix) {
  for (const auto& source : script_sources()) scripts_.emplace_back(source.name, source.text);
}

const redis::script& scheduler_state::script(const char* name) const {
  for (const auto& s : scripts_) {
    if (s.name() == name) return s;
  }
  throw std::logic_error(std::string("no embedded script named ") + name);
}

std::vector<std::string> scheduler_state::selection_args() const {
  // lua/includes/select.lua selection_cfg: plain arguments, no JSON to decode per call. The ready set is read in
  // pages; sample_size x sample_rounds bounds how many members of one pool a selection looks at.
  const int page = std::max(1, config_.sample_size * std::max(1, config_.sample_rounds));
  return strings(std::to_string(config_.heartbeat_timeout_ms), std::to_string(config_.resource_threshold_percent),
                 std::to_string(page));
}

net::awaitable<result<redis::reply>> scheduler_state::run(const char* name, std::vector<std::string> extra_keys,
                                                          std::vector<std::string> args) {
  std::vector<std::string> keys = keys_.fixed();
  for (auto& k : extra_keys) keys.push_back(std::move(k));
  redis::result r = co_await script(name).call(redis_, keys, args);
  // A timed-out call may still run (Redis paused, the command queued): unknown, unless its deadline refuses it.
  if (r.ec == redis::make_error_code(redis::errc::timeout)) co_return make_error_code(errc::outcome_unknown);
  if (r.ec) co_return make_error_code(errc::dependency_down);
  if (r.value.is_error()) {
    // Redis answering LOADING/BUSY/MASTERDOWN is as good as down for us; anything else is a broken contract.
    const std::string code = r.value.error_code();
    if (code == "LOADING" || code == "BUSY" || code == "MASTERDOWN" || code == "TRYAGAIN" || code == "READONLY") {
      co_return make_error_code(errc::dependency_down);
    }
    co_return make_error_code(errc::script_failed);
  }
  if (!r.value.is_array()) co_return make_error_code(errc::bad_reply);
  if (r.value.size() == 1 && outcome_of(r.value[0].str()) == outcome::late) co_return make_error_code(errc::too_late);
  co_return std::move(r.value);
}

net::awaitable<result<register_outcome>> scheduler_state::register_node(const std::string& node_id,
                                                                        const node_capabilities& capabilities) {
  std::vector<std::string> keys = transition_keys_of<script_keys::register_node>();
  std::vector<std::string> args = strings(node_id, capabilities.to_json());
    auto r = co_await run("register_node", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  const outcome answer = outcome_at(*r, 0);
  co_return register_outcome{answer == outcome::conflict, answer == outcome::registered, text_at(*r, 1)};
}

net::awaitable<result<heartbeat_outcome>> scheduler_state::heartbeat(const std::string& node_id,
                                                                     const node_runtime& runtime,
                                                                     const node_capabilities* changed) {
  nlohmann::json state = {{"st", runtime.status},
                          {"cpu", runtime.cpu_percent},
                          {"gpu", runtime.gpu_percent},
                          {"mem", runtime.mem_percent},
                          {"run", runtime.running_jobs}};
  if (runtime.queued_jobs) state["q"] = *runtime.queued_jobs;
  // No conditional expression in this coroutine's temporaries: GCC 12 evaluates both arms of it here.
  std::string capabilities_json;
  if (changed != nullptr) capabilities_json = changed->to_json();
  std::vector<std::string> keys =  // then the operator drains (lua/includes/drain.lua)
      transition_keys_of<script_keys::heartbeat>(keys_.key("drain"), keys_.key("owners:node"));
  std::vector<std::string> args = appended(selection_args(), node_id, state.dump(), capabilities_json,
                                           std::to_string(config_.backlog_scan), deadline_arg());
    auto r = co_await run("heartbeat", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  heartbeat_outcome out;
  out.known = outcome_at(*r, 0) == outcome::ok;
  out.status = text_at(*r, 1);
  if (out.known) out.handed = placed_from(*r, 2);
  co_return out;
}

net::awaitable<result<dispatch_outcome>> scheduler_state::dispatch(const dispatch_request& request) {
  std::vector<std::string> keys =
      transition_keys_of<script_keys::dispatch_task>(keys_.job_payload(request.job_id), keys_.job_key(request.job_key));
  const job_requirements& req = request.requirements;
  std::vector<std::string> args = appended(
      selection_args(), request.job_id, req.session_id, comma_list(req.languages).substr(1),
      comma_list(req.asr_languages), comma_list(req.tts_languages), comma_list(req.services), req.sticky_node,
      std::to_string(req.ack_timeout_ms), std::to_string(req.run_timeout_ms), request.spec_json, request.audio,
      std::to_string(payload_ttl_ms(req)), std::to_string(config_.idempotency_ms),
      std::to_string(config_.backlog_max_wait_ms), deadline_arg(), std::to_string(request.backlog_bound),
      request.trace_id);
    auto r = co_await run("dispatch_task", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  dispatch_outcome out;
  const outcome kind = outcome_at(*r, 0);
  if (kind == outcome::assigned) {
    out.status = dispatch_outcome::kind::assigned;
    out.job_id = text_at(*r, 1);
    out.node_id = text_at(*r, 2);
    out.attempt = attempt_at(*r, 3);
  } else if (kind == outcome::queued) {
    out.status = dispatch_outcome::kind::queued;
    out.job_id = text_at(*r, 1);
    out.backlog_length = number_at(*r, 2);
  } else if (kind == outcome::existing) {
    out.status = dispatch_outcome::kind::existing;
    out.job_id = text_at(*r, 1);
    out.job_status = text_at(*r, 2);
    out.node_id = text_at(*r, 3);
    out.attempt = attempt_at(*r, 4);
  } else if (kind == outcome::rejected) {
    out.status = dispatch_outcome::kind::rejected;
    out.reason = text_at(*r, 1);
    out.backlog_length = number_at(*r, 2);  // BACKLOG_FULL: the jobs waiting
  } else {
    co_return make_error_code(errc::bad_reply);
  }
  co_return out;
}

net::awaitable<result<ack_outcome>> scheduler_state::ack(const std::string& job_id, const std::string& node_id,
                                                         std::uint32_t attempt) {
  std::vector<std::string> keys = transition_keys_of<script_keys::ack_task>();
  std::vector<std::string> args = strings(job_id, node_id, std::to_string(attempt));
    auto r = co_await run("ack_task", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  const outcome kind = outcome_at(*r, 0);
  ack_outcome out;
  out.session_id = text_at(*r, 1);
  if (kind == outcome::accepted) out.status = ack_outcome::kind::accepted;
  else if (kind == outcome::running) out.status = ack_outcome::kind::running;
  else if (kind == outcome::stale) out.status = ack_outcome::kind::stale;
  else out.status = ack_outcome::kind::unknown;
  co_return out;
}

net::awaitable<result<complete_outcome>> scheduler_state::complete(const std::string& job_id,
                                                                   const std::string& node_id, std::uint32_t attempt,
                                                                   completion how, const std::string& reason) {
  std::vector<std::string> keys = transition_keys_of<script_keys::complete_task>(keys_.job_payload(job_id));
  std::vector<std::string> args =
      appended(selection_args(), job_id, node_id, std::to_string(attempt), completion_name(how), reason,
               std::to_string(config_.job_retention_ms), std::to_string(config_.backlog_scan));
    auto r = co_await run("complete_task", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  const outcome kind = outcome_at(*r, 0);
  complete_outcome out;
  out.session_id = text_at(*r, 1);
  if (kind == outcome::completed) {
    out.status = complete_outcome::kind::completed;
    out.handed = placed_from(*r, 2);
  } else if (kind == outcome::upgraded) {
    out.status = complete_outcome::kind::upgraded;
  } else if (kind == outcome::duplicate) {
    out.status = complete_outcome::kind::duplicate;
  } else if (kind == outcome::stale) {
    out.status = complete_outcome::kind::stale;
    out.handed = placed_from(*r, 2);  // a replaced node's kept slot was given back (lua/includes/slots.lua)
  } else {
    out.status = complete_outcome::kind::unknown;
  }
  co_return out;
}

net::awaitable<result<reassign_outcome>> scheduler_state::reassign(const std::string& job_id,
                                                                   std::uint32_t expected_attempt,
                                                                   reassign_reason why) {
  std::vector<std::string> keys = transition_keys_of<script_keys::reassign_task>(keys_.job_payload(job_id));
  std::vector<std::string> args = appended(
      selection_args(), job_id, std::to_string(expected_attempt), reason_name(why),
      std::to_string(config_.max_attempts), std::to_string(config_.job_retention_ms),
      std::to_string(config_.backlog_max_wait_ms), std::to_string(config_.backlog_scan), deadline_arg());
    auto r = co_await run("reassign_task", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  const outcome kind = outcome_at(*r, 0);
  reassign_outcome out;
  if (kind == outcome::assigned) out.status = reassign_outcome::kind::assigned;
  else if (kind == outcome::queued) out.status = reassign_outcome::kind::queued;
  else if (kind == outcome::failed) out.status = reassign_outcome::kind::failed;
  else if (kind == outcome::stale) out.status = reassign_outcome::kind::stale;
  else out.status = reassign_outcome::kind::unknown;
  out.session_id = text_at(*r, 1);
  out.old_node_id = text_at(*r, 2);
  out.node_id = text_at(*r, 3);
  out.attempt = attempt_at(*r, 4);
  out.reason = text_at(*r, 5);
  if (r->size() > 6) out.handed = placed_from((*r)[6], 0);
  out.trace_id = text_at(*r, 7);
  co_return out;
}

net::awaitable<result<offline_outcome>> scheduler_state::node_offline(const std::string& node_id) {
  std::vector<std::string> keys = transition_keys_of<script_keys::node_offline>();
  std::vector<std::string> args = strings(node_id);
    auto r = co_await run("node_offline", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  co_return offline_outcome{outcome_at(*r, 0) == outcome::removed, placed_from(*r, 1)};
}

net::awaitable<result<std::vector<expired_job>>> scheduler_state::expire_deadlines(int limit) {
  std::vector<std::string> keys = transition_keys_of<script_keys::expire_deadlines>();
  std::vector<std::string> args = strings(std::to_string(limit), std::to_string(config_.claim_lease_ms),
                                std::to_string(config_.job_retention_ms));
    auto r = co_await run("expire_deadlines", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  std::vector<expired_job> out;
  for (const auto& entry : r->elements()) {
    expired_job e;
    const outcome kind = outcome_at(entry, 0);
    e.what = kind == outcome::ack_timeout       ? expired_job::kind::ack_timeout
             : kind == outcome::backlog_timeout ? expired_job::kind::backlog_timeout
                                                : expired_job::kind::run_timeout;
    e.job_id = text_at(entry, 1);
    e.session_id = text_at(entry, 2);
    e.node_id = text_at(entry, 3);
    e.attempt = attempt_at(entry, 4);
    e.trace_id = text_at(entry, 5);
    out.push_back(std::move(e));
  }
  co_return out;
}

net::awaitable<result<std::vector<expired_node>>> scheduler_state::expire_nodes(int limit) {
  std::vector<std::string> keys = transition_keys_of<script_keys::expire_nodes>();
  std::vector<std::string> args = strings(std::to_string(config_.heartbeat_timeout_ms), std::to_string(limit));
    auto r = co_await run("expire_nodes", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  std::vector<expired_node> out;
  for (const auto& entry : r->elements()) out.push_back({text_at(entry, 0), placed_from(entry, 1)});
  co_return out;
}

net::awaitable<result<mark_outcome>> scheduler_state::mark_unavailable(const std::string& node_id, const std::string& service,
                                                               std::int64_t duration_ms) {
  std::vector<std::string> keys = transition_keys_of<script_keys::mark_unavailable>();
  std::vector<std::string> args = strings(node_id, service, std::to_string(duration_ms));
    auto r = co_await run("mark_unavailable", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  co_return mark_outcome{outcome_at(*r, 0) == outcome::marked};
}

net::awaitable<result<std::int64_t>> scheduler_state::jobs_held(const std::string& node_id) {
  std::vector<std::string> command = strings("ZLEXCOUNT", keys_.key("node:jobs"), "[" + node_id + "|", "(" + node_id + "}");
  redis::result r = co_await redis_.command(std::move(command));
  if (r.ec) co_return make_error_code(errc::dependency_down);
  co_return r.value.as_integer().value_or(0);
}

net::awaitable<result<std::optional<job_payload>>> scheduler_state::load_job(const std::string& job_id) {
  std::vector<std::string> command = strings("GET", keys_.job_payload(job_id));
  redis::result r = co_await redis_.command(std::move(command));
  if (r.ec) co_return make_error_code(errc::dependency_down);
  if (r.value.is_nil()) co_return std::optional<job_payload>{};
  // "<spec length>:<spec><audio>" (lua/dispatch_task.lua).
  const std::string& packed = r.value.str();
  const std::size_t colon = packed.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 12) co_return make_error_code(errc::bad_reply);
  std::size_t spec_length = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (packed[i] < '0' || packed[i] > '9') co_return make_error_code(errc::bad_reply);
    spec_length = spec_length * 10 + static_cast<std::size_t>(packed[i] - '0');
  }
  if (spec_length > packed.size() - colon - 1) co_return make_error_code(errc::bad_reply);
  co_return std::optional<job_payload>{
      job_payload{packed.substr(colon + 1, spec_length), packed.substr(colon + 1 + spec_length)}};
}

// ---- faults: deadlines on the Redis clock, abandoning, payload clean-up, epoch -----------------------------------

net::awaitable<bool> scheduler_state::sync_clock() {
  const std::int64_t sent = wall_ms();
  std::vector<std::string> command = strings("TIME");
  redis::result r = co_await redis_.command(std::move(command));
  const std::int64_t received = wall_ms();
  if (r.ec || !r.value.is_array() || r.value.size() != 2) co_return false;
  const std::int64_t seconds = std::stoll(r.value[0].str());
  const std::int64_t micros = std::stoll(r.value[1].str());
  const std::int64_t redis_ms = seconds * 1000 + micros / 1000;
  clock_offset_ms_ = redis_ms - (sent + received) / 2;
  clock_error_ms_ = (received - sent) / 2 + 1;
  co_return true;
}

std::string scheduler_state::deadline_arg() const {
  if (!clock_offset_ms_) return "0";  // never measured: no deadline rather than a wrong one
  const std::int64_t timeout = redis_.options().command_timeout.count();
  // The script must start before this caller's timeout fires, measured on the Redis clock and allowing for the
  // uncertainty of the offset and a guard for the reply's way back.
  const std::int64_t guard = 20 + timeout / 20;
  return std::to_string(wall_ms() + *clock_offset_ms_ - clock_error_ms_ + timeout - guard);
}

std::int64_t scheduler_state::payload_ttl_ms(const job_requirements& req) const {
  // Every attempt may wait in the backlog, for its ack, run, and be claimed once more: a bound on the job's life.
  const std::int64_t per_attempt =
      config_.backlog_max_wait_ms + req.ack_timeout_ms + req.run_timeout_ms + 2 * config_.claim_lease_ms;
  return static_cast<std::int64_t>(config_.max_attempts + 1) * per_attempt + 60000;
}

net::awaitable<result<abandon_outcome>> scheduler_state::abandon(const std::string& job_id) {
  std::vector<std::string> keys = transition_keys_of<script_keys::abandon_job>(keys_.job_payload(job_id));
  std::vector<std::string> args = appended(selection_args(), job_id, std::to_string(config_.job_retention_ms),
                                           std::to_string(config_.backlog_scan));
  auto r = co_await run("abandon_job", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  abandon_outcome out;
  const outcome kind = outcome_at(*r, 0);
  if (kind == outcome::abandoned) {
    out.status = abandon_outcome::kind::abandoned;
    out.node_id = text_at(*r, 1);
    out.attempt = attempt_at(*r, 2);
    out.trace_id = text_at(*r, 3);
    out.session_id = text_at(*r, 4);
    out.handed = placed_from(*r, 5);
  } else if (kind == outcome::ended) {
    out.status = abandon_outcome::kind::ended;
  }
  co_return out;
}

net::awaitable<bool> scheduler_state::drop_payloads(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) co_return true;
  std::vector<std::string> command = strings("DEL");
  for (const auto& id : job_ids) command.push_back(keys_.job_payload(id));
  redis::result r = co_await redis_.command(std::move(command));
  co_return !r.ec;
}

net::awaitable<result<epoch_check>> scheduler_state::check_epoch(const std::string& known) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::string fresh = std::to_string(rng());
  std::vector<std::string> keys = script_keys_of<script_keys::check_epoch>(keys_.key("epoch"));
  std::vector<std::string> args = strings(known, fresh);
  redis::result r = co_await script("check_epoch").call(redis_, keys, args);
  if (r.ec || !r.value.is_array() || r.value.size() != 2) co_return make_error_code(errc::dependency_down);
  epoch_check out;
  out.epoch = r.value[1].str();
  out.changed = outcome_of(r.value[0].str()) == outcome::changed;
  co_return out;
}

net::awaitable<result<std::vector<placed_job>>> scheduler_state::node_jobs(const std::string& node_id) {
  std::vector<std::string> keys = transition_keys_of<script_keys::node_jobs>();
  std::vector<std::string> args = strings(node_id);
  auto r = co_await run("node_jobs", std::move(keys), std::move(args));
  if (!r) co_return r.error();
  co_return placed_from(*r, 0);
}

}  // namespace lingua::state
