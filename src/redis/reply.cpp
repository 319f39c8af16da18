#include "redis/reply.hpp"

#include <charconv>
#include <utility>

namespace lingua::redis {

reply reply::make_integer(std::int64_t v) {
  reply r;
  r.kind_ = kind::integer;
  r.integer_ = v;
  return r;
}

reply reply::make_string(std::string v) {
  reply r;
  r.kind_ = kind::string;
  r.text_ = std::move(v);
  return r;
}

reply reply::make_status(std::string v) {
  reply r;
  r.kind_ = kind::status;
  r.text_ = std::move(v);
  return r;
}

reply reply::make_error(std::string v) {
  reply r;
  r.kind_ = kind::error;
  r.text_ = std::move(v);
  return r;
}

reply reply::make_array(std::vector<reply> v) {
  reply r;
  r.kind_ = kind::array;
  r.elements_ = std::move(v);
  return r;
}

std::optional<std::int64_t> reply::as_integer() const {
  if (kind_ == kind::integer) return integer_;
  if (kind_ != kind::string && kind_ != kind::status) return std::nullopt;
  std::int64_t value = 0;
  const char* first = text_.data();
  const char* last = first + text_.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || end != last || first == last) return std::nullopt;
  return value;
}

std::string reply::error_code() const {
  if (kind_ != kind::error) return {};
  return text_.substr(0, text_.find(' '));
}

}  // namespace lingua::redis
