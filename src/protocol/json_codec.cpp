#include "protocol/json_codec.hpp"

#include "protocol/json_parse.hpp"
#include "protocol/plain_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <vector>

namespace lingua::protocol::detail {
namespace {

constexpr std::size_t max_quoted_string = 40;  // bytes of an offending string value quoted in an error message

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF) starting at `p`
// whose first byte is ≥ 0x80, or 0 if it is not well formed.
std::size_t utf8_sequence_length(const unsigned char* p, std::size_t available) {
  const unsigned char c = p[0];
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (p[1] < low || p[1] > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  }
  return length;
}

// Bytes that can be copied into a JSON string literal as they are (printable ASCII except `"` and `\`).
constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> table{};
  for (std::size_t c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}

constexpr std::array<bool, 256> plain = make_plain_table();

// Records the parser's message for invalid JSON (nlohmann reports it to the SAX handler without throwing).
class error_recorder final : public nlohmann::json::json_sax_t {
 public:
  std::string message;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception& ex) override {
    message = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, …" → "parse error at line 1, …"
    if (const auto end = message.find("] "); message.starts_with("[json.exception.") && end != std::string::npos) {
      message.erase(0, end + 2);
    }
    return false;
  }
};

std::string invalid_json_message(std::string_view text) {
  error_recorder recorder;
  nlohmann::json::sax_parse(text, &recorder);
  return "invalid JSON: " + (recorder.message.empty() ? std::string("unparseable input") : recorder.message);
}

}  // namespace

std::string render(const path_segment* path) {
  std::vector<const path_segment*> chain;
  for (; path != nullptr; path = path->parent) chain.push_back(path);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const path_segment& segment = **it;
    if (segment.is_index) {
      out += '[';
      out += std::to_string(segment.index);
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += segment.key;
    }
  }
  return out;
}

std::string describe(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "boolean true" : "boolean false";
    case nlohmann::json::value_t::number_unsigned:
      return "integer " + std::to_string(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_integer:
      return (value.get<std::int64_t>() < 0 ? "negative integer " : "integer ") +
             std::to_string(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_float:
      return "floating-point number " + value.dump();
    case nlohmann::json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (text.size() <= max_quoted_string) return "string \"" + text + "\"";
      return "string \"" + text.substr(0, max_quoted_string) + "…\"";
    }
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::object:
      return "object";
    default:
      return "unsupported value";
  }
}

void read_context::fail_type(const path_segment* path, std::string_view expected, const nlohmann::json& found) {
  if (failed()) return;
  std::string message = path == nullptr ? std::string("invalid type") : "invalid type for field `" + render(path) + "`";
  message += ": expected ";
  message += expected;
  message += ", found ";
  message += describe(found);
  fail(std::move(message));
}

void read_unsigned(const nlohmann::json& v, const path_segment* path, std::uint64_t max, std::string_view expected,
                   std::uint64_t& out, read_context& ctx) {
  if (v.is_number_unsigned()) {
    const auto value = v.get<std::uint64_t>();
    if (value > max) {
      return ctx.fail("invalid value for field `" + render(path) + "`: expected " + std::string(expected) +
                      ", found integer " + std::to_string(value) + " (out of range)");
    }
    out = value;
  } else if (v.is_number_integer()) {  // a parsed integer that is not unsigned is negative
    ctx.fail("invalid value for field `" + render(path) + "`: expected " + std::string(expected) + ", found " +
             describe(v));
  } else {
    ctx.fail_type(path, expected, v);
  }
}

void read_signed(const nlohmann::json& v, const path_segment* path, std::int64_t& out, read_context& ctx) {
  if (v.is_number_unsigned()) {
    const auto value = v.get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return ctx.fail("invalid value for field `" + render(path) + "`: expected an integer (i64), found integer " +
                      std::to_string(value) + " (out of range)");
    }
    out = static_cast<std::int64_t>(value);
  } else if (v.is_number_integer()) {
    out = v.get<std::int64_t>();
  } else {
    ctx.fail_type(path, "an integer (i64)", v);
  }
}

void read_double(const nlohmann::json& v, const path_segment* path, double& out, read_context& ctx) {
  if (!v.is_number()) return ctx.fail_type(path, "a number", v);
  out = v.get<double>();
}

parse_result<nlohmann::json> parse_object(std::string_view text, std::string& type, std::size_t max_depth) {
  if (const std::size_t at = exceeds_depth(text, max_depth); at != std::string_view::npos) {
    return parse_error{"JSON nested deeper than " + std::to_string(max_depth) + " levels (at byte " +
                       std::to_string(at) + ")"};
  }
  auto document = parse_json(text);
  if (document.is_discarded()) return parse_error{invalid_json_message(text)};
  if (!document.is_object()) return parse_error{"expected a JSON object, found " + describe(document)};
  const auto it = document.find("type");
  if (it == document.end()) return parse_error{"missing field `type`"};
  if (!it->is_string()) {
    return parse_error{"invalid type for field `type`: expected a string, found " + describe(*it)};
  }
  type = std::move(it->get_ref<std::string&>());
  return document;
}

// ---- json_writer ---------------------------------------------------------------------------------------------------

void json_writer::string(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  out_.push_back('"');
  std::size_t run_start = 0;  // start of the pending run of bytes that need no escaping
  std::size_t i = plain_prefix(text);  // all of a base64 payload: one append below
  while (i < size) {
    const unsigned char c = bytes[i];
    if (plain[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t length = utf8_sequence_length(bytes + i, size - i); length > 0) {
        i += length;
        continue;
      }
    }
    out_.append(text.data() + run_start, i - run_start);
    switch (c) {
      case '"': out_.append("\\\""); break;
      case '\\': out_.append("\\\\"); break;
      case '\b': out_.append("\\b"); break;
      case '\f': out_.append("\\f"); break;
      case '\n': out_.append("\\n"); break;
      case '\r': out_.append("\\r"); break;
      case '\t': out_.append("\\t"); break;
      default:
        if (c < 0x20) {
          out_.append("\\u00");
          out_.push_back(hex[c >> 4U]);
          out_.push_back(hex[c & 0x0FU]);
        } else {
          out_.append("\xEF\xBF\xBD");  // U+FFFD for a byte that does not start a well-formed UTF-8 sequence
        }
    }
    ++i;
    run_start = i;
  }
  out_.append(text.data() + run_start, size - run_start);
  out_.push_back('"');
}

void json_writer::unsigned_integer(std::uint64_t v) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  out_.append(buffer, result.ptr);
}

void json_writer::signed_integer(std::int64_t v) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  out_.append(buffer, result.ptr);
}

void json_writer::number(double v) {
  if (!std::isfinite(v)) {
    out_.append("null");
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  const std::string_view digits(buffer, static_cast<std::size_t>(result.ptr - buffer));
  out_.append(digits);
  // Keep a float recognisable as one (1.0, not 1), as the original's serializer writes it.
  if (digits.find_first_of(".e") == std::string_view::npos) out_.append(".0");
}

void json_writer::json(const nlohmann::json& v) {
  out_.append(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string write_type_only(std::string_view type) {
  json_writer w(32);
  w.raw("{\"type\":");
  w.string(type);
  w.raw('}');
  return w.take();
}

}  // namespace lingua::protocol::detail
