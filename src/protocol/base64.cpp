#include "protocol/base64.hpp"

#include <array>
#include <cstdint>

namespace lingua::protocol::base64 {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t invalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = invalid;
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr std::array<std::uint8_t, 256> decode_table = make_decode_table();

// Two output characters per 12 input bits, so the main encode loop does two lookups per three bytes.
constexpr std::array<std::array<char, 2>, 4096> make_pair_table() {
  std::array<std::array<char, 2>, 4096> table{};
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = {alphabet[i >> 6U], alphabet[i & 0x3FU]};
  return table;
}

constexpr std::array<std::array<char, 2>, 4096> pair_table = make_pair_table();

std::uint32_t byte_at(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

std::uint32_t sextet(std::string_view s, std::size_t i) { return decode_table[static_cast<unsigned char>(s[i])]; }

char to_char(std::uint32_t v) { return static_cast<char>(v); }

}  // namespace

std::string encode(std::string_view bytes) {
  std::string out;
  encode_append(bytes, out);
  return out;
}

void encode_append(std::string_view bytes, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + encoded_size(bytes.size()));
  char* dst = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = byte_at(bytes, i) << 16U | byte_at(bytes, i + 1) << 8U | byte_at(bytes, i + 2);
    const auto& high = pair_table[v >> 12U];
    const auto& low = pair_table[v & 0xFFFU];
    dst[0] = high[0];
    dst[1] = high[1];
    dst[2] = low[0];
    dst[3] = low[1];
    dst += 4;
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = byte_at(bytes, i) << 16U;
    *dst++ = alphabet[v >> 18U];
    *dst++ = alphabet[(v >> 12U) & 0x3FU];
    *dst++ = '=';
    *dst++ = '=';
  } else if (rest == 2) {
    const std::uint32_t v = byte_at(bytes, i) << 16U | byte_at(bytes, i + 1) << 8U;
    *dst++ = alphabet[v >> 18U];
    *dst++ = alphabet[(v >> 12U) & 0x3FU];
    *dst++ = alphabet[(v >> 6U) & 0x3FU];
    *dst++ = '=';
  }
}

std::optional<std::size_t> decoded_size(std::string_view text) {
  if (text.empty()) return std::size_t{0};
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t full_end = text.size() - (padding > 0 ? 4 : 0);
  std::uint32_t seen = 0;  // the OR of every sextet: only an invalid one sets the top bits
  for (std::size_t i = 0; i < full_end; ++i) seen |= sextet(text, i);
  if ((seen & 0xC0U) != 0) return std::nullopt;
  if (padding > 0) {
    const std::size_t i = full_end;
    const std::uint32_t b = sextet(text, i + 1);
    const std::uint32_t c = padding == 2 ? 0 : sextet(text, i + 2);
    const bool ok = sextet(text, i) != invalid && b != invalid && c != invalid &&
                    (padding == 2 ? (b & 0x0FU) == 0 : (c & 0x03U) == 0);
    if (!ok) return std::nullopt;
  }
  return text.size() / 4 * 3 - padding;
}

std::optional<std::string> decode(std::string_view text) {
  std::string out;
  if (!decode_append(text, out)) return std::nullopt;
  return out;
}

bool decode_append(std::string_view text, std::string& out) {
  if (text.empty()) return true;
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;

  const std::size_t start = out.size();
  out.resize(start + text.size() / 4 * 3 - padding);
  char* dst = out.data() + start;
  const std::size_t full_end = text.size() - (padding > 0 ? 4 : 0);
  std::size_t i = 0;
  for (; i < full_end; i += 4) {
    const std::uint32_t a = sextet(text, i), b = sextet(text, i + 1), c = sextet(text, i + 2), d = sextet(text, i + 3);
    if ((a | b | c | d) == invalid) {  // every valid sextet is < 64, so only an invalid one sets all eight bits
      out.resize(start);
      return false;
    }
    const std::uint32_t v = a << 18U | b << 12U | c << 6U | d;
    *dst++ = to_char(v >> 16U);
    *dst++ = to_char((v >> 8U) & 0xFFU);
    *dst++ = to_char(v & 0xFFU);
  }
  if (padding > 0) {
    const std::uint32_t a = sextet(text, i), b = sextet(text, i + 1);
    const std::uint32_t c = padding == 2 ? 0 : sextet(text, i + 2);
    // Canonical only: the bits of the last symbol that do not reach a decoded byte must be zero.
    const bool ok = a != invalid && b != invalid && c != invalid &&
                    (padding == 2 ? (b & 0x0FU) == 0 : (c & 0x03U) == 0);
    if (!ok) {
      out.resize(start);
      return false;
    }
    const std::uint32_t v = a << 18U | b << 12U | c << 6U;
    *dst++ = to_char(v >> 16U);
    if (padding == 1) *dst++ = to_char((v >> 8U) & 0xFFU);
  }
  return true;
}

}  // namespace lingua::protocol::base64
