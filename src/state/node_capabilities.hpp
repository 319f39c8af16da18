#pragma once
// What a node can do, in the form the scripts select on: the languages it recognises (ASR) and speaks (TTS), every
// language it handles at all, the services that are ready, its capacity and whether it takes public jobs.
// A node's pool is its language set: the primary subtag of every language it handles, sorted and '-'-joined
// ("de-en-zh" for a node declaring de, en-US and zh-CN): primary subtags never contain '-', so the scripts can split
// pool names on it. The exact tags (normalised, see normalize_language) stay in the ASR/TTS lists, where the scripts
// match them by the rule of lua/includes/select.lua's serves_language.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lingua::state {

struct node_capabilities {
  std::vector<std::string> asr_languages;
  std::vector<std::string> tts_languages;
  std::vector<std::string> other_languages;  // semantic / NMT languages
  std::vector<std::string> services;         // ready services: asr, nmt, tts, semantic, tone, ...
  std::uint32_t max_concurrent_jobs = 4;
  bool accept_public_jobs = true;
  // Fingerprint of the credential that registered the node (auth::node_identity), never a token. The register
  // script refuses the node id to a socket with another credential while the node is known.
  std::string credential;

  // Sorted, de-duplicated primary subtags of every language.
  std::vector<std::string> languages() const;
  // The languages '-'-joined; "~" when the node declares none (such a node is never selected).
  std::string pool() const;
  // {"pool","asr",",en,zh,","tts",...,"svc",",asr,nmt,","max",4,"pub",1,"cred","..."} as lua/includes/state_keys.lua
  // expects ("cred" only when credential is set).
  std::string to_json() const;
};

// Language codes and node ids travel inside ",a,b," lists and "pool|node" members: they must not contain
// separators. Allowed: letters, digits, '_' and '-' for languages (≤ 16); plus '.' and ':' for ids (≤ 128).
bool valid_language(std::string_view code);
bool valid_node_id(std::string_view id);

// BCP-47 tags in one spelling, so that equal tags compare equal: '_' becomes '-', the primary subtag lower case, a
// 2-letter or 3-digit region upper case, a 4-letter script title case, anything else lower case
// ("ZH_cn" → "zh-CN", "zh-hant-tw" → "zh-Hant-TW"). A code that is not a valid_language is returned as it is.
std::string normalize_language(std::string_view code);
// The primary language subtag, lower case: "zh-CN" → "zh", "en" → "en".
std::string primary_language(std::string_view code);

// The tag a node understands for a job's language `tag`, in the node's own spelling (`declared`, as the node sent
// them): the declared tag equal to `tag` once both are normalised; else, for a regional tag (zh-CN), the bare
// language the node declares (zh); else, for a bare tag (zh), the first regional form of it the node declares
// (zh-CN). The same rule as the scripts' matching (lua/includes/select.lua serves_language). `tag` as it is when
// the node declares nothing that serves it (it was not selected for its languages, e.g. "auto").
std::string declared_tag_for(std::string_view tag, const std::vector<std::string>& declared);

// ",a,b," for a list (the empty list is ",").
std::string comma_list(const std::vector<std::string>& items);

}  // namespace lingua::state
