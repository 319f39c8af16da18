// BCP-47 language tags in selection: pools by primary subtag, nodes matched on the exact normalised tags
// (lua/includes/select.lua serves_language), and unavailability marks that go away once expired.
#include <thread>

#include "endpoint/session_profile.hpp"
#include "state_fixture.hpp"

namespace lingua::test {
namespace {

using state_languages = state_test;
using kind = state::dispatch_outcome::kind;

state::node_capabilities node_with(std::vector<std::string> langs) {
  state::node_capabilities caps;
  for (auto& l : langs) l = state::normalize_language(l);
  caps.asr_languages = langs;
  caps.tts_languages = langs;
  caps.services = {"asr", "nmt", "tts"};
  caps.max_concurrent_jobs = 4;
  return caps;
}

// A one-way job src → tgt with the requirements a session builds (endpoint::requirements_for).
state::dispatch_request job_for(const std::string& id, const std::string& src, const std::string& tgt) {
  protocol::session_init init;
  init.src_lang = src;
  init.tgt_lang = tgt;
  const auto profile = endpoint::session_profile::from_init(init, "s-" + id, "t");
  state::dispatch_request r;
  r.job_id = id;
  r.job_key = "default:" + id;
  r.requirements = endpoint::requirements_for(profile, tgt, protocol::pipeline_config{});
  r.requirements.ack_timeout_ms = 5000;
  r.requirements.run_timeout_ms = 15000;
  r.spec_json = R"({"job_id":")" + id + R"("})";
  r.audio = "x";
  return r;
}

TEST(language_tags, are_normalised_and_reduced_to_their_primary_subtag_for_pools) {
  EXPECT_EQ(state::normalize_language("ZH_cn"), "zh-CN");
  EXPECT_EQ(state::normalize_language("zh-hant-tw"), "zh-Hant-TW");
  EXPECT_EQ(state::normalize_language("es-419"), "es-419");
  EXPECT_EQ(state::normalize_language("en"), "en");
  EXPECT_EQ(state::primary_language("pt-BR"), "pt");
  EXPECT_EQ(node_with({"zh-CN", "en-US", "pt_BR"}).pool(), "en-pt-zh") << "no '-' inside a pool's language names";
}

TEST_F(state_languages, a_regional_session_is_served_by_a_node_that_declares_the_bare_languages) {
  add_ready_node("n1", node_with({"en", "zh"}));
  auto d = run(state->dispatch(job_for("j1", "zh-CN", "en-US")));
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->status, kind::assigned);
  EXPECT_EQ(d->node_id, "n1");
}

TEST_F(state_languages, a_bare_session_is_served_by_a_node_that_declares_regional_tags) {
  add_ready_node("n1", node_with({"en-US", "zh-CN"}));
  EXPECT_EQ(run(state->dispatch(job_for("j1", "zh", "en")))->status, kind::assigned);
  EXPECT_EQ(run(state->dispatch(job_for("j2", "zh_cn", "EN-us")))->status, kind::assigned) << "case and '_' do not matter";
}

TEST_F(state_languages, another_region_of_the_same_language_does_not_match) {
  add_ready_node("n1", node_with({"en", "zh-CN"}));
  auto d = run(state->dispatch(job_for("j1", "zh-TW", "en")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, kind::rejected);
  EXPECT_EQ(d->reason, "MISSING_LANGUAGE");
  add_ready_node("n2", node_with({"en", "zh"}));
  EXPECT_EQ(run(state->dispatch(job_for("j2", "zh-TW", "en")))->node_id, "n2");
}

TEST_F(state_languages, an_expired_unavailability_mark_is_removed) {
  add_ready_node("n1", node_with({"en", "zh"}));
  ASSERT_TRUE(run(state->mark_unavailable("n1", "tts", 200))->marked);
  ASSERT_TRUE(run(state->mark_unavailable("n1", "asr", 200))->marked);
  EXPECT_EQ(raw({"HLEN", state->keys().key("node:unavailable")}).as_integer().value_or(-1), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(run(state->dispatch(job_for("j1", "en", "zh")))->status, kind::assigned);
  EXPECT_EQ(raw({"HLEN", state->keys().key("node:unavailable")}).as_integer().value_or(-1), 0)
      << "selection removed the marks it found expired";
  ASSERT_TRUE(run(state->mark_unavailable("n1", "semantic", 100))->marked);  // a service no job looks at
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(run(state->expire_deadlines(100)));
  EXPECT_EQ(raw({"HLEN", state->keys().key("node:unavailable")}).as_integer().value_or(-1), 0)
      << "the deadline sweep removes marks nobody looks at";
}

}  // namespace
}  // namespace lingua::test
