#include "e2e/node/node_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lingua::test {

node_process::node_process(std::vector<std::string> args) : args_(std::move(args)) {
  static int counter = 0;
  log_path_ = std::filesystem::temp_directory_path() /
              ("lingua-node-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".log");
}

node_process::~node_process() {
  terminate();
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "---- lingua-node log ----\n%s---- end of log ----\n", log().c_str());
  }
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

void node_process::start() {
  std::vector<std::string> args = {LINGUA_NODE_BINARY};
  args.insert(args.end(), args_.begin(), args_.end());
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
}

void node_process::terminate() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 1000; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string node_process::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool node_process::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout,
                                std::size_t count) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = log();
    std::size_t found = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++found;
    if (found >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace lingua::test
