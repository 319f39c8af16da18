#pragma once
// segmenter: cuts one session's audio stream into utterances.
//
// Pure logic for a single-writer session actor: no clocks, no timers, no I/O. The actor passes the server receive
// time (`now_ms`, monotonic milliseconds) with every event, calls on_timer() at (or after) next_deadline(), and
// dispatches the cuts it gets back. What happens to a cut afterwards (job creation succeeds or fails) does not
// concern the segmenter: it never blocks, so a failed dispatch cannot wedge the session (the original stayed in
// "Finalizing" forever after a job-creation error).
//
// Rules:
// - Chunks. A chunk's payload is appended to the open utterance. An empty payload is a marker: it adds no audio and
//   does not move the pause baseline. Every event first applies what has fallen due by `now_ms` (an expired
//   hangover or pause), exactly as if the actor had called on_timer(now_ms) first, so a late timer changes nothing.
// - Pause. The pause baseline is the receive time of the last non-empty chunk, moved forward by on_playback (a
//   speaker listening to TTS is not pausing). Once pause_ms have passed since the baseline (now - baseline >=
//   pause_ms; `>=` so that a timer and a chunk arriving at the same millisecond agree), the buffered audio is cut
//   with reason pause. A chunk arriving after such a gap therefore starts the NEXT utterance (the original put it
//   into the previous one). A pause needs no hangover: the speaker has already been silent for pause_ms.
// - Manual. is_final cuts (the chunk's own payload, if any, belongs to the utterance). With nothing buffered it
//   emits nothing but still ends the turn.
// - Max duration. When the estimated duration of the buffered audio (audio_duration.hpp, whole buffer) reaches
//   max_duration_ms, the utterance is cut.
// - Hangover. A manual or max-duration cut is not emitted at once: for hangover_manual_ms / hangover_auto_ms the
//   utterance keeps collecting (chunks arriving then belong to it, so words in flight are not split off), then it
//   is emitted by on_timer at the deadline (or by the first event at/after it). A chunk arriving exactly at the
//   deadline starts the next utterance. is_final during a max-duration hangover turns the cut into a manual one and
//   restarts the hangover with hangover_manual_ms. A zero hangover emits at once.
// - Max buffer. When the buffer exceeds max_buffer_bytes the utterance is emitted at once (including the chunk that
//   overflowed it): reason max_buffer, or, if a manual/max-duration cut was already triggered, that cut without
//   waiting for the rest of its hangover.
// - Several rules on one chunk: a due pause cuts first (before the chunk); then manual wins over max_duration; an
//   overflow alone is max_buffer, an overflow together with manual/max_duration only skips their hangover.
// - Close. close() applies what is due, emits a pending hangover cut immediately with its own reason, flushes any
//   other buffered audio with reason session_close (no hangover) and closes the segmenter: later calls do nothing.
// - Silence. A cut whose audio holds no speech (speech_presence.hpp: only silent Opus packets / quiet PCM frames, or
//   less voiced audio than speech.min_speech_ms) is dropped like an empty one: it emits nothing, does not advance
//   the index, and ends the turn as its reason would. Audio that cannot be judged is never dropped.
// - Emission. A cut with no audio emits nothing and does not advance the index. Emitted cuts carry indices
//   0, 1, 2, ... in emission order (which is audio order).
// - Padding hint (silence the node appends): manual 280; pause, max_duration and session_close 220; max_buffer 0.
//   Flags: is_manual_cut for manual, is_timeout_triggered for pause, is_max_duration_triggered for max_duration.
//   With close_turns_at_limits (the default) max_duration and max_buffer cuts carry is_timeout_triggered as well:
//   the Lingua node agent holds the text of a turn's cuts that carry neither is_manual_cut nor
//   is_timeout_triggered until such a cut of that turn arrives, and the turn's closing cut is often never
//   dispatched (silent or empty), so without it a turn longer than max_duration_ms lost its translation.
// - Turns. Every cut carries a turn_id. Speech cut by a limit (max_duration, max_buffer) continues its turn: the
//   next cut reuses the turn_id so the node can stitch a long continuous turn. manual, pause and session_close end
//   the turn, and so does a pause or is_final with nothing buffered: the next cut gets a fresh id.
// - pause_ms, max_duration_ms or max_buffer_bytes of 0 disable that rule.
// - first_chunk_client_timestamp_ms is the client timestamp of the utterance's first non-empty chunk, if it had one.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/audio_duration.hpp"
#include "session/speech_presence.hpp"

namespace lingua::session {

struct segmenter_config {
  std::int64_t pause_ms = 3000;
  std::int64_t max_duration_ms = 10000;
  std::size_t max_buffer_bytes = 512000;
  std::int64_t hangover_auto_ms = 150;
  std::int64_t hangover_manual_ms = 200;
  std::int64_t padding_auto_ms = 220;
  std::int64_t padding_manual_ms = 280;
  std::string audio_format = "opus";
  std::uint32_t sample_rate = 16000;
  speech_presence_config speech;
  // A cut made by a limit (max_duration, max_buffer) also carries is_timeout_triggered (see "Flags").
  bool close_turns_at_limits = true;
};

enum class cut_reason { manual, pause, max_duration, max_buffer, session_close };

std::string_view to_string(cut_reason reason);

struct utterance_cut {
  std::uint64_t utterance_index = 0;
  std::string audio;  // raw bytes, the concatenated chunk payloads
  cut_reason reason = cut_reason::manual;
  std::int64_t padding_ms = 0;
  bool is_manual_cut = false;
  bool is_timeout_triggered = false;
  bool is_max_duration_triggered = false;
  std::string turn_id;
  std::int64_t audio_duration_ms = 0;
  std::optional<std::int64_t> first_chunk_client_timestamp_ms;
};

using turn_id_generator = std::function<std::string()>;

// A lowercase UUIDv4 drawn from std::random_device: the default turn id generator.
std::string random_turn_id();

class segmenter {
 public:
  explicit segmenter(segmenter_config config = {}, turn_id_generator next_turn_id = random_turn_id);

  // One audio_chunk. Returns the cuts emitted by it, in index order (possibly several: a due cut, then this one).
  std::vector<utterance_cut> on_chunk(std::int64_t now_ms, std::string_view bytes, bool is_final,
                                      std::optional<std::int64_t> client_timestamp_ms = std::nullopt);

  // The actor's timer fired (at or after next_deadline()).
  std::vector<utterance_cut> on_timer(std::int64_t now_ms);

  // When on_timer must be called: the end of a hangover, or the pause deadline while audio is buffered.
  std::optional<std::int64_t> next_deadline() const;

  // tts_started / tts_play_ended: moves the pause baseline to now.
  void on_playback(std::int64_t now_ms);

  // Session close: see the rules above. Idempotent.
  std::vector<utterance_cut> close(std::int64_t now_ms);

  std::uint64_t next_utterance_index() const { return next_index_; }
  std::size_t buffered_bytes() const { return audio_.size(); }
  // Cuts dropped because they held no speech (see "Silence").
  std::uint64_t skipped_silent_cuts() const { return skipped_silent_cuts_; }
  bool closed() const { return closed_; }

 private:
  struct closing {
    cut_reason reason;
    std::int64_t deadline_ms;
  };

  void apply_due(std::int64_t now_ms, std::vector<utterance_cut>& out);
  void start_closing(cut_reason reason, std::int64_t now_ms);
  void emit(cut_reason reason, std::vector<utterance_cut>& out);
  bool buffer_overflows() const;

  segmenter_config config_;
  audio_format format_;
  turn_id_generator next_turn_id_;
  std::uint64_t next_index_ = 0;
  std::uint64_t skipped_silent_cuts_ = 0;
  // The utterance being collected; while closing_ is set it is the closing one (hangover).
  std::string audio_;
  std::optional<std::int64_t> first_client_timestamp_ms_;
  std::optional<std::int64_t> baseline_ms_;
  std::optional<closing> closing_;
  std::optional<std::string> continuing_turn_id_;
  bool closed_ = false;
};

}  // namespace lingua::session
