#pragma once
// The real lingua-node binary (or another program, e.g. tools/run-scheduler.sh) as a child process; its output goes
// to a file that is printed when the test fails.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace lingua::test {

class node_process {
 public:
  explicit node_process(std::vector<std::string> args);
  // `program` with `args`, the test's environment plus `environment` ("NAME=value" each).
  node_process(std::string program, std::vector<std::string> args, std::vector<std::string> environment);
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  void start();
  void terminate();  // SIGTERM and wait (SIGKILL after 10 s)
  // Sends `signal` and waits up to `timeout` for the exit; the wait status, or -1 if it is still running.
  int signal_and_wait(int signal, std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }
  std::string log() const;
  // Waits until the log holds `needle` at least `count` times; false on timeout.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout, std::size_t count = 1) const;

 private:
  std::string program_;
  std::vector<std::string> args_;
  std::vector<std::string> environment_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
};

}  // namespace lingua::test
