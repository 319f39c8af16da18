#pragma once
// A Redis reply converted once, at the edge, from hiredis's redisReply. Nothing outside src/redis sees hiredis.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lingua::redis {

class reply {
 public:
  enum class kind { nil, integer, string, status, error, array };

  reply() = default;  // nil
  static reply make_nil() { return {}; }
  static reply make_integer(std::int64_t v);
  static reply make_string(std::string v);
  static reply make_status(std::string v);
  static reply make_error(std::string v);
  static reply make_array(std::vector<reply> v);

  kind type() const { return kind_; }
  bool is_nil() const { return kind_ == kind::nil; }
  bool is_error() const { return kind_ == kind::error; }
  bool is_array() const { return kind_ == kind::array; }

  // integer(): the integer, or a string/status that parses as one; otherwise std::nullopt.
  std::optional<std::int64_t> as_integer() const;
  // text of a string, status or error reply ("" for others).
  const std::string& str() const { return text_; }
  const std::vector<reply>& elements() const { return elements_; }
  const reply& operator[](std::size_t i) const { return elements_.at(i); }
  std::size_t size() const { return elements_.size(); }

  // "ERR something" → "ERR"; for error replies only.
  std::string error_code() const;

 private:
  kind kind_ = kind::nil;
  std::int64_t integer_ = 0;
  std::string text_;
  std::vector<reply> elements_;
};

}  // namespace lingua::redis
