#pragma once
// The real lingua-scheduler binary, started as a child process for an end-to-end test, on a free loopback port,
// against the Redis the test gives it. Its log goes to a file that is printed when the test fails.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lingua::test {

// The shared node token every scheduler_process is started with (--auth.node_token) and every fake_node presents
// unless told otherwise. A test replaces it by passing its own --auth.* flags (the last occurrence wins).
inline constexpr const char* default_node_token = "e2e-shared-node-token-0123456789";

class scheduler_process {
 public:
  // `redis_address`: "" for the embedded Redis, else redis://… or unix://…; `extra_args` are further flags.
  scheduler_process(std::string redis_address, std::vector<std::string> extra_args = {}, std::string instance_id = "");
  ~scheduler_process();
  scheduler_process(const scheduler_process&) = delete;
  scheduler_process& operator=(const scheduler_process&) = delete;

  // Starts it and waits until GET /health answers 200 (throws on timeout).
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  void terminate();  // SIGTERM and wait for the exit
  void kill();       // SIGKILL and wait
  bool running() const;
  int exit_status() const { return exit_status_; }
  pid_t pid() const { return pid_; }

  std::uint16_t port() const { return port_; }
  // True when started with --server.tls_cert=FILE: it speaks only wss:// and https://.
  bool tls() const;
  std::string log() const;
  const std::string& instance_id() const { return instance_id_; }

 private:
  void reap(std::chrono::milliseconds timeout);

  std::string redis_address_;
  std::vector<std::string> extra_args_;
  std::string instance_id_;
  std::uint16_t port_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// Flags that make an e2e run fast: short pauses and timeouts.
std::vector<std::string> fast_test_flags();

}  // namespace lingua::test
