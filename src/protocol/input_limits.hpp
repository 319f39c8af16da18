#pragma once
// Bounds on what a peer may send, applied while a frame is parsed (before any message is acted on). A frame over a
// bound is refused with a parse_error naming the field and the bound, exactly like a malformed frame: the caller
// answers INVALID_MESSAGE and changes nothing. The defaults are generous for every real client and node (see
// docs/security.md "Hostile input") and every bound is configurable in `[input]` (docs/configuration.md).
#include <cstddef>
#include <limits>
#include <string_view>

namespace lingua::protocol {

struct input_limits {
  // Nesting of arrays and objects in one frame; the outer object is depth 1. Checked by a linear scan of the text
  // before any document is built, so no recursive code (ours or the JSON library's) ever sees deeper input.
  std::size_t max_json_depth = 64;
  // Ids and short codes: node_id, session_id, job_id, trace_id, group_id, room codes, model/service ids,
  // versions, platform, codes of errors, tenant_id, pairing_code.
  std::size_t max_id_bytes = 128;
  // One language code (src_lang, tgt_lang, lang_a/b, auto_langs entries, a node's declared languages, dialect).
  std::size_t max_language_bytes = 32;
  // Entries of one language list (a node's asr/tts/semantic/NMT languages, a session's auto_langs), and the number
  // of distinct languages a node may declare in all (checked by the node endpoint: it sizes the pair index).
  std::size_t max_node_languages = 64;
  // Entries of a node's installed_services, capability_by_type and nmt_capabilities lists.
  std::size_t max_node_services = 64;
  // Entries of a node's installed_models list.
  std::size_t max_node_models = 256;
  // Serialised size of one opaque JSON value that is relayed or kept (error details, WebRTC sdp/candidate, node
  // metrics), bytes.
  std::size_t max_relayed_json_bytes = 65536;
  // Free text shown to people: display_name, reason, error messages, bytes.
  std::size_t max_text_bytes = 1024;
};

// The largest depth an operator may configure; internal re-parsing (inter-instance deliveries) uses it so that a
// message accepted under any valid configuration is never refused on the way.
inline constexpr std::size_t max_configurable_json_depth = 512;

// For text this process wrote itself from an accepted message (inter-instance deliveries): no bound but the depth.
inline constexpr input_limits internal_input_limits{max_configurable_json_depth,
                                                    std::numeric_limits<std::size_t>::max(),
                                                    std::numeric_limits<std::size_t>::max(),
                                                    std::numeric_limits<std::size_t>::max(),
                                                    std::numeric_limits<std::size_t>::max(),
                                                    std::numeric_limits<std::size_t>::max(),
                                                    std::numeric_limits<std::size_t>::max(),
                                                    std::numeric_limits<std::size_t>::max()};

// True when `text` opens an array or object deeper than `max_depth` (a linear scan; string literals skipped). For
// JSON that is parsed outside the message parsers.
bool nested_deeper_than(std::string_view text, std::size_t max_depth);

}  // namespace lingua::protocol
