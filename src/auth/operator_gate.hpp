#pragma once
// Who may use the operator surface (docs/api.md, docs/security.md "Operator API"):
//
//   admin actions (POST /api/v1/.../drain)  need the [auth] admin_token (or admin_token_file) as
//                                           `Authorization: Bearer <token>`; with no admin token configured they
//                                           are refused (403): they are never open.
//   reading (GET /api/v1/*, /dashboard)     need [auth] api_token — or the admin token — as Bearer or `?token=`
//                                           when api_token is set; open otherwise (logged at start-up).
//
// Tokens are kept as digests and compared in constant time (auth/credential.hpp). reload() (SIGHUP) re-reads
// admin_token_file; a file that cannot be read keeps the previous token.
#include <optional>
#include <string>

#include "auth/credential.hpp"
#include "net/http_types.hpp"

namespace lingua::auth {

struct operator_settings {
  std::string admin_token{};       // "" = none
  std::string admin_token_file{};  // first line; "" = none
  std::string api_token{};         // "" = reading is open
};

class operator_gate {
 public:
  explicit operator_gate(operator_settings settings);

  std::string load();  // what is wrong ("" when all is well); fatal at start-up
  void reload();
  void log_settings() const;

  // nullopt: allowed; otherwise the response to refuse the request with (401, or 403 when disabled).
  std::optional<net::http_response> admit_admin(const net::http_request& request) const;
  std::optional<net::http_response> admit_reader(const net::http_request& request) const;
  bool reading_needs_token() const { return api_.has_value(); }

 private:
  operator_settings settings_;
  std::optional<digest> admin_;
  std::optional<digest> api_;
};

}  // namespace lingua::auth
