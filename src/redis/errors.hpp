#pragma once
// Transport-level failures of the Redis client. A reply from Redis that is an error (e.g. "ERR …", a script's
// error_reply) is *not* one of these: it arrives as a reply of kind::error.
#include <system_error>

namespace lingua::redis {

enum class errc {
  unreachable = 1,  // no connection to Redis (connect failed, connection lost, still reconnecting)
  timeout,          // the command got no reply within its timeout
  protocol,         // the server sent something we cannot parse; the connection is reset
  stopped,          // the client was stopped
};

const std::error_category& category();
std::error_code make_error_code(errc e);

}  // namespace lingua::redis

template <>
struct std::is_error_code_enum<lingua::redis::errc> : std::true_type {};
