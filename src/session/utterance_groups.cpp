#include "session/utterance_groups.hpp"

#include <algorithm>
#include <utility>

namespace lingua::session {

namespace {

constexpr std::string_view user_prefix = "User: ";
constexpr std::string_view target_prefix = "Target: ";

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

}  // namespace

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && is_continuation_byte(text[cut])) --cut;
  return text.substr(0, cut);
}

utterance_groups::utterance_groups(std::string session_id, utterance_group_config config)
    : session_id_(std::move(session_id)), config_(config) {}

std::optional<group_placement> utterance_groups::on_result(std::string_view asr_text,
                                                           std::string_view translated_text, std::int64_t now_ms,
                                                           std::int64_t epoch_ms) {
  if (asr_text.empty()) return std::nullopt;
  if (groups_.empty() || !accepts(groups_.back(), now_ms)) {
    group fresh;
    fresh.id = "group_" + session_id_ + "_" + std::to_string(epoch_ms >= 0 ? epoch_ms : now_ms);
    fresh.last_activity_ms = now_ms;
    groups_.push_back(std::move(fresh));
    while (groups_.size() > std::max<std::size_t>(config_.max_groups_kept, 1)) groups_.pop_front();
  }
  group& g = groups_.back();
  g.last_activity_ms = std::max(g.last_activity_ms, now_ms);
  g.parts.push_back(part{std::string(asr_text), std::string(translated_text)});
  group_placement placement{g.id, g.next_part_index++};

  while (g.parts.size() > std::max<std::size_t>(config_.max_parts_per_group, 1)) g.parts.pop_front();
  std::size_t size = 0;
  for (const part& p : g.parts) size += rendered_size(p);
  while (size > config_.max_context_bytes && g.parts.size() > 1) {
    size -= rendered_size(g.parts.front());
    g.parts.pop_front();
  }
  return placement;
}

std::string utterance_groups::context_text() const {
  std::string text;
  if (groups_.empty()) return text;
  for (const part& p : groups_.back().parts) {
    text.append(user_prefix).append(p.asr_text).push_back('\n');
    if (!p.translated_text.empty()) text.append(target_prefix).append(p.translated_text).push_back('\n');
  }
  text.resize(utf8_prefix(text, config_.max_context_bytes).size());
  return text;
}

bool utterance_groups::on_tts_started(std::string_view group_id, std::int64_t now_ms) {
  group* g = find(group_id);
  if (g == nullptr) return false;
  g->tts_started_ms = now_ms;
  g->tts_playing = true;
  return true;
}

bool utterance_groups::on_tts_ended(std::string_view group_id, std::int64_t now_ms) {
  group* g = find(group_id);
  if (g == nullptr) return false;
  g->tts_playing = false;
  g->last_activity_ms = std::max(g->last_activity_ms, now_ms);
  return true;
}

bool utterance_groups::is_tts_playing(std::int64_t now_ms) const {
  return std::any_of(groups_.begin(), groups_.end(), [&](const group& g) { return playing(g, now_ms); });
}

std::optional<std::string> utterance_groups::active_group_id() const {
  if (groups_.empty()) return std::nullopt;
  return groups_.back().id;
}

utterance_groups::group* utterance_groups::find(std::string_view group_id) {
  for (group& g : groups_) {
    if (g.id == group_id) return &g;
  }
  return nullptr;
}

bool utterance_groups::playing(const group& g, std::int64_t now_ms) const {
  return g.tts_playing && g.tts_started_ms && now_ms - *g.tts_started_ms <= config_.max_tts_playback_ms;
}

bool utterance_groups::accepts(const group& g, std::int64_t now_ms) const {
  return playing(g, now_ms) || now_ms - g.last_activity_ms <= config_.group_window_ms;
}

std::size_t utterance_groups::rendered_size(const part& p) {
  std::size_t size = user_prefix.size() + p.asr_text.size() + 1;
  if (!p.translated_text.empty()) size += target_prefix.size() + p.translated_text.size() + 1;
  return size;
}

}  // namespace lingua::session
