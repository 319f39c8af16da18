#include "redis/embedded_server.hpp"

#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lingua::redis {
namespace {

using namespace std::chrono_literals;
constexpr auto stop_grace = 5s;
constexpr auto poll_interval = 10ms;

// Appended piecewise: `"\"" + s + "\""` trips GCC 12's false -Wrestrict at -O3.
std::string quoted(const std::filesystem::path& p) {
  std::string q(1, '"');
  q += p.string();
  q += '"';
  return q;
}

// A file descriptor closed on scope exit.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

// One blocking PING; true when the server answered +PONG (not -LOADING or nothing).
bool answers_ping(const std::optional<std::uint16_t>& port, const std::filesystem::path& socket_path) {
  fd_guard s{::socket(port ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return false;
  timeval tv{0, 200'000};
  ::setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc = -1;
  if (port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(*port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = ::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  } else {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = socket_path.string();
    if (path.size() >= sizeof addr.sun_path) return false;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    rc = ::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  }
  if (rc != 0) return false;
  constexpr std::string_view ping = "*1\r\n$4\r\nPING\r\n";
  if (::send(s.fd, ping.data(), ping.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(ping.size())) return false;
  std::string answer;
  char buffer[64];
  while (answer.find("\r\n") == std::string::npos) {
    ssize_t n = ::recv(s.fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  return answer.starts_with("+PONG");
}

std::string tail_of(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size(); ++i) out += "\n  " + lines[i];
  return out;
}

// waitpid that reports whether `pid` has been reaped (blocking or not).
bool reap(pid_t pid, bool block) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (r == pid) return true;
    if (r == 0) return false;
    if (errno == EINTR) continue;
    return true;  // ECHILD: not ours any more
  }
}

}  // namespace

embedded_server::embedded_server(embedded_options options) : options_(std::move(options)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "lingua-redis-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("embedded redis: mkdtemp failed");
  dir_ = pattern;
  own_dir_ = true;
}

embedded_server::~embedded_server() {
  try {
    stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; the child dies with us anyway
  }
  if (own_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void embedded_server::start() {
  if (pid_ > 0) return;
  const auto config_path = dir_ / "redis.conf";
  const auto log_path = dir_ / "redis.log";
  {
    std::ofstream config(config_path, std::ios::trunc);
    config << "daemonize no\n";
    if (options_.tcp_port) {
      config << "port " << *options_.tcp_port << "\nbind 127.0.0.1\n";
    } else {
      config << "port 0\nunixsocket " << quoted(dir_ / "redis.sock") << "\nunixsocketperm 700\n";
    }
    config << "logfile " << quoted(log_path) << "\n";
    if (options_.data_dir) {
      std::filesystem::create_directories(*options_.data_dir);
      config << "dir " << quoted(*options_.data_dir) << "\nappendonly yes\n";
    } else {
      config << "dir " << quoted(dir_) << "\nsave \"\"\nappendonly no\n";
    }
    config << options_.extra_config << "\n";
    if (!config) throw std::runtime_error("embedded redis: cannot write " + config_path.string());
  }

  // Everything the child needs is prepared before fork: after it only async-signal-safe calls are allowed.
  std::string executable = options_.executable;
  std::string config_arg = config_path.string();
  std::vector<char*> argv{executable.data(), config_arg.data(), nullptr};
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("embedded redis: fork failed");
  if (child == 0) {
    // PR_SET_PDEATHSIG follows the forking *thread*: start() belongs on the main thread.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::close_range(3, ~0U, 0);  // no inherited sockets: a connection of ours must close when we close it
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = child;

  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  for (;;) {
    if (reap(pid_, false)) {
      pid_ = -1;
      throw std::runtime_error("embedded redis: " + options_.executable + " exited at start-up" + tail_of(log_path));
    }
    if (answers_ping(options_.tcp_port, dir_ / "redis.sock")) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill();
      throw std::runtime_error("embedded redis: no answer to PING within start_timeout" + tail_of(log_path));
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

void embedded_server::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + stop_grace;
  while (!reap(pid_, false)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      reap(pid_, true);
      break;
    }
    std::this_thread::sleep_for(1ms);
  }
  pid_ = -1;
}

void embedded_server::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(pid_, true);
  pid_ = -1;
}

bool embedded_server::running() const { return pid_ > 0; }

pid_t embedded_server::pid() const { return pid_; }

std::string embedded_server::address() const {
  if (options_.tcp_port) return "redis://127.0.0.1:" + std::to_string(*options_.tcp_port);
  return "unix://" + (dir_ / "redis.sock").string();
}

}  // namespace lingua::redis
