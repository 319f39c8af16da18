#pragma once
// Standard base64 (RFC 4648 §4, alphabet A–Z a–z 0–9 + /) with `=` padding, as used for every audio payload.
// Decoding is strict, like the original's decoder: the length must be a multiple of 4, `=` may appear only as the
// final one or two characters, no whitespace or other characters are allowed, and the unused bits of the last
// symbol must be zero (only the canonical encoding of a byte string is accepted). Bytes are carried in std::string.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lingua::protocol::base64 {

constexpr std::size_t encoded_size(std::size_t byte_count) { return (byte_count + 2) / 3 * 4; }

std::string encode(std::string_view bytes);
// Appends the encoding of `bytes` to `out`.
void encode_append(std::string_view bytes, std::string& out);

// The number of bytes `text` decodes to, or std::nullopt when decode() would refuse it — the same strict check,
// without building the bytes (for audio that is passed on as base64 and never decoded here).
std::optional<std::size_t> decoded_size(std::string_view text);
// The same number for text that decoded_size() has accepted, from its length and padding alone (O(1)).
constexpr std::size_t decoded_size_of_valid(std::string_view text) {
  if (text.empty()) return 0;
  const std::size_t padding = text.back() != '=' ? 0 : text[text.size() - 2] == '=' ? 2 : 1;
  return text.size() / 4 * 3 - padding;
}

// The decoded bytes, or std::nullopt for invalid input. "" decodes to "".
std::optional<std::string> decode(std::string_view text);
// Appends the decoded bytes to `out` and returns true; on invalid input returns false and leaves `out` unchanged.
bool decode_append(std::string_view text, std::string& out);

}  // namespace lingua::protocol::base64
