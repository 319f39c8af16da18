#pragma once
// Identifier formats of the protocol (reference §1.11).
#include <string>

namespace lingua::endpoint {

std::string new_uuid();        // lowercase UUIDv4
std::string new_session_id();  // "s-" + first 8 hex digits of a UUIDv4, uppercase
std::string new_node_id();     // "node-" + first 8 hex digits of a UUIDv4, uppercase
std::string new_job_id();      // "job-" + lowercase UUIDv4

}  // namespace lingua::endpoint
