#include "peer_log/log_throttle.hpp"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <string>
#include <vector>

#include "peer_log/peer_log.hpp"

namespace lingua::peer_log {
namespace {

using namespace std::chrono_literals;

struct fake_clock {
  log_throttle::clock::time_point now{std::chrono::seconds(1000)};
};

struct throttle_under_test {
  explicit throttle_under_test(throttle_settings settings = {.lines_per_window = 3, .window = 10s, .max_keys = 4})
      : throttle(
            settings, [this] { return clock.now; },
            [this](const suppression_summary& s) { summaries.push_back(s); }) {}

  int admitted(std::string_view source, peer_event event, int attempts) {
    int n = 0;
    for (int i = 0; i < attempts; ++i) n += throttle.admit(source, event) ? 1 : 0;
    return n;
  }

  fake_clock clock;
  std::vector<suppression_summary> summaries;
  log_throttle throttle;
};

TEST(log_throttle, writes_a_few_lines_per_window_and_summarises_the_rest_when_it_ends) {
  throttle_under_test t;
  EXPECT_EQ(t.admitted("10.0.0.1", peer_event::invalid_message, 1237), 3);
  EXPECT_TRUE(t.summaries.empty());
  t.clock.now += 9s;
  t.throttle.flush_due();
  EXPECT_TRUE(t.summaries.empty());
  t.clock.now += 1s;
  t.throttle.flush_due();
  ASSERT_EQ(t.summaries.size(), 1U);
  EXPECT_EQ(t.summaries[0].suppressed, 1234U);
  EXPECT_EQ(describe(t.summaries[0]),
            "suppressed 1,234 similar messages (invalid message) from 10.0.0.1 in the last 10 s");
  EXPECT_EQ(t.throttle.tracked_keys(), 0U);
  // A new window starts with a fresh budget.
  EXPECT_EQ(t.admitted("10.0.0.1", peer_event::invalid_message, 5), 3);
}

TEST(log_throttle, a_window_without_suppression_ends_silently) {
  throttle_under_test t;
  EXPECT_EQ(t.admitted("10.0.0.1", peer_event::rate_limited, 2), 2);
  t.clock.now += 11s;
  t.throttle.flush_due();
  EXPECT_TRUE(t.summaries.empty());
  EXPECT_EQ(t.throttle.tracked_keys(), 0U);
}

TEST(log_throttle, addresses_and_events_have_budgets_of_their_own) {
  throttle_under_test t;
  EXPECT_EQ(t.admitted("10.0.0.1", peer_event::invalid_message, 10), 3);
  EXPECT_EQ(t.admitted("10.0.0.2", peer_event::invalid_message, 10), 3);
  EXPECT_EQ(t.admitted("10.0.0.1", peer_event::refused_upgrade, 10), 3);
  t.clock.now += 10s;
  t.throttle.flush_all();
  EXPECT_EQ(t.summaries.size(), 3U);
}

TEST(log_throttle, the_next_line_after_a_window_ends_its_summary_first) {
  throttle_under_test t;
  t.admitted("10.0.0.1", peer_event::invalid_message, 4);
  t.clock.now += 10s;
  EXPECT_TRUE(t.throttle.admit("10.0.0.9", peer_event::deadline));
  ASSERT_EQ(t.summaries.size(), 1U);
  EXPECT_EQ(t.summaries[0].suppressed, 1U);
  EXPECT_EQ(describe(t.summaries[0]), "suppressed 1 similar message (invalid message) from 10.0.0.1 in the last 10 s");
}

TEST(log_throttle, memory_is_bounded_when_many_addresses_flood) {
  throttle_under_test t;
  int written = 0;
  for (int a = 0; a < 10'000; ++a) written += t.admitted("10.1." + std::to_string(a), peer_event::invalid_message, 2);
  EXPECT_LE(t.throttle.tracked_keys(), 5U);  // max_keys plus the shared "other sources" key
  EXPECT_LE(written, 4 * 3 + 3);
  t.clock.now += 10s;
  t.throttle.flush_due();
  ASSERT_FALSE(t.summaries.empty());
  EXPECT_EQ(t.summaries.back().source, "other sources");
  EXPECT_EQ(t.throttle.tracked_keys(), 0U);
}

TEST(log_throttle, the_source_of_an_endpoint_is_its_address_without_the_port) {
  EXPECT_EQ(source_of("10.0.0.1:5555"), "10.0.0.1");
  EXPECT_EQ(source_of("[::1]:5555"), "::1");
  EXPECT_EQ(source_of("?"), "?");
  EXPECT_EQ(source_of("fe80::1"), "fe80::1");
}

TEST(peer_log, a_flood_writes_a_bounded_number_of_lines_and_a_summary) {
  std::ostringstream out;
  auto logger = std::make_shared<spdlog::logger>("peer_log_test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  logger->set_pattern("%v");
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  configure({.lines_per_window = 2, .window = 10s, .max_keys = 16});
  for (int i = 0; i < 1000; ++i) {
    warn("10.0.0.7:4000", peer_event::invalid_message, "invalid message {} dropped", i);
  }
  throttle().flush_all();
  spdlog::set_default_logger(previous);
  configure({});
  EXPECT_EQ(out.str(),
            "invalid message 0 dropped\ninvalid message 1 dropped\n"
            "suppressed 998 similar messages (invalid message) from 10.0.0.7 in the last 10 s\n");
}

}  // namespace
}  // namespace lingua::peer_log
