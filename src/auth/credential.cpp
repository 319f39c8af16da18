#include "auth/credential.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace lingua::auth {
namespace {

digest sha256(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  digest out{};
  unsigned int size = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 && EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
                  EVP_DigestUpdate(ctx, c.data(), c.size()) == 1 && EVP_DigestFinal_ex(ctx, out.data(), &size) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || size != out.size()) throw std::runtime_error("SHA-256 failed");
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
    const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace

digest secret_digest(std::string_view purpose, std::string_view secret) { return sha256(purpose, ":", secret); }

bool same_digest(const digest& a, const digest& b) noexcept { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

std::string fingerprint(const digest& d) {
  const digest second = sha256("fingerprint", std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    out += hex[second[i] >> 4];
    out += hex[second[i] & 0xf];
  }
  return out;
}

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<std::string> presented_token(const net::http_request& request) {
  if (const auto header = request.header("Authorization")) {
    std::string_view value = *header;
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (value.size() > 7 && iequals(value.substr(0, 7), "bearer ")) {
      value.remove_prefix(7);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      if (!value.empty()) return std::string(value);
    }
  }
  auto token = query_parameter(request.query, "token");
  if (token && token->empty()) return std::nullopt;
  return token;
}

}  // namespace lingua::auth
