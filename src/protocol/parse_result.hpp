#pragma once
// Result of parsing one WebSocket text frame: the message, or a parse_error whose text names the offending field.
// (std::expected is C++23; this is the small subset we need.)
#include <string>
#include <utility>
#include <variant>

namespace lingua::protocol {

// Human-readable reason a frame was rejected, e.g. "missing field `session_id`" or
// "invalid type for field `hardware.cpu_cores`: expected an unsigned integer (u32), found floating-point number 4.5".
// The session endpoint replies with make_invalid_message_error(error) (session_messages.hpp).
struct parse_error {
  std::string message;
  bool operator==(const parse_error&) const = default;
};

template <class T>
class parse_result {
 public:
  parse_result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  parse_result(parse_error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // Preconditions: has_value() for value(), !has_value() for error() (violations throw std::bad_variant_access).
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const parse_error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, parse_error> state_;
};

}  // namespace lingua::protocol
