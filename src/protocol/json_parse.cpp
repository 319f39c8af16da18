#include "protocol/json_parse.hpp"

#include "protocol/input_limits.hpp"

#include <array>
#include <charconv>
#include <string>
#include <vector>

namespace lingua::protocol::detail {
namespace {

// A placeholder is the JSON string "\u0000<index>". Splicing is skipped for a text that already contains `\u0000`,
// so a string starting with NUL in the spliced document is always one of ours.
constexpr std::string_view nul_escape = "\\u0000";

constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> table{};
  for (std::size_t c = 0x20; c < 0x7F; ++c) table[c] = c != '"' && c != '\\';
  return table;
}

constexpr std::array<bool, 256> plain = make_plain_table();

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The spliced text and the cut-out strings, or false when nothing was worth cutting.
bool splice(std::string_view text, std::string& spliced, std::vector<std::string_view>& cut) {
  const std::size_t size = text.size();
  std::size_t copied = 0;  // text[0, copied) is already in `spliced`
  std::size_t i = 0;
  while (i < size) {
    if (text[i] != '"') {
      ++i;
      continue;
    }
    // A string literal starts at i (outside a string, `"` only ever opens one).
    std::size_t j = i + 1;
    bool all_plain = true;
    while (j < size && text[j] != '"') {
      const auto c = static_cast<unsigned char>(text[j]);
      if (c == '\\') {
        all_plain = false;
        j += 2;
        continue;
      }
      all_plain = all_plain && plain[c];
      ++j;
    }
    if (j >= size) break;  // unterminated: the parser reports it
    const std::size_t length = j - i - 1;
    std::size_t next = j + 1;
    while (next < size && is_json_space(text[next])) ++next;
    const bool is_key = next < size && text[next] == ':';
    if (all_plain && length >= long_string_threshold && !is_key) {
      if (cut.empty()) spliced.reserve(size / 4);
      spliced.append(text.substr(copied, i - copied));
      spliced.push_back('"');
      spliced.append(nul_escape);
      spliced.append(std::to_string(cut.size()));
      spliced.push_back('"');
      cut.push_back(text.substr(i + 1, length));
      copied = j + 1;
    }
    i = j + 1;
  }
  if (cut.empty()) return false;
  spliced.append(text.substr(copied));
  return true;
}

// Puts the cut-out strings back, walking the document with an explicit stack (no recursion, whatever the depth).
void restore(nlohmann::json& document, const std::vector<std::string_view>& cut) {
  std::vector<nlohmann::json*> pending{&document};
  while (!pending.empty()) {
    nlohmann::json& value = *pending.back();
    pending.pop_back();
    if (value.is_string()) {
      auto& text = value.get_ref<std::string&>();
      if (text.empty() || text[0] != '\0') continue;
      std::size_t index = 0;
      const auto result = std::from_chars(text.data() + 1, text.data() + text.size(), index);
      if (result.ec == std::errc{} && index < cut.size()) text.assign(cut[index]);
    } else if (value.is_object()) {
      for (auto& [key, element] : value.get_ref<nlohmann::json::object_t&>()) pending.push_back(&element);
    } else if (value.is_array()) {
      for (auto& element : value.get_ref<nlohmann::json::array_t&>()) pending.push_back(&element);
    }
  }
}

}  // namespace

nlohmann::json parse_json(std::string_view text) {
  std::string spliced;
  std::vector<std::string_view> cut;
  if (text.size() < long_string_threshold || text.find(nul_escape) != std::string_view::npos ||
      !splice(text, spliced, cut)) {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  }
  auto document = nlohmann::json::parse(spliced, nullptr, /*allow_exceptions=*/false);
  if (!document.is_discarded()) restore(document, cut);
  return document;
}

std::size_t exceeds_depth(std::string_view text, std::size_t max_depth) {
  const std::size_t size = text.size();
  std::size_t depth = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const char c = text[i];
    if (c == '"') {
      // Skip the string literal: up to the next `"` not consumed by a backslash escape.
      for (++i; i < size && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace lingua::protocol::detail

namespace lingua::protocol {

bool nested_deeper_than(std::string_view text, std::size_t max_depth) {
  return detail::exceeds_depth(text, max_depth) != std::string_view::npos;
}

}  // namespace lingua::protocol
