#include "jobs/full_backlog_memory.hpp"

#include <algorithm>
#include <vector>

namespace lingua::jobs {

namespace {

constexpr std::int64_t longest_window_ms = 10000;
constexpr std::int64_t unbudgeted_shortest_ms = 50;
constexpr std::int64_t unbudgeted_longest_ms = 1000;

void append_list(std::string& out, const std::vector<std::string>& items) {
  for (const auto& item : items) {
    out += item;
    out += ',';
  }
  out += '|';
}

}  // namespace

std::string requirement_set_of(const state::job_requirements& r) {
  std::string key;
  append_list(key, r.languages);
  append_list(key, r.asr_languages);
  append_list(key, r.tts_languages);
  append_list(key, r.services);
  key += r.sticky_node;
  return key;
}

std::int64_t full_backlog_window_ms(const admission_limits& limits, std::int64_t waiting, std::int64_t bound,
                                    std::optional<double> drain_per_second) {
  if (!drain_per_second || !(*drain_per_second > 0)) return 0;
  std::int64_t shortest = unbudgeted_shortest_ms;
  std::int64_t longest = unbudgeted_longest_ms;
  if (limits.wait_budget_ms > 0) {
    longest = std::min(limits.wait_budget_ms / 2, longest_window_ms);
    shortest = std::min(limits.wait_budget_ms / 20, longest);
  }
  const double drain_ms = drain_below_bound_ms(waiting, bound, *drain_per_second);
  // Compared as doubles first: a tiny rate must not overflow the conversion.
  const std::int64_t needed = drain_ms >= static_cast<double>(longest) ? longest : static_cast<std::int64_t>(drain_ms);
  return std::max<std::int64_t>(std::clamp(needed, shortest, longest), 1);
}

std::int64_t full_backlog_memory::remember(const std::string& requirement_set, std::int64_t now_ms,
                                           std::int64_t waiting, std::int64_t bound,
                                           std::optional<double> drain_per_second) {
  const std::int64_t lasts = full_backlog_window_ms(limits_, waiting, bound, drain_per_second);
  if (lasts <= 0) {
    windows_.erase(requirement_set);
    return 0;
  }
  if (windows_.size() >= prune_above) {
    std::erase_if(windows_, [now_ms](const auto& entry) { return entry.second.until_ms <= now_ms; });
  }
  windows_[requirement_set] = window{waiting, bound, now_ms, now_ms + lasts};
  return lasts;
}

std::optional<known_full_backlog> full_backlog_memory::recall(const std::string& requirement_set,
                                                              std::int64_t now_ms) const {
  const auto it = windows_.find(requirement_set);
  if (it == windows_.end() || now_ms >= it->second.until_ms) return std::nullopt;
  const window& w = it->second;
  return known_full_backlog{w.waiting, w.bound, std::max<std::int64_t>(now_ms - w.since_ms, 0), w.until_ms - now_ms};
}

}  // namespace lingua::jobs
