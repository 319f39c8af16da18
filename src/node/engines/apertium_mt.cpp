#include "node/engines/apertium_mt.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <algorithm>
#include <filesystem>
#include <regex>

extern char** environ;

namespace lingua::node {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view reserved = "\\[]{}^$/@<>";

// `apertium-wblank-mode -z <mode>`: the pair's stage chain with -z on every stage.
std::string null_flush_command(const std::string& mode_path) {
  const std::string command = "apertium-wblank-mode -z '" + mode_path + "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw engine_error("apertium: cannot run apertium-wblank-mode");
  std::string out;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  const int status = pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (status != 0 || out.empty()) throw engine_error("apertium: cannot read the mode " + mode_path, true);
  return out;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::vector<apertium_mode> apertium_modes(const std::string& modes_dir) {
  static const std::regex name(R"(^([a-z]{2,3})-([a-z]{2,3})\.mode$)");
  std::vector<apertium_mode> modes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(modes_dir, ec)) {
    const std::string file = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(file, m, name)) continue;
    const std::string src = two_letter_code(m[1].str());
    const std::string tgt = two_letter_code(m[2].str());
    if (src.empty() || tgt.empty() || src == tgt) continue;
    modes.push_back({{src, tgt}, entry.path().string()});
  }
  std::sort(modes.begin(), modes.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return modes;
}

std::string apertium_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\0') continue;
    if (reserved.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string apertium_unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out.push_back(text[++i]);
    } else if (text[i] == '[' || text[i] == ']') {
      continue;  // superblank brackets
    } else {
      out.push_back(text[i]);
    }
  }
  return trim(out);
}

apertium_pipeline::apertium_pipeline(const std::string& mode_path) {
  const std::string command = null_flush_command(mode_path);
  std::array<int, 2> fds{};
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) != 0) {
    throw engine_error("apertium: socketpair failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own process group: stopped as a whole
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  // $1 = generator option (-n: no unknown-word marks), $2 = tagger option (none).
  std::string sh = "/bin/sh", c = "-c", arg0 = "apertium", unknown = "-n", tagger;
  std::array<char*, 7> argv = {sh.data(), c.data(), const_cast<char*>(command.c_str()), arg0.data(),
                               unknown.data(), tagger.data(), nullptr};
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).starts_with("LC_ALL=")) continue;
    env_strings.emplace_back(*e);
  }
  env_strings.emplace_back("LC_ALL=C.UTF-8");  // the stages need a UTF-8 locale
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  const int rc = posix_spawn(&pid_, "/bin/sh", &actions, &attributes, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    throw engine_error("apertium: cannot start the pipeline");
  }
  socket_ = fds[0];
}

apertium_pipeline::~apertium_pipeline() {
  if (socket_ >= 0) {
    shutdown(socket_, SHUT_WR);
    close(socket_);
  }
  if (pid_ > 0) {
    // The stages end on EOF; give them a moment, then stop the group.
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      usleep(2000);
    }
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
}

std::string apertium_pipeline::translate(const std::string& text, std::chrono::milliseconds timeout) {
  std::string request = apertium_escape(text);
  std::replace(request.begin(), request.end(), '\n', ' ');
  // The newline before the NUL matters: lt-proc -z -b (the bilingual stage) does not flush a NUL that follows a word
  // directly.
  request += "\n";
  request.push_back('\0');
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(socket_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw engine_error("apertium: the pipeline is gone");
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string answer;
  std::array<char, 4096> buffer{};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw engine_error("apertium: no answer in time");
    pollfd p{socket_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = recv(socket_, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw engine_error("apertium: the pipeline ended");
    answer.append(buffer.data(), static_cast<std::size_t>(n));
    const auto end = answer.find('\0');
    if (end != std::string::npos) {
      // One sentence in flight at a time, so nothing follows its NUL.
      return apertium_unescape(answer.substr(0, end));
    }
  }
}

apertium_mt::apertium_mt(std::string modes_dir, std::chrono::milliseconds timeout)
    : modes_(apertium_modes(modes_dir)), timeout_(timeout) {}

apertium_mt::~apertium_mt() = default;

std::vector<language_pair> apertium_mt::pairs() const {
  std::vector<language_pair> out;
  for (const auto& m : modes_) {
    if (std::find(out.begin(), out.end(), m.pair) == out.end()) out.push_back(m.pair);
  }
  return out;
}

std::string apertium_mt::translate(const std::string& text, const std::string& src, const std::string& tgt) {
  const auto mode = std::find_if(modes_.begin(), modes_.end(),
                                 [&](const apertium_mode& m) { return m.pair.src == src && m.pair.tgt == tgt; });
  if (mode == modes_.end()) throw engine_error("apertium: no pair " + src + "-" + tgt, true);
  const std::string key = src + "-" + tgt;
  auto& pipeline = running_[key];
  if (!pipeline) pipeline = std::make_unique<apertium_pipeline>(mode->path);
  try {
    return pipeline->translate(text, timeout_);
  } catch (const engine_error&) {
    pipeline.reset();  // a dead or stuck pipeline is replaced on the next sentence
    throw;
  }
}

}  // namespace lingua::node
