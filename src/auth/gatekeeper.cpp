#include "auth/gatekeeper.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>

#include "auth/token_file.hpp"
#include "peer_log/peer_log.hpp"

namespace lingua::auth {
namespace {

constexpr std::string_view node_purpose = "node";
constexpr std::string_view session_purpose = "session";

net::http_response unauthorized(std::string body) {
  net::http_response res{.status = 401, .body = std::move(body)};
  res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lingua\"");
  return res;
}

}  // namespace

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ',' || text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ',' && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

gatekeeper::gatekeeper(auth_settings settings) : settings_(std::move(settings)) {
  if (!settings_.node_token.empty()) shared_inline_ = secret_digest(node_purpose, settings_.node_token);
  settings_.node_token.clear();  // only the digest is kept
  shared_ = shared_inline_;
  any_origin_ = settings_.allowed_origins.empty() ||
                std::find(settings_.allowed_origins.begin(), settings_.allowed_origins.end(), "*") !=
                    settings_.allowed_origins.end();
}

std::string gatekeeper::load_shared_token() {
  if (settings_.node_token_file.empty()) return {};
  std::string problem;
  const std::string token = read_first_line_token(settings_.node_token_file, problem);
  if (!problem.empty()) return problem;
  shared_ = secret_digest(node_purpose, token);
  return {};
}

std::string gatekeeper::load_node_tokens() {
  if (settings_.node_tokens_file.empty()) return {};
  token_file file = read_token_file(settings_.node_tokens_file);
  if (!file.problem.empty()) return settings_.node_tokens_file + ": " + file.problem;
  node_table table;
  for (auto& [node_id, token] : file.entries) {
    const bool usable_id = node_id.size() <= 128 && std::all_of(node_id.begin(), node_id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
             c == '.' || c == ':';
    });
    if (!usable_id) return settings_.node_tokens_file + ": '" + node_id + "' is not a usable node id";
    const digest d = secret_digest(node_purpose, token);
    if (shared_ && same_digest(d, *shared_)) {
      return settings_.node_tokens_file + ": the token of node '" + node_id + "' is the shared node token";
    }
    if (!table.node_of.emplace(d, node_id).second) {
      return settings_.node_tokens_file + ": node '" + node_id + "' has the same token as another node";
    }
    if (!table.ids.insert(node_id).second) {
      return settings_.node_tokens_file + ": node '" + node_id + "' is listed twice";
    }
  }
  nodes_ = std::move(table);
  return {};
}

std::string gatekeeper::load_session_tokens() {
  if (settings_.session_tokens_file.empty()) return {};
  token_file file = read_token_file(settings_.session_tokens_file);
  if (!file.problem.empty()) return settings_.session_tokens_file + ": " + file.problem;
  std::map<digest, std::string> table;
  for (auto& [key, tenant] : file.entries) {
    if (!table.emplace(secret_digest(session_purpose, key), tenant).second) {
      return settings_.session_tokens_file + ": a key is listed twice (tenant '" + tenant + "')";
    }
  }
  sessions_ = std::move(table);
  return {};
}

std::string gatekeeper::load() {
  std::string problem = load_shared_token();
  if (problem.empty()) problem = load_node_tokens();
  if (problem.empty()) problem = load_session_tokens();
  return problem;
}

void gatekeeper::reload() {
  const auto shared_before = shared_;
  if (auto problem = load_shared_token(); !problem.empty()) {
    shared_ = shared_before;
    spdlog::error("auth: reload: {} (keeping the previous node token)", problem);
  }
  if (auto problem = load_node_tokens(); !problem.empty()) {
    spdlog::error("auth: reload: {} (keeping the previous {} per-node tokens)", problem, nodes_.node_of.size());
  }
  if (auto problem = load_session_tokens(); !problem.empty()) {
    spdlog::error("auth: reload: {} (keeping the previous {} session keys)", problem,
                  sessions_ ? sessions_->size() : 0);
  }
  spdlog::info("auth: reloaded: shared node token {}, {} per-node tokens, {}", shared_ ? "set" : "not set",
               nodes_.node_of.size(),
               sessions_ ? std::to_string(sessions_->size()) + " session keys" : std::string("no session keys"));
}

void gatekeeper::log_settings() const {
  if (settings_.allow_anonymous_nodes) {
    spdlog::warn("auth: ANONYMOUS NODES ALLOWED ([auth] allow_anonymous_nodes = true): any socket may register as a "
                 "node and receive users' audio. For development only.");
  } else if (!shared_ && nodes_.node_of.empty()) {
    spdlog::warn("auth: no node credential configured ([auth] node_token / node_token_file / node_tokens_file): "
                 "every /ws/node upgrade is refused");
  } else {
    spdlog::info("auth: nodes need a token (shared token {}, {} per-node tokens)", shared_ ? "set" : "not set",
                 nodes_.node_of.size());
  }
  if (sessions_) {
    spdlog::info("auth: sessions need an API key ({} keys)", sessions_->size());
  } else {
    spdlog::info("auth: sessions need no API key ([auth] session_tokens_file not set)");
  }
  if (any_origin_) {
    spdlog::info("auth: sessions accepted from any browser origin ([auth] allowed_origins not set)");
  } else {
    spdlog::info("auth: browser sessions accepted only from {} allowed origins", settings_.allowed_origins.size());
  }
}

std::optional<node_identity> gatekeeper::identity_of(const digest& token) const {
  if (const auto bound = nodes_.node_of.find(token); bound != nodes_.node_of.end()) {
    return node_identity{"node:" + fingerprint(token), bound->second, token};
  }
  if (shared_ && same_digest(token, *shared_)) return node_identity{"shared:" + fingerprint(token), "", token};
  return std::nullopt;
}

bool gatekeeper::still_admits(const node_identity& who) const {
  if (!who.token) return settings_.allow_anonymous_nodes;
  const auto now = identity_of(*who.token);
  return now && now->credential == who.credential && now->bound_node_id == who.bound_node_id;
}

std::optional<net::http_response> gatekeeper::refuse_origin(std::string_view endpoint,
                                                           const net::http_request& request) {
  if (any_origin_) return std::nullopt;
  // No Origin header: not a browser (browsers always send it on WebSocket upgrades), so not the origin check's
  // business; tokens and API keys are what protect against such clients.
  const auto origin = request.header("Origin");
  if (!origin || std::find(settings_.allowed_origins.begin(), settings_.allowed_origins.end(), *origin) !=
                     settings_.allowed_origins.end()) {
    return std::nullopt;
  }
  log_refusal(endpoint, request, "origin not allowed");
  return net::http_response{.status = 403, .body = "origin not allowed\n"};
}

std::optional<net::http_response> gatekeeper::admit_node(net::http_request& request) {
  // A page in a browser opening /ws/node (cross-site WebSocket hijacking, e.g. with a token it stole) is refused
  // unless its origin is allowed.
  if (auto refusal = refuse_origin("/ws/node", request)) return refusal;
  const auto token = presented_token(request);
  if (!token) {
    if (settings_.allow_anonymous_nodes) {
      request.admission = node_identity{"anonymous", ""};
      return std::nullopt;
    }
    log_refusal("/ws/node", request, "no token");
    return unauthorized("node token required\n");
  }
  if (auto who = identity_of(secret_digest(node_purpose, *token))) {
    request.admission = std::move(*who);
    return std::nullopt;
  }
  // A wrong token is refused even when anonymous nodes are allowed: presenting one is a configuration mistake.
  log_refusal("/ws/node", request, "unknown token");
  return unauthorized("invalid node token\n");
}

std::optional<net::http_response> gatekeeper::admit_session(net::http_request& request) {
  if (auto refusal = refuse_origin("/ws/session", request)) return refusal;
  if (!sessions_) {
    request.admission = session_identity{};
    return std::nullopt;
  }
  const auto token = presented_token(request);
  if (!token) {
    log_refusal("/ws/session", request, "no API key");
    return unauthorized("API key required\n");
  }
  const auto tenant = sessions_->find(secret_digest(session_purpose, *token));
  if (tenant == sessions_->end()) {
    log_refusal("/ws/session", request, "unknown API key");
    return unauthorized("invalid API key\n");
  }
  request.admission = session_identity{tenant->second};
  return std::nullopt;
}

bool gatekeeper::reserved_for_another(std::string_view node_id, const node_identity& who) const {
  return who.bound_node_id != node_id && nodes_.ids.find(node_id) != nodes_.ids.end();
}

void gatekeeper::log_refusal(std::string_view endpoint, const net::http_request& request, std::string_view why) {
  peer_log::warn(request.remote_endpoint, peer_log::peer_event::refused_upgrade, "auth: refused {} upgrade from {}: {}",
                 endpoint, request.remote_endpoint, why);
}

}  // namespace lingua::auth
