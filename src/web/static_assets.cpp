#include "web/static_assets.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace lingua::web {
namespace asio = boost::asio;

namespace {

// Scripts, styles, media and sockets from this origin only; no frames. `'self'` covers ws:// and wss:// to the same
// host (CSP level 3). blob: media is the decoded TTS audio the page plays.
constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: data:; "
    "connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

std::string_view extension_of(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return path.substr(dot + 1);
}

// True when an If-None-Match value ("*", or a comma-separated list of possibly weak ETags) names `etag`.
bool names_etag(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view item = if_none_match.substr(0, comma);
    if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);  // weak comparison, as RFC 9110 asks for If-None-Match
    if (item == "*" || item == etag) return true;
  }
  return false;
}

}  // namespace

std::optional<static_asset> find_asset(std::string_view path) {
  for (const auto& asset : embedded_assets()) {
    if (asset.path == path) return asset;
  }
  return std::nullopt;
}

std::string_view content_type_for(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> types{{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"wasm", "application/wasm"},
      {"wav", "audio/wav"},
      {"txt", "text/plain; charset=utf-8"},
      {"map", "application/json"},
      {"woff2", "font/woff2"},
  }};
  const auto ext = extension_of(path);
  const auto found = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.first == ext; });
  return found == types.end() ? std::string_view("application/octet-stream") : found->second;
}

net::http_response respond(const static_asset& asset, const net::http_request& request) {
  net::http_response res{.content_type = std::string(content_type_for(asset.path))};
  res.headers = {{"ETag", std::string(asset.etag)},
                 {"Cache-Control", "no-cache"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"},
                 {"Content-Security-Policy", std::string(content_security_policy)}};
  const auto if_none_match = request.header("If-None-Match");
  if (if_none_match && names_etag(*if_none_match, asset.etag)) {
    res.status = 304;
    return res;
  }
  res.body = std::string(asset.body);
  return res;
}

void add_static_routes(net::server& front) {
  for (const auto& asset : embedded_assets()) {
    auto handler = [asset](const net::http_request& request) -> asio::awaitable<net::http_response> {
      co_return respond(asset, request);
    };
    front.handle_get(std::string(asset.path), handler);
    if (asset.path == "/index.html") front.handle_get("/", handler);
  }
}

}  // namespace lingua::web
