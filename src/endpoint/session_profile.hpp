#pragma once
// A session as session_init declared it, and the pure functions that turn its utterances into jobs: what the job
// asks of a node (state::job_requirements), its idempotency key, and the job_assign template a node receives.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/node_messages.hpp"
#include "protocol/session_messages.hpp"
#include "session/segmenter.hpp"
#include "state/scheduler_state.hpp"

namespace lingua::endpoint {

struct session_profile {
  std::string session_id;
  std::string trace_id;
  std::string tenant_id;  // "" = default tenant
  std::string client_version;
  std::string platform;
  std::string src_lang;   // "auto" or a language code
  std::string tgt_lang;
  std::optional<std::string> dialect;
  std::optional<protocol::feature_flags> features;
  std::optional<std::string> mode;
  std::optional<std::string> lang_a;
  std::optional<std::string> lang_b;
  std::optional<std::vector<std::string>> auto_langs;

  static session_profile from_init(const protocol::session_init& init, std::string session_id, std::string trace_id);
  // The languages the speaker may talk in ({} when unknown: src "auto" without lang_a/lang_b/auto_langs).
  std::vector<std::string> spoken_languages() const;
};

// Empty when the session's languages are usable, else why not (for an INVALID_MESSAGE error).
std::string check_languages(const session_profile& profile);

// What a job for `target_lang` needs from a node. Two-way sessions need a node that recognises and speaks both
// languages; a one-way session one that recognises the source and speaks the target; TTS languages only when the
// pipeline synthesises speech.
state::job_requirements requirements_for(const session_profile& profile, const std::string& target_lang,
                                         const protocol::pipeline_config& pipeline);

// "{tenant or default}:{session}:{utterance}:translation:{target}:{feature flags or none}"
std::string job_key_for(const session_profile& profile, std::uint64_t utterance_index, const std::string& target_lang,
                        const std::optional<protocol::feature_flags>& features);

struct cut_context {
  std::string context_text;  // recent conversation for the node ("" = none)
  std::optional<std::string> group_id;
};

// The job_assign template for an utterance cut from the audio stream (attempt_id and audio are filled per send).
protocol::job_assign assign_for_cut(const session_profile& profile, const session::utterance_cut& cut,
                                    const std::string& target_lang, std::string_view audio_format,
                                    const cut_context& context);
// The same for a whole `utterance` message (the client's pipeline and format are honoured).
protocol::job_assign assign_for_utterance(const session_profile& profile, const protocol::utterance& message,
                                          const std::string& target_lang);

}  // namespace lingua::endpoint
