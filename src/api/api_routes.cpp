#include "api/api_routes.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "api/api_views.hpp"
#include "clock/clock.hpp"
#include "api/cluster_reader.hpp"
#include "api/drain_routes.hpp"
#include "auth/credential.hpp"
#include "web/static_assets.hpp"

#ifndef LINGUA_VERSION
#define LINGUA_VERSION "unknown"
#endif

namespace lingua::api {
namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr std::int64_t max_node_page = 5000;

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

// ?cursor=<pool member>&limit=<1..5000>; absent or unparsable limit: the default page.
read_limits limits_of(const net::http_request& request) {
  read_limits limits;
  if (auto cursor = auth::query_parameter(request.query, "cursor")) limits.cursor = *cursor;
  if (auto limit = auth::query_parameter(request.query, "limit")) {
    char* end = nullptr;
    const long long n = std::strtoll(limit->c_str(), &end, 10);
    if (end != limit->c_str() && *end == '\0') limits.node_page = std::clamp<std::int64_t>(n, 1, max_node_page);
  }
  return limits;
}

struct shared_context {
  api_context api;
  local_instance self;
};

local_instance local_view(const shared_context& ctx) {
  local_instance self = ctx.self;
  for (const auto& id : ctx.api.router.local_session_ids()) {
    if (auto sink = ctx.api.router.local_session(id)) {
      const routing::session_languages l = sink->languages();
      self.sessions.push_back(local_session{l.src_lang, l.tgt_lang, l.mode, l.lang_a, l.lang_b});
    }
  }
  return self;
}

using body_builder = json (*)(const json& read, const local_instance& self);

// A read route: the reader's token check, one read of the cluster, the body built from it.
net::http_handler read_route(std::shared_ptr<shared_context> ctx, body_builder build) {
  return [ctx, build](const net::http_request& request) -> asio::awaitable<net::http_response> {
    if (ctx->api.gate != nullptr) {
      if (auto refused = ctx->api.gate->admit_reader(request)) co_return *refused;
    }
    read_limits limits = limits_of(request);
    std::optional<json> read = co_await read_cluster(ctx->api.state, limits);
    if (!read) co_return redis_down();
    co_return json_response(200, build(*read, local_view(*ctx)));
  };
}

}  // namespace

net::http_response json_response(unsigned status, const json& body) {
  return net::http_response{.status = status,
                            .content_type = "application/json",
                            .body = body.dump(-1, ' ', false, json::error_handler_t::replace),
                            .headers = {{"Cache-Control", "no-store"}}};
}

net::http_response redis_down() {
  return json_response(503, json{{"error", "SCHEDULER_DEPENDENCY_DOWN"}, {"message", "Redis does not answer"}});
}

void add_api_routes(net::server& front, api_context context) {
  auto ctx = std::make_shared<shared_context>(shared_context{context, {}});
  ctx->self.instance_id = context.instance_id;
  ctx->self.hostname = host_name();
  ctx->self.pid = ::getpid();
  ctx->self.version = LINGUA_VERSION;
  ctx->self.started_at_ms = wall_ms();
  ctx->self.key_prefix = context.state.config().key_prefix;

  front.handle_get("/api/v1/cluster", read_route(ctx, &cluster_body));
  front.handle_get("/api/v1/stats", read_route(ctx, &stats_body));
  add_drain_routes(front, context);
  // The dashboard page (web/dashboard/, embedded at build time). The page holds no data: its API calls carry the
  // token, so it is served without one.
  front.handle_get("/dashboard", [](const net::http_request& request) -> asio::awaitable<net::http_response> {
    const auto page = web::find_asset("/dashboard/index.html");
    if (!page) co_return net::http_response{.status = 404, .body = "not found\n"};
    co_return web::respond(*page, request);
  });
}

}  // namespace lingua::api
