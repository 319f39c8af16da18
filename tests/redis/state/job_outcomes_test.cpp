// job_outcomes: what a session learns about jobs whose news it has not heard (read only).
#include <thread>

#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using job_outcomes = state_test;
using standing = state::job_standing::kind;

TEST_F(job_outcomes, a_session_learns_which_of_its_jobs_run_ended_or_are_unknown_and_nothing_changes) {
  add_ready_node("n1", en_zh_node(3));
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("running")))->status, state::dispatch_outcome::kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("done")))->status, state::dispatch_outcome::kind::assigned);
  ASSERT_EQ(run(state->dispatch(en_to_zh_job("failed")))->status, state::dispatch_outcome::kind::assigned);
  ASSERT_TRUE(run(state->complete("done", "n1", 1, state::completion::completed, "")));
  ASSERT_TRUE(run(state->complete("failed", "n1", 1, state::completion::failed, "PROCESSING_ERROR")));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const std::vector<std::string> ids = {"running", "done", "failed", "never"};
  auto seen = run(state->job_outcomes(ids));
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->size(), 4u);
  EXPECT_EQ((*seen)[0].status, standing::active);
  EXPECT_EQ((*seen)[1].status, standing::completed);
  EXPECT_GE((*seen)[1].ended_ago_ms, 25) << "measured on the Redis clock from the end of the job";
  EXPECT_EQ((*seen)[2].status, standing::failed);
  EXPECT_EQ((*seen)[2].reason, "PROCESSING_ERROR");
  EXPECT_EQ((*seen)[3].status, standing::unknown);
  EXPECT_EQ(load_of("n1"), 1) << "a look changes nothing: the running job still holds its slot";
  EXPECT_EQ(run(state->complete("running", "n1", 1, state::completion::completed, ""))->status,
            state::complete_outcome::kind::completed);
}

}  // namespace
}  // namespace lingua::test
