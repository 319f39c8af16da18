// Graceful overload through the real binary (docs/protocol.md "Overload"): a session that sends faster than it is
// served gets `backpressure` and early refusals, a full backlog refuses at once, every admitted utterance gets its
// result, nothing is lost or duplicated, and a well-behaved session is unaffected. The node is slow because the
// test holds each job until it chooses to answer it: no timing decides an outcome.
#include <gmock/gmock.h>

#include <algorithm>
#include <map>

#include "e2e_fixture.hpp"
#include "exposition_text.hpp"

namespace lingua::test {
namespace {

using overload = scheduler_e2e;

// What a session heard: one outcome per utterance index ("result" or the error code), repeats, backpressure.
struct heard {
  std::map<std::uint64_t, std::string> outcomes;
  int repeated = 0;
  std::vector<nlohmann::json> backpressure;
};

void record(heard& h, std::uint64_t index, const std::string& what) {
  if (!h.outcomes.emplace(index, what).second) ++h.repeated;
}

// Reads the session's messages until it has `count` outcomes (or 10 s pass without a message).
void listen(fake_session& session, heard& h, std::size_t count) {
  std::optional<std::uint64_t> failing;  // a ui_event ERROR names the index of the `error` that follows it
  while (h.outcomes.size() < count) {
    auto m = session.socket().receive_json(10s);
    if (!m) {
      ADD_FAILURE() << "only " << h.outcomes.size() << " of " << count << " outcomes arrived";
      return;
    }
    const std::string type = (*m)["type"];
    if (type == "backpressure") h.backpressure.push_back(*m);
    if (type == "translation_result") record(h, (*m)["utterance_index"].get<std::uint64_t>(), "result");
    if (type == "ui_event" && (*m)["event"] == "ERROR") failing = (*m)["utterance_index"].get<std::uint64_t>();
    if (type == "error") {
      EXPECT_TRUE(failing.has_value()) << "an error without its ui_event: " << m->dump();
      if (failing) record(h, *failing, (*m)["code"]);
      failing.reset();
    }
  }
}

// Answers `count` jobs one at a time, in the order the node receives them; returns their utterance indices by
// session, ascending.
std::map<std::string, std::vector<std::uint64_t>> serve(fake_node& node, int count) {
  std::map<std::string, std::vector<std::uint64_t>> served;
  for (int i = 0; i < count; ++i) {
    auto job = node.next_job(10s);
    if (!job) {
      ADD_FAILURE() << "job " << i << " of " << count << " never reached the node";
      break;
    }
    served[(*job)["session_id"]].push_back((*job)["utterance_index"].get<std::uint64_t>());
    node.complete(*job);
  }
  // Jobs that joined the backlog in the same millisecond leave it in either order (its score is the time).
  for (auto& [session, indices] : served) std::sort(indices.begin(), indices.end());
  return served;
}

TEST_F(overload, a_flooding_session_gets_backpressure_and_early_refusals_and_every_admitted_utterance_its_result) {
  const auto port = start_scheduler({"--jobs.max_utterances_in_flight=4"}).port();
  fake_node node(named_node("node-slow", 1));
  node.connect(port);
  fake_session flooder;
  flooder.connect(port);
  for (std::uint64_t i = 0; i < 10; ++i) flooder.send_utterance(i);

  // The six refusals come before the node answers anything: nothing finishes while the utterances arrive (a result
  // before the scheduler has read all ten would free a place for a later one).
  heard h;
  listen(flooder, h, 6);
  const auto served = serve(node, 4);
  listen(flooder, h, 10);
  for (std::uint64_t i = 0; i < 4; ++i) EXPECT_EQ(h.outcomes[i], "result") << "utterance " << i << " was admitted";
  for (std::uint64_t i = 4; i < 10; ++i) {
    EXPECT_EQ(h.outcomes[i], "RATE_LIMITED") << "utterance " << i << " came with 4 in flight: refused at once";
  }
  ASSERT_FALSE(h.backpressure.empty()) << "the session is told to pause before and while it is refused";
  EXPECT_EQ(h.backpressure.front()["action"], "PAUSE");
  EXPECT_GT(h.backpressure.front()["resume_after_ms"].get<std::int64_t>(), 0);
  EXPECT_THAT(h.backpressure.front()["message"].get<std::string>(), ::testing::HasSubstr("jobs.max_utterances_in_flight"));
  EXPECT_EQ(served.at(flooder.id()), (std::vector<std::uint64_t>{0, 1, 2, 3})) << "refused utterances never reach a node";

  // Once its results are in, the session is admitted again; no earlier outcome comes a second time.
  flooder.send_utterance(10);
  const auto later = serve(node, 1);
  EXPECT_EQ(later.at(flooder.id()), (std::vector<std::uint64_t>{10}));
  listen(flooder, h, 11);
  EXPECT_EQ(h.outcomes[10], "result");
  EXPECT_EQ(h.repeated, 0) << "each utterance has exactly one outcome";
}

TEST_F(overload, a_well_behaved_session_is_served_while_another_floods) {
  const auto port = start_scheduler({"--jobs.max_utterances_in_flight=4", "--jobs.max_backlog=8"}).port();
  fake_node node(named_node("node-slow", 1));
  node.connect(port);
  fake_session flooder;
  flooder.connect(port);
  fake_session polite;
  polite.connect(port);
  for (std::uint64_t i = 0; i < 10; ++i) flooder.send_utterance(i);
  polite.send_utterance(0);

  heard loud;
  listen(flooder, loud, 6);  // its refusals, before the node answers anything (as in the test above)
  const auto served = serve(node, 5);  // the flooder's four admitted utterances and the polite one, in any order
  heard quiet;
  listen(polite, quiet, 1);
  EXPECT_EQ(quiet.outcomes[0], "result");
  EXPECT_TRUE(quiet.backpressure.empty()) << "one utterance in flight is not too many";
  EXPECT_EQ(served.at(polite.id()), (std::vector<std::uint64_t>{0}));

  listen(flooder, loud, 10);
  int results = 0;
  int refusals = 0;
  for (const auto& [index, what] : loud.outcomes) {
    results += what == "result" ? 1 : 0;
    refusals += what == "RATE_LIMITED" ? 1 : 0;
  }
  EXPECT_EQ(results, 4);
  EXPECT_EQ(refusals, 6);
  EXPECT_FALSE(loud.backpressure.empty());
  EXPECT_EQ(loud.repeated, 0);
}

TEST_F(overload, a_job_that_would_wait_behind_a_full_backlog_is_refused_at_once_with_node_overloaded) {
  const auto port = start_scheduler({"--jobs.max_backlog=2"}).port();
  fake_node node(named_node("node-slow", 1));
  node.connect(port);
  std::vector<std::unique_ptr<fake_session>> sessions;
  for (int i = 0; i < 4; ++i) {
    sessions.push_back(std::make_unique<fake_session>());
    sessions.back()->connect(port);
  }
  sessions[0]->send_utterance(0);
  auto held = node.next_job(5s);
  ASSERT_TRUE(held) << "the first job takes the only slot";
  for (int i = 1; i < 3; ++i) {
    sessions[static_cast<std::size_t>(i)]->send_utterance(0);
    auto event = sessions[static_cast<std::size_t>(i)]->next("ui_event");
    ASSERT_TRUE(event);
    EXPECT_EQ((*event)["event"], "QUEUED") << "session " << i << " waits in the backlog (2 places)";
  }

  fake_session& late = *sessions[3];
  late.send_utterance(0);
  heard refused;
  listen(late, refused, 1);
  EXPECT_EQ(refused.outcomes[0], "NODE_OVERLOADED");
  ASSERT_EQ(refused.backpressure.size(), 1u);
  EXPECT_EQ(refused.backpressure[0]["action"], "BUSY");
  EXPECT_THAT(refused.backpressure[0]["message"].get<std::string>(), ::testing::HasSubstr("2 jobs are waiting"));

  node.complete(*held);
  const auto served = serve(node, 2);
  for (int i = 0; i < 3; ++i) {
    heard h;
    listen(*sessions[static_cast<std::size_t>(i)], h, 1);
    EXPECT_EQ(h.outcomes[0], "result") << "admitted session " << i;
  }
  EXPECT_EQ(served.count(late.id()), 0u) << "the refused job never reached the node";

  // The refusal left nothing behind: with room in the backlog the same session is served.
  late.send_utterance(1);
  const auto again = serve(node, 1);
  EXPECT_EQ(again.at(late.id()), (std::vector<std::uint64_t>{1}));
  listen(late, refused, 2);
  EXPECT_EQ(refused.outcomes[1], "result");
  EXPECT_EQ(refused.repeated, 0);
}

// How often this instance refused at the backlog bound: after asking Redis, and without asking it.
struct overload_refusals {
  double asked = 0;
  double known = 0;
};
overload_refusals refusals_counted(std::uint16_t port) {
  const auto metrics = scrape(port);
  return {sample(metrics, "scheduler_reserve_attempt_total{result=\"overloaded\"}").value_or(-1),
          sample(metrics, "scheduler_reserve_attempt_total{result=\"overloaded_local\"}").value_or(-1)};
}

TEST_F(overload, while_the_backlog_is_known_full_jobs_are_refused_without_redis_and_a_pool_with_room_is_served) {
  // Two jobs may wait; a budget of 10 min makes a remembered BACKLOG_FULL hold for its longest window (10 s).
  const auto port = start_scheduler({"--jobs.max_backlog=2", "--jobs.queue_wait_budget_ms=600000",
                                     "--jobs.backlog_max_wait_ms=600000"})
                        .port();
  fake_node node(named_node("node-zh", 1));
  node.connect(port);
  node_spec german_spec = named_node("node-de", 1);
  german_spec.asr = {"en", "de"};
  german_spec.tts = {"en", "de"};
  german_spec.semantic = {"en", "de"};
  fake_node german(german_spec);
  german.connect(port);
  std::vector<std::unique_ptr<fake_session>> sessions;
  for (int i = 0; i < 6; ++i) {
    sessions.push_back(std::make_unique<fake_session>());
    sessions.back()->connect(port);
  }
  auto& s = sessions;
  s[0]->send_utterance(0);
  auto held = node.next_job(5s);
  ASSERT_TRUE(held) << "the first job takes the only en→zh slot";
  for (int i = 1; i < 3; ++i) {
    s[static_cast<std::size_t>(i)]->send_utterance(0);
    auto event = s[static_cast<std::size_t>(i)]->next("ui_event");
    ASSERT_TRUE(event);
    EXPECT_EQ((*event)["event"], "QUEUED");
  }
  // One job leaves the backlog: the instance learns how fast it drains.
  node.complete(*held);
  auto second = node.next_job(5s);
  ASSERT_TRUE(second);
  // DISPATCHED: its wait was observed. The backlog is oldest first at millisecond resolution, so two jobs queued in
  // the same millisecond leave it in either order: wait on the session whose job was handed on.
  fake_session& handed = (*second)["session_id"].get<std::string>().starts_with(s[1]->id()) ? *s[1] : *s[2];
  ASSERT_TRUE(handed.next("ui_event"));
  s[3]->send_utterance(0);
  auto queued = s[3]->next("ui_event");
  ASSERT_TRUE(queued);
  EXPECT_EQ((*queued)["event"], "QUEUED") << "the backlog holds two again";

  heard asked;
  s[4]->send_utterance(0);
  listen(*s[4], asked, 1);
  EXPECT_EQ(asked.outcomes[0], "NODE_OVERLOADED");
  auto counted = refusals_counted(port);
  EXPECT_EQ(counted.asked, 1) << "Redis refused it";
  EXPECT_EQ(counted.known, 0);

  heard known;
  s[5]->send_utterance(0);
  listen(*s[5], known, 1);
  EXPECT_EQ(known.outcomes[0], "NODE_OVERLOADED") << "the same true refusal";
  ASSERT_EQ(known.backpressure.size(), 1u);
  EXPECT_EQ(known.backpressure[0]["action"], "BUSY");
  EXPECT_GT(known.backpressure[0]["resume_after_ms"].get<std::int64_t>(), 0);
  EXPECT_LE(known.backpressure[0]["resume_after_ms"].get<std::int64_t>(), 10000);
  EXPECT_THAT(known.backpressure[0]["message"].get<std::string>(), ::testing::HasSubstr("2 jobs are waiting"));
  counted = refusals_counted(port);
  EXPECT_EQ(counted.asked, 1);
  EXPECT_EQ(counted.known, 1) << "refused by the instance, without a dispatch_task";

  // An en→de session is served at once: its node has room, whatever the en→zh backlog holds.
  fake_session speaker_de;
  speaker_de.connect(port, "en", "de");
  speaker_de.send_utterance(0, 320, {{"tgt_lang", "de"}});
  auto de_job = german.next_job(5s);
  ASSERT_TRUE(de_job);
  german.complete(*de_job, "hello", "hallo");
  heard de;
  listen(speaker_de, de, 1);
  EXPECT_EQ(de.outcomes[0], "result");

  // The admitted ones are all served; the refused ones never reach a node; one outcome each.
  node.complete(*second);
  const auto served = serve(node, 2);
  for (int i = 0; i < 4; ++i) {
    heard h;
    listen(*s[static_cast<std::size_t>(i)], h, 1);
    EXPECT_EQ(h.outcomes[0], "result") << "admitted session " << i;
    EXPECT_EQ(h.repeated, 0);
  }
  EXPECT_EQ(served.count(s[4]->id()), 0u);
  EXPECT_EQ(served.count(s[5]->id()), 0u);
  EXPECT_EQ(asked.repeated + known.repeated, 0);
}

}  // namespace
}  // namespace lingua::test
