#pragma once
// SHA1 as Redis names scripts: 40 lowercase hex digits.
#include <string>
#include <string_view>

namespace lingua::redis {

std::string sha1_hex(std::string_view text);

}  // namespace lingua::redis
