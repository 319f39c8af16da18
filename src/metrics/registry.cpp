#include "metrics/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace lingua::metrics {

namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  auto head = [allow_colon](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
  };
  if (!head(name.front())) return false;
  return std::all_of(name.begin() + 1, name.end(), [&head](char c) { return head(c) || (c >= '0' && c <= '9'); });
}

const std::string overflow_value = "other";

}  // namespace

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  if (ec != std::errc{}) return "NaN";
  return std::string(buffer, end);
}

namespace {

// Backslash and newline always; the double quote too inside a label value.
std::string escape(std::string_view v, bool quote) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view v) { return escape(v, true); }
std::string escape_help(std::string_view v) { return escape(v, false); }

histogram::histogram(const std::vector<double>* bounds) : bounds_(bounds), buckets_(bounds->size() + 1, 0) {}

void histogram::observe(double v) {
  // The first bucket whose upper bound is >= v (le is inclusive); past every bound: +Inf.
  const auto it = std::lower_bound(bounds_->begin(), bounds_->end(), v);
  ++buckets_[static_cast<std::size_t>(it - bounds_->begin())];
  ++count_;
  if (!std::isnan(v)) sum_ += v;
}

family_base::family_base(std::string name, std::string help, std::vector<std::string> label_names,
                         std::size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      max_series_(std::max<std::size_t>(1, max_series)) {}

label_values family_base::admit(label_values values, std::size_t admitted) const {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument(name_ + ": " + std::to_string(label_names_.size()) + " label values expected");
  }
  if (admitted < max_series_ || label_names_.empty()) return values;
  return overflow_key();
}

label_values family_base::overflow_key() const { return label_values(label_names_.size(), overflow_value); }

void family_base::render_header(std::string& out) const {
  static constexpr const char* type_names[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + name_ + ' ' + escape_help(help_) + '\n';
  out += "# TYPE " + name_ + ' ' + type_names[static_cast<int>(type())] + '\n';
}

void family_base::render_labels(std::string& out, const label_values& values, std::string_view extra) const {
  if (values.empty() && extra.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += label_names_[i] + "=\"" + escape_label_value(values[i]) + '"';
  }
  if (!extra.empty()) {
    if (!values.empty()) out += ',';
    out += extra;
  }
  out += '}';
}

template <class Metric>
Metric& family<Metric>::with(label_values values) {
  if (auto it = series_.find(values); it != series_.end()) return it->second;
  const bool overflowed = !label_names().empty() && series_.contains(overflow_key());
  label_values key = admit(std::move(values), series_.size() - (overflowed ? 1 : 0));
  if (auto it = series_.find(key); it != series_.end()) return it->second;
  if constexpr (std::is_same_v<Metric, histogram>) {
    return series_.emplace(std::move(key), histogram(&bounds_)).first->second;
  } else {
    return series_.emplace(std::move(key), Metric{}).first->second;
  }
}

template <>
metric_type family<counter>::type() const {
  return metric_type::counter;
}
template <>
metric_type family<gauge>::type() const {
  return metric_type::gauge;
}
template <>
metric_type family<histogram>::type() const {
  return metric_type::histogram;
}

template <>
void family<counter>::render(std::string& out) const {
  render_header(out);
  for (const auto& [values, c] : series_) {
    out += name();
    render_labels(out, values);
    out += ' ' + std::to_string(c.value()) + '\n';
  }
}

template <>
void family<gauge>::render(std::string& out) const {
  render_header(out);
  for (const auto& [values, g] : series_) {
    out += name();
    render_labels(out, values);
    out += ' ' + format_value(g.value()) + '\n';
  }
}

template <>
void family<histogram>::render(std::string& out) const {
  render_header(out);
  for (const auto& [values, h] : series_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.buckets().size(); ++i) {
      cumulative += h.buckets()[i];
      const std::string le = i < bounds_.size() ? format_value(bounds_[i]) : "+Inf";
      out += name() + "_bucket";
      render_labels(out, values, "le=\"" + le + '"');
      out += ' ' + std::to_string(cumulative) + '\n';
    }
    out += name() + "_sum";
    render_labels(out, values);
    out += ' ' + format_value(h.sum()) + '\n';
    out += name() + "_count";
    render_labels(out, values);
    out += ' ' + std::to_string(h.count()) + '\n';
  }
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

void registry::check_new(const std::string& name, const std::vector<std::string>& label_names, bool is_histogram) const {
  if (!valid_name(name, true) || name.starts_with("__")) throw std::invalid_argument("bad metric name: " + name);
  for (const auto& family : families_) {
    if (family->name() == name) throw std::invalid_argument("metric registered twice: " + name);
  }
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!valid_name(label, false) || label.starts_with("__") || (is_histogram && label == "le")) {
      throw std::invalid_argument(name + ": bad label name: " + label);
    }
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i), label) !=
        label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument(name + ": label named twice: " + label);
    }
  }
}

counter_family& registry::add_counter(std::string name, std::string help, std::vector<std::string> label_names,
                                      std::size_t max_series) {
  check_new(name, label_names, false);
  auto family = std::make_unique<counter_family>(std::move(name), std::move(help), std::move(label_names), max_series);
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

gauge_family& registry::add_gauge(std::string name, std::string help, std::vector<std::string> label_names,
                                  std::size_t max_series) {
  check_new(name, label_names, false);
  auto family = std::make_unique<gauge_family>(std::move(name), std::move(help), std::move(label_names), max_series);
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

histogram_family& registry::add_histogram(std::string name, std::string help, std::vector<double> bounds,
                                          std::vector<std::string> label_names, std::size_t max_series) {
  check_new(name, label_names, true);
  if (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end() ||
      std::any_of(bounds.begin(), bounds.end(), [](double b) { return !std::isfinite(b); })) {
    throw std::invalid_argument(name + ": histogram bounds must be finite and strictly increasing");
  }
  auto family = std::make_unique<histogram_family>(std::move(name), std::move(help), std::move(label_names),
                                                   max_series, std::move(bounds));
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

std::string registry::render() const {
  std::string out;
  for (const auto& family : families_) family->render(out);
  return out;
}

std::vector<std::string> registry::family_names() const {
  std::vector<std::string> names;
  for (const auto& family : families_) names.push_back(family->name());
  return names;
}

}  // namespace lingua::metrics
