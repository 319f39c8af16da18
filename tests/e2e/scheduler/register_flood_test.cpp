// A node socket that re-sends node_register in a loop: beyond a small rate each one is refused with RATE_LIMITED
// (no register script runs), and the socket stays registered and usable (docs/security.md "Re-registration").
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using register_flood = scheduler_e2e;

struct register_answers {
  int acks = 0;
  int refused = 0;           // RATE_LIMITED errors
  std::string last_refusal;  // the last one's message
};

// Sends node_register `repeats` times at once and counts the answers (an answer missing for 5 s ends the count).
register_answers re_register(fake_node& node, int repeats) {
  register_answers seen;
  for (int i = 0; i < repeats; ++i) {
    if (!node.socket().send_json(node.register_message())) return seen;
  }
  while (seen.acks + seen.refused < repeats) {
    auto answer = node.socket().receive_json(5s);
    if (!answer) {
      ADD_FAILURE() << seen.acks << " acks and " << seen.refused << " refusals, then nothing";
      return seen;
    }
    const std::string type = answer->value("type", "");
    if (type == "node_register_ack") ++seen.acks;
    if (type == "error" && answer->value("code", "") == "RATE_LIMITED") {
      ++seen.refused;
      seen.last_refusal = answer->value("message", "");
    }
  }
  return seen;
}

TEST_F(register_flood, a_node_re_registering_in_a_loop_is_refused_beyond_a_small_rate_and_keeps_working) {
  auto& scheduler = start_scheduler();
  fake_node node(named_node("node-loop"));
  ASSERT_EQ(node.connect(scheduler.port()), "node-loop");

  constexpr int repeats = 30;
  const register_answers answers = re_register(node, repeats);
  const int acks = answers.acks;
  const int refused = answers.refused;
  const std::string& message = answers.last_refusal;
  // The first register and 4 more at once (the burst is 5 per socket), then one per 10 s: one more if this loop
  // took over 10 s on a slow machine.
  EXPECT_GE(acks, 4);
  EXPECT_LE(acks, 6);
  EXPECT_EQ(refused, repeats - acks);
  EXPECT_NE(message.find("stays registered as 'node-loop'"), std::string::npos) << message;

  // Still registered and usable: it heartbeats, gets a session's job and its result is delivered.
  node.heartbeat();
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.complete(*job, "still here", "还在");
  EXPECT_EQ(expect_message(session.socket(), "translation_result")["text_asr"], "still here");
  EXPECT_TRUE(node.socket().is_open());
}

TEST_F(register_flood, the_node_register_burst_and_interval_come_from_the_limits_section) {
  auto& scheduler =
      start_scheduler({"--limits.node_register_burst", "2", "--limits.node_register_interval_ms", "600000"});
  fake_node node(named_node("node-tight"));
  ASSERT_EQ(node.connect(scheduler.port()), "node-tight");

  // The connect used one of the two; one more is accepted, then every further one is refused (600 s interval).
  constexpr int repeats = 5;
  const register_answers answers = re_register(node, repeats);
  EXPECT_EQ(answers.acks, 1);
  EXPECT_EQ(answers.refused, repeats - 1);
  EXPECT_NE(answers.last_refusal.find("at most 2 at once, then one every 600 s"), std::string::npos)
      << answers.last_refusal;
}

}  // namespace
}  // namespace lingua::test
