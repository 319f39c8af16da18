#include "config/instance_id.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <random>

namespace lingua::config {

std::string generate_instance_id() {
  std::array<char, 256> buffer{};
  std::string host = gethostname(buffer.data(), buffer.size() - 1) == 0 ? std::string(buffer.data()) : "";
  for (char& c : host) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                         c == '_' || c == '-';
    if (!allowed) c = '-';
  }
  if (host.empty()) host = "host";
  if (host.size() > 64) host.resize(64);

  std::random_device entropy;
  std::array<char, 9> suffix{};
  std::snprintf(suffix.data(), suffix.size(), "%08x", static_cast<unsigned>(entropy()));
  return host + "-" + std::to_string(getpid()) + "-" + suffix.data();
}

std::string effective_instance_id(const instance_section& instance) {
  return instance.id.empty() ? generate_instance_id() : instance.id;
}

}  // namespace lingua::config
