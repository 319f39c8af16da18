#pragma once
// Helpers for the authentication tests: token files, log inspection, a node spec with a given credential.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "e2e/scheduler/e2e_fixture.hpp"
#include "support/test_support.hpp"

namespace lingua::test {

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Waits (≤ timeout) until the scheduler's log contains `text` at least `times` times.
inline bool wait_for_log(const scheduler_process& scheduler, const std::string& text, std::size_t times = 1,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::string log = scheduler.log();
    std::size_t count = 0;
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++count;
    if (count >= times) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

inline node_spec node_with_token(std::string node_id, std::string token, bool as_bearer = false) {
  node_spec spec = named_node(std::move(node_id));
  spec.token = std::move(token);
  spec.token_as_bearer = as_bearer;
  return spec;
}

// Opens the node's upgrade; true when refused with `status` (the socket never opened).
inline bool upgrade_refused_with(fake_node& node, std::uint16_t port, unsigned status) {
  try {
    node.open(port);
  } catch (const std::runtime_error&) {
    return node.socket().upgrade_status() == status;
  }
  return false;
}

}  // namespace lingua::test
