// Points 1 and 5 of issue 8: a node agent reporting service types the scheduler does not know registers and works;
// a registration that cannot be accepted is answered; regional language tags (zh-CN, en-US) are served, and a
// node's job_assign carries the tags it declared (point 5).
#include "e2e/clients/agent_peer.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using agent_registration = scheduler_e2e;

// One utterance from `session` answered by `agent`: returns the session's translation_result (and the job_assign
// the agent was sent in `job`).
nlohmann::json one_utterance(fake_session& session, agent_peer& agent, nlohmann::json* job = nullptr) {
  session.send_audio(10);
  session.send_final();
  if (agent.serve(5s, 1) != 1) {
    ADD_FAILURE() << "the job never reached the agent";
    return nlohmann::json::object();
  }
  if (job != nullptr) *job = agent.fifo().front();
  agent.finish_next("hello");
  return expect_message(session.socket(), "translation_result");
}

TEST_F(agent_registration, a_node_that_reports_service_types_the_scheduler_does_not_know_registers_and_takes_jobs) {
  auto& scheduler = start_scheduler();
  agent_peer agent;  // reports a `lexicon` service and capability, no max_concurrent_jobs, no features_supported
  const std::string id = agent.connect(scheduler.port());
  ASSERT_FALSE(id.empty()) << "no node_register_ack: the agent would sit silent forever";
  EXPECT_FALSE(agent.last_error().has_value());
  fake_session session;
  session.connect(scheduler.port(), "en", "zh");
  auto result = one_utterance(session, agent);
  EXPECT_EQ(result["text_translated"], "zh:hello");
  agent.heartbeat();  // heartbeats carry the same unknown entries: still fine
  auto second = one_utterance(session, agent);
  EXPECT_EQ(second["utterance_index"], 1);
}

TEST_F(agent_registration, a_registration_that_cannot_be_accepted_is_answered_with_an_error_frame) {
  auto& scheduler = start_scheduler();
  agent_peer agent;
  ws_client& ws = agent.socket();
  ws.connect("127.0.0.1", scheduler.port(), std::string("/ws/node?token=") + default_node_token);
  auto reg = agent.register_message();
  reg.erase("hardware");
  ws.send_json(reg);
  auto error = expect_message(ws, "error");
  EXPECT_EQ(error["code"], "INVALID_MESSAGE");
  EXPECT_NE(error["message"].get<std::string>().find("hardware"), std::string::npos) << error.dump();
  ws.send_json(agent.register_message());  // the same socket may register properly afterwards
  EXPECT_TRUE(ws.receive_until("node_register_ack", 5s));
}

TEST_F(agent_registration, a_session_with_regional_tags_is_served_by_a_node_that_declares_bare_languages) {
  auto& scheduler = start_scheduler();
  agent_peer agent;  // asr/tts: en, zh
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  fake_session session;
  session.connect(scheduler.port(), "auto", "en-US",
                  {{"mode", "two_way_auto"}, {"lang_a", "zh-CN"}, {"lang_b", "en-US"}, {"auto_langs", {"zh-CN", "en-US"}}});
  nlohmann::json job;
  auto result = one_utterance(session, agent, &job);
  EXPECT_EQ(job["src_lang"], "auto");
  EXPECT_EQ(job["tgt_lang"], "en") << "the node is sent the tags it declared";
  EXPECT_EQ(job["lang_a"], "zh");
  EXPECT_EQ(job["lang_b"], "en");
  EXPECT_EQ(job["auto_langs"], (nlohmann::json{"zh", "en"}));
  EXPECT_EQ(result["text_translated"], "en:hello");
}

TEST_F(agent_registration, a_node_that_declares_regional_tags_serves_bare_and_matching_sessions_only) {
  auto& scheduler = start_scheduler();
  agent_spec spec;
  spec.asr = {"zh-CN", "en-US", "pt-BR"};
  spec.tts = {"zh-CN", "en-US", "pt-BR"};
  agent_peer agent(spec);
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  fake_session bare, regional, other_region;
  bare.connect(scheduler.port(), "zh", "en");
  nlohmann::json job;
  EXPECT_EQ(one_utterance(bare, agent, &job)["text_translated"], "en-US:hello");
  EXPECT_EQ(job["src_lang"], "zh-CN") << "a bare tag is sent as the region the node declared";
  regional.connect(scheduler.port(), "pt_br", "zh-cn");
  EXPECT_EQ(one_utterance(regional, agent, &job)["text_translated"], "zh-CN:hello");
  EXPECT_EQ(job["src_lang"], "pt-BR") << "in the node's spelling";
  other_region.connect(scheduler.port(), "zh-TW", "en");
  other_region.send_audio(10);
  other_region.send_final();
  auto error = expect_message(other_region.socket(), "error");
  EXPECT_EQ(error["code"], "NO_AVAILABLE_NODE") << "zh-TW is not zh-CN";
}

}  // namespace
}  // namespace lingua::test
