#pragma once
// Operator drains (docs/api.md "Draining"): POST /api/v1/nodes/drain|undrain?node_id=…,
// POST /api/v1/instances/drain|undrain[?instance_id=…] (default: the answering instance). One script
// (lua/drain.lua) changes the shared state, so a node owned by any instance is drained at once, and the dispatch
// script honours it (status 'draining'). Every route needs the admin token (auth/operator_gate.hpp).
#include "api/api_routes.hpp"

namespace lingua::api {

void add_drain_routes(net::server& front, api_context context);

}  // namespace lingua::api
