#pragma once
// The JSON bodies of GET /api/v1/cluster and GET /api/v1/stats (docs/api.md), in the original Lingua scheduler's
// field names (reference digest §8.1) plus what an operator needs beyond them (pools, uncovered language pairs,
// drains, rooms). Pure functions of what api/cluster_reader.hpp read and what this instance knows locally.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lingua::api {

// A web client connected to this instance, as its session_init declared it.
struct local_session {
  std::string src_lang;  // "auto" or a language
  std::string tgt_lang;
  std::string mode;      // "" (one way) or "two_way_auto"
  std::string lang_a;
  std::string lang_b;
};

struct local_instance {
  std::string instance_id;
  std::string hostname;
  std::int64_t pid = 0;
  std::string version;
  std::int64_t started_at_ms = 0;  // wall clock
  std::string key_prefix;
  std::vector<local_session> sessions;
};

// The non-empty parts of `text` between `separator`s, as a JSON array (",en,zh," or "de-en-zh").
nlohmann::json split_list(const std::string& text, char separator);

nlohmann::json cluster_body(const nlohmann::json& read, const local_instance& self);
nlohmann::json stats_body(const nlohmann::json& read, const local_instance& self);

// Language pairs (primary subtags, a < b) among the languages the pools and this instance's sessions use that no
// pool serves ("no_node") or whose pools have no ready member with a free slot ("no_free_node").
nlohmann::json uncovered_pairs(const nlohmann::json& pools, const std::vector<local_session>& sessions);

}  // namespace lingua::api
