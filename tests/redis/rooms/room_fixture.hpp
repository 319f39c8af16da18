#pragma once
// A real redis-server per test, a client on it, and the room store (lua/room_*.lua) under test.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "redis/client.hpp"
#include "redis/embedded_server.hpp"
#include "rooms/room_store.hpp"
#include "state/scheduler_state.hpp"
#include "support/await.hpp"

namespace lingua::test {

class room_test : public ::testing::Test {
 protected:
  void SetUp() override {
    server = std::make_unique<redis::embedded_server>();
    server->start();
    redis::client_options options;
    options.address = server->address();
    client = std::make_unique<redis::client>(io.get_executor(), options);
    client->start();
    for (int i = 0; i < 200 && !client->connected(); ++i) io.run_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(client->connected());
    state::state_config config;
    config.key_prefix = "test";
    state = std::make_unique<state::scheduler_state>(*client, config);
    store = std::make_unique<rooms::room_store>(*state);
  }

  void TearDown() override {
    client->stop();
    io.restart();
    io.run_for(std::chrono::milliseconds(50));
    server->stop();
  }

  template <class T>
  T run(boost::asio::awaitable<T> work) {
    return lingua::test::await(io, std::move(work));
  }

  static rooms::room_member member(const std::string& session_id, std::optional<std::string> preferred_lang = {},
                                   const std::string& tgt_lang = "zh") {
    rooms::room_member m;
    m.session_id = session_id;
    m.display_name = "name of " + session_id;
    m.preferred_lang = std::move(preferred_lang);
    m.tgt_lang = tgt_lang;
    m.joined_at = "2026-01-01T00:00:00.000Z";
    return m;
  }

  static std::vector<std::string> ids(const std::vector<rooms::room_member>& members) {
    std::vector<std::string> out;
    for (const auto& m : members) out.push_back(m.session_id);
    return out;
  }

  rooms::room_change create(const std::string& code, const std::string& session_id) {
    auto r = run(store->create(code, "room-id-" + code, member(session_id)));
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : rooms::room_change{};
  }

  rooms::room_change join(const std::string& code, const std::string& session_id, std::size_t max_members = 50) {
    auto r = run(store->join(code, member(session_id), max_members));
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : rooms::room_change{};
  }

  rooms::room_change leave(const std::string& code, const std::string& session_id) {
    auto r = run(store->leave(code, session_id));
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : rooms::room_change{};
  }

  std::string room_of(const std::string& session_id) {
    auto r = run(store->room_of(session_id));
    EXPECT_TRUE(r);
    return r ? *r : std::string("?");
  }

  redis::reply raw(redis::command_args args) {
    auto r = run(client->command(std::move(args)));
    EXPECT_FALSE(r.ec) << r.ec.message();
    return r.value;
  }

  std::string key(const std::string& suffix) const { return state->keys().key(suffix); }

  boost::asio::io_context io;
  std::unique_ptr<redis::embedded_server> server;
  std::unique_ptr<redis::client> client;
  std::unique_ptr<state::scheduler_state> state;
  std::unique_ptr<rooms::room_store> store;
};

using kind = rooms::room_change::kind;
using strings = std::vector<std::string>;

}  // namespace lingua::test
