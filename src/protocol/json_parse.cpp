#include "protocol/json_parse.hpp"

#include "protocol/input_limits.hpp"
#include "protocol/plain_text.hpp"

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

namespace lingua::protocol::detail {
namespace {

// A placeholder is the JSON string "\u0000<index>". Splicing is skipped for a text that already contains `\u0000`,
// so a string starting with NUL in the spliced document is always one of ours.
constexpr std::string_view nul_escape = "\\u0000";

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
    const std::size_t j = closing_quote(text, i);
    if (j == std::string_view::npos) break;  // unterminated: the parser reports it
    const std::size_t length = j - i - 1;
    std::size_t next = j + 1;
    while (next < size && is_json_space(text[next])) ++next;
    const bool is_key = next < size && text[next] == ':';
    if (length >= long_string_threshold && !is_key && is_plain(text.substr(i + 1, length))) {
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

std::size_t closing_quote(std::string_view text, std::size_t open) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* const first = begin + open + 1;
  for (const char* from = first; from < end;) {
    const auto* quote = static_cast<const char*>(std::memchr(from, '"', static_cast<std::size_t>(end - from)));
    if (quote == nullptr) break;
    std::size_t backslashes = 0;  // an even run (none included) before it leaves the quote unescaped
    for (const char* b = quote; b > first && b[-1] == '\\'; --b) ++backslashes;
    if (backslashes % 2 == 0) return static_cast<std::size_t>(quote - begin);
    from = quote + 1;
  }
  return std::string_view::npos;
}

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
      // Skip the string literal in one memchr (an 8 KB base64 payload is one vectorised pass, not a loop).
      i = closing_quote(text, i);
      if (i == std::string_view::npos) break;  // unterminated: the parser reports it
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
