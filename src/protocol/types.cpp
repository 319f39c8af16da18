#include "protocol/types.hpp"

#include "protocol/enum_names.hpp"

namespace lingua::protocol {

std::string_view to_string(service_type v) { return detail::enum_to_string(v); }
std::string_view to_string(device_type v) { return detail::enum_to_string(v); }
std::string_view to_string(service_status v) { return detail::enum_to_string(v); }
std::string_view to_string(node_status v) { return detail::enum_to_string(v); }
std::string_view to_string(nmt_rule v) { return detail::enum_to_string(v); }

bool from_string(std::string_view text, service_type& out) { return detail::enum_from_string(text, out); }
bool from_string(std::string_view text, device_type& out) { return detail::enum_from_string(text, out); }
bool from_string(std::string_view text, service_status& out) { return detail::enum_from_string(text, out); }
bool from_string(std::string_view text, node_status& out) { return detail::enum_from_string(text, out); }
bool from_string(std::string_view text, nmt_rule& out) { return detail::enum_from_string(text, out); }

}  // namespace lingua::protocol
