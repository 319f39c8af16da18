#include "routing/session_delivery.hpp"

#include "protocol/input_limits.hpp"

namespace lingua::routing {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

std::string encode(const session_delivery& delivery) {
  nlohmann::json j = std::visit(
      overloaded{
          [](const client_text& d) { return nlohmann::json{{"k", "text"}, {"text", d.text}}; },
          [](const job_dispatched& d) {
            return nlohmann::json{{"k", "dispatched"}, {"job", d.job_id}, {"node", d.node_id}, {"att", d.attempt}};
          },
          [](const job_accepted& d) { return nlohmann::json{{"k", "accepted"}, {"job", d.job_id}}; },
          [](const job_queued& d) { return nlohmann::json{{"k", "queued"}, {"job", d.job_id}}; },
          [](const job_partial& d) {
            return nlohmann::json{{"k", "partial"}, {"job", d.job_id}, {"text", d.text}, {"final", d.is_final}};
          },
          [](const job_finished& d) {
            return nlohmann::json{{"k", "finished"}, {"job", d.job_id}, {"result", protocol::to_json(d.result)}};
          },
          [](const job_failed& d) {
            nlohmann::json failed{{"k", "failed"}, {"job", d.job_id}, {"code", d.code}, {"message", d.message}};
            if (d.details) failed["details"] = *d.details;
            return failed;
          },
      },
      delivery);
  return j.dump();
}

std::optional<session_delivery> decode_session_delivery(std::string_view text) {
  // Written by an instance from an accepted message, so its nesting is bounded; checked anyway before parsing.
  if (protocol::nested_deeper_than(text, protocol::max_configurable_json_depth + 2)) {
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("k")) return std::nullopt;
  const std::string kind = j.value("k", "");
  const std::string job = j.value("job", "");
  if (kind == "text") return client_text{j.value("text", "")};
  if (kind == "dispatched") return job_dispatched{job, j.value("node", ""), j.value("att", 0U)};
  if (kind == "accepted") return job_accepted{job};
  if (kind == "queued") return job_queued{job};
  if (kind == "partial") return job_partial{job, j.value("text", ""), j.value("final", false)};
  if (kind == "finished") {
    auto parsed = protocol::parse_node_message(j.value("result", ""), protocol::internal_input_limits);
    if (!parsed) return std::nullopt;
    auto* result = std::get_if<protocol::job_result>(&parsed.value());
    if (result == nullptr) return std::nullopt;
    return job_finished{job, std::move(*result)};
  }
  if (kind == "failed") {
    job_failed f{job, j.value("code", ""), j.value("message", ""), std::nullopt};
    if (const auto it = j.find("details"); it != j.end()) f.details = std::move(*it);
    return f;
  }
  return std::nullopt;
}

}  // namespace lingua::routing
