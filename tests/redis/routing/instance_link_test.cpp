// Two instances in one process, on one real Redis: inbox delivery, dead letters, and the take-over of a dead one.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>

#include "redis/client.hpp"
#include "redis/embedded_server.hpp"
#include "routing/instance_link.hpp"
#include "state/scheduler_state.hpp"
#include "support/await.hpp"

namespace lingua::test {
namespace {

namespace asio = boost::asio;

struct recording_session : routing::session_sink {
  std::vector<routing::session_delivery> received;
  void deliver(routing::session_delivery d) override { received.push_back(std::move(d)); }
};

struct recording_node : routing::node_sink {
  std::vector<std::string> frames;
  bool send_text(std::string text) override {
    frames.push_back(std::move(text));
    return true;
  }
};

// One scheduler instance's routing: its own clients, state view, router and link.
struct instance {
  instance(asio::io_context& io, const std::string& address, const std::string& id, routing::instance_config cfg)
      : redis(io.get_executor(), options(address, 2)),
        inbox(io.get_executor(), options(address, 1)),
        state(redis, state::state_config{}),
        link(io.get_executor(), state, inbox, router, with_id(cfg, id)) {
    redis.start();
    inbox.start();
    router.set_remote(&link);
  }
  static redis::client_options options(const std::string& address, std::size_t connections) {
    redis::client_options o;
    o.address = address;
    o.connections = connections;
    return o;
  }
  static routing::instance_config with_id(routing::instance_config cfg, const std::string& id) {
    cfg.instance_id = id;
    return cfg;
  }
  redis::client redis;
  redis::client inbox;
  state::scheduler_state state;
  routing::router router;
  routing::instance_link link;
};

class instance_link_test : public ::testing::Test {
 protected:
  void SetUp() override {
    server.start();
    config.presence_ttl_ms = 600;
    config.presence_renew_ms = 100;
    config.stream_block_ms = 100;
    config.reclaim_idle_ms = 100;
    config.dead_letter_after = 2;
    a = std::make_unique<instance>(io, server.address(), "a", config);
    b = std::make_unique<instance>(io, server.address(), "b", config);
    await(io, a->link.start());
    await(io, b->link.start());
  }
  void TearDown() override {
    a->link.stop();
    b->link.stop();
    a->redis.stop();
    a->inbox.stop();
    b->redis.stop();
    b->inbox.stop();
    io.run_for(std::chrono::milliseconds(300));
  }
  void run_for(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }
  // Named weak_ptrs of the exact parameter type: see the GCC 12 note in docs/architecture.md.
  void claim_session(instance& on, const std::string& id, const std::shared_ptr<recording_session>& sink) {
    std::weak_ptr<routing::session_sink> weak = sink;
    await(io, on.router.claim_session(id, std::move(weak)));
  }
  void claim_node(instance& on, const std::string& id, const std::shared_ptr<recording_node>& sink) {
    std::weak_ptr<routing::node_sink> weak = sink;
    await(io, on.router.claim_node(id, std::move(weak)));
  }
  std::int64_t integer(redis::command_args args) {
    return await(io, a->redis.command(std::move(args))).value.as_integer().value_or(-1);
  }

  asio::io_context io;
  redis::embedded_server server;
  routing::instance_config config;
  std::unique_ptr<instance> a;
  std::unique_ptr<instance> b;
};

TEST_F(instance_link_test, a_message_for_a_session_on_another_instance_arrives_through_its_inbox_and_is_acknowledged) {
  auto session = std::make_shared<recording_session>();
  claim_session(*b, "s-1", session);
  routing::session_delivery news = routing::job_queued{"job-1"};
  EXPECT_TRUE(await(io, a->router.to_session("s-1", std::move(news))));
  for (int i = 0; i < 50 && session->received.empty(); ++i) run_for(std::chrono::milliseconds(20));
  ASSERT_EQ(session->received.size(), 1u);
  EXPECT_EQ(std::get<routing::job_queued>(session->received[0]).job_id, "job-1");
  run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(integer(redis::arguments("XLEN", a->state.keys().key("inbox:b"))), 0) << "acknowledged and deleted";
}

TEST_F(instance_link_test, a_frame_for_a_node_on_another_instance_reaches_its_socket) {
  auto node = std::make_shared<recording_node>();
  claim_node(*a, "n-1", node);
  EXPECT_TRUE(await(io, b->router.to_node("n-1", std::string("{\"type\":\"job_cancel\"}"))));
  for (int i = 0; i < 50 && node->frames.empty(); ++i) run_for(std::chrono::milliseconds(20));
  ASSERT_EQ(node->frames.size(), 1u);
  EXPECT_EQ(node->frames[0], "{\"type\":\"job_cancel\"}");
}

TEST_F(instance_link_test, nobody_owning_the_socket_means_the_message_is_not_accepted) {
  routing::session_delivery news = routing::job_queued{"job-1"};
  EXPECT_FALSE(await(io, a->router.to_session("s-nobody", std::move(news))));
}

TEST_F(instance_link_test, an_entry_whose_socket_is_gone_moves_to_the_dead_letters_after_bounded_tries) {
  auto session = std::make_shared<recording_session>();
  claim_session(*b, "s-1", session);
  b->router.detach_session("s-1", session.get());  // the socket vanished without releasing ownership
  routing::session_delivery news = routing::job_queued{"job-1"};
  EXPECT_TRUE(await(io, a->router.to_session("s-1", std::move(news))));
  for (int i = 0; i < 100 && integer(redis::arguments("XLEN", a->state.keys().key("dead_letters"))) < 1; ++i) {
    run_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(integer(redis::arguments("XLEN", a->state.keys().key("dead_letters"))), 1);
  EXPECT_EQ(integer(redis::arguments("XLEN", a->state.keys().key("inbox:b"))), 0);
}

TEST_F(instance_link_test, releasing_a_socket_that_reconnected_elsewhere_keeps_the_new_owner) {
  auto old_socket = std::make_shared<recording_node>();
  auto new_socket = std::make_shared<recording_node>();
  claim_node(*a, "n-1", old_socket);
  claim_node(*b, "n-1", new_socket);
  EXPECT_FALSE(await(io, a->router.release_node("n-1", old_socket.get())))
      << "the old instance is told it no longer owned the node";
  EXPECT_TRUE(await(io, a->router.to_node("n-1", std::string("x"))));
  for (int i = 0; i < 50 && new_socket->frames.empty(); ++i) run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(new_socket->frames.size(), 1u);
}

TEST_F(instance_link_test, a_dead_instance_is_taken_over_once_with_what_it_still_owned) {
  auto node = std::make_shared<recording_node>();
  auto session = std::make_shared<recording_session>();
  claim_node(*b, "n-b", node);
  claim_session(*b, "s-b", session);
  std::vector<std::string> dead_nodes;
  std::vector<std::string> dead_sessions;
  a->link.on_dead_node = [&](std::string id) -> asio::awaitable<void> {
    dead_nodes.push_back(id);
    co_return;
  };
  a->link.on_dead_session = [&](std::string id) -> asio::awaitable<void> {
    dead_sessions.push_back(id);
    co_return;
  };
  b->link.stop();  // b stops renewing its presence: it is dead once its ttl passes
  for (int i = 0; i < 100 && dead_nodes.empty(); ++i) run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(dead_nodes, std::vector<std::string>{"n-b"});
  EXPECT_EQ(dead_sessions, std::vector<std::string>{"s-b"});
  routing::session_delivery news = routing::job_queued{"job-1"};
  EXPECT_FALSE(await(io, a->router.to_session("s-b", std::move(news)))) << "nothing is sent to a dead inbox";
  run_for(std::chrono::milliseconds(300));
  EXPECT_EQ(dead_nodes.size(), 1u) << "taken over once";
}

}  // namespace
}  // namespace lingua::test
