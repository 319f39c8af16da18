#include "endpoint/ids.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cctype>

namespace lingua::endpoint {
namespace {

std::string short_upper(std::string uuid) {
  uuid.resize(8);
  for (auto& c : uuid) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return uuid;
}

}  // namespace

std::string new_uuid() {
  thread_local boost::uuids::random_generator generate;
  return boost::uuids::to_string(generate());
}

std::string new_session_id() { return "s-" + short_upper(new_uuid()); }
std::string new_node_id() { return "node-" + short_upper(new_uuid()); }
std::string new_job_id() { return "job-" + new_uuid(); }

}  // namespace lingua::endpoint
