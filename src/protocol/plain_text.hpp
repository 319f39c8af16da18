#pragma once
// Internal to src/protocol: "does this run of bytes need any JSON escaping?", eight bytes at a time (SWAR; exact as
// an "any byte" test), so that an 8 KB base64 payload is checked and copied as one run instead of with a branch per
// character (the depth scan, the long-string splice and the writer all meet such payloads on every job).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace lingua::protocol::detail {

namespace swar {
inline constexpr std::uint64_t ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t highs = 0x8080808080808080ULL;
// Some byte of `word` is below n (n ≤ 128).
constexpr bool any_below(std::uint64_t word, std::uint64_t n) { return ((word - ones * n) & ~word & highs) != 0; }
// Some byte of `word` is above n (n < 128).
constexpr bool any_above(std::uint64_t word, std::uint64_t n) {
  return (((word + ones * (127 - n)) | word) & highs) != 0;
}
constexpr bool any_equal(std::uint64_t word, std::uint64_t c) { return any_below(word ^ (ones * c), 1); }
}  // namespace swar

// The length of the longest prefix of `s` made of printable ASCII (0x20–0x7E) without `"` or `\`: bytes a JSON
// string literal holds as they are, and that need no unescaping when read.
inline std::size_t plain_prefix(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, s.data() + i, 8);
    if (swar::any_below(word, 0x20) || swar::any_above(word, 0x7E) || swar::any_equal(word, '"') ||
        swar::any_equal(word, '\\')) {
      break;
    }
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') break;
  }
  return i;
}

inline bool is_plain(std::string_view s) { return plain_prefix(s) == s.size(); }

}  // namespace lingua::protocol::detail
