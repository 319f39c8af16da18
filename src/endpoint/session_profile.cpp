#include "endpoint/session_profile.hpp"

#include <algorithm>

namespace lingua::endpoint {
namespace {

void add(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && item != "auto" && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// The feature flags in a canonical, stable form ('1' on, '0' off, '-' unset per flag): the same on every instance.
std::string features_hash(const std::optional<protocol::feature_flags>& features) {
  if (!features) return "none";
  std::string canonical;
  for (const auto& flag : {features->emotion_detection, features->voice_style_detection, features->speech_rate_detection,
                           features->speech_rate_control, features->speaker_identification,
                           features->persona_adaptation}) {
    canonical += !flag ? '-' : (*flag ? '1' : '0');
  }
  return canonical;
}

}  // namespace

session_profile session_profile::from_init(const protocol::session_init& init, std::string session_id,
                                           std::string trace_id) {
  session_profile p;
  p.session_id = std::move(session_id);
  p.trace_id = std::move(trace_id);
  p.tenant_id = init.tenant_id.value_or("");
  p.client_version = init.client_version;
  p.platform = init.platform;
  p.src_lang = init.src_lang;
  p.tgt_lang = init.tgt_lang;
  p.dialect = init.dialect;
  p.features = init.features;
  p.mode = init.mode;
  p.lang_a = init.lang_a;
  p.lang_b = init.lang_b;
  p.auto_langs = init.auto_langs;
  return p;
}

std::vector<std::string> session_profile::spoken_languages() const {
  std::vector<std::string> langs;
  if (src_lang != "auto") {
    add(langs, src_lang);
    return langs;
  }
  if (lang_a && lang_b) {
    add(langs, *lang_a);
    add(langs, *lang_b);
  }
  for (const auto& l : auto_langs.value_or(std::vector<std::string>{})) add(langs, l);
  return langs;
}

std::string check_languages(const session_profile& p) {
  if (p.src_lang != "auto" && !state::valid_language(p.src_lang)) return "src_lang '" + p.src_lang + "' is not a language code";
  if (!state::valid_language(p.tgt_lang)) return "tgt_lang '" + p.tgt_lang + "' is not a language code";
  for (const auto* lang : {&p.lang_a, &p.lang_b}) {
    if (*lang && !state::valid_language(**lang)) return "'" + **lang + "' is not a language code";
  }
  for (const auto& l : p.auto_langs.value_or(std::vector<std::string>{})) {
    if (!state::valid_language(l)) return "auto_langs entry '" + l + "' is not a language code";
  }
  return {};
}

state::job_requirements requirements_for(const session_profile& profile, const std::string& target_lang,
                                         const protocol::pipeline_config& pipeline) {
  state::job_requirements req;
  req.session_id = profile.session_id;
  const std::vector<std::string> spoken = profile.spoken_languages();
  const bool two_way = profile.src_lang == "auto" && profile.lang_a && profile.lang_b;
  // Pools are found by primary subtags; nodes are then matched on the exact (normalised) tags: see
  // node_capabilities.hpp and lua/includes/select.lua (serves_language).
  for (const auto& l : spoken) add(req.languages, state::primary_language(l));
  add(req.languages, state::primary_language(target_lang));
  std::sort(req.languages.begin(), req.languages.end());
  if (pipeline.use_asr) {
    for (const auto& l : spoken) add(req.asr_languages, state::normalize_language(l));
  }
  if (pipeline.use_tts) {
    // A two-way session's listener may be either party: the node must speak both languages.
    if (two_way) {
      for (const auto& l : spoken) add(req.tts_languages, state::normalize_language(l));
    }
    add(req.tts_languages, state::normalize_language(target_lang));
  }
  if (pipeline.use_asr) req.services.emplace_back("asr");
  if (pipeline.use_nmt) req.services.emplace_back("nmt");
  if (pipeline.use_tts) req.services.emplace_back("tts");
  if (pipeline.use_semantic) req.services.emplace_back("semantic");
  if (pipeline.use_tone) req.services.emplace_back("tone");
  return req;
}

std::string job_key_for(const session_profile& profile, std::uint64_t utterance_index, const std::string& target_lang,
                        const std::optional<protocol::feature_flags>& features) {
  return (profile.tenant_id.empty() ? std::string("default") : profile.tenant_id) + ":" + profile.session_id + ":" +
         std::to_string(utterance_index) + ":translation:" + target_lang + ":" + features_hash(features);
}

namespace {

protocol::job_assign base_assign(const session_profile& profile, const std::string& target_lang) {
  protocol::job_assign a;
  a.session_id = profile.session_id;
  a.src_lang = profile.src_lang;
  a.tgt_lang = target_lang;
  a.dialect = profile.dialect;
  a.features = profile.features;
  a.mode = profile.mode;
  a.lang_a = profile.lang_a;
  a.lang_b = profile.lang_b;
  a.auto_langs = profile.auto_langs;
  a.enable_streaming_asr = true;
  a.partial_update_interval_ms = 1000;
  a.trace_id = profile.trace_id;
  return a;
}

}  // namespace

protocol::job_assign assign_for_cut(const session_profile& profile, const session::utterance_cut& cut,
                                    const std::string& target_lang, std::string_view audio_format,
                                    const cut_context& context) {
  protocol::job_assign a = base_assign(profile, target_lang);
  a.utterance_index = cut.utterance_index;
  a.pipeline = protocol::pipeline_config{};
  a.audio_format = std::string(audio_format);
  a.sample_rate = 16000;
  a.padding_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, cut.padding_ms));
  a.is_manual_cut = cut.is_manual_cut;
  a.is_timeout_triggered = cut.is_timeout_triggered;
  a.is_max_duration_triggered = cut.is_max_duration_triggered;
  if (!cut.turn_id.empty()) a.turn_id = cut.turn_id;
  if (!context.context_text.empty()) a.context_text = context.context_text;
  a.group_id = context.group_id;
  return a;
}

protocol::job_assign assign_for_utterance(const session_profile& profile, const protocol::utterance& message,
                                          const std::string& target_lang) {
  protocol::job_assign a = base_assign(profile, target_lang);
  a.utterance_index = message.utterance_index;
  a.src_lang = message.src_lang.empty() ? profile.src_lang : message.src_lang;
  if (message.dialect) a.dialect = message.dialect;
  if (message.features) a.features = message.features;
  if (message.trace_id) a.trace_id = *message.trace_id;
  a.pipeline = message.pipeline.value_or(protocol::pipeline_config{});
  a.audio_format = message.audio_format;
  a.sample_rate = message.sample_rate;
  a.is_manual_cut = message.manual_cut;
  return a;
}

}  // namespace lingua::endpoint
