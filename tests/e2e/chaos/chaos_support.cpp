#include "chaos_support.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <sstream>
#include <thread>

#include "redis/client.hpp"
#include "support/await.hpp"

namespace lingua::test {

node_process::node_process(std::string node_id, std::uint16_t port, std::uint32_t max_jobs,
                           std::chrono::milliseconds work_ms)
    : node_id_(std::move(node_id)), port_(port), max_jobs_(max_jobs), work_ms_(work_ms) {}

node_process::~node_process() { kill(); }

void node_process::start() {
  if (pid_ > 0) return;
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ > 0) return;
  // Child: nothing of gtest's; leave with _exit only.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);
  try {
    std::vector<std::uint16_t> ports{port_};
    for (auto p : fallback_) ports.push_back(p);
    for (std::size_t round = 0; round < 20; ++round) {
      fake_node node(named_node(node_id_, max_jobs_));
      try {
        node.connect(ports[round % ports.size()]);
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      auto next_beat = std::chrono::steady_clock::now();
      std::vector<std::pair<std::chrono::steady_clock::time_point, nlohmann::json>> working;
      while (node.socket().is_open()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_beat) {
          node.heartbeat(10, working.size());
          next_beat = now + std::chrono::milliseconds(300);
        }
        for (auto it = working.begin(); it != working.end();) {
          if (it->first <= now) {
            node.complete(it->second, "text " + it->second.value("job_id", std::string()), "译文");
            it = working.erase(it);
          } else {
            ++it;
          }
        }
        auto message = node.socket().receive_json(std::chrono::milliseconds(20));
        if (message && message->value("type", "") == "job_assign") {
          working.emplace_back(std::chrono::steady_clock::now() + work_ms_, *message);
        }
      }
      if (fallback_.empty()) ::_exit(3);
      // Its scheduler is gone: the jobs in hand die with the connection; reconnect (same id) elsewhere at once.
    }
    ::_exit(4);
  } catch (...) {
    ::_exit(2);
  }
}

void node_process::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void outcome_count::take(const nlohmann::json& m) {
  const std::string type = m.value("type", "");
  if (!m.contains("utterance_index") || !m["utterance_index"].is_number_unsigned()) return;
  const auto index = m["utterance_index"].get<std::uint64_t>();
  if (m.contains("job_id") && m["job_id"].is_string() && !m["job_id"].get<std::string>().empty()) {
    job_of[index] = m["job_id"].get<std::string>();
  }
  if (type == "translation_result") {
    ++per_utterance[index];
    last_kind[index] = "result";
  } else if (type == "missing_result") {
    ++per_utterance[index];
    last_kind[index] = "missing";
  } else if (type == "ui_event" && m.value("event", "") == "ERROR") {
    ++per_utterance[index];
    last_kind[index] = m.value("error_code", "ERROR");
  }
}

void outcome_count::collect(ws_client& ws, std::uint64_t n, std::chrono::milliseconds timeout,
                            std::chrono::milliseconds settle) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  auto complete = [&] {
    for (std::uint64_t i = 0; i < n; ++i) {
      if (per_utterance.count(i) == 0) return false;
    }
    return true;
  };
  while (!complete() && std::chrono::steady_clock::now() < until) {
    if (auto m = ws.receive_json(std::chrono::milliseconds(100))) take(*m);
  }
  const auto settled = std::chrono::steady_clock::now() + settle;
  while (std::chrono::steady_clock::now() < settled) {
    if (auto m = ws.receive_json(std::chrono::milliseconds(50))) take(*m);
  }
}

std::string outcome_count::describe() const {
  std::ostringstream out;
  for (const auto& [index, count] : per_utterance) {
    out << index << ":" << count << "x" << last_kind.at(index) << " ";
  }
  // Jobs that were seen (dispatched, queued) but have no outcome: the ids to look for in the schedulers' logs.
  for (const auto& [index, job] : job_of) {
    if (per_utterance.count(index) == 0) out << "[" << index << " without outcome: " << job << "] ";
  }
  return out.str();
}

std::vector<std::string> redis_strings(const std::string& address, std::vector<std::string> command) {
  boost::asio::io_context io;
  redis::client_options options;
  options.address = address;
  options.connections = 1;
  redis::client client(io.get_executor(), options);
  client.start();
  std::vector<std::string> out;
  await(io, [&]() -> boost::asio::awaitable<void> {
    co_await client.wait_connected(std::chrono::seconds(3));
    redis::result r = co_await client.command(std::move(command));
    if (r.ec) co_return;
    if (r.value.is_array()) {
      for (const auto& e : r.value.elements()) out.push_back(e.str());
    } else if (auto n = r.value.as_integer()) {
      out.push_back(std::to_string(*n));
    } else {
      out.push_back(r.value.str());
    }
  }());
  client.stop();
  io.restart();
  io.run_for(std::chrono::milliseconds(20));
  return out;
}

std::int64_t slots_held(const std::string& address) {
  std::int64_t total = 0;
  const auto values = redis_strings(address, {"HVALS", "{lingua}:node:load"});
  for (const auto& v : values) total += std::stoll(v);
  return total;
}

}  // namespace lingua::test
