#include <gtest/gtest.h>

#include "node/capabilities.hpp"
#include "node/engines/apertium_mt.hpp"
#include "node/engines/espeak_tts.hpp"
#include "node/node_client.hpp"

namespace lingua::node {
namespace {

TEST(SchedulerUrl, HostPortAndTargetAreTakenApart) {
  std::string error;
  auto a = parse_scheduler_url("ws://10.0.0.5:5010/ws/node?token=abc", error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, "5010");
  EXPECT_EQ(a->target, "/ws/node?token=abc");
  auto b = parse_scheduler_url("ws://example.org", error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->port, "80");
  EXPECT_EQ(b->target, "/");
}

TEST(SchedulerUrl, AnythingButWsIsRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_scheduler_url("wss://example.org/ws/node", error));
  EXPECT_NE(error.find("ws://"), std::string::npos);
  EXPECT_FALSE(parse_scheduler_url("ws://:5010/ws/node", error));
  EXPECT_FALSE(parse_scheduler_url("ws://host:port/ws/node", error));
}

TEST(NodeCapabilities, OfferWhatIsInstalledAndTheWorkerCount) {
  engine_set engines{nullptr, std::make_unique<apertium_mt>(), std::make_unique<espeak_tts>()};
  const auto r = registration(engines, 3, std::string("node-x"));
  EXPECT_EQ(r.node_id, "node-x");
  EXPECT_EQ(r.max_concurrent_jobs, 3u);
  ASSERT_TRUE(r.language_capabilities);
  EXPECT_EQ(r.language_capabilities->asr_languages, std::vector<std::string>{});
  // TTS only for languages a job can end in (MT targets here): not all ~100 espeak-ng voices.
  EXPECT_EQ(r.language_capabilities->tts_languages, (std::vector<std::string>{"en", "es"}));
  ASSERT_TRUE(r.language_capabilities->nmt_capabilities);
  EXPECT_EQ(r.language_capabilities->nmt_capabilities->front().rule, protocol::nmt_rule::specific_pairs);
  // No ASR engine loaded: reported, not ready.
  ASSERT_EQ(r.capability_by_type.size(), 3u);
  EXPECT_EQ(r.capability_by_type[0].type, protocol::service_type::asr);
  EXPECT_FALSE(r.capability_by_type[0].ready);
  EXPECT_TRUE(r.capability_by_type[1].ready);
  EXPECT_TRUE(r.capability_by_type[2].ready);
  const auto h = heartbeat(r, "node-x", 12.5, 40, 2);
  EXPECT_EQ(h.resource_usage.running_jobs, 2u);
  EXPECT_EQ(h.language_capabilities, r.language_capabilities);
  EXPECT_EQ(h.max_concurrent_jobs, 3u);
}

}  // namespace
}  // namespace lingua::node
