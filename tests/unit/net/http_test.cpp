// The plain-HTTP side of net::server, driven over loopback with the test kit's HTTP client.
#include <gtest/gtest.h>

#include <stdexcept>

#include "kit/http_client.hpp"
#include "kit/ws_client.hpp"
#include "running_server.hpp"

namespace lingua::net {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;
using lingua::test::http_connection;
using lingua::test::http_get;

const std::string host = "127.0.0.1";

class http_routes : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.front().handle_get(
        "/health", [](const http_request&) -> awaitable<http_response> { co_return http_response{.body = "OK"}; });
    server_.front().handle_get("/teapot", [](const http_request&) -> awaitable<http_response> {
      co_return http_response{.status = 418,
                              .content_type = "application/json",
                              .body = R"({"short":"stout"})",
                              .headers = {{"X-Lingua-Test", "yes"}}};
    });
    server_.front().handle_get("/query", [](const http_request& req) -> awaitable<http_response> {
      co_return http_response{.body = req.path + "|" + req.query + "|" + std::string(req.header("HOST").value_or(""))};
    });
    server_.front().handle_get("/broken", [](const http_request&) -> awaitable<http_response> {
      throw std::runtime_error("handler failure on purpose");
      co_return http_response{};
    });
    server_.front().handle_websocket("/ws/session", [](const std::shared_ptr<connection>&, const http_request&) {
      return std::shared_ptr<connection_handler>();
    });
    server_.start();
  }

  test::running_server server_;
};

TEST_F(http_routes, a_registered_get_route_answers_with_the_handlers_status_body_and_headers) {
  const auto reply = http_get(host, server_.port(), "/teapot");
  EXPECT_EQ(reply.status, 418u) << reply.error;
  EXPECT_EQ(reply.body, R"({"short":"stout"})");
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_EQ(reply.header("X-Lingua-Test"), "yes");
}

TEST_F(http_routes, a_plain_text_route_defaults_to_200_text_plain) {
  const auto reply = http_get(host, server_.port(), "/health");
  EXPECT_EQ(reply.status, 200u) << reply.error;
  EXPECT_EQ(reply.body, "OK");
  EXPECT_EQ(reply.content_type.rfind("text/plain", 0), 0u) << reply.content_type;
}

TEST_F(http_routes, the_handler_sees_the_path_without_the_query_and_the_headers) {
  const auto reply = http_get(host, server_.port(), "/query?a=1&b=2");
  EXPECT_EQ(reply.status, 200u) << reply.error;
  EXPECT_EQ(reply.body, "/query|a=1&b=2|127.0.0.1:" + std::to_string(server_.port()));
}

TEST_F(http_routes, an_unknown_path_is_answered_with_404) {
  EXPECT_EQ(http_get(host, server_.port(), "/nope").status, 404u);
  EXPECT_EQ(http_get(host, server_.port(), "/health/extra").status, 404u);
}

TEST_F(http_routes, a_method_other_than_get_on_a_known_path_is_answered_with_405) {
  http_connection connection(host, server_.port());
  const auto reply = connection.request("POST", "/health");
  EXPECT_EQ(reply.status, 405u) << reply.error;
  EXPECT_EQ(reply.header("Allow"), "GET");
}

TEST_F(http_routes, a_websocket_path_without_an_upgrade_is_answered_with_426) {
  EXPECT_EQ(http_get(host, server_.port(), "/ws/session").status, 426u);
}

TEST_F(http_routes, a_websocket_upgrade_on_a_plain_path_is_refused) {
  lingua::test::ws_client client;
  EXPECT_THROW(client.connect(host, server_.port(), "/health", 2s), std::runtime_error);
  EXPECT_THROW(client.connect(host, server_.port(), "/unknown", 2s), std::runtime_error);
}

TEST_F(http_routes, keep_alive_serves_several_requests_on_one_connection) {
  http_connection connection(host, server_.port());
  for (int i = 0; i < 3; ++i) {
    const auto reply = connection.get("/health");
    ASSERT_EQ(reply.status, 200u) << "request " << i << ": " << reply.error;
    EXPECT_EQ(reply.body, "OK");
  }
}

TEST_F(http_routes, a_throwing_handler_yields_500_and_the_connection_stays_usable) {
  http_connection connection(host, server_.port());
  EXPECT_EQ(connection.get("/broken").status, 500u);
  EXPECT_EQ(connection.get("/health").status, 200u);
}

TEST_F(http_routes, stop_ends_idle_keep_alive_connections_and_lets_run_return) {
  http_connection connection(host, server_.port());
  ASSERT_EQ(connection.get("/health").status, 200u);
  EXPECT_TRUE(server_.stop(close_code::going_away, "bye"));
  EXPECT_EQ(connection.get("/health", 2s).status, 0u);
}

TEST(http_server, port_zero_binds_an_ephemeral_port_that_is_reported) {
  test::running_server server;
  EXPECT_EQ(server.front().port(), 0);
  server.start();
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(http_get(host, server.port(), "/anything").status, 404u);
}

TEST(http_server, a_bad_listen_address_is_refused_at_construction) {
  boost::asio::io_context loop;
  server_config config;
  config.address = "not an address";
  EXPECT_THROW(server(loop.get_executor(), config), std::invalid_argument);
}

}  // namespace
}  // namespace lingua::net
