#pragma once
// The browser pages the scheduler serves (web/ in the source tree), embedded in the binary at build time
// (cmake/EmbedWeb.cmake): nothing is read from disk or fetched at run time.
//
// Only the exact paths of files that were embedded are routes (plus "/" for /index.html), so no request path can
// reach anything else: "..", encoded dots or a doubled slash simply name no route and get the server's 404.
#include <optional>
#include <span>
#include <string_view>

#include "net/http_types.hpp"
#include "net/server.hpp"

namespace lingua::web {

struct static_asset {
  std::string_view path;  // "/index.html", "/app/session.js": the file's path under web/, with a leading '/'
  std::string_view body;  // the file's bytes
  std::string_view etag;  // a strong ETag, quoted: a hash of the bytes, so it changes exactly when the file does
};

// Every embedded file (generated at build time).
std::span<const static_asset> embedded_assets();

// The embedded file at `path`, if any.
std::optional<static_asset> find_asset(std::string_view path);

// The Content-Type for a file name, from its extension (text types carry charset=utf-8);
// application/octet-stream for an extension not listed.
std::string_view content_type_for(std::string_view path);

// The response for one asset: 200 with the bytes, or 304 with no body when the request's If-None-Match names the
// asset's ETag (or is "*"). Both carry the ETag, Cache-Control: no-cache (a browser revalidates each time, so a new
// build is seen at once; an unchanged file costs a 304), and headers that keep the page to its own origin
// (Content-Security-Policy, X-Content-Type-Options: nosniff, Referrer-Policy).
net::http_response respond(const static_asset& asset, const net::http_request& request);

// Registers a GET route for every embedded file, and "/" for /index.html when there is one.
void add_static_routes(net::server& front);

}  // namespace lingua::web
