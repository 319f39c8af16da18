// job_service, the failure side: what node loss, reconnection, deadlines and a Redis that lost its data do to jobs
// (failover to another node, abandoning a dispatch reported failed, the deadline sweeper, the epoch check). The
// placing side (dispatch, send, acks, results) is in job_service.cpp.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <chrono>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"
#include "jobs/job_service.hpp"
#include "state/script_outcome.hpp"

namespace lingua::jobs {
namespace asio = boost::asio;

namespace {

std::string_view cause_name(state::reassign_reason why) {
  switch (why) {
    case state::reassign_reason::ack_timeout: return "ack_timeout";
    case state::reassign_reason::run_timeout: return "run_timeout";
    case state::reassign_reason::node_lost: return "node_lost";
    case state::reassign_reason::send_failed: return "send_failed";
    case state::reassign_reason::node_error: return "node_error";
    case state::reassign_reason::reconnected: return "reconnected";
  }
  return "other";
}

}  // namespace

asio::awaitable<void> job_service::on_node_lost(const std::string& node_id) {
  auto offline = co_await state_.node_offline(node_id);
  if (!offline) {
    spdlog::warn("node {} lost while Redis is down; its jobs fail over by deadline", node_id);
    co_return;
  }
  for (const auto& job : offline->jobs) {
    co_await fail_over(job.job_id, job.attempt, state::reassign_reason::node_lost, node_id, false);
  }
}

asio::awaitable<void> job_service::on_node_reconnected(const std::string& node_id,
                                                      const std::vector<state::placed_job>& jobs) {
  for (const auto& job : jobs) {
    co_await fail_over(job.job_id, job.attempt, state::reassign_reason::reconnected, node_id, false);
  }
}

asio::awaitable<void> job_service::fail_over(const std::string& job_id, std::uint32_t attempt,
                                            state::reassign_reason why, const std::string& old_node,
                                            bool cancel_old) {
  // The trace id comes back from the reassign script (the job record keeps it); the stored order is read only when
  // there is a new attempt to send.
  auto moved = co_await state_.reassign(job_id, attempt, why);
  if (!moved) co_return;  // Redis down: the claim lease runs out and another sweep retries
  using kind = state::reassign_outcome::kind;
  if (moved->status == kind::stale || moved->status == kind::unknown) co_return;
  const std::string trace_id = moved->trace_id;
  if (metrics_ != nullptr) metrics_->failover(cause_name(why));
  if (cancel_old) {
    protocol::job_cancel cancel{job_id, std::nullopt, std::string("job_timeout")};
    std::string frame = protocol::to_json(protocol::node_outbound{cancel});
    co_await router_.to_node(old_node, std::move(frame));
  }
  switch (moved->status) {
    case kind::assigned:
      logging::job_event(spdlog::level::info,
                         logging::job_fields{trace_id, moved->session_id, job_id, moved->node_id, moved->attempt, {}, {}},
                         "job moved from " + old_node + " (" + std::string(cause_name(why)) + ")");
      co_await send(job_id, moved->node_id, moved->attempt);
      break;
    case kind::queued: {
      logging::job_event(spdlog::level::info,
                         logging::job_fields{trace_id, moved->session_id, job_id, "", attempt, {}, {}},
                         "job from " + old_node + " (" + std::string(cause_name(why)) + ") waits for a free node");
      routing::session_delivery news = routing::job_queued{job_id};
      co_await tell_session(moved->session_id, std::move(news));
      break;
    }
    case kind::failed: {
      routing::job_failed failed{job_id, "NO_AVAILABLE_NODE", "no other node can take over this job", std::nullopt};
      if (state::rejection_of(moved->reason) == state::rejection::max_attempts) {
        failed.code = "JOB_TIMEOUT";
        failed.message = "the job did not finish after every attempt";
      }
      job_ended(logging::job_fields{trace_id, moved->session_id, job_id, old_node, attempt,
                                failed.code == "JOB_TIMEOUT" ? "timed_out" : "failed", failed.code},
            "job ended after " + std::string(cause_name(why)) + " (" + moved->reason + ")");
      routing::session_delivery news = std::move(failed);
      co_await tell_session(moved->session_id, std::move(news));
      break;
    }
    default: break;
  }
  co_await send_handed(old_node, moved->handed);
}

void job_service::abandon_in_background(const std::string& job_id) {
  asio::co_spawn(
      executor_, [this, id = job_id]() -> asio::awaitable<void> { co_await abandon(id); },
      log_escape("abandoning job " + job_id));
}

asio::awaitable<void> job_service::abandon(std::string job_id) {
  asio::steady_timer timer(executor_);
  std::int64_t wait_ms = 100;
  // Bounded: about two minutes of Redis being unreachable; the payload TTL and the deadlines bound the rest.
  for (int tries = 0; tries < 150 && sweeping_; ++tries) {
    auto out = co_await state_.abandon(job_id);
    if (out) {
      if (out->status == state::abandon_outcome::kind::abandoned) {
        logging::job_event(spdlog::level::info,
                           logging::job_fields{out->trace_id, out->session_id, job_id, out->node_id, out->attempt, {},
                                               {}},
                           "job abandoned in the state: its dispatch was reported failed");
        if (!out->node_id.empty()) {
          protocol::job_cancel cancel{job_id, std::nullopt, std::string("abandoned")};
          std::string frame = protocol::to_json(protocol::node_outbound{cancel});
          co_await router_.to_node(out->node_id, std::move(frame));
          co_await send_handed(out->node_id, out->handed);
        }
      }
      co_return;
    }
    timer.expires_after(std::chrono::milliseconds(wait_ms));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    wait_ms = std::min<std::int64_t>(wait_ms * 2, 1000);
  }
  logging::job_event(spdlog::level::warn, logging::job_fields{{}, {}, job_id, {}, 0, {}, {}},
                     "job could not be abandoned (Redis unreachable): its deadlines end it");
}

asio::awaitable<void> job_service::sweep_once() {
  auto expired = co_await state_.expire_deadlines(timing_.sweep_batch);
  if (expired) {
    std::vector<std::string> ended;
    for (const auto& job : *expired) {
      if (job.what == state::expired_job::kind::backlog_timeout) ended.push_back(job.job_id);
    }
    co_await state_.drop_payloads(ended);  // a lost delete is covered by the payload's TTL
    for (const auto& job : *expired) {
      switch (job.what) {
        case state::expired_job::kind::backlog_timeout: {
          job_ended(logging::job_fields{job.trace_id, job.session_id, job.job_id, "", job.attempt, "timed_out",
                                        "BACKLOG_TIMEOUT"},
                "job ended: every capable node stayed busy past the backlog wait");
          routing::session_delivery news =
              routing::job_failed{job.job_id, "NO_AVAILABLE_NODE", "every capable node stayed busy", std::nullopt};
          co_await tell_session(job.session_id, std::move(news));
          break;
        }
        case state::expired_job::kind::ack_timeout:
          co_await fail_over(job.job_id, job.attempt, state::reassign_reason::ack_timeout, job.node_id, true);
          break;
        case state::expired_job::kind::run_timeout:
          co_await fail_over(job.job_id, job.attempt, state::reassign_reason::run_timeout, job.node_id, true);
          break;
      }
    }
  }
  auto silent = co_await state_.expire_nodes(timing_.sweep_batch);
  if (silent) {
    for (const auto& node : *silent) {
      spdlog::info("node {} silent past its heartbeat timeout: removed", node.node_id);
      for (const auto& job : node.jobs) {
        co_await fail_over(job.job_id, job.attempt, state::reassign_reason::node_lost, node.node_id, false);
      }
    }
  }
}

asio::awaitable<bool> job_service::check_epoch() {
  auto seen = co_await state_.check_epoch(epoch_);
  if (!seen) co_return false;
  // A concurrent look (sweeper and a dispatch) may have taken the news already: only one restores the state.
  const bool lost = seen->changed && seen->epoch != epoch_;
  epoch_ = seen->epoch;
  if (!lost) co_return false;
  full_backlog_.forget_all();  // the backlog went with the data
  spdlog::warn("Redis lost its data (epoch changed): re-registering this instance's nodes and sockets and placing "
               "its sessions' unfinished jobs again");
  if (on_state_lost) co_await on_state_lost();
  co_return true;
}

asio::awaitable<void> job_service::run_sweeper() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::int64_t since_sync_ms = 0;
  while (sweeping_) {
    // The offset to the Redis clock (for call deadlines) is measured again every few seconds.
    if (!state_.clock_synced() || since_sync_ms >= 5000) {
      since_sync_ms = 0;
      const bool synced = co_await state_.sync_clock();
      if (synced) {
        spdlog::debug("Redis clock offset {} ms (± {} ms)", state_.clock_offset_ms(), state_.clock_error_ms());
      }
    }
    since_sync_ms += timing_.deadline_scan_interval_ms;
    co_await check_epoch();  // one small script per sweep: a Redis restarted empty is noticed within a sweep
    co_await sweep_once();
    timer.expires_after(std::chrono::milliseconds(timing_.deadline_scan_interval_ms));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace lingua::jobs
