#pragma once
// Internal to src/protocol: schema-driven JSON reading and writing. Every wire struct has a `schema<T>`
// specialisation listing its fields (name, member, presence); one generic reader and one generic writer walk it, so a
// field's wire name, optionality and omission rule are stated exactly once.
//
// Reading works on a document from parse_json (json_parse.hpp) and *moves* strings and opaque values out of it (an
// audio payload is copied once, from the frame text into the document, and never again). The first error is recorded in a read_context and
// everything after it is skipped; no exceptions are used.
// Writing appends straight to a std::string (no intermediate document), `type` first, fields in schema order.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/enum_names.hpp"
#include "protocol/parse_result.hpp"

namespace lingua::protocol::detail {

// ---- Schemas -------------------------------------------------------------------------------------------------------

enum class presence {
  required,            // missing or null → error; always written
  optional,            // std::optional member: missing or null → nullopt; written only when engaged
  defaulted,           // missing or null → the member's default; always written
  omitted_when_false,  // bool: missing or null → false; written only when true
  required_nullable,   // opaque JSON value: missing → error, null is a value; always written
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class Owner, class Member>
struct field_spec {
  std::string_view name;
  Member Owner::*member;
  presence mode;
};

template <class Owner, class Member>
constexpr field_spec<Owner, Member> field(std::string_view name, Member Owner::*member) {
  return {name, member, is_optional<Member>::value ? presence::optional : presence::required};
}
template <class Owner, class Member>
constexpr field_spec<Owner, Member> defaulted_field(std::string_view name, Member Owner::*member) {
  return {name, member, presence::defaulted};
}
template <class Owner>
constexpr field_spec<Owner, nlohmann::json> nullable_field(std::string_view name, nlohmann::json Owner::*member) {
  return {name, member, presence::required_nullable};
}
template <class Owner>
constexpr field_spec<Owner, bool> flag_field(std::string_view name, bool Owner::*member) {
  return {name, member, presence::omitted_when_false};
}

// Specialised per struct: `static constexpr auto fields = std::tuple{field(...), ...};` and, for a message,
// `static constexpr std::string_view type = "...";`.
template <class T>
struct schema;

template <class T, class = void>
struct is_message : std::false_type {};
template <class T>
struct is_message<T, std::void_t<decltype(schema<T>::type)>> : std::true_type {};

// ---- Reading -------------------------------------------------------------------------------------------------------

// A field's location, built on the stack while descending and rendered only for an error message:
// "installed_services[0].type".
struct path_segment {
  const path_segment* parent = nullptr;
  std::string_view key;
  std::size_t index = 0;
  bool is_index = false;
};

std::string render(const path_segment* path);
std::string describe(const nlohmann::json& value);  // "string", "negative integer -3", "floating-point number 1.5", …

class read_context {
 public:
  bool failed() const { return error_.has_value(); }
  void fail(std::string message) {
    if (!error_) error_ = parse_error{std::move(message)};
  }
  void fail_type(const path_segment* path, std::string_view expected, const nlohmann::json& found);
  parse_error take_error() { return std::move(*error_); }

  // Tolerance of unknown enum values (node messages: real node agents report service types, statuses and devices
  // this scheduler does not know). When on, an unknown value does not fail the frame: it raises `skip_entry`, which
  // drops the nearest enclosing array element; an optional enum field outside any array becomes absent. What was
  // dropped is noted in `ignored` (for the log). An unknown value that reaches the message itself still fails it.
  bool lenient_enums = false;
  bool skip_entry = false;
  std::vector<std::string> ignored;

 private:
  std::optional<parse_error> error_;
};

void read_unsigned(const nlohmann::json& v, const path_segment* path, std::uint64_t max, std::string_view expected,
                   std::uint64_t& out, read_context& ctx);
void read_signed(const nlohmann::json& v, const path_segment* path, std::int64_t& out, read_context& ctx);
void read_double(const nlohmann::json& v, const path_segment* path, double& out, read_context& ctx);

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T>
struct is_string_map<std::map<std::string, T>> : std::true_type {};

template <class T>
constexpr std::string_view expected_kind() {
  if constexpr (std::is_same_v<T, std::string> || std::is_enum_v<T>) return "a string";
  else if constexpr (std::is_same_v<T, bool>) return "a boolean";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "an integer (i64)";
  else if constexpr (std::is_same_v<T, std::uint32_t>) return "an unsigned integer (u32)";
  else if constexpr (std::is_same_v<T, std::uint64_t>) return "an unsigned integer (u64)";
  else if constexpr (std::is_same_v<T, double>) return "a number";
  else if constexpr (std::is_same_v<T, nlohmann::json>) return "a JSON value";
  else if constexpr (is_vector<T>::value) return "an array";
  else return "an object";
}

template <class T>
void read_object(nlohmann::json& v, const path_segment* path, T& out, read_context& ctx);

template <class T>
void read_value(nlohmann::json& v, const path_segment* path, T& out, read_context& ctx) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) return ctx.fail_type(path, "a string", v);
    out = std::move(v.get_ref<std::string&>());
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) return ctx.fail_type(path, "a boolean", v);
    out = v.get<bool>();
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    read_signed(v, path, out, ctx);
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    std::uint64_t wide = 0;
    static_assert(std::is_same_v<T, std::uint32_t> || std::is_same_v<T, std::uint64_t>);
    read_unsigned(v, path, std::numeric_limits<T>::max(), expected_kind<T>(), wide, ctx);
    out = static_cast<T>(wide);
  } else if constexpr (std::is_same_v<T, double>) {
    read_double(v, path, out, ctx);
  } else if constexpr (std::is_enum_v<T>) {
    if (!v.is_string()) return ctx.fail_type(path, "a string", v);
    const auto& text = v.get_ref<const std::string&>();
    if (!enum_from_string(text, out)) {
      if (ctx.lenient_enums) {
        ctx.ignored.push_back("unknown value `" + text + "` for field `" + render(path) + "`");
        ctx.skip_entry = true;
        return;
      }
      ctx.fail("unknown value `" + text + "` for field `" + render(path) + "` (expected one of: " +
               enum_alternatives<T>() + ")");
    }
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    out = std::move(v);
  } else if constexpr (is_vector<T>::value) {
    if (!v.is_array()) return ctx.fail_type(path, "an array", v);
    auto& elements = v.get_ref<nlohmann::json::array_t&>();
    out.resize(elements.size());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < elements.size() && !ctx.failed(); ++i) {
      const path_segment here{path, {}, i, true};
      const bool outer_skip = std::exchange(ctx.skip_entry, false);
      if (kept < i) out[kept] = typename T::value_type{};  // the slot may hold a dropped element's remains
      read_value(elements[i], &here, out[kept], ctx);
      if (!ctx.skip_entry) ++kept;  // an element with an unknown enum value is dropped, the rest kept
      ctx.skip_entry = outer_skip;
    }
    out.resize(kept);
  } else if constexpr (is_string_map<T>::value) {
    if (!v.is_object()) return ctx.fail_type(path, "an object", v);
    for (auto& [key, element] : v.get_ref<nlohmann::json::object_t&>()) {
      if (ctx.failed()) return;
      const path_segment here{path, key, 0, false};
      read_value(element, &here, out[key], ctx);
    }
  } else {
    read_object(v, path, out, ctx);
  }
}

template <class Owner, class Member>
void read_field(nlohmann::json::object_t& object, const path_segment* parent, const field_spec<Owner, Member>& spec,
                Owner& out, read_context& ctx) {
  if (ctx.failed()) return;
  const path_segment here{parent, spec.name, 0, false};
  Member& target = out.*(spec.member);
  const auto it = object.find(spec.name);
  const bool must_exist = spec.mode == presence::required || spec.mode == presence::required_nullable;
  if (it == object.end()) {
    if (must_exist) ctx.fail("missing field `" + render(&here) + "`");
    return;  // the freshly constructed member already holds nullopt / its default / false
  }
  if (it->second.is_null() && spec.mode != presence::required_nullable) {
    if (spec.mode == presence::required) ctx.fail_type(&here, expected_kind<Member>(), it->second);
    return;
  }
  if constexpr (is_optional<Member>::value) {
    const bool outer_skip = std::exchange(ctx.skip_entry, false);
    read_value(it->second, &here, target.emplace(), ctx);
    if constexpr (std::is_enum_v<typename Member::value_type>) {
      if (ctx.skip_entry) {  // an optional enum with an unknown value is treated as absent
        target.reset();
        ctx.skip_entry = false;
      }
    }
    ctx.skip_entry = ctx.skip_entry || outer_skip;
  } else {
    read_value(it->second, &here, target, ctx);
  }
}

template <class T>
void read_object(nlohmann::json& v, const path_segment* path, T& out, read_context& ctx) {
  if (!v.is_object()) return ctx.fail_type(path, "an object", v);
  auto& object = v.get_ref<nlohmann::json::object_t&>();
  std::apply([&](const auto&... spec) { (read_field(object, path, spec, out, ctx), ...); }, schema<T>::fields);
}

// Parses the frame text into an object and extracts its `type` (moved into `type`). Text nested deeper than
// `max_depth` is refused before any document is built.
parse_result<nlohmann::json> parse_object(std::string_view text, std::string& type, std::size_t max_depth);

// Emplaces and reads the alternative of `Variant` whose schema type equals `type`. Returns false when no alternative
// has that type.
template <class Variant, std::size_t I = 0>
bool read_alternative(nlohmann::json& object, std::string_view type, Variant& out, read_context& ctx) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return false;
  } else {
    using alternative = std::variant_alternative_t<I, Variant>;
    if constexpr (is_message<alternative>::value) {
      if (schema<alternative>::type == type) {
        read_object(object, nullptr, out.template emplace<I>(), ctx);
        return true;
      }
    }
    return read_alternative<Variant, I + 1>(object, type, out, ctx);
  }
}

// ---- Writing -------------------------------------------------------------------------------------------------------

class json_writer {
 public:
  explicit json_writer(std::size_t reserve = 256) { out_.reserve(reserve); }
  void raw(std::string_view text) { out_.append(text); }
  void raw(char c) { out_.push_back(c); }
  // A JSON string literal. Invalid UTF-8 is replaced by U+FFFD (a browser drops a text frame with invalid UTF-8).
  void string(std::string_view text);
  void boolean(bool v) { out_.append(v ? "true" : "false"); }
  void unsigned_integer(std::uint64_t v);
  void signed_integer(std::int64_t v);
  void number(double v);  // shortest round-trip form; NaN/∞ as null
  void json(const nlohmann::json& v);
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

template <class T>
void write_object(json_writer& w, const T& value);

template <class T>
void write_value(json_writer& w, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    w.string(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    w.boolean(v);
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.signed_integer(v);
  } else if constexpr (std::is_integral_v<T>) {
    w.unsigned_integer(v);
  } else if constexpr (std::is_same_v<T, double>) {
    w.number(v);
  } else if constexpr (std::is_enum_v<T>) {
    w.string(enum_to_string(v));
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    w.json(v);
  } else if constexpr (is_vector<T>::value) {
    w.raw('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) w.raw(',');
      write_value(w, v[i]);
    }
    w.raw(']');
  } else if constexpr (is_string_map<T>::value) {
    w.raw('{');
    bool first = true;
    for (const auto& [key, element] : v) {
      if (!first) w.raw(',');
      first = false;
      w.string(key);
      w.raw(':');
      write_value(w, element);
    }
    w.raw('}');
  } else {
    write_object(w, v);
  }
}

template <class Owner, class Member>
void write_field(json_writer& w, const field_spec<Owner, Member>& spec, const Owner& owner, bool& first) {
  const Member& value = owner.*(spec.member);
  if constexpr (is_optional<Member>::value) {
    if (!value) return;
  } else if constexpr (std::is_same_v<Member, bool>) {
    if (spec.mode == presence::omitted_when_false && !value) return;
  }
  if (!first) w.raw(',');
  first = false;
  w.raw('"');
  w.raw(spec.name);  // schema names are plain snake_case, nothing to escape
  w.raw("\":");
  if constexpr (is_optional<Member>::value) {
    write_value(w, *value);
  } else {
    write_value(w, value);
  }
}

template <class T>
void write_fields(json_writer& w, const T& value, bool first) {
  std::apply([&](const auto&... spec) { (write_field(w, spec, value, first), ...); }, schema<T>::fields);
}

template <class T>
void write_object(json_writer& w, const T& value) {
  w.raw('{');
  write_fields(w, value, true);
  w.raw('}');
}

template <class T>
std::string write_message(const T& message) {
  json_writer w;
  w.raw("{\"type\":\"");
  w.raw(schema<T>::type);
  w.raw('"');
  write_fields(w, message, false);
  w.raw('}');
  return w.take();
}

std::string write_type_only(std::string_view type);

}  // namespace lingua::protocol::detail
