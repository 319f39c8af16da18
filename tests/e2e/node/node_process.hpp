#pragma once
// The real lingua-node binary as a child process; its log goes to a file that is printed when the test fails.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace lingua::test {

class node_process {
 public:
  explicit node_process(std::vector<std::string> args);
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  void start();
  void terminate();  // SIGTERM and wait (SIGKILL after 10 s)
  std::string log() const;
  // Waits until the log holds `needle` at least `count` times; false on timeout.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout, std::size_t count = 1) const;

 private:
  std::vector<std::string> args_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
};

}  // namespace lingua::test
