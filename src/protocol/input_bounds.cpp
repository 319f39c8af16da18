#include "protocol/input_bounds.hpp"

#include <string>
#include <type_traits>

namespace lingua::protocol {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// Records the first bound a message breaks; every check after that is a no-op.
class bounds {
 public:
  explicit bounds(const input_limits& limits) : limits_(limits) {}

  void id(std::string_view field, const std::string& value) { length(field, value, limits_.max_id_bytes); }
  void id(std::string_view field, const std::optional<std::string>& value) {
    if (value) id(field, *value);
  }
  void language(std::string_view field, const std::string& value) {
    length(field, value, limits_.max_language_bytes);
  }
  void language(std::string_view field, const std::optional<std::string>& value) {
    if (value) language(field, *value);
  }
  void text(std::string_view field, const std::string& value) { length(field, value, limits_.max_text_bytes); }
  void text(std::string_view field, const std::optional<std::string>& value) {
    if (value) text(field, *value);
  }
  void languages(std::string_view field, const std::vector<std::string>& list) {
    count(field, list.size(), limits_.max_node_languages);
    for (const auto& code : list) language(field, code);
  }
  void languages(std::string_view field, const std::optional<std::vector<std::string>>& list) {
    if (list) languages(field, *list);
  }
  void count(std::string_view field, std::size_t size, std::size_t max) {
    if (error_ || size <= max) return;
    error_ = parse_error{"field `" + std::string(field) + "` has " + std::to_string(size) + " entries (at most " +
                         std::to_string(max) + " allowed)"};
  }
  void json(std::string_view field, const nlohmann::json& value) {
    if (error_ || value.is_null() || value.is_boolean() || value.is_number()) return;
    const std::size_t size = value.is_string() ? value.get_ref<const std::string&>().size()
                                               : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
    if (size > limits_.max_relayed_json_bytes) {
      error_ = parse_error{"field `" + std::string(field) + "` is " + std::to_string(size) + " bytes of JSON (at most " +
                           std::to_string(limits_.max_relayed_json_bytes) + " allowed)"};
    }
  }
  void json(std::string_view field, const std::optional<nlohmann::json>& value) {
    if (value) json(field, *value);
  }
  const input_limits& limits() const { return limits_; }
  std::optional<parse_error> take() { return std::move(error_); }

 private:
  void length(std::string_view field, const std::string& value, std::size_t max) {
    if (error_ || value.size() <= max) return;
    error_ = parse_error{"field `" + std::string(field) + "` is " + std::to_string(value.size()) +
                         " bytes long (at most " + std::to_string(max) + " allowed)"};
  }

  const input_limits& limits_;
  std::optional<parse_error> error_;
};

void check_models(bounds& b, std::string_view field, const std::vector<installed_model>& models) {
  b.count(field, models.size(), b.limits().max_node_models);
  for (const auto& m : models) {
    b.id("installed_models[].model_id", m.model_id);
    b.id("installed_models[].kind", m.kind);
    b.language("installed_models[].src_lang", m.src_lang);
    b.language("installed_models[].tgt_lang", m.tgt_lang);
    b.language("installed_models[].dialect", m.dialect);
    b.id("installed_models[].version", m.version);
  }
}

void check_services(bounds& b, const std::vector<installed_service>& services,
                    const std::vector<capability_by_type>& readiness) {
  b.count("installed_services", services.size(), b.limits().max_node_services);
  for (const auto& s : services) {
    b.id("installed_services[].service_id", s.service_id);
    b.id("installed_services[].version", s.version);
    b.id("installed_services[].model_id", s.model_id);
    b.id("installed_services[].engine", s.engine);
    b.text("installed_services[].last_error", s.last_error);
  }
  b.count("capability_by_type", readiness.size(), b.limits().max_node_services);
  for (const auto& c : readiness) {
    b.text("capability_by_type[].reason", c.reason);
    if (c.ready_impl_ids) {
      b.count("capability_by_type[].ready_impl_ids", c.ready_impl_ids->size(), b.limits().max_node_services);
      for (const auto& id : *c.ready_impl_ids) b.id("capability_by_type[].ready_impl_ids[]", id);
    }
  }
}

void check_language_capabilities(bounds& b, const std::optional<node_language_capabilities>& caps) {
  if (!caps) return;
  b.languages("language_capabilities.asr_languages", caps->asr_languages);
  b.languages("language_capabilities.tts_languages", caps->tts_languages);
  b.languages("language_capabilities.semantic_languages", caps->semantic_languages);
  if (!caps->nmt_capabilities) return;
  b.count("language_capabilities.nmt_capabilities", caps->nmt_capabilities->size(), b.limits().max_node_services);
  // Pair lists are at most every ordered pair of the allowed languages.
  const std::size_t max_pairs = b.limits().max_node_languages * b.limits().max_node_languages;
  for (const auto& nmt : *caps->nmt_capabilities) {
    b.id("language_capabilities.nmt_capabilities[].model_id", nmt.model_id);
    b.languages("language_capabilities.nmt_capabilities[].languages", nmt.languages);
    for (const auto* pairs : {&nmt.blocked_pairs, &nmt.supported_pairs}) {
      if (!*pairs) continue;
      b.count("language_capabilities.nmt_capabilities[].*_pairs", (*pairs)->size(), max_pairs);
      for (const auto& pair : **pairs) {
        b.language("language_capabilities.nmt_capabilities[].*_pairs[].src", pair.src);
        b.language("language_capabilities.nmt_capabilities[].*_pairs[].tgt", pair.tgt);
      }
    }
  }
}

// The language fields a session sets in session_init and utterance.
template <class M>
void check_session_languages(bounds& b, const M& m) {
  b.language("src_lang", m.src_lang);
  b.language("tgt_lang", m.tgt_lang);
  b.language("dialect", m.dialect);
  b.id("mode", m.mode);
  b.language("lang_a", m.lang_a);
  b.language("lang_b", m.lang_b);
  b.languages("auto_langs", m.auto_langs);
  b.id("trace_id", m.trace_id);
}

template <class Signal>
void check_signal(bounds& b, const Signal& m) {
  b.id("room_code", m.room_code);
  b.id("to", m.to);
}

}  // namespace

std::optional<parse_error> check_bounds(const session_inbound& message, const input_limits& limits) {
  bounds b(limits);
  std::visit(overloaded{
                 [&](const session_init& m) {
                   b.id("client_version", m.client_version);
                   b.id("platform", m.platform);
                   b.id("pairing_code", m.pairing_code);
                   b.id("tenant_id", m.tenant_id);
                   check_session_languages(b, m);
                 },
                 [&](const audio_chunk& m) { b.id("session_id", m.session_id); },
                 [&](const utterance& m) {
                   b.id("session_id", m.session_id);
                   b.id("audio_format", m.audio_format);
                   check_session_languages(b, m);
                 },
                 [&](const client_heartbeat& m) { b.id("session_id", m.session_id); },
                 [&](const tts_started& m) {
                   b.id("session_id", m.session_id);
                   b.id("trace_id", m.trace_id);
                   b.id("group_id", m.group_id);
                 },
                 [&](const tts_play_ended& m) {
                   b.id("session_id", m.session_id);
                   b.id("trace_id", m.trace_id);
                   b.id("group_id", m.group_id);
                 },
                 [&](const session_close& m) {
                   b.id("session_id", m.session_id);
                   b.text("reason", m.reason);
                 },
                 [&](const room_create& m) {
                   b.text("display_name", m.display_name);
                   b.language("preferred_lang", m.preferred_lang);
                 },
                 [&](const room_join& m) {
                   b.id("room_code", m.room_code);
                   b.text("display_name", m.display_name);
                   b.language("preferred_lang", m.preferred_lang);
                 },
                 [&](const room_leave& m) { b.id("room_code", m.room_code); },
                 [&](const room_raw_voice_preference& m) {
                   b.id("room_code", m.room_code);
                   b.id("target_session_id", m.target_session_id);
                 },
                 [&](const webrtc_offer& m) {
                   check_signal(b, m);
                   b.json("sdp", m.sdp);
                 },
                 [&](const webrtc_answer& m) {
                   check_signal(b, m);
                   b.json("sdp", m.sdp);
                 },
                 [&](const webrtc_ice& m) {
                   check_signal(b, m);
                   b.json("candidate", m.candidate);
                 },
                 [&](const session_unhandled&) {},
             },
             message);
  return b.take();
}

std::optional<parse_error> check_bounds(const node_inbound& message, const input_limits& limits) {
  bounds b(limits);
  const auto job_ids = [&](const auto& m) {
    b.id("job_id", m.job_id);
    b.id("node_id", m.node_id);
    b.id("session_id", m.session_id);
    b.id("trace_id", m.trace_id);
  };
  std::visit(overloaded{
                 [&](const node_register& m) {
                   b.id("node_id", m.node_id);
                   b.id("version", m.version);
                   b.id("capability_schema_version", m.capability_schema_version);
                   b.id("platform", m.platform);
                   if (m.hardware.gpus) b.count("hardware.gpus", m.hardware.gpus->size(), limits.max_node_services);
                   check_models(b, "installed_models", m.installed_models);
                   check_services(b, m.installed_services.value_or(std::vector<installed_service>{}),
                                  m.capability_by_type);
                   if (m.advanced_features) {
                     b.count("advanced_features", m.advanced_features->size(), limits.max_node_services);
                     for (const auto& f : *m.advanced_features) b.id("advanced_features[]", f);
                   }
                   check_language_capabilities(b, m.language_capabilities);
                 },
                 [&](const node_heartbeat& m) {
                   b.id("node_id", m.node_id);
                   if (m.installed_models) check_models(b, "installed_models", *m.installed_models);
                   check_services(b, m.installed_services, m.capability_by_type);
                   b.json("rerun_metrics", m.rerun_metrics);
                   b.json("asr_metrics", m.asr_metrics);
                   b.json("processing_metrics", m.processing_metrics);
                   check_language_capabilities(b, m.language_capabilities);
                 },
                 [&](const job_ack& m) { job_ids(m); },
                 [&](const job_started& m) { job_ids(m); },
                 [&](const node_asr_partial& m) { job_ids(m); },
                 [&](const job_result& m) {
                   job_ids(m);
                   b.id("group_id", m.group_id);
                   b.id("tts_format", m.tts_format);
                   b.id("asr_quality_level", m.asr_quality_level);
                   if (m.reason_codes) {
                     b.count("reason_codes", m.reason_codes->size(), limits.max_node_services);
                     for (const auto& code : *m.reason_codes) b.id("reason_codes[]", code);
                   }
                   if (m.extra) {
                     b.id("extra.emotion", m.extra->emotion);
                     b.id("extra.voice_style", m.extra->voice_style);
                     b.id("extra.reason", m.extra->reason);
                     if (m.extra->language_probabilities) {
                       b.count("extra.language_probabilities", m.extra->language_probabilities->size(),
                               limits.max_node_languages);
                       for (const auto& [code, p] : *m.extra->language_probabilities) {
                         b.language("extra.language_probabilities", code);
                       }
                     }
                   }
                   if (m.error) {
                     // error.message is not bounded beyond the frame: refusing a result for a long message
                     // would lose the result.
                     b.id("error.code", m.error->code);
                     b.json("error.details", m.error->details);
                   }
                 },
                 [&](const node_error& m) {
                   b.id("node_id", m.node_id);
                   b.id("code", m.code);
                   b.json("details", m.details);
                 },
                 [&](const error_message& m) {
                   b.id("code", m.code);
                   b.json("details", m.details);
                 },
                 [&](const node_unhandled&) {},
             },
             message);
  return b.take();
}

}  // namespace lingua::protocol
