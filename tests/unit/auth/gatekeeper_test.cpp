#include <gtest/gtest.h>

#include <fstream>

#include "auth/gatekeeper.hpp"
#include "support/test_support.hpp"

namespace lingua::auth {
namespace {

net::http_request upgrade(std::string query, std::vector<std::pair<std::string, std::string>> headers = {}) {
  net::http_request r;
  r.path = "/ws/node";
  r.query = std::move(query);
  r.headers = std::move(headers);
  r.remote_endpoint = "127.0.0.1:1";
  return r;
}

TEST(gatekeeper, nodes_are_refused_without_any_configured_credential) {
  gatekeeper gate(auth_settings{});
  ASSERT_EQ(gate.load(), "");
  auto request = upgrade("");
  auto refusal = gate.admit_node(request);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 401u);
  ASSERT_EQ(refusal->headers.size(), 1u);
  EXPECT_EQ(refusal->headers[0].first, "WWW-Authenticate");
}

TEST(gatekeeper, a_shared_token_and_a_per_node_token_give_different_credentials) {
  test::temp_dir dir;
  const auto file = dir.path() / "tokens";
  std::ofstream(file) << "gpu-1 per-node-secret-000000\n";
  gatekeeper gate(auth_settings{.node_token = "shared-secret-0000000", .node_tokens_file = file.string()});
  ASSERT_EQ(gate.load(), "");
  auto shared = upgrade("token=shared-secret-0000000");
  ASSERT_FALSE(gate.admit_node(shared));
  const auto who = std::any_cast<node_identity>(shared.admission);
  EXPECT_EQ(who.credential.rfind("shared:", 0), 0u);
  EXPECT_EQ(who.bound_node_id, "");
  EXPECT_TRUE(gate.reserved_for_another("gpu-1", who));
  EXPECT_FALSE(gate.reserved_for_another("gpu-9", who));

  auto own = upgrade("", {{"Authorization", "Bearer per-node-secret-000000"}});
  ASSERT_FALSE(gate.admit_node(own));
  const auto bound = std::any_cast<node_identity>(own.admission);
  EXPECT_EQ(bound.bound_node_id, "gpu-1");
  EXPECT_FALSE(gate.reserved_for_another("gpu-1", bound));
  EXPECT_NE(bound.credential, who.credential);
}

TEST(gatekeeper, a_wrong_token_is_refused_even_when_anonymous_nodes_are_allowed) {
  gatekeeper gate(auth_settings{.allow_anonymous_nodes = true, .node_token = "shared-secret-0000000"});
  ASSERT_EQ(gate.load(), "");
  auto none = upgrade("");
  EXPECT_FALSE(gate.admit_node(none));
  EXPECT_EQ(std::any_cast<node_identity>(none.admission).credential, "anonymous");
  auto wrong = upgrade("token=guess");
  EXPECT_TRUE(gate.admit_node(wrong));
}

TEST(gatekeeper, a_bad_file_at_start_is_an_error_and_at_reload_keeps_the_previous_table) {
  test::temp_dir dir;
  const auto file = dir.path() / "tokens";
  std::ofstream(file) << "gpu-1 one-secret-00000000\n";
  gatekeeper gate(auth_settings{.node_tokens_file = file.string()});
  ASSERT_EQ(gate.load(), "");
  std::ofstream(file, std::ios::trunc) << "gpu-1 one two\n";
  gate.reload();
  auto still = upgrade("token=one-secret-00000000");
  EXPECT_FALSE(gate.admit_node(still));
  gatekeeper fresh(auth_settings{.node_tokens_file = file.string()});
  EXPECT_NE(fresh.load(), "");
  gatekeeper missing(auth_settings{.node_tokens_file = (dir.path() / "absent").string()});
  EXPECT_NE(missing.load(), "");
}

TEST(gatekeeper, after_a_reload_only_identities_whose_token_is_still_listed_the_same_way_are_still_admitted) {
  test::temp_dir dir;
  const auto nodes = dir.path() / "tokens";
  const auto shared = dir.path() / "shared";
  std::ofstream(nodes) << "gpu-1 first-secret-00000000\ngpu-2 second-secret-0000000\ngpu-3 third-secret-00000000\n";
  std::ofstream(shared) << "shared-secret-0000000\n";
  gatekeeper gate(auth_settings{.node_token_file = shared.string(), .node_tokens_file = nodes.string()});
  ASSERT_EQ(gate.load(), "");
  auto identity = [&gate](const std::string& token) {
    auto request = upgrade("token=" + token);
    EXPECT_FALSE(gate.admit_node(request));
    return std::any_cast<node_identity>(request.admission);
  };
  const auto first = identity("first-secret-00000000");
  const auto second = identity("second-secret-0000000");
  const auto third = identity("third-secret-00000000");
  const auto old_shared = identity("shared-secret-0000000");
  EXPECT_TRUE(gate.still_admits(first));
  EXPECT_TRUE(gate.still_admits(old_shared));

  // gpu-2's token removed, gpu-1's token now bound to another id, gpu-3 unchanged; a new shared token.
  std::ofstream(nodes, std::ios::trunc) << "gpu-9 first-secret-00000000\ngpu-3 third-secret-00000000\n";
  std::ofstream(shared, std::ios::trunc) << "new-shared-secret-000\n";
  gate.reload();
  EXPECT_FALSE(gate.still_admits(first)) << "rebound to another node id";
  EXPECT_FALSE(gate.still_admits(second)) << "removed";
  EXPECT_TRUE(gate.still_admits(third));
  EXPECT_FALSE(gate.still_admits(old_shared)) << "the shared token changed";
  EXPECT_TRUE(gate.still_admits(identity("new-shared-secret-000")));
  EXPECT_FALSE(gate.still_admits(node_identity{"anonymous", ""})) << "anonymous nodes are not allowed here";
}

TEST(gatekeeper, sessions_check_the_origin_before_the_key) {
  test::temp_dir dir;
  const auto file = dir.path() / "keys";
  std::ofstream(file) << "key-1 acme\n";
  gatekeeper gate(auth_settings{.session_tokens_file = file.string(),
                                .allowed_origins = split_list("https://a.example, https://b.example")});
  ASSERT_EQ(gate.load(), "");
  auto evil = upgrade("token=key-1", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(gate.admit_session(evil));
  EXPECT_EQ(gate.admit_session(evil)->status, 403u);
  auto good = upgrade("token=key-1", {{"Origin", "https://b.example"}});
  ASSERT_FALSE(gate.admit_session(good));
  EXPECT_EQ(std::any_cast<session_identity>(good.admission).tenant_id, "acme");
  auto keyless = upgrade("", {{"Origin", "https://a.example"}});
  ASSERT_TRUE(gate.admit_session(keyless));
  EXPECT_EQ(gate.admit_session(keyless)->status, 401u);
}

TEST(gatekeeper, a_node_upgrade_with_an_origin_not_allowed_is_refused_before_its_token_and_without_origin_passes) {
  gatekeeper gate(auth_settings{.node_token = "shared-secret-0000000",
                                .allowed_origins = split_list("https://a.example")});
  ASSERT_EQ(gate.load(), "");
  auto browser = upgrade("token=shared-secret-0000000", {{"Origin", "https://evil.example"}});
  const auto refusal = gate.admit_node(browser);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 403u);
  auto listed = upgrade("token=shared-secret-0000000", {{"Origin", "https://a.example"}});
  EXPECT_FALSE(gate.admit_node(listed));
  auto agent = upgrade("token=shared-secret-0000000");  // the node agent sends no Origin
  EXPECT_FALSE(gate.admit_node(agent));
  gatekeeper open(auth_settings{.node_token = "shared-secret-0000000"});
  ASSERT_EQ(open.load(), "");
  auto any = upgrade("token=shared-secret-0000000", {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(open.admit_node(any)) << "without allowed_origins any origin passes, as for sessions";
}

}  // namespace
}  // namespace lingua::auth
