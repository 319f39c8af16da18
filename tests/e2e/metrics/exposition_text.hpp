#pragma once
// Reading a scraped /metrics text in tests, and the metric names a PromQL expression uses.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace lingua::test {

struct exposition {
  std::map<std::string, double> samples;     // "name{labels}" exactly as printed (or "name") -> value
  std::map<std::string, std::string> types;  // family name -> counter | gauge | histogram
};

exposition parse_exposition(const std::string& text);
// GET /metrics on 127.0.0.1:port (fails the test on anything but 200).
exposition scrape(std::uint16_t port);
// Scrapes until `done` holds (every 50 ms, at most `timeout`); the last scrape.
exposition scrape_until(std::uint16_t port, const std::function<bool(const exposition&)>& done,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

std::optional<double> sample(const exposition& e, const std::string& key);
// The names a query may use: every family, and for histograms its _bucket, _sum and _count series.
std::set<std::string> exported_names(const exposition& e);

// The metric names an expression selects: string literals, label matchers {…}, ranges […], and the label lists of
// by / without / on / ignoring / group_left / group_right are removed; what remains that is an identifier, not a
// keyword and not a function call is a metric name.
std::set<std::string> promql_metric_names(std::string_view expr);

}  // namespace lingua::test
