#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "metrics/scheduler_metrics.hpp"

namespace lingua::metrics {
namespace {

// Every sample line's metric name belongs to a family declared by a TYPE line above it (histogram suffixes
// included), and no family is declared twice: what a Prometheus parser checks.
TEST(scheduler_metrics, exposes_each_family_once_with_samples_only_under_their_own_type_line) {
  scheduler_metrics m;
  m.dispatched(0.003);
  m.reserve_attempt("success");
  m.job_outcome("failed", "PROCESSING_ERROR");
  m.failover("node_lost");
  m.utterance_cut("pause");
  m.refused_frame("session", "invalid_message");
  m.socket("node").frames_in->inc();
  m.redis_error("timeout");
  m.nodes_by_pool().with({"en-zh"}).set(2);
  std::istringstream text(m.render());
  std::set<std::string> declared;
  std::string current;
  std::string line;
  int samples = 0;
  while (std::getline(text, line)) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream fields(line.substr(7));
      std::string type;
      fields >> current >> type;
      EXPECT_TRUE(declared.insert(current).second) << "declared twice: " << current;
      continue;
    }
    if (line.starts_with("#")) continue;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    const bool own = name == current || name == current + "_bucket" || name == current + "_sum" ||
                     name == current + "_count";
    EXPECT_TRUE(own) << line << " under " << current;
    EXPECT_TRUE(name.starts_with("scheduler_")) << line;
    ++samples;
  }
  EXPECT_GT(samples, 40);
  EXPECT_TRUE(declared.contains("scheduler_dispatch_latency_seconds"));
  EXPECT_TRUE(declared.contains("scheduler_reserve_attempt_total"));
  EXPECT_TRUE(declared.contains("scheduler_build_info"));
}

TEST(scheduler_metrics, counts_socket_events_in_the_series_of_their_endpoint) {
  scheduler_metrics m;
  m.socket("session").frames_out->inc(2);
  m.socket("node").closed_slow_consumer->inc();
  m.socket("elsewhere").frames_in->inc();
  const std::string text = m.render();
  EXPECT_NE(text.find("scheduler_ws_frames_total{endpoint=\"session\",direction=\"out\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("scheduler_ws_closes_total{endpoint=\"node\",reason=\"slow_consumer\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("scheduler_ws_frames_total{endpoint=\"other\",direction=\"in\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace lingua::metrics
