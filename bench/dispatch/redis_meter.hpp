#pragma once
// Redis's own account of what a run cost it: INFO commandstats (calls and µs per command) and INFO cpu (process
// CPU time), read before and after a run and subtracted.
//
// Scripts' inner redis.call()s are counted in commandstats under their own names, and the EVALSHA's usec already
// includes them (measured on Redis 7.0: an EVAL of 100 HSETs reports more usec than the 100 HSETs). So the Redis
// time of a run is the scripts' usec alone; the inner commands' usec is the part of it spent in commands, the
// rest is Lua (argument and JSON handling, the script's own logic). INFO and CONFIG are the meter's own commands
// and are left out.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "redis/client.hpp"

namespace lingua::bench {

struct command_tally {
  std::int64_t calls = 0;
  std::int64_t usec = 0;
};

// Cumulative counters at one moment.
struct redis_reading {
  std::map<std::string, command_tally> commands;  // "evalsha", "hget", "config|resetstat", ...
  double cpu_seconds = 0;                         // used_cpu_user + used_cpu_sys
};

// What Redis spent between two readings.
struct redis_cost {
  std::int64_t script_calls = 0;  // EVALSHA (and EVAL): the round trips
  std::int64_t script_usec = 0;   // their execution time, inner commands included
  std::int64_t inner_calls = 0;   // every other command: the scripts' redis.call()s
  std::int64_t inner_usec = 0;
  double cpu_usec = 0;            // process CPU: execution plus parsing, replies, socket I/O
  std::map<std::string, command_tally> inner;

  redis_cost& operator+=(const redis_cost& other);
};

std::optional<redis_reading> parse_info(std::string_view text);
// No CONFIG RESETSTAT between the two readings.
redis_cost cost_between(const redis_reading& before, const redis_reading& after);

// INFO commandstats cpu; nullopt when Redis does not answer or answers something else.
boost::asio::awaitable<std::optional<redis_reading>> read_redis(redis::client& redis);
// CONFIG RESETSTAT: zeroes commandstats (not the CPU counters, hence readings on both sides of a run).
boost::asio::awaitable<bool> reset_redis_stats(redis::client& redis);

}  // namespace lingua::bench
