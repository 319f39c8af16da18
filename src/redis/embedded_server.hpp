#pragma once
// A private redis-server child process: the scheduler's embedded default, and the tests' real Redis.
//
// start() launches `redis-server` listening on a unix socket in a private directory (or on a loopback TCP port when
// one is given), without persistence unless a data directory is configured, and waits until it answers PING. The
// child gets PR_SET_PDEATHSIG, so it dies with us even on SIGKILL; stop() (and the destructor) terminates and reaps
// it. start() may be called again after stop() to model "Redis came back" in tests. These calls block briefly and
// belong to start-up and shutdown, never to the event loop's steady state.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lingua::redis {

struct embedded_options {
  std::string executable = "redis-server";
  std::optional<std::uint16_t> tcp_port;             // absent: unix socket only
  std::optional<std::filesystem::path> data_dir;     // absent: no persistence (no RDB, no AOF)
  std::chrono::milliseconds start_timeout{5000};
  std::string extra_config;                          // appended to the generated config, one directive per line
};

class embedded_server {
 public:
  explicit embedded_server(embedded_options options = {});
  ~embedded_server();
  embedded_server(const embedded_server&) = delete;
  embedded_server& operator=(const embedded_server&) = delete;

  void start();          // throws std::runtime_error if the server does not answer within start_timeout
  void stop();           // SIGTERM, wait; SIGKILL after a grace period
  void kill();           // SIGKILL at once (tests of abrupt loss)
  bool running() const;
  pid_t pid() const;

  // "unix:///…/redis.sock" or "redis://127.0.0.1:PORT", for client_options::address.
  std::string address() const;

 private:
  embedded_options options_;
  std::filesystem::path dir_;
  bool own_dir_ = false;
  pid_t pid_ = -1;
};

}  // namespace lingua::redis
