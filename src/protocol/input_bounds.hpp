#pragma once
// The per-field bounds of input_limits, checked on a parsed inbound message (parse_session_message and
// parse_node_message call these, so every caller gets them). The error names the field and its bound:
// "field `node_id` is 300 bytes long (at most 128 allowed)".
#include <optional>

#include "protocol/input_limits.hpp"
#include "protocol/node_messages.hpp"
#include "protocol/parse_result.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::protocol {

std::optional<parse_error> check_bounds(const session_inbound& message, const input_limits& limits);
std::optional<parse_error> check_bounds(const node_inbound& message, const input_limits& limits);

}  // namespace lingua::protocol
