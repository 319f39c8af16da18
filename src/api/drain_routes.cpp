#include "api/drain_routes.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "auth/credential.hpp"
#include "state/node_capabilities.hpp"
#include "state/script_keys.hpp"

namespace lingua::api {
namespace asio = boost::asio;
using nlohmann::json;

namespace {

struct drain_target {
  std::string kind;  // "node" | "instance"
  std::string id;
};

asio::awaitable<net::http_response> change_drain(const api_context& ctx, const net::http_request& request,
                                                 drain_target target, bool on) {
  if (ctx.gate != nullptr) {
    if (auto refused = ctx.gate->admit_admin(request)) co_return *refused;
  }
  if (!state::valid_node_id(target.id)) {
    co_return json_response(400, json{{"error", "INVALID_MESSAGE"},
                              {"message", target.kind + "_id is missing or not a valid id"}});
  }
  const state::state_keys& keys = ctx.state.keys();
  std::string owned;  // the instance's node set; a node target names no instance and the script ignores it
  if (target.kind == "instance") owned = keys.key("owned:" + target.id + ":node");
  else owned = keys.key("owned::node");
  std::vector<std::string> script_keys = keys.fixed();
  for (auto& k : state::transition_keys_of<state::script_keys::drain>(keys.key("drain"), keys.key("owners:node"),
                                                                      keys.key("instances"), owned)) {
    script_keys.push_back(std::move(k));
  }
  std::vector<std::string> args{target.kind, target.id, on ? "on" : "off"};
  redis::result r = co_await ctx.state.script("drain").call(ctx.state.redis(), script_keys, args);
  if (r.ec || !r.value.is_array() || r.value.size() == 0) {
    co_return redis_down();
  }
  if (r.value[0].str() == "unknown") {
    co_return json_response(404, json{{"error", "NOT_FOUND"}, {"message", "no such " + target.kind + ": " + target.id}});
  }
  json nodes = json::array();
  for (std::size_t i = 1; i + 1 < r.value.size(); i += 2) {
    nodes.push_back({{"node_id", r.value[i].str()}, {"status", r.value[i + 1].str()}});
  }
  spdlog::info("operator: {} {} {} from {} ({} node(s) re-evaluated)", on ? "drain" : "undrain", target.kind,
               target.id, request.remote_endpoint, nodes.size());
  co_return json_response(200, json{{"target", target.kind + ":" + target.id}, {"draining", on}, {"nodes", nodes}});
}

}  // namespace

void add_drain_routes(net::server& front, api_context ctx) {
  for (const bool on : {true, false}) {
    const std::string verb = on ? "drain" : "undrain";
    front.handle_post("/api/v1/nodes/" + verb, [ctx, on](const net::http_request& request)
                                                   -> asio::awaitable<net::http_response> {
      drain_target target{"node", auth::query_parameter(request.query, "node_id").value_or("")};
      co_return co_await change_drain(ctx, request, std::move(target), on);
    });
    front.handle_post("/api/v1/instances/" + verb, [ctx, on](const net::http_request& request)
                                                       -> asio::awaitable<net::http_response> {
      drain_target target{"instance", auth::query_parameter(request.query, "instance_id").value_or(ctx.instance_id)};
      co_return co_await change_drain(ctx, request, std::move(target), on);
    });
  }
}

}  // namespace lingua::api
