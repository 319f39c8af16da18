#pragma once
// utterance_groups: one session's conversational windows of consecutive results, used for translation context
// (job_assign.context_text) and TTS-playback bookkeeping (group_id / part_index in translation_result).
//
// Pure logic; every time is the server's monotonic now_ms.
//
// Rules:
// - A result with non-empty ASR text joins the active (newest) group if it arrives within group_window_ms of the
//   group's last activity: its latest part, or the end of its TTS playback, whichever is later; or while the
//   group's TTS is playing. Otherwise a new group "group_{session_id}_{now_ms}" starts and becomes the active one.
//   (The original measured only from the last TTS end, initialised to creation, so a steady stream of results was
//   split every group_window_ms regardless of activity.) Results with empty ASR text are not grouped.
// - part_index counts 0, 1, 2, ... per group. A group keeps at most max_parts_per_group parts for its context; the
//   oldest drop out, the group itself continues.
// - context_text() renders the active group's parts, oldest first, as "User: {asr}\n" plus "Target: {translated}\n"
//   when a translation exists. The oldest parts are dropped while the text exceeds max_context_bytes; a single part
//   longer than that is truncated at a UTF-8 character boundary, so the result is at most max_context_bytes and
//   always valid UTF-8 (given valid input). Empty when there is no group.
// - on_tts_started / on_tts_ended take the server's receive time: the client's ts_end_ms is on another clock and
//   cannot be compared with now_ms (one reason the original's is_tts_playing was almost never true). They return
//   false for an unknown group (the caller may log it).
// - is_tts_playing(now): some group's TTS started and has not ended, and started at most max_tts_playback_ms ago
//   (a lost tts_play_ended must not leave the session "playing" forever).
// - Only the newest max_groups_kept groups are remembered; older ones become unknown.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace lingua::session {

struct utterance_group_config {
  std::int64_t group_window_ms = 2000;
  std::size_t max_parts_per_group = 8;
  std::size_t max_context_bytes = 800;
  std::int64_t max_tts_playback_ms = 60000;
  std::size_t max_groups_kept = 16;
};

struct group_placement {
  std::string group_id;
  std::uint64_t part_index = 0;
};

// The longest prefix of `text` of at most max_bytes that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

class utterance_groups {
 public:
  explicit utterance_groups(std::string session_id, utterance_group_config config = {});

  // `now_ms` is the steady clock (windows); `epoch_ms`, when given, names a new group "group_<session>_<epoch ms>"
  // as the original does (wall clock: ids stay unique across restarts and instances). Default: now_ms.
  std::optional<group_placement> on_result(std::string_view asr_text, std::string_view translated_text,
                                           std::int64_t now_ms, std::int64_t epoch_ms = -1);

  std::string context_text() const;

  bool on_tts_started(std::string_view group_id, std::int64_t now_ms);
  bool on_tts_ended(std::string_view group_id, std::int64_t now_ms);
  bool is_tts_playing(std::int64_t now_ms) const;

  std::optional<std::string> active_group_id() const;

 private:
  struct part {
    std::string asr_text;
    std::string translated_text;
  };
  struct group {
    std::string id;
    std::int64_t last_activity_ms = 0;
    std::optional<std::int64_t> tts_started_ms;
    bool tts_playing = false;
    std::uint64_t next_part_index = 0;
    std::deque<part> parts;
  };

  group* find(std::string_view group_id);
  bool playing(const group& g, std::int64_t now_ms) const;
  bool accepts(const group& g, std::int64_t now_ms) const;
  static std::size_t rendered_size(const part& p);

  std::string session_id_;
  utterance_group_config config_;
  std::deque<group> groups_;  // oldest first; back() is the active group
};

}  // namespace lingua::session
