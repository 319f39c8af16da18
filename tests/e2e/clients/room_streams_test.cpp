// Point 2 (and 6) of issue 8: rooms with several listener languages and node agents that accept one job per
// (session_id, utterance_index) and keep text context per session_id. Each language stream is its own session
// towards nodes ("<speaker>/<lang>"); a duplicate refusal moves the job; every listener gets its translation, in
// order, wherever it is connected; group ids are epoch milliseconds; listener tags are grouped once normalised.
#include <chrono>
#include <map>
#include <set>

#include "e2e/clients/agent_peer.hpp"
#include "room_peers.hpp"

namespace lingua::test {
namespace {

const std::vector<std::string> listener_langs = {"zh", "ja", "de"};

agent_spec polyglot() {
  agent_spec spec;
  spec.asr = spec.tts = {"en", "zh", "ja", "de"};
  return spec;
}

class room_streams : public scheduler_e2e {
 protected:
  // Agents take several jobs at once here, so that a test can hold them and answer them out of order.
  scheduler_process& start_instance(const std::string& id) {
    return start_scheduler({"--instance.presence_ttl_ms=1500", "--instance.presence_renew_ms=300",
                            "--routing.reclaim_idle_ms=500", "--nodes.serial_max_concurrent_jobs=4"},
                           id);
  }

  // A speaker (en) and one listener per language of listener_langs; listener i connects to ports[i % size].
  void open_room(const std::vector<std::uint16_t>& ports) {
    speaker.connect(ports[0], "en", "zh");
    const std::string code = create_room(speaker, "Speaker");
    std::vector<std::string> ids = {speaker.id()};
    for (std::size_t i = 0; i < listener_langs.size(); ++i) {
      auto& l = listeners[i];
      l.connect(ports[(i + 1) % ports.size()], listener_langs[i], "en");
      ids.push_back(l.id());
      join_room(l, code, ids, listener_langs[i]);
    }
    expect_members(speaker, ids);
  }

  // Serves every agent until `jobs` jobs are queued across them (bounded); returns how many were.
  static std::size_t gather(std::vector<agent_peer*> agents, std::size_t jobs) {
    const auto deadline = std::chrono::steady_clock::now() + 8s;
    std::size_t total = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      total = 0;
      for (auto* a : agents) total += a->serve(30ms);
      if (total >= jobs) break;
    }
    return total;
  }

  // Serves and answers jobs until `jobs` were answered across the agents (bounded); returns how many were. An
  // agent takes one job at a time (it reports gpu_queue_length and declares no capacity): the rest wait.
  static std::size_t answer_all(std::vector<agent_peer*> agents, std::size_t jobs) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::size_t answered = 0;
    while (answered < jobs && std::chrono::steady_clock::now() < deadline) {
      for (auto* a : agents) {
        a->serve(30ms);
        while (a->finish_next()) ++answered;
      }
    }
    return answered;
  }

  // Each listener's next translation_result must be utterance `index` in its language.
  void expect_translations(std::uint64_t index) {
    for (std::size_t i = 0; i < listener_langs.size(); ++i) {
      auto r = expect_message(listeners[i].socket(), "translation_result", 8s);
      EXPECT_EQ(r["utterance_index"], index) << listener_langs[i];
      EXPECT_EQ(r["text_translated"], listener_langs[i] + ":hello") << listener_langs[i];
      EXPECT_EQ(r["session_id"], speaker.id());
    }
  }

  fake_session speaker;
  fake_session listeners[3];
};

TEST_F(room_streams, three_listener_languages_on_one_duplicate_refusing_agent_each_get_every_translation) {
  auto& scheduler = start_scheduler();
  agent_peer agent(polyglot());
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  open_room({scheduler.port()});
  for (std::uint64_t utterance = 0; utterance < 2; ++utterance) {
    speaker.send_audio(10);
    speaker.send_final();
    ASSERT_EQ(answer_all({&agent}, 3), 3U) << "utterance " << utterance;
    expect_translations(utterance);
  }
  EXPECT_EQ(agent.refused(), 0U);
  EXPECT_EQ(agent.sessions_seen(), (std::set<std::string>{speaker.id() + "/de", speaker.id() + "/ja",
                                                           speaker.id() + "/zh"}))
      << "one consistent session per language stream";
  EXPECT_FALSE(speaker.next("error", 300ms)) << "the speaker gets no error";
}

TEST_F(room_streams, three_listener_languages_on_three_agents_each_get_every_translation) {
  auto& scheduler = start_scheduler();
  agent_peer a(polyglot()), b(polyglot()), c(polyglot());
  for (auto* agent : {&a, &b, &c}) ASSERT_FALSE(agent->connect(scheduler.port()).empty());
  open_room({scheduler.port()});
  for (std::uint64_t utterance = 0; utterance < 3; ++utterance) {
    speaker.send_audio(10);
    speaker.send_final();
    ASSERT_EQ(answer_all({&a, &b, &c}, 3), 3U) << "utterance " << utterance;
    expect_translations(utterance);
  }
  EXPECT_EQ(a.refused() + b.refused() + c.refused(), 0U);
}

TEST_F(room_streams, three_listener_languages_on_three_agents_put_one_job_on_each_agent_from_their_registration_on) {
  auto& scheduler = start_scheduler();
  agent_peer a(polyglot()), b(polyglot()), c(polyglot());
  for (auto* agent : {&a, &b, &c}) ASSERT_FALSE(agent->connect(scheduler.port()).empty());
  open_room({scheduler.port()});
  // No agent has reported a queue (it leaves gpu_queue_length out at 0): that they serialise is known from their
  // registrations, so the three language jobs of an utterance go to three agents, not into one agent's FIFO — also
  // the second utterance's, whose jobs all prefer the session's last node (sticky sessions).
  for (std::uint64_t utterance = 0; utterance < 2; ++utterance) {
    speaker.send_audio(10);
    speaker.send_final();
    ASSERT_EQ(gather({&a, &b, &c}, 3), 3U) << "utterance " << utterance;
    a.serve(300ms);
    EXPECT_EQ(a.queued(), 1U) << "utterance " << utterance;
    EXPECT_EQ(b.queued(), 1U) << "utterance " << utterance;
    EXPECT_EQ(c.queued(), 1U) << "utterance " << utterance;
    for (auto* agent : {&a, &b, &c}) agent->finish_next();
    expect_translations(utterance);
  }
}

TEST_F(room_streams, a_duplicate_refusal_moves_the_job_to_another_node_and_the_listener_still_gets_it) {
  auto& scheduler = start_scheduler({"--selection.sticky_sessions=false", "--nodes.serial_max_concurrent_jobs=4"});
  agent_peer stale(polyglot()), fresh(polyglot());
  ASSERT_FALSE(stale.connect(scheduler.port()).empty());
  ASSERT_FALSE(fresh.connect(scheduler.port()).empty());
  open_room({scheduler.port()});
  // The stale agent believes it already took utterance 0 of every stream (e.g. from before a restart).
  for (const auto& lang : listener_langs) stale.remember(speaker.id() + "/" + lang, 0);
  speaker.send_audio(10);
  speaker.send_final();
  ASSERT_EQ(gather({&stale, &fresh}, 3), 3U);
  EXPECT_EQ(fresh.queued(), 3U) << "every job refused by the stale agent moved to the fresh one";
  EXPECT_EQ(stale.queued(), 0U);
  while (fresh.finish_next()) {
  }
  expect_translations(0);
  EXPECT_FALSE(speaker.next("error", 300ms)) << "a refusal is not the listener's loss";
}

TEST_F(room_streams, listeners_whose_tags_differ_only_in_spelling_share_one_job_sent_in_the_nodes_tag) {
  auto& scheduler = start_scheduler();
  agent_peer agent(polyglot());  // declares zh
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  speaker.connect(scheduler.port(), "en", "zh");
  const std::string code = create_room(speaker, "Speaker");
  const std::vector<std::string> spellings = {"zh-CN", "zh_cn", "zh-cn"};
  std::vector<std::string> ids = {speaker.id()};
  for (std::size_t i = 0; i < spellings.size(); ++i) {
    listeners[i].connect(scheduler.port(), spellings[i], "en");
    ids.push_back(listeners[i].id());
    join_room(listeners[i], code, ids, spellings[i]);
  }
  expect_members(speaker, ids);
  speaker.send_audio(10);
  speaker.send_final();
  ASSERT_EQ(agent.serve(5s, 1), 1U);
  agent.serve(500ms);
  ASSERT_EQ(agent.queued(), 1U) << "one job for the one canonical language";
  EXPECT_EQ(agent.fifo().front()["session_id"], speaker.id() + "/zh-CN");
  EXPECT_EQ(agent.fifo().front()["tgt_lang"], "zh") << "the node is sent the tag it declared";
  agent.finish_next();
  for (auto& l : listeners) {
    auto r = expect_message(l.socket(), "translation_result");
    EXPECT_EQ(r["text_translated"], "zh:hello");
    EXPECT_EQ(r["session_id"], speaker.id());
  }
}

TEST_F(room_streams, a_room_across_two_instances_gives_every_listener_its_language_in_order) {
  auto& one = start_instance("instance-one");
  auto& two = start_instance("instance-two");
  agent_peer a(polyglot()), b(polyglot());
  ASSERT_FALSE(a.connect(one.port()).empty());
  ASSERT_FALSE(b.connect(two.port()).empty());
  open_room({one.port(), two.port()});  // zh on two, ja on one, de on two
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  for (int utterance = 0; utterance < 2; ++utterance) {
    speaker.send_audio(10);
    speaker.send_final();
    ASSERT_EQ(gather({&a, &b}, 3 * static_cast<std::size_t>(utterance + 1)), 3U * static_cast<std::size_t>(utterance + 1));
  }
  // Utterance 1 is answered before utterance 0: the order is restored, and kept on the way to the other instance.
  for (auto* agent : {&a, &b}) {
    for (std::size_t i = agent->queued(); i-- > 0;) {
      if (agent->fifo()[i]["utterance_index"] == 1) agent->finish(i);
    }
  }
  for (auto* agent : {&a, &b}) {
    while (agent->finish_next()) {
    }
  }
  for (std::size_t i = 0; i < listener_langs.size(); ++i) {
    for (std::uint64_t index = 0; index < 2; ++index) {
      auto r = expect_message(listeners[i].socket(), "translation_result", 8s);
      EXPECT_EQ(r["utterance_index"], index) << listener_langs[i] << ": results in utterance order";
      EXPECT_EQ(r["text_translated"], listener_langs[i] + ":hello");
      const std::string group = r.value("group_id", "");
      const std::string prefix = "group_" + speaker.id() + "_";
      ASSERT_TRUE(group.starts_with(prefix)) << group;
      const auto ms = std::stoll(group.substr(prefix.size()));
      EXPECT_GE(ms, before) << "group ids are built from epoch milliseconds";
      EXPECT_LT(ms, before + 600000);
    }
  }
  EXPECT_EQ(a.refused() + b.refused(), 0U);
}

}  // namespace
}  // namespace lingua::test
