#include "node/system_usage.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace lingua::node {

namespace {

// kB of one /proc/meminfo field, 0 when absent.
std::uint64_t meminfo_kb(const std::string& field) {
  std::ifstream in("/proc/meminfo");
  std::string name;
  std::uint64_t value = 0;
  std::string unit;
  while (in >> name >> value) {
    std::getline(in, unit);
    if (name == field + ":") return value;
  }
  return 0;
}

// utime + stime of this process, in clock ticks (/proc/self/stat fields 14 and 15).
std::uint64_t own_ticks() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const auto after_name = line.rfind(')');
  if (after_name == std::string::npos) return 0;
  std::istringstream fields(line.substr(after_name + 2));
  std::string field;
  std::uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return utime + stime;
}

}  // namespace

double system_usage::cpu_percent() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || cpu != "cpu") return 0;
  const std::uint64_t busy =
      scope_ == cpu_scope::process ? own_ticks() : user + nice + system + irq + softirq + steal;
  const std::uint64_t total = user + nice + system + irq + softirq + steal + idle + iowait;
  const std::uint64_t d_busy = busy - last_busy_;
  const std::uint64_t d_total = total - last_total_;
  last_busy_ = busy;
  last_total_ = total;
  if (d_total == 0) return 0;
  return std::min(100.0, 100.0 * static_cast<double>(d_busy) / static_cast<double>(d_total));
}

double system_usage::memory_percent() {
  const std::uint64_t total = meminfo_kb("MemTotal");
  const std::uint64_t available = meminfo_kb("MemAvailable");
  if (total == 0 || available > total) return 0;
  return 100.0 * static_cast<double>(total - available) / static_cast<double>(total);
}

std::uint32_t system_usage::memory_gb() {
  return static_cast<std::uint32_t>((meminfo_kb("MemTotal") + 512 * 1024) / (1024 * 1024));
}

}  // namespace lingua::node
