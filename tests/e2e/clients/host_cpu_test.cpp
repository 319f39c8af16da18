// Found with the real Lingua node agent (issue 8): it reports the whole machine's CPU in cpu_percent. On a host
// busy with other work that figure is 100 % while the agent itself is idle; such a node must still get the work
// that no calmer capable node can take now (lua/includes/select.lua over_threshold), instead of the job waiting in
// the backlog until its deadline. A calmer node with a free slot still goes first.
#include "e2e/clients/agent_peer.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using host_cpu = scheduler_e2e;

agent_spec on_a_busy_host() {
  agent_spec spec;
  spec.cpu_percent = 100.0;
  spec.max_concurrent_jobs = 1;
  return spec;
}

TEST_F(host_cpu, an_agent_on_a_host_at_100_percent_cpu_that_is_the_only_capable_node_gets_the_job) {
  auto& scheduler = start_scheduler({"--jobs.backlog_max_wait_ms=4000"});
  agent_peer agent(on_a_busy_host());
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  fake_session session;
  session.connect(scheduler.port(), "en", "zh");
  session.send_audio(10);
  session.send_final();
  ASSERT_EQ(agent.serve(3s, 1), 1U) << "the job must not wait in the backlog beside an idle capable node";
  agent.finish_next();
  EXPECT_EQ(expect_message(session.socket(), "translation_result")["text_translated"], "zh:hello");
  EXPECT_FALSE(session.next("error", 300ms));
}

TEST_F(host_cpu, a_calm_node_with_a_free_slot_goes_before_one_at_100_percent_cpu_which_takes_what_the_calm_one_cannot) {
  auto& scheduler = start_scheduler({"--selection.sticky_sessions=false"});
  agent_spec calm_spec;
  calm_spec.max_concurrent_jobs = 1;
  agent_peer hot(on_a_busy_host()), calm(calm_spec);
  ASSERT_FALSE(hot.connect(scheduler.port()).empty());
  ASSERT_FALSE(calm.connect(scheduler.port()).empty());
  fake_session first, second;
  first.connect(scheduler.port(), "en", "zh");
  first.send_audio(10);
  first.send_final();
  ASSERT_EQ(calm.serve(3s, 1), 1U) << "the calm node first";
  EXPECT_EQ(hot.serve(300ms), 0U);
  second.connect(scheduler.port(), "en", "zh");
  second.send_audio(10);
  second.send_final();
  ASSERT_EQ(hot.serve(3s, 1), 1U) << "the calm node is full: the busy host's node takes the job at once";
  calm.finish_next();
  hot.finish_next();
  EXPECT_EQ(expect_message(first.socket(), "translation_result")["text_translated"], "zh:hello");
  EXPECT_EQ(expect_message(second.socket(), "translation_result")["text_translated"], "zh:hello");
}

}  // namespace
}  // namespace lingua::test
