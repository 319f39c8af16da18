#pragma once
// The operator API (docs/api.md): GET /api/v1/cluster and GET /api/v1/stats (behind the api token when one is
// set), and the admin drains (api/drain_routes.hpp). Registered on the instance's HTTP front by the app.
#include <string>

#include <nlohmann/json.hpp>

#include "auth/operator_gate.hpp"
#include "net/server.hpp"
#include "routing/router.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::api {

struct api_context {
  state::scheduler_state& state;
  routing::router& router;
  std::string instance_id;
  const auth::operator_gate* gate = nullptr;  // who may read and act; nullptr = everything open (tests only)
};

void add_api_routes(net::server& front, api_context context);

// A JSON answer (Cache-Control: no-store), and the one every route gives while Redis does not answer (503).
net::http_response json_response(unsigned status, const nlohmann::json& body);
net::http_response redis_down();

}  // namespace lingua::api
