#include "session/segmenter.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <utility>

namespace lingua::session {

namespace {

bool continues_turn(cut_reason reason) {
  return reason == cut_reason::max_duration || reason == cut_reason::max_buffer;
}

}  // namespace

std::string_view to_string(cut_reason reason) {
  switch (reason) {
    case cut_reason::manual:
      return "manual";
    case cut_reason::pause:
      return "pause";
    case cut_reason::max_duration:
      return "max_duration";
    case cut_reason::max_buffer:
      return "max_buffer";
    case cut_reason::session_close:
      return "session_close";
  }
  return "unknown";
}

std::string random_turn_id() {
  std::random_device device;
  std::array<unsigned char, 16> octets{};
  for (std::size_t i = 0; i < octets.size(); i += 4) {
    const auto word = static_cast<std::uint32_t>(device());
    for (std::size_t j = 0; j < 4; ++j) octets[i + j] = static_cast<unsigned char>(word >> (8U * j));
  }
  octets[6] = static_cast<unsigned char>((octets[6] & 0x0FU) | 0x40U);  // version 4
  octets[8] = static_cast<unsigned char>((octets[8] & 0x3FU) | 0x80U);  // RFC 4122 variant
  static constexpr std::string_view hex = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (std::size_t i = 0; i < octets.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(hex[octets[i] >> 4U]);
    id.push_back(hex[octets[i] & 0x0FU]);
  }
  return id;
}

segmenter::segmenter(segmenter_config config, turn_id_generator next_turn_id)
    : config_(std::move(config)),
      format_(parse_audio_format(config_.audio_format)),
      next_turn_id_(next_turn_id ? std::move(next_turn_id) : turn_id_generator(random_turn_id)) {}

std::vector<utterance_cut> segmenter::on_chunk(std::int64_t now_ms, std::string_view bytes, bool is_final,
                                               std::optional<std::int64_t> client_timestamp_ms) {
  std::vector<utterance_cut> out;
  if (closed_) return out;
  apply_due(now_ms, out);

  if (!bytes.empty()) {
    if (audio_.empty()) first_client_timestamp_ms_ = client_timestamp_ms;
    audio_.append(bytes);
    baseline_ms_ = now_ms;
  }

  if (closing_) {
    if (is_final && closing_->reason != cut_reason::manual) start_closing(cut_reason::manual, now_ms);
  } else if (is_final) {
    if (audio_.empty()) {
      continuing_turn_id_.reset();
    } else {
      start_closing(cut_reason::manual, now_ms);
    }
  } else if (!bytes.empty() && config_.max_duration_ms > 0 &&
             estimate_audio_duration_ms(audio_, format_, config_.sample_rate) >= config_.max_duration_ms) {
    start_closing(cut_reason::max_duration, now_ms);
  }

  if (buffer_overflows()) {
    emit(closing_ ? closing_->reason : cut_reason::max_buffer, out);
  } else if (closing_ && closing_->deadline_ms <= now_ms) {
    emit(closing_->reason, out);
  }
  return out;
}

std::vector<utterance_cut> segmenter::on_timer(std::int64_t now_ms) {
  std::vector<utterance_cut> out;
  if (!closed_) apply_due(now_ms, out);
  return out;
}

std::optional<std::int64_t> segmenter::next_deadline() const {
  if (closed_) return std::nullopt;
  if (closing_) return closing_->deadline_ms;
  if (!audio_.empty() && config_.pause_ms > 0 && baseline_ms_) return *baseline_ms_ + config_.pause_ms;
  return std::nullopt;
}

void segmenter::on_playback(std::int64_t now_ms) {
  if (closed_) return;
  baseline_ms_ = baseline_ms_ ? std::max(*baseline_ms_, now_ms) : now_ms;
}

std::vector<utterance_cut> segmenter::close(std::int64_t now_ms) {
  std::vector<utterance_cut> out;
  if (closed_) return out;
  apply_due(now_ms, out);
  if (closing_) emit(closing_->reason, out);
  emit(cut_reason::session_close, out);
  closed_ = true;
  return out;
}

void segmenter::apply_due(std::int64_t now_ms, std::vector<utterance_cut>& out) {
  if (closing_ && closing_->deadline_ms <= now_ms) emit(closing_->reason, out);
  if (!closing_ && config_.pause_ms > 0 && baseline_ms_ && now_ms - *baseline_ms_ >= config_.pause_ms) {
    // emit() ends the turn even when nothing is buffered: speech after a pause is a new turn.
    emit(cut_reason::pause, out);
  }
}

void segmenter::start_closing(cut_reason reason, std::int64_t now_ms) {
  const std::int64_t hangover =
      reason == cut_reason::manual ? config_.hangover_manual_ms : config_.hangover_auto_ms;
  closing_ = closing{reason, now_ms + std::max<std::int64_t>(hangover, 0)};
}

void segmenter::emit(cut_reason reason, std::vector<utterance_cut>& out) {
  closing_.reset();
  const bool silent = !audio_.empty() && !holds_speech(audio_, format_, config_.sample_rate, config_.speech);
  if (audio_.empty() || silent) {
    if (silent) {
      ++skipped_silent_cuts_;  // dropped, and it uses no utterance index
      audio_.clear();
      first_client_timestamp_ms_.reset();
    }
    if (!continues_turn(reason)) continuing_turn_id_.reset();
    return;
  }
  utterance_cut cut;
  cut.utterance_index = next_index_++;
  cut.reason = reason;
  cut.turn_id = continuing_turn_id_ ? *continuing_turn_id_ : next_turn_id_();
  if (continues_turn(reason)) {
    continuing_turn_id_ = cut.turn_id;
  } else {
    continuing_turn_id_.reset();
  }
  switch (reason) {
    case cut_reason::manual:
      cut.padding_ms = config_.padding_manual_ms;
      cut.is_manual_cut = true;
      break;
    case cut_reason::pause:
      cut.padding_ms = config_.padding_auto_ms;
      cut.is_timeout_triggered = true;
      break;
    case cut_reason::max_duration:
      cut.padding_ms = config_.padding_auto_ms;
      cut.is_max_duration_triggered = true;
      cut.is_timeout_triggered = config_.close_turns_at_limits;
      break;
    case cut_reason::session_close:
      cut.padding_ms = config_.padding_auto_ms;
      break;
    case cut_reason::max_buffer:
      cut.padding_ms = 0;
      cut.is_timeout_triggered = config_.close_turns_at_limits;
      break;
  }
  cut.audio_duration_ms = estimate_audio_duration_ms(audio_, format_, config_.sample_rate);
  cut.first_chunk_client_timestamp_ms = std::exchange(first_client_timestamp_ms_, std::nullopt);
  cut.audio = std::exchange(audio_, std::string{});
  out.push_back(std::move(cut));
}

bool segmenter::buffer_overflows() const {
  return config_.max_buffer_bytes > 0 && audio_.size() > config_.max_buffer_bytes;
}

}  // namespace lingua::session
