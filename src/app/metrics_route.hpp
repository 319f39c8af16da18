#pragma once
// GET /metrics: the Prometheus text exposition of this instance (metrics::scheduler_metrics). Counters and
// histograms are counted where their events happen; at each scrape the gauges are refreshed from this instance's
// sockets and from a handful of O(1) Redis reads in one pipelined round trip (ZCARD, HLEN, XLEN, XPENDING summary,
// HMGET of this instance's nodes' loads) — never KEYS or SCAN, so a scrape costs the same at 100,000 nodes.
#include <string>

#include "metrics/scheduler_metrics.hpp"
#include "net/server.hpp"
#include "redis/client.hpp"
#include "routing/router.hpp"

namespace lingua::app {

struct metrics_sources {
  redis::client& redis;
  routing::router& router;
  metrics::scheduler_metrics& metrics;
  std::string key_prefix;
  std::string instance_id;
};

void add_metrics_route(net::server& front, metrics_sources sources);

}  // namespace lingua::app
