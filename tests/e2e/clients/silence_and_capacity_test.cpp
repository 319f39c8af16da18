// Points 4 and 3 of issue 8: the web client's silent cuts cost no node work and use no utterance index; a node
// that serialises its work (the Lingua agent: one GPU FIFO; a registration listing its services and no declared
// capacity, gpu_queue_length in its heartbeats while the queue is not empty) gets one job at a time, and a job taken from it after a missed run deadline keeps its slot there until
// its late result arrives (job_cancel does not stop the agent); one whose observed jobs take long gets no job it
// would only finish after that job's run deadline, whatever capacity it declares.
#include <thread>
#include <vector>

#include "e2e/clients/agent_peer.hpp"
#include "e2e/clients/web_client_peer.hpp"
#include "e2e_fixture.hpp"

namespace lingua::test {
namespace {

using web_client_silence = scheduler_e2e;

class serialising_node : public scheduler_e2e {
 protected:
  // A scheduler whose run deadline is `ms` for every job, without sticky sessions.
  scheduler_process& start_with_run_deadline(int ms) {
    const std::string t = std::to_string(ms);
    return start_scheduler({"--jobs.run_timeout_min_ms=" + t, "--jobs.run_timeout_base_ms=" + t,
                            "--jobs.run_timeout_max_ms=" + t, "--selection.sticky_sessions=false"});
  }
};

TEST(web_client_peer_audio, digital_silence_encodes_to_tiny_opus_packets_and_speech_does_not) {
  web_client_peer peer;
  peer.chunk_payload(false);
  peer.chunk_payload(false);
  EXPECT_LE(peer.last_packet_bytes(), 20U) << "the scheduler's default silent_packet_max_bytes must cover it";
  peer.chunk_payload(true);
  EXPECT_GT(peer.last_packet_bytes(), 20U);
}

TEST_F(web_client_silence, silent_cuts_of_the_web_client_cost_no_node_work_and_use_no_utterance_index) {
  auto& scheduler = start_scheduler();
  agent_peer agent;
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  web_client_peer client;
  client.connect(scheduler.port());

  client.speak(4);  // a phrase, then the client's cut after every trailing silent chunk
  client.cut();
  for (int i = 0; i < 3; ++i) client.silent_cut();
  client.long_silent_cut(9);  // the 2,340 ms cut of pure silence
  client.speak(3);
  client.cut();
  client.silent_cut();
  client.silent_cut();

  // The agent takes one job at a time (it reports gpu_queue_length): answer each as it comes.
  std::vector<std::uint64_t> indexes;
  for (int i = 0; i < 4 && agent.serve(i < 2 ? 5s : 1500ms, 1) == 1; ++i) {
    indexes.push_back(agent.fifo().front()["utterance_index"].get<std::uint64_t>());
    agent.finish_next("你好");
  }
  EXPECT_EQ(indexes, (std::vector<std::uint64_t>{0, 1})) << "only the two phrases reach the node; silent cuts use "
                                                             "no utterance index";
  auto first = expect_message(client.session().socket(), "translation_result");
  auto second = expect_message(client.session().socket(), "translation_result");
  EXPECT_EQ(first["utterance_index"], 0);
  EXPECT_EQ(second["utterance_index"], 1);
  EXPECT_FALSE(client.session().next("error", 300ms)) << "a skipped cut is answered like the node's empty one: not at all";
}

TEST_F(web_client_silence, skipping_silent_cuts_can_be_turned_off) {
  auto& scheduler = start_scheduler({"--segmentation.skip_silent_cuts=false"});
  agent_peer agent;
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  web_client_peer client;
  client.connect(scheduler.port());
  client.speak(2);
  client.cut();
  client.silent_cut();
  ASSERT_EQ(agent.serve(5s, 1), 1U);
  agent.finish_next();
  EXPECT_EQ(agent.serve(5s, 1), 1U) << "the silent cut is dispatched as before";
}

TEST_F(serialising_node, an_agent_that_lists_its_services_and_declares_no_capacity_gets_one_job_at_a_time_from_the_start) {
  auto& scheduler = start_scheduler();
  agent_peer agent;
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  fake_session sessions[3];
  for (auto& s : sessions) {
    s.connect(scheduler.port(), "en", "zh");
    s.send_audio(10);
    s.send_final();
  }
  ASSERT_EQ(agent.serve(3s, 1), 1U);
  agent.serve(700ms);
  EXPECT_EQ(agent.queued(), 1U) << "the others wait in the scheduler's backlog, not in the node's FIFO (known from "
                                   "its registration: no heartbeat of it reported a queue yet)";
  std::size_t done = 0;
  for (int round = 0; round < 3 && agent.queued() > 0; ++round) {
    agent.finish_next();
    ++done;
    agent.serve(3s, 1);
  }
  EXPECT_EQ(done, 3U);
  EXPECT_EQ(agent.accepted(), 3U);
  for (auto& s : sessions) EXPECT_EQ(expect_message(s.socket(), "translation_result")["text_translated"], "zh:hello");
}

TEST_F(serialising_node, a_serialising_node_whose_jobs_take_long_gets_no_job_it_would_finish_after_the_run_deadline) {
  auto& scheduler = start_with_run_deadline(4000);
  agent_spec spec;
  spec.max_concurrent_jobs = 4;  // it declares 4, but reports gpu_queue_length: it runs one job at a time
  spec.queue_length_when_empty = true;
  agent_peer agent(spec);
  ASSERT_FALSE(agent.connect(scheduler.port()).empty());
  fake_session warm, first, second;
  warm.connect(scheduler.port(), "en", "zh");
  warm.send_audio(10);
  warm.send_final();
  ASSERT_EQ(agent.serve(3s, 1), 1U);
  std::this_thread::sleep_for(2500ms);  // the node takes 2.5 s for it: the scheduler observes that
  agent.finish_next();
  EXPECT_EQ(expect_message(warm.socket(), "translation_result")["text_translated"], "zh:hello");

  for (auto* s : {&first, &second}) {
    s->connect(scheduler.port(), "en", "zh");
    s->send_audio(10);
    s->send_final();
  }
  ASSERT_EQ(agent.serve(3s, 1), 1U);
  agent.serve(700ms);
  EXPECT_EQ(agent.queued(), 1U) << "behind a 2.5 s job, a second one would end after its 4 s run deadline: it waits "
                                   "in the scheduler's backlog, not in the node's FIFO";
  agent.finish_next();
  ASSERT_EQ(agent.serve(3s, 1), 1U) << "the waiting job goes to the node once it is free";
  agent.finish_next();
  EXPECT_EQ(expect_message(first.socket(), "translation_result")["text_translated"], "zh:hello");
  EXPECT_EQ(expect_message(second.socket(), "translation_result")["text_translated"], "zh:hello");
}

TEST_F(serialising_node, a_job_taken_away_after_its_run_deadline_keeps_its_slot_on_the_node_until_the_late_result) {
  auto& scheduler = start_with_run_deadline(2000);
  agent_peer slow, other;
  ASSERT_FALSE(slow.connect(scheduler.port()).empty());
  fake_session first, second, third;
  first.connect(scheduler.port(), "en", "zh");
  first.send_audio(10);
  first.send_final();
  ASSERT_EQ(slow.serve(3s, 1), 1U);
  ASSERT_FALSE(other.connect(scheduler.port()).empty());
  // The slow node misses the deadline: the job moves to the other node; the slow one gets job_cancel and, like
  // the agent, carries on.
  ASSERT_EQ(other.serve(5s, 1), 1U);
  other.finish_next();
  EXPECT_EQ(expect_message(first.socket(), "translation_result")["text_translated"], "zh:hello");
  slow.serve(200ms);
  EXPECT_EQ(slow.cancels(), 1U);

  second.connect(scheduler.port(), "en", "zh");
  second.send_audio(10);
  second.send_final();
  ASSERT_EQ(other.serve(3s, 1), 1U) << "the slow node is still busy with the cancelled job";
  third.connect(scheduler.port(), "en", "zh");
  third.send_audio(10);
  third.send_final();
  slow.serve(600ms);
  EXPECT_EQ(slow.queued(), 1U) << "no new job for a node that still works on a cancelled one";
  slow.finish_next();  // the late result: not delivered, and it frees the slot
  ASSERT_EQ(slow.serve(3s, 1), 1U) << "the waiting job goes to the node as soon as its late result came";
  EXPECT_EQ(slow.fifo().front()["session_id"], third.id());
  slow.finish_next();
  other.finish_next();
  EXPECT_EQ(expect_message(second.socket(), "translation_result")["text_translated"], "zh:hello");
  EXPECT_EQ(expect_message(third.socket(), "translation_result")["text_translated"], "zh:hello");
  EXPECT_FALSE(first.next("translation_result", 300ms)) << "the late result of the replaced attempt is not shown";
}

}  // namespace
}  // namespace lingua::test
