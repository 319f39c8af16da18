#pragma once
// Key names of the shared state. Every key lives under the hash tag "{<prefix>}", so all scripts touch one Redis
// Cluster slot; a deployment that needs more than one slot runs several prefixes (partitions) side by side.
#include <string>
#include <string_view>
#include <vector>

namespace lingua::state {

class state_keys {
 public:
  explicit state_keys(std::string_view prefix);

  // KEYS[1..13] of every transition script, in the order of lua/includes/state_keys.lua.
  const std::vector<std::string>& fixed() const { return fixed_; }
  const std::string& tag() const { return tag_; }  // "{prefix}"

  std::string job_payload(std::string_view job_id) const;  // "{p}:job:<id>"
  std::string job_key(std::string_view key) const;         // "{p}:jobkey:<key>"
  std::string key(std::string_view suffix) const;          // "{p}:<suffix>" for other modules' keys

 private:
  std::string tag_;
  std::vector<std::string> fixed_;
};

}  // namespace lingua::state
