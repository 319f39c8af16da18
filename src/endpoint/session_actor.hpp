#pragma once
// One session: its audio stream cut into utterances, each utterance turned into jobs (one per target language),
// and every job's news turned into client messages, in utterance order. Lives as long as the socket that created
// it; all of it runs on the instance's event loop (one writer: no locks).
//
// Two coroutines per session: the dispatch loop places utterances one at a time, in order (so the audio path and
// the `utterance` path both reach nodes in utterance_index order), and the clock wakes the session at its next
// deadline (pause cut, hangover end, a result gap to skip, an `utterance` gap to give up on).
//
// One class, one file per job: session_actor.cpp (lifecycle, client messages, clock), session_placement.cpp
// (utterances become jobs), session_admission.cpp (overload: refusals and backpressure), session_watch.cpp (lost job
// news), session_news.cpp (job news becomes client messages: rendered by result_render, released in order by
// result_delivery).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "endpoint/result_delivery.hpp"
#include "endpoint/session_job.hpp"
#include "endpoint/session_profile.hpp"
#include "jobs/job_service.hpp"
#include "metrics/scheduler_metrics.hpp"
#include "net/connection.hpp"
#include "routing/router.hpp"
#include "session/result_order.hpp"
#include "session/segmenter.hpp"
#include "session/utterance_groups.hpp"

namespace lingua::endpoint {

// Who hears an utterance in which language. Without a room: the speaker, in the session's target language.
struct audience {
  std::string target_lang;
  std::vector<std::string> listeners;  // session ids; empty = the speaker
  bool stream = false;                 // a room's language stream: named "<session>/<lang>" towards nodes
};

struct session_settings {
  session::segmenter_config segmentation;
  std::int64_t result_gap_wait_ms = 5000;
  std::int64_t lost_news_after_ms = 2000;  // see watch_jobs()
  std::size_t max_utterance_audio_bytes = 2 * 1024 * 1024;
  bool sticky_sessions = true;
  // Utterances without an outcome (waiting to be placed, placed, running) at most; one more is refused with
  // RATE_LIMITED, and the session is sent `backpressure` PAUSE when it reaches the bound. 0: no bound.
  std::size_t max_utterances_in_flight = 32;
  protocol::input_limits input{};  // bounds every inbound frame of the socket (session_link)
};

class session_actor : public routing::session_sink, public std::enable_shared_from_this<session_actor> {
 public:
  struct context {
    boost::asio::any_io_executor executor;
    routing::router& router;
    jobs::job_service& jobs;
    session_settings settings;
    // Room mode: who hears this speaker (nullopt: not in a room). Set by the rooms module.
    std::function<boost::asio::awaitable<std::optional<std::vector<audience>>>(const std::string& session_id)>
        audiences;
    // Cuts, backlog waits, end-to-end latency, result-order gaps and refused frames are counted here when set.
    metrics::scheduler_metrics* metrics = nullptr;
  };

  session_actor(context ctx, std::shared_ptr<net::connection> conn, session_profile profile);

  const session_profile& profile() const { return profile_; }
  routing::session_languages languages() const override {
    return {profile_.src_lang, profile_.tgt_lang, profile_.mode.value_or(""), profile_.lang_a.value_or(""),
            profile_.lang_b.value_or("")};
  }
  bool closed() const { return closed_; }

  // Registers the session with the router and starts its coroutines.
  boost::asio::awaitable<void> start();
  // The socket is gone or bound to a new session: stop everything, forget the session.
  boost::asio::awaitable<void> stop();

  // Client messages (the caller checked that session_id names this session). Errors go to the client.
  void on_audio_chunk(const protocol::audio_chunk& chunk);
  void on_utterance(protocol::utterance message);
  void on_tts_started(const std::string& group_id);
  void on_tts_ended(const std::string& group_id);
  // session_close: the buffered audio becomes a last utterance and is dispatched; results still in flight keep
  // reaching the socket while it stays open. Later audio is refused with SESSION_CLOSED.
  boost::asio::awaitable<void> close();

  void deliver(routing::session_delivery delivery) override;
  void send(std::string text);
  // Redis lost its data: every job of this session still waiting for its outcome is placed again, from the order
  // (audio included) the session keeps until that outcome.
  void state_lost() override;

 private:
  struct work {  // one utterance to dispatch
    std::uint64_t index = 0;
    std::string audio;  // base64 text, as job_assign carries it
    std::int64_t duration_ms = 0;
    std::int64_t cut_ms = 0;  // steady clock: when the utterance was cut (or its `utterance` message released)
    std::optional<session::utterance_cut> cut;          // audio path
    std::optional<protocol::utterance> message;         // utterance path (audio moved out)
  };
  // Clock (session_actor.cpp): wakes the session at its next deadline.
  void on_clock();
  void rearm();
  std::optional<std::int64_t> next_deadline() const;
  boost::asio::awaitable<void> clock_loop();
  void send_error(const std::string& code, const std::string& message);

  // Utterance placement (session_placement.cpp): cuts and `utterance` messages become work, work becomes one job
  // per audience, placed one utterance at a time in order.
  void enqueue(std::vector<session::utterance_cut> cuts);
  void enqueue(work w);
  void enqueue_ready_utterances(std::int64_t now);
  // Counts the cuts by reason, and the silent ones the segmenter dropped since the last look.
  void count_cuts(const std::vector<session::utterance_cut>& cuts);
  // The job left the backlog (sent, or ended): its wait is observed once.
  void backlog_left(session_job& job);
  boost::asio::awaitable<void> dispatch_loop();
  boost::asio::awaitable<void> dispatch(work w);
  boost::asio::awaitable<void> dispatch_one(const work& w, const audience& who);
  // What the client learns from a dispatch report (also for a job placed again after Redis lost its data).
  void on_dispatch_report(const std::string& job_id, const jobs::dispatch_report& report);
  boost::asio::awaitable<void> place_again();

  // Lost-news watch (session_watch.cpp): the safety net for job news lost between instances (the node's instance
  // ended the job in the state and died before telling this one): jobs not heard the end of are looked up in the
  // state, after lost_news_after_ms and then at doubling intervals. One that ended that long ago without its news
  // arriving is placed again once (it was done: a new job, a new key) or reported with its recorded failure; the
  // state has fenced it (ended), so no late result can follow, and a late delivery of its news is ignored (the
  // session forgot the job).
  void maybe_watch_jobs(std::int64_t now);
  boost::asio::awaitable<void> watch_jobs();
  boost::asio::awaitable<void> place_lost(const std::string& job_id, std::int64_t ended_ago_ms);
  void report_lost_failure(const std::string& job_id, const std::string& reason);

  // Job news (session_news.cpp): what a job's news becomes for the client (result_render), handed to result
  // delivery, which releases it in utterance order.
  void resolve(const session_job& job, std::optional<outbound> out);
  void fail(const session_job& job, const std::string& job_id, const std::string& code, const std::string& message,
            std::optional<nlohmann::json> details);
  void on_finished(const std::string& job_id, protocol::job_result& result);
  void send_ui_event(const session_job& job, const std::string& job_id, protocol::ui_event_type event,
                     std::optional<std::uint64_t> elapsed_ms);


  // Admission (session_admission.cpp). An utterance arriving while max_utterances_in_flight are open is refused at
  // once (RATE_LIMITED) in its place in the order; reaching the bound sends `backpressure` PAUSE. A job refused by
  // the backlog bound (BACKLOG_FULL) ends with NODE_OVERLOADED and sends `backpressure` BUSY. Backpressure is sent
  // at most once per quiet period (its resume_after_ms, at least 250 ms); a sender that ignores it gets refusals.
  std::size_t utterances_in_flight() const;
  bool admit(const work& w);
  void refuse_overloaded(const session_job& job, const std::string& job_id, const jobs::dispatch_report& report);
  void send_backpressure(protocol::backpressure_action action, std::int64_t resume_after_ms, std::string message);
  void observe_latency(const session_job& job);

  context ctx_;
  session_profile profile_;
  session::segmenter segmenter_;
  session::utterance_groups groups_;
  session::result_order<protocol::utterance> utterance_order_;
  std::shared_ptr<result_delivery> delivery_;
  std::map<std::string, session_job> jobs_;
  std::deque<work> queue_;
  boost::asio::steady_timer clock_;
  boost::asio::steady_timer work_signal_;
  std::optional<std::int64_t> first_chunk_client_ms_;
  std::string sticky_node_;
  std::uint64_t silent_cuts_seen_ = 0;
  std::int64_t backpressure_quiet_until_ms_ = 0;  // steady clock: no backpressure message before this
  double latency_ms_ = 0;  // moving average of this session's job time, creation to outcome (0: none yet)
  std::uint64_t dispatching_index_ = 0;  // the utterance dispatch() works on, while dispatching_
  bool running_ = false;
  bool dispatching_ = false;
  bool watching_ = false;  // watch_jobs() is running
  bool closed_ = false;
};

}  // namespace lingua::endpoint
