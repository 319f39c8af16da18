// WebSocket connections of net::server, driven over loopback with the test kit's blocking client.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "kit/ws_client.hpp"
#include "running_server.hpp"

namespace lingua::net {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using lingua::test::ws_client;

const std::string host = "127.0.0.1";
constexpr std::size_t flood_message_bytes = 64 * 1024;

// What the handlers saw; written on the loop thread, read by the test thread.
struct record {
  std::atomic<int> opened{0};
  std::atomic<int> oversized{0};
  std::atomic<int> rate_limited{0};
  std::atomic<std::size_t> max_queued{0};
  std::mutex mutex;
  std::map<std::uint64_t, int> closes;  // connection id → on_close calls

  int closes_of(std::uint64_t id) {
    std::lock_guard lock(mutex);
    auto it = closes.find(id);
    return it == closes.end() ? 0 : it->second;
  }
  int total_closes() {
    std::lock_guard lock(mutex);
    int total = 0;
    for (const auto& [id, n] : closes) total += n;
    return total;
  }
};

// Echoes text; a few commands exercise the server: "flood" sends until the connection closes, yielding between
// sends; "burst N" sends N messages at once; "bye" sends two messages and closes with 4000; "throw" throws;
// "whoami" answers the connection id.
class echo_handler : public connection_handler {
 public:
  explicit echo_handler(record& rec) : rec_(rec) {}

  asio::awaitable<void> on_text(connection& conn, std::string_view text) override {
    if (text == "throw") throw std::runtime_error("handler failure on purpose");
    if (text == "whoami") {
      conn.send(std::to_string(conn.id()));
    } else if (text == "introduce") {
      conn.introduced();
      conn.send(std::string(text));
    } else if (text == "flood") {
      asio::co_spawn(co_await asio::this_coro::executor, flood(conn.shared_from_this(), rec_), asio::detached);
    } else if (text.starts_with("burst ")) {
      const int count = std::stoi(std::string(text.substr(6)));
      for (int i = 0; i < count && conn.is_open(); ++i) conn.send(std::string(flood_message_bytes, 'b'));
    } else if (text == "bye") {
      conn.send("first");
      conn.send("second");
      conn.close(4000, "done");
      conn.send("never sent");
    } else {
      conn.send(std::string(text));
    }
  }

  void on_rejected(connection& conn, rejection) override {
    rec_.oversized++;
    conn.send("rejected:oversized_frame");
  }

  void on_throttled(connection& conn, std::chrono::milliseconds pause) override {
    rec_.rate_limited++;
    conn.send("throttled:" + std::to_string(pause.count()));
  }

  void on_close(connection& conn) override {
    std::lock_guard lock(rec_.mutex);
    ++rec_.closes[conn.id()];
  }

 private:
  static asio::awaitable<void> flood(std::shared_ptr<connection> conn, record& rec) {
    while (conn->is_open()) {
      conn->send(std::string(flood_message_bytes, 'f'));
      rec.max_queued = std::max(rec.max_queued.load(), conn->queued_bytes());
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    }
  }

  record& rec_;
};

server_config test_config() {
  server_config config = test::running_server::loopback();
  config.max_frame_bytes = 1024;
  config.close_timeout = 500ms;
  return config;
}

class websocket_connections : public ::testing::Test {
 protected:
  void start(server_config config = test_config()) {
    server_ = std::make_unique<test::running_server>(std::move(config));
    server_->front().handle_websocket("/ws/session", [this](const std::shared_ptr<connection>&, const http_request&) {
      ++rec_.opened;
      return std::make_shared<echo_handler>(rec_);
    });
    server_->start();
  }

  void connect(ws_client& client) { client.connect(host, server_->port(), "/ws/session"); }

  std::uint64_t id_of(ws_client& client) {
    EXPECT_TRUE(client.send_text("whoami"));
    const auto id = client.receive_text(5s);
    EXPECT_TRUE(id.has_value());
    return id ? std::stoull(*id) : 0;
  }

  // Polls until pred() holds or the (generous) timeout passes.
  template <class Pred>
  static bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  record rec_;
  std::unique_ptr<test::running_server> server_;
};

TEST_F(websocket_connections, a_text_message_reaches_the_handler_and_its_reply_comes_back) {
  start();
  ws_client client;
  connect(client);
  ASSERT_TRUE(client.send_text(R"({"type":"ping"})"));
  EXPECT_EQ(client.receive_text(5s), R"({"type":"ping"})");
  ASSERT_TRUE(client.send_json({{"type", "pong"}}));
  const auto reply = client.receive_until("pong", 5s);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["type"], "pong");
}

TEST_F(websocket_connections, each_connection_gets_its_own_increasing_id) {
  start();
  ws_client a;
  ws_client b;
  connect(a);
  connect(b);
  const auto id_a = id_of(a);
  const auto id_b = id_of(b);
  EXPECT_GT(id_a, 0u);
  EXPECT_GT(id_b, id_a);
}

TEST_F(websocket_connections, a_binary_frame_is_ignored_silently) {
  start();
  ws_client client;
  connect(client);
  ASSERT_TRUE(client.send_binary(std::string("\x01\x02\x03", 3)));
  ASSERT_TRUE(client.send_text("after binary"));
  EXPECT_EQ(client.receive_text(5s), "after binary");
  EXPECT_EQ(client.receive_text(200ms), std::nullopt);
  EXPECT_TRUE(client.is_open());
}

TEST_F(websocket_connections, an_oversized_text_message_is_rejected_and_the_connection_stays_usable) {
  start();
  ws_client client;
  connect(client);
  ASSERT_TRUE(client.send_text(std::string(1025, 'x')));        // max_frame_bytes + 1
  ASSERT_TRUE(client.send_text(std::string(300 * 1024, 'y')));  // many times over
  EXPECT_EQ(client.receive_text(5s), "rejected:oversized_frame");
  EXPECT_EQ(client.receive_text(5s), "rejected:oversized_frame");
  ASSERT_TRUE(client.send_text("still here"));
  EXPECT_EQ(client.receive_text(5s), "still here");
  EXPECT_EQ(rec_.oversized.load(), 2);
}

TEST_F(websocket_connections, a_text_message_of_exactly_the_maximum_size_is_delivered) {
  start();
  ws_client client;
  connect(client);
  const std::string largest(1024, 'z');
  ASSERT_TRUE(client.send_text(largest));
  EXPECT_EQ(client.receive_text(5s), largest);
}

TEST_F(websocket_connections, messages_over_the_rate_limit_are_slowed_down_not_dropped) {
  server_config config = test_config();
  config.messages_per_second = 20;
  config.message_burst = 5;
  start(config);
  ws_client client;
  connect(client);
  constexpr int sent = 30;
  for (int i = 0; i < sent; ++i) ASSERT_TRUE(client.send_text("m" + std::to_string(i)));

  // 5 at once, then 20 per second: every message is echoed, in order, within about 1.25 s.
  int next = 0;
  int reports = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (next < sent && std::chrono::steady_clock::now() < deadline) {
    auto message = client.receive_text(500ms);
    if (!message) continue;
    if (message->starts_with("throttled:")) {
      ++reports;
      continue;
    }
    EXPECT_EQ(*message, "m" + std::to_string(next));
    ++next;
  }
  EXPECT_EQ(next, sent);
  EXPECT_GE(reports, 1);
  EXPECT_LE(reports, 4);  // at most about one report per second
}

TEST_F(websocket_connections, a_peer_held_back_by_the_rate_limit_too_long_is_closed_with_1008) {
  server_config config = test_config();
  config.messages_per_second = 10;
  config.message_burst = 1;
  config.rate_limit_close_after = 500ms;
  start(config);
  ws_client client;
  connect(client);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client.send_text("m"));
  ASSERT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(client.close_code(), close_code::policy_violation);
  EXPECT_EQ(client.close_reason(), "message rate limit exceeded for 500 ms");
}

TEST_F(websocket_connections, a_connection_that_is_never_introduced_is_closed_after_the_first_message_deadline) {
  server_config config = test_config();
  config.first_message_timeout = 300ms;
  start(config);
  ws_client client;
  connect(client);
  ASSERT_TRUE(client.send_text("hello"));  // a message is not an introduction: only the handler says so
  EXPECT_EQ(client.receive_text(5s), "hello");
  ASSERT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(client.close_code(), close_code::policy_violation);
  EXPECT_EQ(client.close_reason(), "no first message within 300 ms");
}

TEST_F(websocket_connections, an_introduced_connection_outlives_the_first_message_deadline) {
  server_config config = test_config();
  config.first_message_timeout = 300ms;
  start(config);
  ws_client client;
  connect(client);
  ASSERT_TRUE(client.send_text("introduce"));
  EXPECT_EQ(client.receive_text(5s), "introduce");
  std::this_thread::sleep_for(600ms);
  ASSERT_TRUE(client.send_text("still here"));
  EXPECT_EQ(client.receive_text(5s), "still here");
}

TEST_F(websocket_connections, a_client_that_never_reads_is_disconnected_and_its_queue_stays_bounded) {
  server_config config = test_config();
  config.max_queued_bytes = 256 * 1024;
  start(config);
  ws_client client;
  connect(client);
  const auto id = id_of(client);
  ASSERT_TRUE(client.send_text("flood"));
  // The client reads nothing from here on: the server must give up on it by itself.
  EXPECT_TRUE(eventually([&] { return rec_.closes_of(id) == 1; })) << "slow consumer not disconnected";
  EXPECT_LE(rec_.max_queued.load(), config.max_queued_bytes);
  EXPECT_TRUE(client.wait_closed(10s));
}

TEST_F(websocket_connections, a_slow_consumer_is_closed_with_1008_and_its_queue_dropped) {
  server_config config = test_config();
  config.max_queued_bytes = 256 * 1024;
  start(config);
  ws_client client;
  connect(client);
  ASSERT_TRUE(client.send_text("burst 100"));  // 6.4 MB at once against a 256 KiB queue
  EXPECT_TRUE(client.wait_closed(10s));
  EXPECT_EQ(client.close_code(), close_code::policy_violation);
  EXPECT_EQ(client.close_reason(), "slow consumer");
  EXPECT_LE(client.pending(), 5u);  // the queue was dropped, not delivered
}

TEST_F(websocket_connections, a_server_side_close_sends_the_queued_messages_first) {
  start();
  ws_client client;
  connect(client);
  ASSERT_TRUE(client.send_text("bye"));
  EXPECT_EQ(client.receive_text(5s), "first");
  EXPECT_EQ(client.receive_text(5s), "second");
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(client.close_code(), 4000);
  EXPECT_EQ(client.close_reason(), "done");
  EXPECT_EQ(client.receive_text(100ms), std::nullopt);
}

TEST_F(websocket_connections, a_throwing_handler_closes_its_connection_with_1011) {
  start();
  ws_client client;
  connect(client);
  const auto id = id_of(client);
  ASSERT_TRUE(client.send_text("throw"));
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(client.close_code(), close_code::internal_error);
  EXPECT_TRUE(eventually([&] { return rec_.closes_of(id) == 1; }));
}

TEST_F(websocket_connections, on_close_is_called_once_when_the_client_closes_politely) {
  start();
  ws_client client;
  connect(client);
  const auto id = id_of(client);
  client.close();
  EXPECT_TRUE(eventually([&] { return rec_.closes_of(id) == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(rec_.closes_of(id), 1);
}

TEST_F(websocket_connections, on_close_is_called_once_when_the_client_disappears_abruptly) {
  start();
  ws_client client;
  connect(client);
  const auto id = id_of(client);
  client.drop();
  EXPECT_TRUE(eventually([&] { return rec_.closes_of(id) == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(rec_.closes_of(id), 1);
  EXPECT_EQ(server_->on_loop([this] { return server_->front().connection_count(); }), 0u);
}

TEST_F(websocket_connections, stop_closes_every_client_with_the_given_code_and_run_returns) {
  start();
  ws_client a;
  ws_client b;
  connect(a);
  connect(b);
  id_of(a);
  id_of(b);
  server_->request_stop(close_code::service_restart, "service restart");
  for (ws_client* client : {&a, &b}) {
    EXPECT_TRUE(client->wait_closed(5s));
    EXPECT_EQ(client->close_code(), close_code::service_restart);
    EXPECT_EQ(client->close_reason(), "service restart");
  }
  ASSERT_TRUE(server_->wait_stopped());
  EXPECT_EQ(rec_.total_closes(), 2);
  EXPECT_EQ(rec_.opened.load(), 2);
}

TEST_F(websocket_connections, stop_cuts_a_client_that_never_answers_the_close_and_run_still_returns) {
  start();
  ws_client client;
  connect(client);
  const auto id = id_of(client);
  // The client's loop is not run from here on, so it never answers the close frame: close_timeout must cut it.
  ASSERT_TRUE(server_->stop(close_code::going_away, "bye"));
  EXPECT_EQ(rec_.closes_of(id), 1);
}

TEST_F(websocket_connections, on_close_is_called_exactly_once_for_every_connection) {
  start();
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<ws_client>());
    connect(*clients.back());
    id_of(*clients.back());
  }
  clients[0]->close();
  clients[1]->drop();
  ASSERT_TRUE(clients[2]->send_text("throw"));
  ASSERT_TRUE(clients[3]->send_text("bye"));
  EXPECT_TRUE(eventually([&] { return rec_.total_closes() == 4; }));
  ASSERT_TRUE(server_->stop(close_code::going_away, "bye"));
  EXPECT_EQ(rec_.opened.load(), 6);
  std::lock_guard lock(rec_.mutex);
  EXPECT_EQ(rec_.closes.size(), 6u);
  for (const auto& [id, calls] : rec_.closes) EXPECT_EQ(calls, 1) << "connection " << id;
}

}  // namespace
}  // namespace lingua::net
