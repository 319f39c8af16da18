#pragma once
// Secrets as the scheduler handles them: only as SHA-256 digests once read. Digests are compared in constant time
// (CRYPTO_memcmp) and looked up by digest, so neither comparison timing nor logs nor Redis ever see a token.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace lingua::auth {

using digest = std::array<unsigned char, 32>;

// SHA-256 of `purpose` + ':' + `secret` (the purpose keeps a node token and a session key with the same text apart).
digest secret_digest(std::string_view purpose, std::string_view secret);
bool same_digest(const digest& a, const digest& b) noexcept;  // constant time
// The public name of a credential, safe to log and to store: 32 hex digits of a second hash of its digest.
std::string fingerprint(const digest& d);

// The token a peer presents with its upgrade request: `Authorization: Bearer <token>` (scheme case-insensitive),
// else the `token` query parameter of the URL (percent-decoded). nullopt when neither is there (or it is empty).
std::optional<std::string> presented_token(const net::http_request& request);
// One query parameter, percent-decoded ('+' as space); nullopt when absent.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace lingua::auth
