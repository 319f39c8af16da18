#include "redis/sha1.hpp"

#include <boost/uuid/detail/sha1.hpp>

namespace lingua::redis {

std::string sha1_hex(std::string_view text) {
  boost::uuids::detail::sha1 hash;
  hash.process_bytes(text.data(), text.size());
  boost::uuids::detail::sha1::digest_type digest;
  hash.get_digest(digest);
  std::string hex;
  hex.reserve(40);
  static constexpr char digits[] = "0123456789abcdef";
  for (unsigned word : digest) {
    for (int shift = 28; shift >= 0; shift -= 4) hex.push_back(digits[(word >> shift) & 0xfU]);
  }
  return hex;
}

}  // namespace lingua::redis
