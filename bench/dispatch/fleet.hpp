#pragma once
// The simulated fleet and workload of the dispatch benchmark. Node i serves one of four language sets (so four
// pools and their pair index exist at every size); job i is one of three language pairs. Both are deterministic
// functions of the index, so every run and every fleet size sees the same mix.
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "redis/client.hpp"
#include "redis/embedded_server.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::bench {

std::string node_name(std::size_t index);
state::node_capabilities node_profile(std::size_t index, std::uint32_t capacity);
std::string_view fleet_mix();  // for the report

// Job `index` of run `run` (ids and idempotency keys are unique per run label); audio_bytes of filler audio.
state::dispatch_request job_request(std::string_view run, std::size_t index, std::size_t audio_bytes);
std::string_view job_mix();  // for the report

struct registration {
  std::size_t nodes = 0;
  double seconds = 0;
  std::size_t failures = 0;
  std::string first_failure;
};

// Registers nodes [0, nodes) and makes each ready with one heartbeat, keeping `in_flight` nodes under way at once.
registration register_fleet(boost::asio::io_context& io, state::scheduler_state& state, std::size_t nodes,
                            std::size_t in_flight, std::uint32_t capacity);

// A fleet under test: its own redis-server (unix socket, no persistence), a client on it, the nodes registered.
// Several live side by side on one io_context, so that fleet sizes are compared in the same minutes.
struct fleet_under_test {
  std::size_t nodes = 0;
  std::unique_ptr<redis::embedded_server> server;
  std::unique_ptr<redis::client> redis;
  std::unique_ptr<state::scheduler_state> state;
  registration registered;
};

struct fleet_options {
  std::size_t in_flight = 256;   // registrations under way at once
  std::uint32_t capacity = 1000;  // max_concurrent_jobs of every node
  std::size_t connections = 2;    // client connections
};

// Throws std::runtime_error when Redis cannot be started or reached; registration failures are in `registered`.
std::unique_ptr<fleet_under_test> start_fleet(boost::asio::io_context& io, std::size_t nodes,
                                              const fleet_options& options);
// Stops the client (running the context briefly so its connections close) and then the server.
void stop_fleet(boost::asio::io_context& io, fleet_under_test& fleet);

}  // namespace lingua::bench
