#include "e2e_fixture.hpp"

namespace lingua::test {

void scheduler_e2e::SetUp() {
  redis = std::make_unique<redis::embedded_server>();
  redis->start();
}

void scheduler_e2e::TearDown() {
  for (auto& s : schedulers) s->terminate();
  schedulers.clear();
  redis->stop();
}

scheduler_process& scheduler_e2e::start_scheduler(std::vector<std::string> extra, std::string instance_id) {
  std::vector<std::string> flags = fast_test_flags();
  for (auto& f : extra) flags.push_back(std::move(f));
  schedulers.push_back(std::make_unique<scheduler_process>(redis->address(), flags, std::move(instance_id)));
  schedulers.back()->start();
  return *schedulers.back();
}

nlohmann::json expect_message(ws_client& ws, std::string_view type, std::chrono::milliseconds timeout) {
  auto m = ws.receive_until(type, timeout);
  if (!m) {
    ADD_FAILURE() << "no '" << type << "' message within " << timeout.count() << " ms";
    return nlohmann::json::object();
  }
  return *m;
}

}  // namespace lingua::test
