#pragma once
// The operator API (docs/api.md): GET /api/v1/cluster and GET /api/v1/stats. Registered on the instance's HTTP
// front by app/http_routes.cpp.
#include <string>

#include "net/server.hpp"
#include "routing/router.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::api {

struct api_context {
  state::scheduler_state& state;
  routing::router& router;
  std::string instance_id;
};

void add_api_routes(net::server& front, api_context context);

}  // namespace lingua::api
