#include "auth/operator_gate.hpp"

#include <spdlog/spdlog.h>

#include "auth/token_file.hpp"


namespace lingua::auth {

namespace {

constexpr const char* admin_purpose = "admin";
constexpr const char* api_purpose = "api";

net::http_response refusal(unsigned status, std::string body) {
  net::http_response res{.status = status, .content_type = "application/json", .body = std::move(body)};
  if (status == 401) res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lingua-operator\"");
  return res;
}

// `Authorization: Bearer <token>` only: an admin token never travels in a URL (proxies and logs keep URLs).
std::optional<std::string> bearer_token(const net::http_request& request) {
  const auto header = request.header("Authorization");
  if (!header) return std::nullopt;
  net::http_request only_header;
  only_header.headers.emplace_back("Authorization", std::string(*header));
  return presented_token(only_header);
}

}  // namespace

operator_gate::operator_gate(operator_settings settings) : settings_(std::move(settings)) {}

std::string operator_gate::load() {
  if (!settings_.admin_token.empty()) admin_ = secret_digest(admin_purpose, settings_.admin_token);
  if (!settings_.api_token.empty()) api_ = secret_digest(api_purpose, settings_.api_token);
  if (settings_.admin_token_file.empty()) return {};
  std::string problem;
  const std::string token = read_first_line_token(settings_.admin_token_file, problem);
  if (!problem.empty()) return problem;
  admin_ = secret_digest(admin_purpose, token);
  return {};
}

void operator_gate::reload() {
  const auto before = admin_;
  if (auto problem = load(); !problem.empty()) {
    admin_ = before;
    spdlog::error("auth: reload: {} (keeping the previous admin token)", problem);
  }
}

void operator_gate::log_settings() const {
  if (admin_) {
    spdlog::info("auth: admin endpoints (drain) need the admin token");
  } else {
    spdlog::info("auth: admin endpoints (drain) are disabled: no [auth] admin_token");
  }
  if (api_) {
    spdlog::info("auth: the operator API and dashboard need the api token (or the admin token)");
  } else {
    spdlog::warn("auth: the operator API and dashboard are open (no [auth] api_token): they show node ids");
  }
}

std::optional<net::http_response> operator_gate::admit_admin(const net::http_request& request) const {
  if (!admin_) {
    return refusal(403, R"js({"error":"FORBIDDEN","message":"admin endpoints are disabled: set [auth] admin_token"})js");
  }
  const auto token = bearer_token(request);
  if (token && same_digest(secret_digest(admin_purpose, *token), *admin_)) return std::nullopt;
  return refusal(401, R"js({"error":"UNAUTHORIZED","message":"an admin token is needed (Authorization: Bearer)"})js");
}

std::optional<net::http_response> operator_gate::admit_reader(const net::http_request& request) const {
  if (!api_) return std::nullopt;
  const auto token = presented_token(request);
  if (token && same_digest(secret_digest(api_purpose, *token), *api_)) return std::nullopt;
  if (token && admin_ && same_digest(secret_digest(admin_purpose, *token), *admin_)) return std::nullopt;
  return refusal(401, R"js({"error":"UNAUTHORIZED","message":"an api token is needed (Authorization: Bearer or ?token=)"})js");
}

}  // namespace lingua::auth
