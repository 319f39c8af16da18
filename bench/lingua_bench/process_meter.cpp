#include "process_meter.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lingua::bench {

std::optional<process_reading> read_process(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream stat(dir + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // Field 2 (comm) may contain spaces: fields are counted after its closing parenthesis.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  double utime = 0;
  double stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  process_reading out;
  out.cpu_seconds = (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::ifstream status(dir + "/status");
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      out.rss_bytes = std::stoull(line.substr(6)) * 1024;
      break;
    }
  }
  return out;
}

namespace {

// The live children of `pid` (/proc/<pid>/task/<tid>/children, every thread's).
std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream list(task.path() / "children");
    for (pid_t child = 0; list >> child;) out.push_back(child);
  }
  return out;
}

std::string command_of(pid_t pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

void add_tree(pid_t pid, process_reading& sum) {
  if (auto r = read_process(pid)) {
    sum.cpu_seconds += r->cpu_seconds;
    sum.rss_bytes += r->rss_bytes;
  }
  for (const pid_t child : children_of(pid)) {
    if (command_of(child) != "redis-server") add_tree(child, sum);
  }
}

}  // namespace

process_reading read_processes(const std::vector<pid_t>& pids) {
  process_reading sum;
  for (const pid_t pid : pids) add_tree(pid, sum);
  return sum;
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace lingua::bench
