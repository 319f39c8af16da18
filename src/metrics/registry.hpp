#pragma once
// A small Prometheus text-exposition (format 0.0.4) registry, owned by the application (no global instance).
//
// Threading and cost: a scheduler process runs one event loop, and every metric is only touched from it, so
// values are plain integers and doubles — no atomics, no locks. An increment on a series the caller keeps a
// reference to is one addition; looking a series up by label values is one map lookup (keep hot-path series).
//
// Cardinality: every family has a bound on its series (max_series). A new combination of label values beyond it
// is counted in one extra overflow series whose every label value is "other", so a misbehaving peer can never grow the
// exposition without bound. Label values come from the caller; callers pass domain values (reasons, codes), never
// job or session ids.
//
// Format: each family is rendered once with its # HELP and # TYPE lines, series in label order; HELP text
// escapes `\` and newline, label values escape `\`, `"` and newline; histograms render cumulative _bucket{le}
// series ending with le="+Inf", then _sum and _count.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lingua::metrics {

class counter {
 public:
  void inc(std::uint64_t by = 1) { value_ += by; }
  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = 0;
};

class gauge {
 public:
  void set(double v) { value_ = v; }
  void add(double by) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class histogram {
 public:
  // `bounds`: strictly increasing upper bounds (without +Inf), shared by every series of a family.
  explicit histogram(const std::vector<double>* bounds);
  void observe(double v);
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  // Per bucket (not cumulative), the last one being +Inf.
  const std::vector<std::uint64_t>& buckets() const { return buckets_; }

 private:
  const std::vector<double>* bounds_;
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

using label_values = std::vector<std::string>;

enum class metric_type { counter, gauge, histogram };

// The part of a family the registry renders.
class family_base {
 public:
  family_base(std::string name, std::string help, std::vector<std::string> label_names, std::size_t max_series);
  virtual ~family_base() = default;
  family_base(const family_base&) = delete;
  family_base& operator=(const family_base&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  virtual metric_type type() const = 0;
  virtual void render(std::string& out) const = 0;
  // Forgets every series (for gauges recomputed from scratch at each scrape).
  virtual void clear() = 0;

 protected:
  // The label values to store a new series under: `values` itself while fewer than max_series series are
  // admitted, else the overflow key (every label "other").
  label_values admit(label_values values, std::size_t admitted) const;
  label_values overflow_key() const;
  void render_header(std::string& out) const;
  // `{a="x",b="y"}` (or "" without labels), with `extra` (e.g. le="0.5") appended inside the braces.
  void render_labels(std::string& out, const label_values& values, std::string_view extra = {}) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::size_t max_series_;
};

template <class Metric>
class family final : public family_base {
 public:
  family(std::string name, std::string help, std::vector<std::string> label_names, std::size_t max_series,
         std::vector<double> bounds = {})
      : family_base(std::move(name), std::move(help), std::move(label_names), max_series),
        bounds_(std::move(bounds)) {}

  // The series for these label values (one per label name, in order); created at zero on first use. The
  // reference stays valid until clear().
  Metric& with(label_values values);
  Metric& with(std::initializer_list<std::string_view> values) {
    return with(label_values(values.begin(), values.end()));
  }
  // The series without labels (for a family declared without label names).
  Metric& get() { return with(label_values{}); }

  metric_type type() const override;
  void render(std::string& out) const override;
  void clear() override { series_.clear(); }
  std::size_t series_count() const { return series_.size(); }

 private:
  std::vector<double> bounds_;  // histograms only
  std::map<label_values, Metric> series_;
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

class registry {
 public:
  static constexpr std::size_t default_max_series = 64;

  // Registration validates names (metric [a-zA-Z_:][a-zA-Z0-9_:]*, label [a-zA-Z_][a-zA-Z0-9_]*, no "__" prefix,
  // no "le" on histograms, unique family names) and throws std::invalid_argument: a programming error found at
  // start-up. The returned reference lives as long as the registry.
  counter_family& add_counter(std::string name, std::string help, std::vector<std::string> label_names = {},
                              std::size_t max_series = default_max_series);
  gauge_family& add_gauge(std::string name, std::string help, std::vector<std::string> label_names = {},
                          std::size_t max_series = default_max_series);
  histogram_family& add_histogram(std::string name, std::string help, std::vector<double> bounds,
                                  std::vector<std::string> label_names = {},
                                  std::size_t max_series = default_max_series);

  // The whole exposition, families in registration order.
  std::string render() const;
  std::vector<std::string> family_names() const;

 private:
  void check_new(const std::string& name, const std::vector<std::string>& label_names, bool histogram) const;
  std::vector<std::unique_ptr<family_base>> families_;
};

// Sample values as the text format writes them: shortest round-trip decimal, +Inf / -Inf / NaN.
std::string format_value(double v);
std::string escape_label_value(std::string_view v);
std::string escape_help(std::string_view v);

}  // namespace lingua::metrics
