// Sessions: optional API keys naming the tenant, and an allowed-origins list for browsers.
#include <signal.h>

#include "e2e/auth/auth_helpers.hpp"

namespace lingua::test {
namespace {

using session_auth = scheduler_e2e;

bool session_refused_with(fake_session& session, std::uint16_t port, unsigned status) {
  try {
    session.connect(port);
  } catch (const std::runtime_error&) {
    return session.socket().upgrade_status() == status;
  }
  return false;
}

TEST_F(session_auth, sessions_need_no_key_by_default_and_the_log_says_so) {
  auto& scheduler = start_scheduler();
  fake_session session;
  EXPECT_FALSE(session.connect(scheduler.port()).empty());
  EXPECT_TRUE(wait_for_log(scheduler, "sessions need no API key"));
  EXPECT_TRUE(wait_for_log(scheduler, "any browser origin"));
}

TEST_F(session_auth, with_session_keys_a_missing_or_wrong_key_is_refused_and_a_good_key_names_the_tenant) {
  temp_dir dir;
  const auto keys = dir.path() / "session_keys";
  write_file(keys, "# key tenant\nkey-for-acme-0000000000 acme\nkey-for-globex-000000000 globex\n");
  auto& scheduler = start_scheduler({"--auth.session_tokens_file=" + keys.string()});

  fake_session no_key;
  EXPECT_TRUE(session_refused_with(no_key, scheduler.port(), 401));
  fake_session wrong("?token=key-for-nobody-000000000");
  EXPECT_TRUE(session_refused_with(wrong, scheduler.port(), 401));

  fake_session by_query("?token=key-for-acme-0000000000");
  const std::string acme = by_query.connect(scheduler.port(), "en", "zh", {{"tenant_id", "globex"}});
  EXPECT_TRUE(wait_for_log(scheduler, "session " + acme + " opened (web en -> zh, one_way, tenant acme)"))
      << "the key's tenant replaces the tenant_id the client names";
  fake_session by_bearer("", ws_options{{{"Authorization", "Bearer key-for-globex-000000000"}}});
  const std::string globex = by_bearer.connect(scheduler.port());
  EXPECT_TRUE(wait_for_log(scheduler, "session " + globex + " opened (web en -> zh, one_way, tenant globex)"));
  EXPECT_EQ(scheduler.log().find("key-for-"), std::string::npos) << "keys are never logged";

  // The keys file is re-read on SIGHUP too.
  write_file(keys, "key-for-initech-00000000 initech\n");
  ::kill(scheduler.pid(), SIGHUP);
  ASSERT_TRUE(wait_for_log(scheduler, "auth: reloaded"));
  fake_session old_key("?token=key-for-acme-0000000000");
  EXPECT_TRUE(session_refused_with(old_key, scheduler.port(), 401));
  fake_session new_key("?token=key-for-initech-00000000");
  EXPECT_FALSE(new_key.connect(scheduler.port()).empty());
}

TEST_F(session_auth, a_listed_origin_is_accepted_another_is_refused_with_403_and_no_origin_is_not_a_browser) {
  auto& scheduler = start_scheduler({"--auth.allowed_origins=https://app.example.com, http://localhost:5173"});
  fake_session evil("", ws_options{{{"Origin", "https://evil.example"}}});
  EXPECT_TRUE(session_refused_with(evil, scheduler.port(), 403));
  fake_session listed("", ws_options{{{"Origin", "http://localhost:5173"}}});
  EXPECT_FALSE(listed.connect(scheduler.port()).empty());
  fake_session native;  // no Origin header: not a browser, not the origin check's business
  EXPECT_FALSE(native.connect(scheduler.port()).empty());
  EXPECT_TRUE(wait_for_log(scheduler, "origin not allowed"));
}

}  // namespace
}  // namespace lingua::test
