#pragma once
// Internal to src/protocol: JSON text → document, fast for frames that carry long base64 strings.
#include <string_view>

#include <nlohmann/json.hpp>

namespace lingua::protocol::detail {

// Same result as nlohmann::json::parse(text, nullptr, false) — a discarded value for invalid JSON — but a string
// value of at least `long_string_threshold` bytes made only of printable ASCII without `"` or `\` (every base64
// payload) is cut out of the text before nlohmann's per-character lexer runs and copied into the document once,
// straight from `text`. Such a string is valid JSON by construction, so validity and the resulting document are
// unchanged; only the time spent differs (about 10× less for an 8 KB audio_chunk).
// Precondition: the nesting of `text` is bounded (see exceeds_depth); the result is walked without recursion, but a
// document is destroyed and copied by the JSON library recursively.
nlohmann::json parse_json(std::string_view text);

// The offset of the first `[` or `{` that opens a level deeper than `max_depth` (the outermost value is level 1), or
// std::string_view::npos when there is none. A linear scan that skips string literals (escapes included) and never
// builds anything: it runs before parse_json so that deep input is refused before any recursive code sees it. For
// invalid JSON the answer only matters as far as the parser would read; the parser reports the rest.
std::size_t exceeds_depth(std::string_view text, std::size_t max_depth);

// The offset of the `"` that closes the string literal whose opening `"` is at `open` (a `"` preceded by an even
// run of backslashes), or std::string_view::npos when the text ends first.
std::size_t closing_quote(std::string_view text, std::size_t open);

inline constexpr std::size_t long_string_threshold = 256;

}  // namespace lingua::protocol::detail
