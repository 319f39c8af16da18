#include "protocol/error_code.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/types.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lingua::protocol {
namespace {

template <class E>
void expect_names_round_trip(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto value = static_cast<E>(i);
    EXPECT_EQ(to_string(value), names[i]);
    E parsed{};
    ASSERT_TRUE(from_string(names[i], parsed)) << names[i];
    EXPECT_EQ(parsed, value);
  }
  E untouched = static_cast<E>(names.size() - 1);
  EXPECT_FALSE(from_string("not-a-value", untouched));
  EXPECT_EQ(untouched, static_cast<E>(names.size() - 1));
}

TEST(error_code, spells_all_twenty_one_codes_in_screaming_snake_case) {
  expect_names_round_trip<error_code>(
      {"INVALID_MESSAGE",     "INTERNAL_ERROR",       "INVALID_SESSION",   "SESSION_CLOSED",
       "NODE_UNAVAILABLE",    "NODE_OVERLOADED",      "MODEL_NOT_AVAILABLE", "MODEL_LOAD_FAILED",
       "UNSUPPORTED_FEATURE", "INVALID_PAIRING_CODE", "NO_AVAILABLE_NODE", "WS_DISCONNECTED",
       "NMT_TIMEOUT",         "TTS_TIMEOUT",          "JOB_TIMEOUT",       "MODEL_VERIFY_FAILED",
       "MODEL_CORRUPTED",     "NO_GPU_AVAILABLE",     "NODE_ID_CONFLICT",  "INVALID_CAPABILITY_SCHEMA",
       "SCHEDULER_DEPENDENCY_DOWN"});
}

TEST(error_code, matches_case_exactly) {
  error_code code{};
  EXPECT_FALSE(from_string("invalid_message", code));
  EXPECT_FALSE(from_string("PROCESSING_ERROR", code));  // node codes are strings, not ErrorCode values
}

TEST(enums, spell_their_wire_values) {
  expect_names_round_trip<ui_event_type>({"INPUT_STARTED", "INPUT_ENDED", "ASR_PARTIAL", "ASR_FINAL", "DISPATCHED",
                                          "NODE_ACCEPTED", "NMT_DONE", "TTS_PLAY_STARTED", "TTS_PLAY_ENDED", "ERROR"});
  expect_names_round_trip<ui_event_status>({"ok", "error"});
  expect_names_round_trip<service_type>({"asr", "nmt", "tts", "tone", "semantic", "phonetic", "punctuation"});
  expect_names_round_trip<device_type>({"gpu", "cpu"});
  expect_names_round_trip<service_status>({"running", "stopped", "error"});
  expect_names_round_trip<node_status>({"registering", "ready", "degraded", "draining", "offline"});
  expect_names_round_trip<nmt_rule>({"any_to_any", "any_to_en", "en_to_any", "specific_pairs"});
  expect_names_round_trip<backpressure_action>({"BUSY", "PAUSE", "SLOW_DOWN"});
}

TEST(error_code, has_a_specific_chinese_hint_for_the_twelve_hinted_codes) {
  EXPECT_EQ(hint(error_code::no_available_node), "暂无可用的翻译节点，请稍后重试。");
  for (const auto code :
       {error_code::no_available_node, error_code::model_not_available, error_code::ws_disconnected,
        error_code::nmt_timeout, error_code::tts_timeout, error_code::job_timeout, error_code::model_verify_failed,
        error_code::model_corrupted, error_code::no_gpu_available, error_code::node_id_conflict,
        error_code::invalid_capability_schema, error_code::scheduler_dependency_down}) {
    EXPECT_NE(hint(code), generic_hint) << to_string(code);
    EXPECT_FALSE(hint(code).empty());
  }
}

TEST(error_code, gives_the_generic_hint_to_every_other_code) {
  EXPECT_EQ(generic_hint, "发生错误，请稍后重试。");
  for (const auto code : {error_code::invalid_message, error_code::internal_error, error_code::invalid_session,
                          error_code::session_closed, error_code::node_unavailable, error_code::node_overloaded,
                          error_code::model_load_failed, error_code::unsupported_feature,
                          error_code::invalid_pairing_code}) {
    EXPECT_EQ(hint(code), generic_hint) << to_string(code);
  }
}

TEST(error_code, maps_only_the_seven_relayable_node_codes_to_a_ui_error_code) {
  EXPECT_EQ(ui_error_code_for_node_code("NO_AVAILABLE_NODE"), error_code::no_available_node);
  EXPECT_EQ(ui_error_code_for_node_code("MODEL_NOT_AVAILABLE"), error_code::model_not_available);
  EXPECT_EQ(ui_error_code_for_node_code("WS_DISCONNECTED"), error_code::ws_disconnected);
  EXPECT_EQ(ui_error_code_for_node_code("NMT_TIMEOUT"), error_code::nmt_timeout);
  EXPECT_EQ(ui_error_code_for_node_code("TTS_TIMEOUT"), error_code::tts_timeout);
  EXPECT_EQ(ui_error_code_for_node_code("MODEL_VERIFY_FAILED"), error_code::model_verify_failed);
  EXPECT_EQ(ui_error_code_for_node_code("MODEL_CORRUPTED"), error_code::model_corrupted);
  EXPECT_EQ(ui_error_code_for_node_code("PROCESSING_ERROR"), std::nullopt);
  EXPECT_EQ(ui_error_code_for_node_code("JOB_TIMEOUT"), std::nullopt);
  EXPECT_EQ(ui_error_code_for_node_code("INTERNAL_ERROR"), std::nullopt);
  EXPECT_EQ(ui_error_code_for_node_code(""), std::nullopt);
}

}  // namespace
}  // namespace lingua::protocol
