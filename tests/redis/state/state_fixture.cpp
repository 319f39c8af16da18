#include "state_fixture.hpp"

namespace lingua::test {

void state_test::SetUp() {
  server = std::make_unique<redis::embedded_server>();
  server->start();
  redis::client_options options;
  options.address = server->address();
  options.connections = 2;
  client = std::make_unique<redis::client>(io.get_executor(), options);
  client->start();
  // Wait until the client's connections are up.
  for (int i = 0; i < 200 && !client->connected(); ++i) io.run_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(client->connected());
  configure({});
}

void state_test::TearDown() {
  client->stop();
  io.restart();
  io.run_for(std::chrono::milliseconds(50));
  server->stop();
}

void state_test::configure(state::state_config config) {
  config.key_prefix = "test";
  state = std::make_unique<state::scheduler_state>(*client, config);
}

state::node_capabilities state_test::en_zh_node(std::uint32_t max_jobs) const {
  state::node_capabilities caps;
  caps.asr_languages = {"en", "zh"};
  caps.tts_languages = {"en", "zh"};
  caps.other_languages = {"en", "zh"};
  caps.services = {"asr", "nmt", "tts"};
  caps.max_concurrent_jobs = max_jobs;
  return caps;
}

void state_test::add_ready_node(const std::string& id, const state::node_capabilities& caps) {
  auto reg = run(state->register_node(id, caps));
  ASSERT_TRUE(reg);
  auto hb = run(state->heartbeat(id, state::node_runtime{}, nullptr));
  ASSERT_TRUE(hb);
  ASSERT_TRUE(hb->known);
}

state::dispatch_request state_test::en_to_zh_job(const std::string& job_id, const std::string& session) const {
  state::dispatch_request request;
  request.job_id = job_id;
  request.job_key = session + ":" + job_id;
  request.requirements.session_id = session;
  request.requirements.languages = {"en", "zh"};
  request.requirements.asr_languages = {"en"};
  request.requirements.tts_languages = {"zh"};
  request.requirements.services = {"asr", "nmt", "tts"};
  request.spec_json = R"({"job_id":")" + job_id + R"("})";
  request.audio = std::string("\x01\x00\x02", 3);
  request.trace_id = "tr-" + job_id;
  return request;
}

std::int64_t state_test::load_of(const std::string& node_id) {
  auto r = raw({"HGET", state->keys().key("node:load"), node_id});
  return r.as_integer().value_or(0);
}

std::int64_t state_test::zcard(const std::string& suffix) {
  return raw({"ZCARD", state->keys().key(suffix)}).as_integer().value_or(-1);
}

bool state_test::in_ready_set(const std::string& pool, const std::string& node_id) {
  auto members = raw({"ZRANGEBYLEX", state->keys().key("pool:free"), "[" + pool + "|", "(" + pool + "}"});
  for (const auto& m : members.elements()) {
    const std::string& text = m.str();
    if (text.size() > node_id.size() && text.compare(text.size() - node_id.size() - 1, std::string::npos,
                                                     "|" + node_id) == 0) {
      return true;
    }
  }
  return false;
}

redis::reply state_test::raw(redis::command_args args) {
  auto r = run(client->command(std::move(args)));
  EXPECT_FALSE(r.ec) << r.ec.message();
  return r.value;
}

}  // namespace lingua::test
