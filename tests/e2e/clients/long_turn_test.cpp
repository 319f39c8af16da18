// Found with the real Lingua node agent (issue 8): it holds the text of a turn's cuts that carry neither
// is_manual_cut nor is_timeout_triggered (it reads those two flags and turn_id, not is_max_duration_triggered) until
// a cut of that turn that carries one arrives, and translates the whole turn then. A turn longer than
// max_duration_ms whose closing cut is silent or empty (not dispatched) therefore lost its translation. With
// segmentation.close_turns_at_limits (the default) a limit's cut carries is_timeout_triggered, so the agent
// translates it at once.
#include "e2e/clients/agent_peer.hpp"
#include "e2e/clients/web_client_peer.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using long_turns = scheduler_e2e;

// Chunks of 260 ms: 8 make 2,080 ms, past a 2,000 ms max duration. No hangover at a limit's cut: the cut is taken
// as the 8th chunk arrives, so a loaded machine that delays the scheduler's loop past the next chunk and the
// client's is_final cannot merge them into one manual cut (with the default 150 ms the tests raced the loop).
const std::vector<std::string> short_limit = {"--segmentation.max_duration_ms=2000",
                                              "--segmentation.hangover_auto_ms=0"};

TEST_F(long_turns, a_turn_longer_than_max_duration_that_ends_in_silence_still_gets_its_translation) {
  auto& scheduler = start_scheduler(short_limit);
  agent_peer agent;
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  web_client_peer client;
  client.connect(scheduler.port());
  client.speak(8);  // all of the turn's speech falls into the max-duration cut
  client.silent_cut();
  client.silent_cut();
  ASSERT_EQ(agent.serve(5s, 1), 1U);
  const nlohmann::json job = agent.fifo().front();
  EXPECT_EQ(job["is_max_duration_triggered"], true);
  EXPECT_EQ(job["is_timeout_triggered"], true) << "the node must not hold the turn for a closing cut";
  agent.finish_next();
  EXPECT_EQ(agent.serve(1500ms, 1), 0U) << "the turn's closing cuts are silent: not dispatched";
  auto result = expect_message(client.session().socket(), "translation_result");
  EXPECT_EQ(result["utterance_index"], 0);
  EXPECT_EQ(result["text_translated"], job["tgt_lang"].get<std::string>() + ":hello");
}

TEST_F(long_turns, without_close_turns_at_limits_the_agent_translates_the_whole_turn_at_its_closing_cut) {
  std::vector<std::string> flags = short_limit;
  flags.emplace_back("--segmentation.close_turns_at_limits=false");
  auto& scheduler = start_scheduler(flags);
  agent_peer agent;
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  web_client_peer client;
  client.connect(scheduler.port());
  client.speak(10);  // the max-duration cut, then speech the closing cut carries
  client.cut();
  ASSERT_EQ(agent.serve(5s, 1), 1U);
  const nlohmann::json first = agent.fifo().front();
  EXPECT_FALSE(first.contains("is_timeout_triggered"));
  agent.finish_next();
  ASSERT_EQ(agent.serve(5s, 1), 1U);
  EXPECT_EQ(agent.fifo().front()["turn_id"], first["turn_id"]);
  agent.finish_next();
  nlohmann::json result;
  do {
    result = expect_message(client.session().socket(), "translation_result");
  } while (!HasFailure() && result["utterance_index"] != 1);
  EXPECT_EQ(result["text_translated"], first["tgt_lang"].get<std::string>() + ":hello hello")
      << "the turn's two cuts translated together, as the original's agent does when the closing cut has speech";
}

}  // namespace
}  // namespace lingua::test
