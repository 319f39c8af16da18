// Chaos from hostile peers (issue 7 §5), real processes and the default limits: while a normal session keeps
// translating through a node in a child process, sockets on both endpoints flood garbage and deep JSON, and many
// silent sockets hold descriptors — TCP sockets that never send a request, requests never finished, WebSockets on
// /ws/session and /ws/node that never introduce themselves — from many addresses within the per-address cap and
// from one address far over it. The rule checked: every utterance is answered exactly once with its result, in
// order; /health answers throughout; the sockets over the cap are closed; frames on both endpoints were refused.
#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <thread>

#include "chaos_support.hpp"
#include "e2e/limits/raw_socket.hpp"
#include "e2e/metrics/exposition_text.hpp"
#include "e2e_fixture.hpp"
#include "kit/http_client.hpp"

namespace lingua::test {
namespace {

using chaos = scheduler_e2e;

std::string nested_array(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// Frames a hostile peer sends: the frame of issue 7 that killed the process (a string, then 100,000 nested
// arrays), broken and wrong-shaped JSON, messages that need a registration or a session, a deep relayed payload.
std::vector<std::string> garbage_frames() {
  return {R"({"type":"x","p":")" + std::string(300, 'A') + R"(","d":)" + nested_array(100000) + "}",
          "{broken",
          "[1,2,3]",
          std::string(5000, '{'),
          R"({"type":"node_register"})",
          R"({"type":"job_result","job_id":"nope","attempt_id":1,"node_id":"n","session_id":"s","utterance_index":0,)"
          R"("success":true,"trace_id":"t"})",
          R"({"type":"webrtc_offer","room_code":"1","to":"x","sdp":)" + nested_array(70) + "}",
          std::string(3000, '"')};
}

// Sends garbage on `path` from new sockets again and again until `stop`; counts the frames written.
void flood(std::uint16_t port, const std::string& path, std::size_t offset, const std::atomic<bool>& stop,
           std::atomic<int>& sent) {
  const std::vector<std::string> garbage = garbage_frames();
  while (!stop) {
    ws_client ws;
    try {
      ws.connect("127.0.0.1", port, path, 2s);
    } catch (const std::exception&) {
      continue;
    }
    for (std::size_t n = 0; n < 300 && !stop; ++n) {
      if (!ws.send_text(garbage[(n + offset) % garbage.size()], 1s)) break;
      ++sent;
      while (ws.pending() > 0) ws.receive_text(0ms);
    }
    ws.drop();
  }
}

double counter(const exposition& e, const std::string& key) { return sample(e, key).value_or(0); }

TEST_F(chaos, floods_of_garbage_and_deep_json_and_many_silent_sockets_leave_a_normal_session_translating) {
  rlimit own{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  if (own.rlim_cur < 4096 && own.rlim_max >= 4096) {
    own.rlim_cur = 4096;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &own), 0);
  }
  // The public default of 64 sockets per address (the harness raises it for its loopback peers).
  constexpr int per_address = 64;
  auto& scheduler = start_scheduler({"--server.max_connections_per_address=" + std::to_string(per_address)});
  const std::uint16_t port = scheduler.port();
  node_process node("steady-node", port, 2, 80ms);
  node.start();

  // Silent sockets: 400 from ten addresses (each within the cap), 100 from one address (36 over it), 40 requests
  // that are never finished, and 24 upgraded WebSockets that never send session_init / node_register.
  std::vector<std::unique_ptr<raw_socket>> silent;
  for (int i = 0; i < 400; ++i) {
    silent.push_back(std::make_unique<raw_socket>("127.0.2." + std::to_string(1 + i % 10), port));
  }
  for (int i = 0; i < 40; ++i) {
    silent.push_back(std::make_unique<raw_socket>("127.0.4." + std::to_string(1 + i % 4), port));
    silent.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n");
  }
  std::vector<std::unique_ptr<ws_client>> mute;
  for (int i = 0; i < 24; ++i) {
    mute.push_back(std::make_unique<ws_client>());
    mute.back()->connect("127.0.0.1", port,
                         i % 2 == 0 ? std::string("/ws/session") : std::string("/ws/node?token=") + default_node_token);
  }

  // The crowded address keeps exactly its cap; the server accepts in its own time (polled, bounded).
  std::vector<std::unique_ptr<raw_socket>> crowd;
  for (int i = 0; i < 100; ++i) crowd.push_back(std::make_unique<raw_socket>("127.0.3.1", port));
  int turned_away = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (turned_away < 100 - per_address && std::chrono::steady_clock::now() < deadline) {
    turned_away = 0;
    for (auto& s : crowd) turned_away += s->closed_by_server(5ms) ? 1 : 0;
  }
  EXPECT_EQ(turned_away, 100 - per_address);

  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::vector<std::thread> flooders;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string path = i % 2 == 0 ? std::string("/ws/session") : std::string("/ws/node?token=") + default_node_token;
    flooders.emplace_back([&, path, i] { flood(port, path, i, stop, sent); });
  }

  constexpr std::uint64_t utterances = 20;
  fake_session session;
  session.connect(port);
  outcome_count outcomes;
  std::vector<std::uint64_t> order;
  int health_ok = 0;
  for (std::uint64_t i = 0; i < utterances; ++i) {
    session.send_utterance(i);
    const auto until = std::chrono::steady_clock::now() + 150ms;
    while (std::chrono::steady_clock::now() < until) {
      if (auto m = session.socket().receive_json(20ms)) {
        if ((*m)["type"] == "translation_result") order.push_back((*m)["utterance_index"].get<std::uint64_t>());
        outcomes.take(*m);
      }
    }
    if (i % 5 == 0) health_ok += http_get("127.0.0.1", port, "/health").status == 200U ? 1 : 0;
  }
  const auto collect_until = std::chrono::steady_clock::now() + 15s;
  while (order.size() < utterances && std::chrono::steady_clock::now() < collect_until) {
    if (auto m = session.socket().receive_json(100ms)) {
      if ((*m)["type"] == "translation_result") order.push_back((*m)["utterance_index"].get<std::uint64_t>());
      outcomes.take(*m);
    }
  }
  outcomes.collect(session.socket(), utterances, 1s, 300ms);  // anything doubled arrives meanwhile
  stop = true;
  for (auto& t : flooders) t.join();

  for (std::uint64_t i = 0; i < utterances; ++i) {
    EXPECT_EQ(outcomes.per_utterance[i], 1) << "utterance " << i << ": " << outcomes.describe();
    EXPECT_EQ(outcomes.last_kind[i], "result") << "utterance " << i << ": " << outcomes.describe();
  }
  std::vector<std::uint64_t> in_order(utterances);
  for (std::uint64_t i = 0; i < utterances; ++i) in_order[i] = i;
  EXPECT_EQ(order, in_order) << "results in utterance order";
  EXPECT_EQ(health_ok, 4) << "/health answered throughout";
  EXPECT_GT(sent.load(), 200) << "the flood did happen";

  const exposition metrics = scrape(port);
  EXPECT_GT(counter(metrics, "scheduler_refused_frames_total{endpoint=\"session\",reason=\"invalid_message\"}"), 0);
  EXPECT_GT(counter(metrics, "scheduler_refused_frames_total{endpoint=\"node\",reason=\"invalid_message\"}"), 0);
  EXPECT_TRUE(scheduler.running());
}

}  // namespace
}  // namespace lingua::test
