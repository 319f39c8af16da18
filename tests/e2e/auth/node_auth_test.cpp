// /ws/node needs a credential: refused upgrades get 401 and register nothing; tokens come as Bearer or ?token=;
// per-node tokens register only their own id; SIGHUP reloads the tokens file.
#include <signal.h>

#include "e2e/auth/auth_helpers.hpp"

namespace lingua::test {
namespace {

using node_auth = scheduler_e2e;

constexpr const char* gpu1_token = "gpu-1-token-aaaaaaaaaaaaaaaa";
constexpr const char* gpu2_token = "gpu-2-token-bbbbbbbbbbbbbbbb";

TEST_F(node_auth, a_node_upgrade_without_a_token_is_refused_with_401_and_registers_nothing) {
  auto& scheduler = start_scheduler();
  fake_node anonymous(node_with_token("node-anon", ""));
  ASSERT_TRUE(upgrade_refused_with(anonymous, scheduler.port(), 401));
  EXPECT_EQ(anonymous.socket().upgrade_header("WWW-Authenticate").rfind("Bearer", 0), 0u);
  EXPECT_TRUE(wait_for_log(scheduler, "refused /ws/node upgrade"));
  // Nothing registered: a session's utterance finds no node at all, and once a real node connects it is the one
  // that gets the next utterance's job.
  fake_session session;
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto error = session.next("error");
  ASSERT_TRUE(error) << "no node may serve en-zh: the refused socket must not have become one";
  EXPECT_EQ((*error)["code"], "NO_AVAILABLE_NODE");
  fake_node genuine(named_node("node-genuine"));
  genuine.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = genuine.next_job();
  ASSERT_TRUE(job) << "the genuine node takes the next utterance";
}

TEST_F(node_auth, a_wrong_token_is_refused_with_401_and_never_logged) {
  auto& scheduler = start_scheduler();
  fake_node wrong(node_with_token("node-wrong", "not-the-token-zzzzzzzzzzzz"));
  ASSERT_TRUE(upgrade_refused_with(wrong, scheduler.port(), 401));
  fake_node bearer_wrong(node_with_token("node-wrong", "not-the-token-yyyyyyyyyyyy", true));
  ASSERT_TRUE(upgrade_refused_with(bearer_wrong, scheduler.port(), 401));
  EXPECT_TRUE(wait_for_log(scheduler, "unknown token"));
  const std::string log = scheduler.log();
  EXPECT_EQ(log.find("not-the-token"), std::string::npos);
  EXPECT_EQ(log.find(default_node_token), std::string::npos) << "the configured token is never logged either";
}

TEST_F(node_auth, the_shared_token_is_accepted_as_bearer_header_and_as_query_parameter) {
  auto& scheduler = start_scheduler();
  fake_node by_query(node_with_token("node-query", default_node_token));
  EXPECT_EQ(by_query.connect(scheduler.port()), "node-query");
  fake_node by_bearer(node_with_token("node-bearer", default_node_token, true));
  EXPECT_EQ(by_bearer.connect(scheduler.port()), "node-bearer");
}

TEST_F(node_auth, anonymous_nodes_connect_only_when_the_operator_allows_them_and_the_log_warns) {
  auto& scheduler = start_scheduler({"--auth.allow_anonymous_nodes=true"});
  fake_node anonymous(node_with_token("node-anon", ""));
  EXPECT_EQ(anonymous.connect(scheduler.port()), "node-anon");
  EXPECT_TRUE(wait_for_log(scheduler, "ANONYMOUS NODES ALLOWED"));
}

TEST_F(node_auth, a_per_node_token_registers_only_its_own_node_id) {
  temp_dir dir;
  const auto tokens = dir.path() / "node_tokens";
  write_file(tokens, std::string("# per-node tokens\ngpu-1 ") + gpu1_token + "\n\ngpu-2 " + gpu2_token + "\n");
  auto& scheduler = start_scheduler({"--auth.node_tokens_file=" + tokens.string()});

  fake_node other_id(node_with_token("someone-else", gpu1_token));
  EXPECT_EQ(other_id.connect(scheduler.port()), "gpu-1") << "the bound id wins over the id the register names";
  fake_node null_id(node_with_token("", gpu2_token, true));
  EXPECT_EQ(null_id.connect(scheduler.port()), "gpu-2") << "node_id:null gets the bound id";

  // The shared token cannot take an id that belongs to a per-node token, even while that node is away.
  null_id.socket().close();
  fake_node shared(named_node("gpu-2"));
  shared.open(scheduler.port());
  auto answer = shared.register_node();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["type"], "error");
  EXPECT_EQ((*answer)["code"], "NODE_ID_CONFLICT");
  EXPECT_TRUE(wait_for_log(scheduler, "register as 'gpu-2' refused"));
}

TEST_F(node_auth, sighup_reloads_the_tokens_file_and_a_bad_file_keeps_the_previous_table) {
  temp_dir dir;
  const auto tokens = dir.path() / "node_tokens";
  write_file(tokens, std::string("gpu-1 ") + gpu1_token + "\n");
  auto& scheduler = start_scheduler({"--auth.node_tokens_file=" + tokens.string()});
  fake_node before(node_with_token("", gpu2_token));
  ASSERT_TRUE(upgrade_refused_with(before, scheduler.port(), 401));

  write_file(tokens, std::string("gpu-2 ") + gpu2_token + "\n");
  ::kill(scheduler.pid(), SIGHUP);
  ASSERT_TRUE(wait_for_log(scheduler, "auth: reloaded"));
  fake_node added(node_with_token("", gpu2_token));
  EXPECT_EQ(added.connect(scheduler.port()), "gpu-2") << "an added token works at once";
  fake_node removed(node_with_token("", gpu1_token));
  EXPECT_TRUE(upgrade_refused_with(removed, scheduler.port(), 401)) << "a removed token is refused for new upgrades";

  write_file(tokens, "gpu-3 has too many fields\n");
  ::kill(scheduler.pid(), SIGHUP);
  ASSERT_TRUE(wait_for_log(scheduler, "auth: reloaded", 2));
  EXPECT_TRUE(wait_for_log(scheduler, "keeping the previous"));
  fake_node still(node_with_token("", gpu2_token));
  EXPECT_EQ(still.connect(scheduler.port()), "gpu-2");
  EXPECT_TRUE(added.socket().wait_closed(3s)) << "the reconnect with the same token replaced the older socket";
}

TEST_F(node_auth, allowed_origins_also_refuse_a_browser_opening_the_node_endpoint_and_agents_send_no_origin) {
  auto& scheduler = start_scheduler({"--auth.allowed_origins=https://app.example.com"});
  node_spec from_evil = named_node("node-evil");
  from_evil.origin = "https://evil.example";  // a page there, holding a stolen token
  fake_node evil(from_evil);
  EXPECT_TRUE(upgrade_refused_with(evil, scheduler.port(), 403)) << "checked before the (valid) token";
  EXPECT_TRUE(wait_for_log(scheduler, "refused /ws/node upgrade"));

  node_spec from_app = named_node("node-app");
  from_app.origin = "https://app.example.com";
  fake_node listed(from_app);
  EXPECT_EQ(listed.connect(scheduler.port()), "node-app");
  fake_node agent(named_node("node-agent"));  // no Origin header, as the Lingua node agent
  EXPECT_EQ(agent.connect(scheduler.port()), "node-agent");

  node_spec evil_without_token = node_with_token("node-x", "");
  evil_without_token.origin = "https://evil.example";
  fake_node no_token(evil_without_token);
  EXPECT_TRUE(upgrade_refused_with(no_token, scheduler.port(), 403));
}

}  // namespace
}  // namespace lingua::test
