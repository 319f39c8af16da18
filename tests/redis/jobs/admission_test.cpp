// job_service's admission on a real Redis (docs/protocol.md "Overload"): while the backlog is known to be full for
// a requirement set, its jobs are refused without a dispatch_task call, with the same BACKLOG_FULL answer; another
// requirement set whose nodes have room is still placed; Redis is asked again once the window ends; a job placed
// before is never refused by admission.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "clock/clock.hpp"
#include "jobs/job_service.hpp"
#include "routing/router.hpp"
#include "state/script_outcome.hpp"
#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using report_kind = jobs::dispatch_report::kind;

struct recording_node : routing::node_sink {
  std::vector<std::string> frames;
  bool send_text(std::string text) override {
    frames.push_back(std::move(text));
    return true;
  }
};

class job_admission : public state_test {
 protected:
  // Two jobs may wait; with a wait budget of 10 min a remembered BACKLOG_FULL holds for 10 s (its longest window),
  // far longer than the few calls of a test take.
  void start_jobs(std::int64_t wait_budget_ms = 600000) {
    jobs::job_timing timing;
    timing.admission.wait_budget_ms = wait_budget_ms;
    timing.admission.max_backlog = 2;
    jobs = std::make_unique<jobs::job_service>(io.get_executor(), *state, router, timing);
  }

  // The backlog is seen to drain (as sessions report each job that leaves it): `per_second` jobs a second.
  void drains_at(std::int64_t per_second) { jobs->backlog().observe(steady_ms(), per_second, 1000); }

  jobs::job_order order(const std::string& job_id, const std::string& target) {
    jobs::job_order o;
    o.job_id = job_id;
    o.job_key = "s-1:" + job_id;
    o.assign.session_id = "s-1";
    o.audio = "AAAA";
    o.audio_duration_ms = 200;
    o.requirements.session_id = "s-1";
    o.requirements.languages = {"en", target};
    std::sort(o.requirements.languages.begin(), o.requirements.languages.end());  // sorted, as requirements_for makes them
    o.requirements.asr_languages = {"en"};
    o.requirements.tts_languages = {target};
    o.requirements.services = {"asr", "nmt", "tts"};
    return o;
  }

  jobs::dispatch_report dispatch(jobs::job_order o) { return run(jobs->dispatch(std::move(o))); }

  // How many scripts Redis ran so far (EVALSHA, EVAL or FCALL: however they are loaded).
  std::int64_t scripts_run() {
    const std::string info = raw({"INFO", "commandstats"}).str();
    std::int64_t total = 0;
    for (const char* command : {"evalsha", "eval", "fcall"}) {
      const std::string field = std::string("cmdstat_") + command + ":calls=";
      const auto at = info.find(field);
      if (at != std::string::npos) total += std::stoll(info.substr(at + field.size()));
    }
    return total;
  }

  // n1 serves en and zh but is still registering: every en→zh job waits. Fills the backlog (2) and has one more
  // refused by Redis.
  void fill_the_zh_backlog() {
    ASSERT_TRUE(run(state->register_node("n1", en_zh_node())));
    drains_at(1);
    for (const char* id : {"j1", "j2"}) ASSERT_EQ(dispatch(order(id, "zh")).what, report_kind::queued) << id;
    const auto refused = dispatch(order("j3", "zh"));
    ASSERT_EQ(refused.what, report_kind::refused);
    ASSERT_EQ(state::rejection_of(refused.reason), state::rejection::backlog_full);
    EXPECT_EQ(refused.known_for_ms, -1) << "Redis said so";
    EXPECT_EQ(refused.resume_after_ms, 10000) << "remembered for its window";
  }

  routing::router router;
  std::unique_ptr<jobs::job_service> jobs;
};

TEST_F(job_admission, a_job_refused_while_the_backlog_is_known_full_costs_redis_no_script_and_hears_the_same) {
  start_jobs();
  fill_the_zh_backlog();
  const std::int64_t before = scripts_run();
  const auto refused = dispatch(order("j4", "zh"));
  EXPECT_EQ(scripts_run(), before) << "refused by this instance, without a dispatch_task";
  EXPECT_EQ(refused.what, report_kind::refused);
  EXPECT_EQ(state::rejection_of(refused.reason), state::rejection::backlog_full);
  EXPECT_EQ(refused.backlog_length, 2) << "what Redis said last";
  EXPECT_EQ(refused.backlog_bound, 2);
  EXPECT_GE(refused.known_for_ms, 0);
  EXPECT_GT(refused.resume_after_ms, 0);
  EXPECT_LE(refused.resume_after_ms, 10000);
  EXPECT_FALSE(run(state->load_job("j4"))->has_value()) << "nothing of it was written";
  EXPECT_EQ(zcard("job:backlog"), 2);
}

TEST_F(job_admission, a_requirement_set_whose_nodes_have_room_is_placed_while_another_is_known_full) {
  start_jobs();
  auto german = en_zh_node();
  german.asr_languages = {"en", "de"};
  german.tts_languages = {"en", "de"};
  german.other_languages = {"en", "de"};
  auto sink = std::make_shared<recording_node>();
  router.attach_node("n2", sink);
  add_ready_node("n2", german);
  fill_the_zh_backlog();
  const auto placed = dispatch(order("d1", "de"));
  EXPECT_EQ(placed.what, report_kind::sent) << "the en→de node has room, whatever the en→zh backlog holds: " << placed.reason;
  EXPECT_EQ(placed.node_id, "n2");
  EXPECT_EQ(sink->frames.size(), 1u);
}

TEST_F(job_admission, redis_is_asked_again_once_the_window_ends) {
  start_jobs(0);  // no wait budget: the bound is jobs.max_backlog and a window lasts 50 ms to 1 s
  ASSERT_TRUE(run(state->register_node("n1", en_zh_node(1))));
  drains_at(1000);  // one place frees within 1 ms: the shortest window, 50 ms
  for (const char* id : {"j1", "j2"}) ASSERT_EQ(dispatch(order(id, "zh")).what, report_kind::queued) << id;
  const auto refused = dispatch(order("j3", "zh"));
  ASSERT_EQ(state::rejection_of(refused.reason), state::rejection::backlog_full);
  EXPECT_EQ(refused.resume_after_ms, 50);
  // The node's first heartbeat takes a waiting job: the backlog has room again.
  auto hb = run(state->heartbeat("n1", state::node_runtime{}, nullptr));
  ASSERT_TRUE(hb);
  ASSERT_EQ(hb->handed.size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));  // past the window (only ever longer: never flaky)
  const std::int64_t before = scripts_run();
  const auto queued = dispatch(order("j4", "zh"));
  EXPECT_GT(scripts_run(), before) << "the window ended: Redis is asked";
  EXPECT_EQ(queued.what, report_kind::queued) << "n1 holds its one job: j4 waits";
  const auto again = dispatch(order("j5", "zh"));
  EXPECT_EQ(state::rejection_of(again.reason), state::rejection::backlog_full) << "the backlog is full again";
}

TEST_F(job_admission, a_job_placed_before_is_never_refused_by_admission) {
  start_jobs();
  fill_the_zh_backlog();
  auto lost = order("j-lost", "zh");
  lost.admitted = true;  // e.g. Redis lost its data and the session places it again
  const std::int64_t before = scripts_run();
  const auto placed = dispatch(std::move(lost));
  EXPECT_GT(scripts_run(), before);
  EXPECT_EQ(placed.what, report_kind::queued) << "it waits, over the bound";
  EXPECT_EQ(zcard("job:backlog"), 3);
}

}  // namespace
}  // namespace lingua::test
