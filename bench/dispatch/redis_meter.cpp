#include "redis_meter.hpp"

#include <charconv>
#include <cstdlib>

namespace lingua::bench {
namespace net = boost::asio;

namespace {

bool is_script(std::string_view name) {
  return name == "evalsha" || name == "eval" || name == "evalsha_ro" || name == "eval_ro" || name == "fcall";
}

bool is_meter(std::string_view name) {
  return name == "info" || name.starts_with("config|") || name == "config";
}

// "calls=12,usec=34,usec_per_call=2.83,..." -> the integer after `field=`.
std::int64_t field_of(std::string_view values, std::string_view field) {
  const std::string key = std::string(field) + "=";
  std::size_t at = values.find(key);
  while (at != std::string_view::npos && at != 0 && values[at - 1] != ',') at = values.find(key, at + 1);
  if (at == std::string_view::npos) return 0;
  std::int64_t out = 0;
  const char* begin = values.data() + at + key.size();
  std::from_chars(begin, values.data() + values.size(), out);
  return out;
}

}  // namespace

redis_cost& redis_cost::operator+=(const redis_cost& other) {
  script_calls += other.script_calls;
  script_usec += other.script_usec;
  inner_calls += other.inner_calls;
  inner_usec += other.inner_usec;
  cpu_usec += other.cpu_usec;
  for (const auto& [name, tally] : other.inner) {
    inner[name].calls += tally.calls;
    inner[name].usec += tally.usec;
  }
  return *this;
}

std::optional<redis_reading> parse_info(std::string_view text) {
  redis_reading out;
  bool saw_cpu = false;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (name.starts_with("cmdstat_")) {
      out.commands[std::string(name.substr(8))] = {field_of(value, "calls"), field_of(value, "usec")};
    } else if (name == "used_cpu_user" || name == "used_cpu_sys") {
      out.cpu_seconds += std::strtod(std::string(value).c_str(), nullptr);
      saw_cpu = true;
    }
  }
  if (!saw_cpu) return std::nullopt;
  return out;
}

redis_cost cost_between(const redis_reading& before, const redis_reading& after) {
  redis_cost out;
  out.cpu_usec = (after.cpu_seconds - before.cpu_seconds) * 1e6;
  for (const auto& [name, now] : after.commands) {
    if (is_meter(name)) continue;
    command_tally delta = now;
    if (auto it = before.commands.find(name); it != before.commands.end()) {
      delta.calls -= it->second.calls;
      delta.usec -= it->second.usec;
    }
    if (delta.calls == 0) continue;
    if (is_script(name)) {
      out.script_calls += delta.calls;
      out.script_usec += delta.usec;
    } else {
      out.inner_calls += delta.calls;
      out.inner_usec += delta.usec;
      out.inner[name] = delta;
    }
  }
  return out;
}

net::awaitable<std::optional<redis_reading>> read_redis(redis::client& redis) {
  redis::command_args info = redis::arguments("INFO", "commandstats", "cpu");
  redis::result answer = co_await redis.command(std::move(info));
  if (!answer.ok()) co_return std::nullopt;
  co_return parse_info(answer.value.str());
}

net::awaitable<bool> reset_redis_stats(redis::client& redis) {
  redis::command_args reset = redis::arguments("CONFIG", "RESETSTAT");
  redis::result answer = co_await redis.command(std::move(reset));
  co_return answer.ok();
}

}  // namespace lingua::bench
