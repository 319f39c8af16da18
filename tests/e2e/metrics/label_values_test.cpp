// Done means (issue 11): every label value of the exported counters moves after traffic through the real binary. The
// traffic tests (traffic_metrics_test.cpp) reach most of them; these reach the rest: the failover causes other than
// node_lost and run_timeout, a replayed job key, a job refused by admission, a dispatch that fails for Redis, Redis
// timing out and being unreachable, node frames from a socket that is not the node, sockets closed for silence, and
// inbox entries delivered between two instances. Two of them need a fault in the state, made with a Redis command
// (the epoch key lost; a node's owner entry lost), and the malformed reply Redis itself never sends comes from a relay
// between the scheduler and Redis (corrupting_relay).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include "chaos_support.hpp"
#include "e2e_fixture.hpp"
#include "exposition_text.hpp"
#include "kit/http_client.hpp"

namespace lingua::test {
namespace {

using metrics_labels = scheduler_e2e;

// How much the series grew between two scrapes (a series missing after the traffic fails the test).
double growth(const exposition& before, const exposition& after, const std::string& key) {
  auto now = sample(after, key);
  EXPECT_TRUE(now.has_value()) << key << " is not exported";
  return now.value_or(0) - sample(before, key).value_or(0);
}

// A node serving only src → tgt (each phase below has its own pair, so which node takes a job is never a tie).
node_spec pair_node(std::string id, const std::string& src, const std::string& tgt) {
  node_spec spec = named_node(std::move(id), 2);
  spec.asr = {src};
  spec.tts = {tgt};
  spec.semantic = {src, tgt};
  return spec;
}

void send_pair_utterance(fake_session& s, std::uint64_t index, const std::string& src, const std::string& tgt) {
  s.send_utterance(index, 320, {{"src_lang", src}, {"tgt_lang", tgt}});
}

// Waits until the scheduler's log holds `text` (the scheduler has handled the event it names).
bool log_shows(const scheduler_process& scheduler, const std::string& text, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (scheduler.log().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// A TCP relay between the scheduler and the test's Redis (a unix socket) that can corrupt Redis's answers: after
// corrupt(), the next chunk Redis sends on any connection is preceded by a byte no RESP reply starts with. A chunk
// comes only in answer to a command, so that command's connection sees a malformed reply with a command waiting.
class corrupting_relay {
 public:
  explicit corrupting_relay(std::string unix_path) : upstream_path_(std::move(unix_path)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0) {
      throw std::runtime_error("relay: cannot listen");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~corrupting_relay() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
    for (auto& t : pumps_) t.join();
    for (int fd : sockets_) ::close(fd);
  }
  corrupting_relay(const corrupting_relay&) = delete;
  corrupting_relay& operator=(const corrupting_relay&) = delete;

  std::string address() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  void corrupt() { corrupt_ = true; }
  bool corruption_sent() const { return !corrupt_; }  // the last corrupt() took effect

 private:
  void accept_loop() {
    while (!stopping_) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      const int server = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      std::strncpy(address.sun_path, upstream_path_.c_str(), sizeof address.sun_path - 1);
      if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(client);
        ::close(server);
        continue;
      }
      std::lock_guard lock(mutex_);
      sockets_.push_back(client);
      sockets_.push_back(server);
      pumps_.emplace_back([this, client, server] { pump(client, server, false); });
      pumps_.emplace_back([this, client, server] { pump(server, client, true); });
    }
  }
  void pump(int from, int to, bool from_redis) {
    char buffer[16384];
    for (;;) {
      const ssize_t n = ::recv(from, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      if (from_redis && corrupt_.exchange(false)) ::send(to, "?", 1, MSG_NOSIGNAL);
      if (::send(to, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    ::shutdown(to, SHUT_RDWR);
  }

  std::string upstream_path_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> corrupt_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> sockets_;
  std::vector<std::thread> pumps_;
};

TEST_F(metrics_labels, an_unacknowledged_job_a_node_error_a_reconnect_and_a_replayed_job_key_are_each_counted) {
  auto& scheduler = start_scheduler({"--jobs.ack_timeout_ms=400"});
  const std::uint16_t port = scheduler.port();
  const exposition before = scrape(port);

  // ack_timeout: a node that acknowledged one job must acknowledge the next in time.
  fake_node acker(pair_node("node-acker", "en", "zh"));
  acker.connect(port);
  fake_session english;
  english.connect(port, "en", "zh");
  send_pair_utterance(english, 0, "en", "zh");
  auto acked = acker.next_job();
  ASSERT_TRUE(acked);
  acker.send({{"type", "job_ack"}, {"job_id", (*acked)["job_id"]}, {"attempt_id", 1}, {"node_id", acker.id()},
              {"session_id", english.id()}, {"trace_id", (*acked)["trace_id"]}});
  acker.complete(*acked);
  ASSERT_TRUE(english.next("translation_result"));
  send_pair_utterance(english, 1, "en", "zh");
  ASSERT_TRUE(acker.next_job(3s));
  fake_node taker(pair_node("node-taker", "en", "zh"));
  taker.connect(port);
  auto moved = taker.next_job(3s);
  ASSERT_TRUE(moved) << "no job_ack within the ack timeout: the job moves on";
  EXPECT_EQ((*moved)["attempt_id"], 2);
  taker.complete(*moved);
  ASSERT_TRUE(english.next("translation_result"));

  // node_error: a node without the model gives the job back.
  fake_node lacking(pair_node("node-lacking", "de", "fr"));
  lacking.connect(port);
  fake_session german;
  german.connect(port, "de", "fr");
  send_pair_utterance(german, 0, "de", "fr");
  auto refused = lacking.next_job();
  ASSERT_TRUE(refused);
  fake_node equipped(pair_node("node-equipped", "de", "fr"));
  equipped.connect(port);
  lacking.fail(*refused, "MODEL_NOT_AVAILABLE", "no tts model",
               {{"service_id", "piper-tts"}, {"service_type", "tts"}, {"reason", "not installed"}});
  auto rescued = equipped.next_job(3s);
  ASSERT_TRUE(rescued);
  equipped.complete(*rescued);
  ASSERT_TRUE(german.next("translation_result"));

  // reconnected: the node registers again on a fresh socket while its old one holds a job.
  fake_node before_reconnect(pair_node("node-again", "ja", "ko"));
  before_reconnect.connect(port);
  fake_session japanese;
  japanese.connect(port, "ja", "ko");
  send_pair_utterance(japanese, 0, "ja", "ko");
  ASSERT_TRUE(before_reconnect.next_job());
  fake_node after_reconnect(pair_node("node-again", "ja", "ko"));
  after_reconnect.connect(port);
  auto again = after_reconnect.next_job(3s);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["attempt_id"], 2);

  // duplicate: Redis loses its epoch key while the job records survive; the instance places its sessions'
  // unfinished jobs again under their job keys, and the held job's key answers with the job that exists.
  EXPECT_EQ(redis_strings(redis->address(), {"DEL", "{lingua}:epoch"}), std::vector<std::string>{"1"});
  ASSERT_TRUE(log_shows(scheduler, "placing 1 unfinished job(s) again"));
  after_reconnect.complete(*again);
  ASSERT_TRUE(japanese.next("translation_result"));

  const exposition after = scrape_until(port, [](const exposition& e) {
    return sample(e, "scheduler_reserve_attempt_total{result=\"duplicate\"}").value_or(0) >= 1;
  });
  for (const std::string key : {"scheduler_failovers_total{cause=\"ack_timeout\"}",
                                "scheduler_failovers_total{cause=\"node_error\"}",
                                "scheduler_failovers_total{cause=\"reconnected\"}",
                                "scheduler_reserve_attempt_total{result=\"duplicate\"}"}) {
    EXPECT_EQ(growth(before, after, key), 1.0) << key;
  }
}

TEST_F(metrics_labels, redis_paused_then_stopped_counts_timeouts_unreachability_and_a_dispatch_that_failed) {
  auto& scheduler = start_scheduler({"--redis.command_timeout_ms=300"});
  const std::uint16_t port = scheduler.port();
  const exposition before = scrape(port);
  fake_node node(named_node("node-paused"));
  node.connect(port);
  fake_session session;
  session.connect(port);

  // Redis paused past the command timeout: the dispatch gets no answer in time (SCHEDULER_DEPENDENCY_DOWN).
  ASSERT_EQ(::kill(redis->pid(), SIGSTOP), 0);
  session.send_utterance(0);
  auto error = session.next("error", 5s);
  ASSERT_EQ(::kill(redis->pid(), SIGCONT), 0);
  ASSERT_TRUE(error);
  EXPECT_EQ((*error)["code"], "SCHEDULER_DEPENDENCY_DOWN");
  ASSERT_TRUE(wait_http_ok("127.0.0.1", port, "/health", 10s));

  // Redis stopped: the sweeper's calls fail at once (no connection).
  redis->stop();
  const exposition after = scrape_until(port, [](const exposition& e) {
    return sample(e, "scheduler_redis_errors_total{kind=\"unreachable\"}").value_or(0) >= 1;
  });
  EXPECT_GE(growth(before, after, "scheduler_redis_errors_total{kind=\"timeout\"}"), 1.0);
  EXPECT_GE(growth(before, after, "scheduler_redis_errors_total{kind=\"unreachable\"}"), 1.0);
  EXPECT_EQ(growth(before, after, "scheduler_reserve_attempt_total{result=\"error\"}"), 1.0) << "one dispatch";
  EXPECT_EQ(growth(before, after, "scheduler_jobs_total{outcome=\"failed\",code=\"SCHEDULER_DEPENDENCY_DOWN\"}"),
            1.0);
}

TEST_F(metrics_labels, a_malformed_redis_reply_counts_a_protocol_error_and_the_scheduler_reconnects) {
  const std::string unix_prefix = "unix://";
  ASSERT_TRUE(redis->address().starts_with(unix_prefix));
  corrupting_relay relay(redis->address().substr(unix_prefix.size()));
  schedulers.push_back(std::make_unique<scheduler_process>(relay.address(), fast_test_flags()));
  scheduler_process& scheduler = *schedulers.back();
  scheduler.start();
  const std::uint16_t port = scheduler.port();
  const exposition before = scrape(port);
  // The next answer (the sweeper calls every 50 ms) is malformed; again if it went to a connection of a client that is
  // not measured (the inbox reader's).
  relay.corrupt();
  const exposition after = scrape_until(port, [&relay](const exposition& e) {
    const bool counted = sample(e, "scheduler_redis_errors_total{kind=\"protocol\"}").value_or(0) >= 1;
    if (!counted && relay.corruption_sent()) relay.corrupt();
    return counted;
  });
  EXPECT_GE(growth(before, after, "scheduler_redis_errors_total{kind=\"protocol\"}"), 1.0);

  // The connection was dropped and opened again: service goes on.
  ASSERT_TRUE(wait_http_ok("127.0.0.1", port, "/health", 10s));
  fake_node node(named_node("node-after"));
  node.connect(port);
  fake_session session;
  session.connect(port);
  session.send_utterance(0);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.complete(*job);
  EXPECT_TRUE(session.next("translation_result"));
  scheduler.terminate();  // before the relay closes
}

TEST_F(metrics_labels, a_job_refused_by_admission_to_a_full_backlog_is_counted_as_overloaded) {
  auto& scheduler = start_scheduler({"--jobs.max_backlog=1"});
  const std::uint16_t port = scheduler.port();
  const exposition before = scrape(port);
  fake_node node(named_node("node-full", 1));
  node.connect(port);
  fake_session holder;
  holder.connect(port);
  fake_session waiter;
  waiter.connect(port);
  fake_session late;
  late.connect(port);
  holder.send_utterance(0);
  auto held = node.next_job();
  ASSERT_TRUE(held) << "the first job takes the only slot";
  waiter.send_utterance(0);
  auto queued = waiter.next("ui_event");
  ASSERT_TRUE(queued);
  EXPECT_EQ((*queued)["event"], "QUEUED") << "the backlog's one place";
  late.send_utterance(0);
  auto refused = late.next("error");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["code"], "NODE_OVERLOADED");

  const exposition after = scrape(port);
  EXPECT_EQ(growth(before, after, "scheduler_reserve_attempt_total{result=\"overloaded\"}"), 1.0);
  EXPECT_EQ(growth(before, after, "scheduler_jobs_total{outcome=\"failed\",code=\"NODE_OVERLOADED\"}"), 1.0);
}

TEST_F(metrics_labels, node_frames_from_sockets_that_are_not_the_node_and_silent_sockets_are_counted) {
  auto& scheduler = start_scheduler({"--server.first_message_timeout_ms=400", "--server.idle_timeout_ms=1200"});
  const std::uint16_t port = scheduler.port();
  const exposition before = scrape(port);

  // not_registered: a heartbeat before node_register.
  fake_node early(named_node("node-early"));
  early.open(port);
  early.heartbeat();
  auto not_registered = early.socket().receive_until("error", 3s);
  ASSERT_TRUE(not_registered);
  EXPECT_EQ((*not_registered)["code"], "NODE_ID_CONFLICT");

  // wrong_node: a registered node's heartbeat in another node's name.
  fake_node impostor(named_node("node-impostor"));
  impostor.connect(port);
  nlohmann::json forged = impostor.heartbeat_message(10, 0);
  forged["node_id"] = "node-someone-else";
  impostor.send(forged);
  auto wrong_node = impostor.socket().receive_until("error", 3s);
  ASSERT_TRUE(wrong_node);
  EXPECT_EQ((*wrong_node)["code"], "NODE_ID_CONFLICT");

  // first_message_timeout: sockets that never introduce themselves (they read, so they answer pings).
  ws_client session_socket;
  session_socket.connect("127.0.0.1", port, "/ws/session");
  ws_client node_socket;
  node_socket.connect("127.0.0.1", port, std::string("/ws/node?token=") + default_node_token);
  ASSERT_TRUE(session_socket.wait_closed(3s));
  ASSERT_TRUE(node_socket.wait_closed(3s));

  // idle: an introduced session that answers no ping (nothing reads its socket) past the idle timeout.
  fake_session silent;
  silent.connect(port);
  std::this_thread::sleep_for(2500ms);
  EXPECT_TRUE(silent.socket().wait_closed(2s));

  const exposition after = scrape_until(port, [](const exposition& e) {
    return sample(e, "scheduler_ws_closes_total{endpoint=\"session\",reason=\"idle\"}").value_or(0) >= 1;
  });
  for (const std::string key : {"scheduler_refused_frames_total{endpoint=\"node\",reason=\"not_registered\"}",
                                "scheduler_refused_frames_total{endpoint=\"node\",reason=\"wrong_node\"}",
                                "scheduler_ws_closes_total{endpoint=\"session\",reason=\"first_message_timeout\"}"}) {
    EXPECT_EQ(growth(before, after, key), 1.0) << key;
  }
  EXPECT_EQ(growth(before, after, "scheduler_ws_closes_total{endpoint=\"node\",reason=\"first_message_timeout\"}"),
            2.0)
      << "the silent node socket and the node that sent a heartbeat but never registered";
  EXPECT_GE(growth(before, after, "scheduler_ws_closes_total{endpoint=\"session\",reason=\"idle\"}"), 1.0);
}

TEST_F(metrics_labels, jobs_crossing_two_instances_count_inbox_deliveries_and_a_node_with_no_live_owner_a_failed_send) {
  auto& a = start_scheduler({}, "instance-a");
  auto& b = start_scheduler({}, "instance-b");
  const exposition before_a = scrape(a.port());
  const exposition before_b = scrape(b.port());
  fake_node node(named_node("node-on-a"));
  node.connect(a.port());
  fake_session session;
  session.connect(b.port());
  session.send_utterance(0);
  auto job = node.next_job();
  ASSERT_TRUE(job) << "the job crosses from instance B to the node's instance A";
  node.complete(*job);
  ASSERT_TRUE(session.next("translation_result")) << "the result crosses back to B";

  // send_failed: the state lists the node as ready, but no live instance owns its socket (the owner entry is gone,
  // as after a take-over that raced the node's registration): B cannot hand the job to it.
  EXPECT_EQ(redis_strings(redis->address(), {"HDEL", "{lingua}:owners:node", "node-on-a"}),
            std::vector<std::string>{"1"});
  session.send_utterance(1);
  auto unsent = session.next("error", 5s);
  ASSERT_TRUE(unsent);
  EXPECT_EQ((*unsent)["code"], "NO_AVAILABLE_NODE") << "no other node may take it";

  const exposition after_a = scrape_until(
      a.port(), [](const exposition& e) { return sample(e, "scheduler_inbox_delivered_total").value_or(0) >= 1; });
  const exposition after_b = scrape_until(
      b.port(), [](const exposition& e) { return sample(e, "scheduler_inbox_delivered_total").value_or(0) >= 1; });
  EXPECT_GE(growth(before_a, after_a, "scheduler_inbox_delivered_total"), 1.0) << "A delivered the job_assign";
  EXPECT_GE(growth(before_b, after_b, "scheduler_inbox_delivered_total"), 1.0) << "B delivered the job's news";
  EXPECT_EQ(growth(before_b, after_b, "scheduler_failovers_total{cause=\"send_failed\"}"), 1.0);
}

}  // namespace
}  // namespace lingua::test
