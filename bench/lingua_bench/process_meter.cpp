#include "process_meter.hpp"

#include <sys/resource.h>
#include <unistd.h>

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

process_reading read_processes(const std::vector<pid_t>& pids) {
  process_reading sum;
  for (const pid_t pid : pids) {
    if (auto r = read_process(pid)) {
      sum.cpu_seconds += r->cpu_seconds;
      sum.rss_bytes += r->rss_bytes;
    }
  }
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
