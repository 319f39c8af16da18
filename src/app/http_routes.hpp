#pragma once
// The HTTP routes: /health (liveness of the instance and its Redis), /ready, /metrics, and the browser pages
// (web/, embedded at build time: "/" is the client).
#include <string>

#include "metrics/scheduler_metrics.hpp"
#include "net/server.hpp"
#include "redis/client.hpp"
#include "routing/router.hpp"

namespace lingua::app {

struct http_context {
  redis::client& redis;
  routing::router& router;
  std::string instance_id;
  metrics::scheduler_metrics* metrics = nullptr;  // /metrics is served when set (app/metrics_route.hpp)
  std::string key_prefix = "lingua";
};

void add_http_routes(net::server& front, http_context context);

}  // namespace lingua::app
