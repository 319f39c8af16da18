// The README's run command, tools/run-scheduler.sh, for real: in a temporary state directory on a free port, with
// the binaries of this build (LINGUA_BIN_DIR skips setup and build). It must start the scheduler, its Redis and a
// local lingua-node that translates, print the address to open, and leave no process behind when stopped.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "e2e/harness/fake_session.hpp"
#include "e2e/node/node_process.hpp"
#include "e2e/node/speech_session.hpp"
#include "kit/http_client.hpp"
#include "support/test_support.hpp"
#include "unit/node/speech_fixture.hpp"

namespace lingua::test {
namespace {

using namespace std::chrono_literals;

struct process_info {
  pid_t parent = 0;
  std::string name;  // /proc/<pid>/comm
};

std::map<pid_t, process_info> all_processes() {
  std::map<pid_t, process_info> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string file = entry.path().filename().string();
    if (file.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto open = stat.find('(');
    const auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) continue;
    // "<pid> (<comm>) <state> <ppid> ..."
    const pid_t parent = static_cast<pid_t>(std::atol(stat.c_str() + close + 4));
    out[static_cast<pid_t>(std::stol(file))] = {parent, stat.substr(open + 1, close - open - 1)};
  }
  return out;
}

// Every process below `root` (children, grandchildren, ...).
std::map<pid_t, std::string> descendants(pid_t root) {
  const auto processes = all_processes();
  std::map<pid_t, std::string> found;
  std::set<pid_t> frontier{root};
  for (int depth = 0; depth < 16 && !frontier.empty(); ++depth) {
    std::set<pid_t> next;
    for (const auto& [pid, info] : processes) {
      if (frontier.contains(info.parent) && !found.contains(pid)) {
        found[pid] = info.name;
        next.insert(pid);
      }
    }
    frontier = std::move(next);
  }
  return found;
}

bool has_process_named(const std::map<pid_t, std::string>& processes, const std::string& prefix) {
  return std::any_of(processes.begin(), processes.end(),
                     [&](const auto& p) { return p.second.starts_with(prefix); });
}

// Reaps the orphans that came to this test (a child subreaper), then lists which of `pids` still run.
std::vector<std::string> still_running(const std::map<pid_t, std::string>& pids) {
  std::vector<std::string> alive;
  for (int attempt = 0; attempt < 50; ++attempt) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    alive.clear();
    const auto now = all_processes();
    for (const auto& [pid, name] : pids) {
      auto found = now.find(pid);
      if (found != now.end() && found->second.name == name) alive.push_back(name + " (" + std::to_string(pid) + ")");
    }
    if (alive.empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  return alive;
}

class RunCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    // Whatever the script leaves behind is re-parented to this process, so it can be seen and cleaned up.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
  void TearDown() override {
    if (script) {
      const auto left = script->pid() > 0 ? descendants(script->pid()) : std::map<pid_t, std::string>{};
      script.reset();
      for (const auto& [pid, name] : left) ::kill(pid, SIGKILL);
    }
    for (const auto& [pid, name] : descendants(::getpid())) ::kill(pid, SIGKILL);
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }

  // Starts tools/run-scheduler.sh on a free loopback port with the state in a temporary directory.
  void start(std::vector<std::string> flags, std::vector<std::string> environment = {}) {
    port = free_port();
    flags.insert(flags.begin(), {"--host=127.0.0.1", "--port=" + std::to_string(port)});
    environment.push_back(std::string("LINGUA_BIN_DIR=") + LINGUA_TEST_BIN_DIR);
    environment.push_back("LINGUA_STATE_DIR=" + (state.path() / "lingua").string());
    environment.push_back("LINGUA_NODE_TOKEN=");  // the script must find the token itself
    environment.push_back("LINGUA_LOCAL_NODE=");
    script = std::make_unique<node_process>(std::string(LINGUA_TEST_SOURCE_DIR) + "/tools/run-scheduler.sh",
                                            std::move(flags), std::move(environment));
    script->start();
  }

  std::string open_line() const { return "open http://localhost:" + std::to_string(port) + "\n"; }

  temp_dir state;
  std::uint16_t port = 0;
  std::unique_ptr<node_process> script;
};

TEST_F(RunCommand, StartsASchedulerAndALocalNodeThatTranslatesAndStopsThemAllOnSigterm) {
  start({"--segmentation.pause_ms=400", "--segmentation.hangover_auto_ms=20"});
  ASSERT_TRUE(script->wait_for_log(open_line(), 90s)) << "the address to open was not printed";
  EXPECT_NE(script->log().find("registered with the scheduler as "), std::string::npos)
      << "the address came before the node registered";

  const auto token = state.path() / "lingua" / "node_token";
  ASSERT_TRUE(std::filesystem::exists(token)) << "no node token was generated";
  struct stat token_stat {};
  ASSERT_EQ(::stat(token.c_str(), &token_stat), 0);
  EXPECT_EQ(token_stat.st_mode & 0777, 0600u);

  const auto health = http_get("127.0.0.1", port, "/health");
  EXPECT_EQ(health.status, 200u) << health.error;
  EXPECT_EQ(health.body, "OK");
  const auto ready = http_get("127.0.0.1", port, "/ready");
  ASSERT_EQ(ready.status, 200u) << ready.error;
  EXPECT_EQ(nlohmann::json::parse(ready.body)["nodes"], 1) << ready.body;

  // The local node translates: English speech in, Spanish text out.
  fake_session session;
  session.connect(port, "en", "es");
  speak(session, flite_speech("hello how are you today"));
  auto result = session.next("translation_result", 60s);
  ASSERT_TRUE(result) << "no translation_result";
  EXPECT_NE((*result)["text_translated"].get<std::string>().find("hola"), std::string::npos) << *result;
  EXPECT_FALSE((*result)["tts_audio"].get<std::string>().empty());

  const auto started = descendants(script->pid());
  EXPECT_TRUE(has_process_named(started, "lingua-schedule")) << "no scheduler among the script's processes";
  EXPECT_TRUE(has_process_named(started, "lingua-node")) << "no local node among the script's processes";
  EXPECT_TRUE(has_process_named(started, "redis-server")) << "no embedded Redis among the script's processes";

  const int status = script->signal_and_wait(SIGTERM, 60s);
  ASSERT_NE(status, -1) << "the run command did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 143);
  const auto left = still_running(started);
  EXPECT_TRUE(left.empty()) << "left running: " << ::testing::PrintToString(left);
  EXPECT_NE(script->log().find("[info] stopped"), std::string::npos) << "the scheduler did not stop in order";
}

TEST_F(RunCommand, WithoutTheLocalNodeOnlyTheSchedulerRunsAndSigintStopsIt) {
  start({"--no-local-node"});
  ASSERT_TRUE(script->wait_for_log(open_line(), 60s)) << "the address to open was not printed";
  const auto ready = http_get("127.0.0.1", port, "/ready");
  ASSERT_EQ(ready.status, 200u) << ready.error;
  EXPECT_EQ(nlohmann::json::parse(ready.body)["nodes"], 0) << ready.body;

  const auto started = descendants(script->pid());
  EXPECT_TRUE(has_process_named(started, "lingua-schedule"));
  EXPECT_FALSE(has_process_named(started, "lingua-node")) << "--no-local-node still started a node";

  const int status = script->signal_and_wait(SIGINT, 60s);
  ASSERT_NE(status, -1) << "the run command did not stop on SIGINT";
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const auto left = still_running(started);
  EXPECT_TRUE(left.empty()) << "left running: " << ::testing::PrintToString(left);
}

TEST_F(RunCommand, TheLocalNodeUsesTheTokenGivenToTheScheduler) {
  // A token of the operator's own: the local node must present it, or it would be refused.
  start({"--auth.node_token=operator-chosen-token-0123456789"});
  ASSERT_TRUE(script->wait_for_log(open_line(), 90s)) << "the local node did not register with the given token";
  EXPECT_FALSE(std::filesystem::exists(state.path() / "lingua" / "node_token"))
      << "a token was generated although the flags configured one";
}

}  // namespace
}  // namespace lingua::test
