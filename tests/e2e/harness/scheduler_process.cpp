#include "e2e/harness/scheduler_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "kit/http_client.hpp"
#include "support/test_support.hpp"

namespace lingua::test {

std::vector<std::string> fast_test_flags() {
  return {"--segmentation.pause_ms=400",         "--segmentation.hangover_auto_ms=20",
          "--segmentation.hangover_manual_ms=20", "--jobs.deadline_scan_interval_ms=50",
          "--segmentation.result_gap_wait_ms=1500", "--log-level=debug",
          // Every test peer comes from 127.0.0.1: the public default of 64 sockets per address is for the internet.
          // A test of the cap passes its own value later (the last flag wins).
          "--server.max_connections_per_address=4096"};
}

scheduler_process::scheduler_process(std::string redis_address, std::vector<std::string> extra_args,
                                     std::string instance_id)
    : redis_address_(std::move(redis_address)),
      extra_args_(std::move(extra_args)),
      instance_id_(std::move(instance_id)),
      port_(free_port()) {
  log_path_ = std::filesystem::temp_directory_path() /
              ("lingua-scheduler-" + std::to_string(::getpid()) + "-" + std::to_string(port_) + ".log");
  if (instance_id_.empty()) instance_id_ = "test-" + std::to_string(port_);
}

scheduler_process::~scheduler_process() {
  if (running()) kill();
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "---- scheduler %s log ----\n%s---- end of log ----\n", instance_id_.c_str(), log().c_str());
  }
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

void scheduler_process::start(std::chrono::milliseconds timeout) {
  std::vector<std::string> args = {LINGUA_SCHEDULER_BINARY, "--host=127.0.0.1", "--port=" + std::to_string(port_),
                                   "--instance-id=" + instance_id_,
                                   std::string("--auth.node_token=") + default_node_token};
  if (!redis_address_.empty()) args.push_back("--redis=" + redis_address_);
  // LINGUA_SCHEDULER_WRAPPER="gdb -batch -ex run -ex bt --args" (or valgrind …) runs the binary under a tool.
  if (const char* wrapper = std::getenv("LINGUA_SCHEDULER_WRAPPER"); wrapper != nullptr && *wrapper != '\0') {
    std::vector<std::string> wrapped;
    std::istringstream words(wrapper);
    for (std::string w; words >> w;) wrapped.push_back(w);
    wrapped.insert(wrapped.end(), args.begin(), args.end());
    args = std::move(wrapped);
  }
  for (const auto& a : extra_args_) args.push_back(a);
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
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) throw std::runtime_error("lingua-scheduler exited at start-up:\n" + log());
    const auto health = tls() ? https_get("127.0.0.1", port_, "/health", std::chrono::milliseconds(500))
                              : http_get("127.0.0.1", port_, "/health", std::chrono::milliseconds(500));
    if (health.status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("lingua-scheduler did not become healthy:\n" + log());
}

bool scheduler_process::tls() const {
  bool on = false;
  for (const auto& a : extra_args_) {
    if (a.starts_with("--server.tls_cert=")) on = a.size() > std::string_view("--server.tls_cert=").size();
  }
  return on;
}

bool scheduler_process::running() const {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  auto* self = const_cast<scheduler_process*>(this);
  if (r == pid_) self->exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  self->pid_ = -1;
  return false;
}

void scheduler_process::reap(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void scheduler_process::terminate() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  reap(std::chrono::seconds(10));
  if (running()) kill();
}

void scheduler_process::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  reap(std::chrono::seconds(5));
}

std::string scheduler_process::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace lingua::test
