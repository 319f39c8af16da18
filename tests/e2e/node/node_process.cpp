#include "e2e/node/node_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lingua::test {

node_process::node_process(std::vector<std::string> args) : node_process(LINGUA_NODE_BINARY, std::move(args), {}) {}

node_process::node_process(std::string program, std::vector<std::string> args, std::vector<std::string> environment)
    : program_(std::move(program)), args_(std::move(args)), environment_(std::move(environment)) {
  static int counter = 0;
  log_path_ = std::filesystem::temp_directory_path() /
              ("lingua-node-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".log");
}

node_process::~node_process() {
  terminate();
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "---- %s log ----\n%s---- end of log ----\n",
                 std::filesystem::path(program_).filename().c_str(), log().c_str());
  }
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

void node_process::start() {
  std::vector<std::string> args = {program_};
  args.insert(args.end(), args_.begin(), args_.end());
  // The test's environment with `environment_` replacing same-named entries (getenv finds the first one).
  std::vector<std::string> environment = environment_;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& own : environment_) replaced = replaced || own.starts_with(name);
    if (!replaced) environment.push_back(entry);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execve(argv[0], argv.data(), envp.data());
    const std::string failed = std::string("exec ") + argv[0] + " failed: " + std::strerror(errno) + "\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, failed.data(), failed.size());
    ::_exit(127);
  }
}

void node_process::terminate() {
  if (pid_ <= 0) return;
  if (signal_and_wait(SIGTERM, std::chrono::seconds(10)) != -1) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int node_process::signal_and_wait(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return -1;
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
