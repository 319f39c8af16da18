#include "app/http_routes.hpp"

#include "app/metrics_route.hpp"

#include <nlohmann/json.hpp>

#include "web/static_assets.hpp"

namespace lingua::app {
namespace asio = boost::asio;

namespace {

asio::awaitable<bool> redis_answers(redis::client& redis) {
  redis::command_args ping{"PING"};  // named: GCC 12 mis-compiles a braced list inside co_await
  auto r = co_await redis.command(std::move(ping), std::chrono::milliseconds(500));
  co_return r.ok();
}

}  // namespace

void add_http_routes(net::server& front, http_context ctx) {
  web::add_static_routes(front);  // the browser client at "/" and its files (web/)
  // 200 "OK" while Redis answers, 503 otherwise: nothing is dispatched without the shared state.
  front.handle_get("/health", [ctx](const net::http_request&) -> asio::awaitable<net::http_response> {
    const bool up = co_await redis_answers(ctx.redis);
    if (up) co_return net::http_response{.body = "OK"};
    co_return net::http_response{.status = 503, .body = "redis unreachable"};
  });
  front.handle_get("/ready", [ctx](const net::http_request&) -> asio::awaitable<net::http_response> {
    const bool up = co_await redis_answers(ctx.redis);
    nlohmann::json body = {{"ready", up},
                           {"instance_id", ctx.instance_id},
                           {"redis", up ? "up" : "down"},
                           {"sessions", ctx.router.local_session_count()},
                           {"nodes", ctx.router.local_node_count()}};
    co_return net::http_response{.status = up ? 200U : 503U, .content_type = "application/json", .body = body.dump()};
  });
  if (ctx.metrics != nullptr) {
    add_metrics_route(front, metrics_sources{ctx.redis, ctx.router, *ctx.metrics, ctx.key_prefix, ctx.instance_id});
  }
}

}  // namespace lingua::app
