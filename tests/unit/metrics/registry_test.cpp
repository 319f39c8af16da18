#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "metrics/registry.hpp"

namespace lingua::metrics {
namespace {

TEST(metrics_registry, renders_help_and_type_once_per_family_with_every_series_below) {
  registry r;
  auto& c = r.add_counter("jobs_total", "Jobs by outcome.", {"outcome"});
  c.with({"completed"}).inc(3);
  c.with({"failed"}).inc();
  EXPECT_EQ(r.render(),
            "# HELP jobs_total Jobs by outcome.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{outcome=\"completed\"} 3\n"
            "jobs_total{outcome=\"failed\"} 1\n");
}

TEST(metrics_registry, escapes_label_values_and_help_text_as_format_0_0_4_requires) {
  registry r;
  auto& g = r.add_gauge("odd", "Back\\slash and\nnewline.", {"v"});
  g.with({"a\"b\\c\nd"}).set(1);
  EXPECT_EQ(r.render(),
            "# HELP odd Back\\\\slash and\\nnewline.\n"
            "# TYPE odd gauge\n"
            "odd{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(metrics_registry, renders_histograms_as_cumulative_buckets_ending_with_inf_then_sum_and_count) {
  registry r;
  auto& h = r.add_histogram("latency_seconds", "Latency.", {0.1, 0.5, 1});
  h.get().observe(0.05);
  h.get().observe(0.1);  // le is inclusive
  h.get().observe(0.7);
  h.get().observe(9);
  EXPECT_EQ(r.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.1\"} 2\n"
            "latency_seconds_bucket{le=\"0.5\"} 2\n"
            "latency_seconds_bucket{le=\"1\"} 3\n"
            "latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "latency_seconds_sum 9.85\n"
            "latency_seconds_count 4\n");
}

TEST(metrics_registry, puts_the_le_label_after_the_family_labels_of_a_histogram) {
  registry r;
  auto& h = r.add_histogram("wait_seconds", "Wait.", {1}, {"pool"});
  h.with({"en-zh"}).observe(2);
  const std::string text = r.render();
  EXPECT_NE(text.find("wait_seconds_bucket{pool=\"en-zh\",le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wait_seconds_bucket{pool=\"en-zh\",le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wait_seconds_count{pool=\"en-zh\"} 1\n"), std::string::npos) << text;
}

TEST(metrics_registry, folds_label_values_past_the_series_bound_into_one_other_series) {
  registry r;
  auto& c = r.add_counter("codes_total", "By code.", {"code"}, 3);
  c.with({"A"}).inc();
  c.with({"B"}).inc();
  c.with({"C"}).inc();
  c.with({"D"}).inc();
  c.with({"A"}).inc();  // an admitted series keeps counting
  c.with({"E"}).inc();
  EXPECT_EQ(c.series_count(), 4U) << "three admitted, one overflow";
  const std::string text = r.render();
  EXPECT_NE(text.find("codes_total{code=\"A\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("codes_total{code=\"C\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("codes_total{code=\"other\"} 2\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("code=\"D\""), std::string::npos) << text;
}

TEST(metrics_registry, writes_special_values_and_shortest_decimals) {
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(2), "2");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_value(0.0 / 0.0), "NaN");
}

TEST(metrics_registry, refuses_bad_names_duplicates_le_on_histograms_and_unsorted_buckets) {
  registry r;
  r.add_counter("ok_total", "x");
  EXPECT_THROW(r.add_counter("ok_total", "x"), std::invalid_argument);
  EXPECT_THROW(r.add_counter("9lives", "x"), std::invalid_argument);
  EXPECT_THROW(r.add_counter("has-dash", "x"), std::invalid_argument);
  EXPECT_THROW(r.add_gauge("g", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.add_gauge("g2", "x", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(r.add_histogram("h", "x", {1}, {"le"}), std::invalid_argument);
  EXPECT_THROW(r.add_histogram("h2", "x", {2, 1}), std::invalid_argument);
  EXPECT_THROW(r.add_histogram("h3", "x", {}), std::invalid_argument);
}

TEST(metrics_registry, refuses_a_series_with_the_wrong_number_of_label_values) {
  registry r;
  auto& c = r.add_counter("pairs_total", "x", {"a", "b"});
  EXPECT_THROW(c.with({"only one"}), std::invalid_argument);
}

TEST(metrics_registry, keeps_a_series_reference_valid_while_others_are_added) {
  registry r;
  auto& c = r.add_counter("many_total", "x", {"k"}, 1000);
  counter& first = c.with({"0"});
  for (int i = 1; i < 500; ++i) c.with({std::to_string(i)}).inc();
  first.inc(7);
  EXPECT_EQ(c.with({"0"}).value(), 7U);
}

TEST(metrics_registry, renders_an_unlabelled_family_without_braces_and_clears_gauges) {
  registry r;
  auto& g = r.add_gauge("up", "Up.");
  g.get().set(1);
  EXPECT_EQ(r.render(), "# HELP up Up.\n# TYPE up gauge\nup 1\n");
  g.clear();
  EXPECT_EQ(r.render(), "# HELP up Up.\n# TYPE up gauge\n");
}

}  // namespace
}  // namespace lingua::metrics
