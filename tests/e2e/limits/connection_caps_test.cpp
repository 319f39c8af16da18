// Connection caps and deadlines of the real binary over real sockets: a flood of silent sockets from one address,
// the global websocket cap, and the deadlines for a socket's first request, first message and silence.
#include <sys/resource.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "e2e_fixture.hpp"
#include "kit/http_client.hpp"
#include "raw_socket.hpp"

namespace lingua::test {
namespace {

using connection_caps = scheduler_e2e;

TEST_F(connection_caps, silent_sockets_from_one_address_hit_its_cap_while_others_and_health_keep_working) {
  auto& scheduler = start_scheduler({"--server.max_connections_per_address=16"});
  std::vector<std::unique_ptr<raw_socket>> silent;
  for (int i = 0; i < 40; ++i) silent.push_back(std::make_unique<raw_socket>("127.0.0.2", scheduler.port()));

  // The server accepts them in its own time: poll (bounded) until the 24 over the cap have been closed.
  int turned_away = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (turned_away < 40 - 16 && std::chrono::steady_clock::now() < deadline) {
    turned_away = 0;
    for (auto& s : silent) turned_away += s->closed_by_server(5ms) ? 1 : 0;
  }
  EXPECT_EQ(turned_away, 40 - 16);

  // Another address is not affected: a session starts and the health check answers.
  fake_session session;
  session.connect(scheduler.port());
  session.send({{"type", "client_heartbeat"}, {"session_id", session.id()}, {"timestamp", 1}});
  EXPECT_TRUE(session.next("server_heartbeat"));
  EXPECT_EQ(http_get("127.0.0.1", scheduler.port(), "/health").status, 200U);

  // The flooding address gets its share back as its sockets close.
  silent.clear();
  bool admitted_again = false;
  for (int attempt = 0; attempt < 40 && !admitted_again; ++attempt) {
    raw_socket again("127.0.0.2", scheduler.port());
    admitted_again = !again.closed_by_server(100ms);
  }
  EXPECT_TRUE(admitted_again);
  EXPECT_NE(scheduler.log().find("too many sockets from this address"), std::string::npos);
}

TEST_F(connection_caps, over_the_websocket_cap_an_upgrade_gets_503_and_health_still_answers) {
  auto& scheduler = start_scheduler({"--server.max_connections=3"});
  std::vector<std::unique_ptr<fake_session>> sessions;
  for (int i = 0; i < 3; ++i) {
    sessions.push_back(std::make_unique<fake_session>());
    sessions.back()->connect(scheduler.port());
  }
  raw_socket over("127.0.0.1", scheduler.port());
  ASSERT_TRUE(over.send(upgrade_request("/ws/session")));
  const std::string reply = over.read_for(2s);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 503")) << reply;
  EXPECT_TRUE(over.closed_by_server(2s));
  EXPECT_EQ(http_get("127.0.0.1", scheduler.port(), "/health").status, 200U);

  // A slot that frees up is usable again.
  sessions.front()->socket().close();
  sessions.erase(sessions.begin());
  bool upgraded = false;
  for (int attempt = 0; attempt < 40 && !upgraded; ++attempt) {
    raw_socket next("127.0.0.1", scheduler.port());
    next.send(upgrade_request("/ws/session"));
    upgraded = next.read_for(1s).starts_with("HTTP/1.1 101");
    if (!upgraded) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(upgraded);
}

TEST_F(connection_caps, silent_sockets_from_many_addresses_filling_every_descriptor_do_not_lock_out_health) {
  // The original lock-out: more silent sockets than descriptors. Here 300 from 10 addresses (each within its
  // per-address cap) against a scheduler limited to 256 open files.
  rlimit own{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  if (own.rlim_cur < 1024 && own.rlim_max >= 1024) {
    own.rlim_cur = 1024;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &own), 0);
  }
  auto& scheduler = start_scheduler({"--server.max_open_files=256"});
  std::vector<std::unique_ptr<raw_socket>> silent;
  for (int i = 0; i < 300; ++i) {
    silent.push_back(std::make_unique<raw_socket>("127.0.1." + std::to_string(1 + i % 10), scheduler.port()));
  }
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(http_get("127.0.0.1", scheduler.port(), "/health").status, 200U) << "round " << round;
  }
  fake_session session;
  session.connect(scheduler.port());
  session.send({{"type", "client_heartbeat"}, {"session_id", session.id()}, {"timestamp", 1}});
  EXPECT_TRUE(session.next("server_heartbeat"));
  EXPECT_NE(scheduler.log().find("open files limit: 256"), std::string::npos);
}

TEST_F(connection_caps, a_socket_that_sends_no_http_request_is_closed_after_the_request_deadline) {
  auto& scheduler = start_scheduler({"--server.http_request_timeout_ms=500"});
  raw_socket silent("127.0.0.1", scheduler.port());
  raw_socket slow("127.0.0.1", scheduler.port());
  slow.send("GET /health HTTP/1.1\r\nHost: x\r\n");  // never finished
  EXPECT_TRUE(silent.closed_by_server(3s));
  EXPECT_TRUE(slow.closed_by_server(3s));
}

TEST_F(connection_caps, a_socket_that_never_introduces_itself_is_closed_after_the_first_message_deadline) {
  auto& scheduler = start_scheduler({"--server.first_message_timeout_ms=1000"});
  ws_client session_socket;
  session_socket.connect("127.0.0.1", scheduler.port(), "/ws/session");
  ws_client node_socket;
  node_socket.connect("127.0.0.1", scheduler.port(), std::string("/ws/node?token=") + default_node_token);
  fake_session introduced;
  introduced.connect(scheduler.port());

  ASSERT_TRUE(session_socket.wait_closed(3s));
  EXPECT_EQ(session_socket.close_code(), 1008);
  EXPECT_EQ(session_socket.close_reason(), "no session_init within 1 s");
  ASSERT_TRUE(node_socket.wait_closed(3s));
  EXPECT_EQ(node_socket.close_code(), 1008);
  EXPECT_TRUE(node_socket.close_reason().starts_with("no node_register within")) << node_socket.close_reason();

  introduced.send({{"type", "client_heartbeat"}, {"session_id", introduced.id()}, {"timestamp", 1}});
  EXPECT_TRUE(introduced.next("server_heartbeat"));
}

TEST_F(connection_caps, a_websocket_that_answers_no_ping_is_closed_after_the_idle_timeout) {
  auto& scheduler = start_scheduler({"--server.idle_timeout_ms=600"});
  fake_session silent;
  silent.connect(scheduler.port());
  fake_session alive;
  alive.connect(scheduler.port());
  // `alive` keeps reading (so its client answers the server's pings); `silent` runs no loop at all.
  const auto until = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < until) alive.socket().receive_text(100ms);

  EXPECT_TRUE(silent.socket().wait_closed(2s));
  EXPECT_TRUE(alive.socket().is_open());
  alive.send({{"type", "client_heartbeat"}, {"session_id", alive.id()}, {"timestamp", 1}});
  EXPECT_TRUE(alive.next("server_heartbeat"));
}

}  // namespace
}  // namespace lingua::test
