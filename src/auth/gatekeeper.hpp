#pragma once
// Who may open a socket, decided on the upgrade request before any WebSocket exists (net::websocket_admission):
//
//   /ws/node     needs a node credential — the shared [auth] node_token (or node_token_file) or a per-node token
//                from node_tokens_file — presented as `Authorization: Bearer <token>` or `?token=<token>`; unless
//                allow_anonymous_nodes. Refused: 401 + `WWW-Authenticate: Bearer`.
//   /ws/session  needs, when session_tokens_file is set, an API key the same two ways (401); the key names the
//                session's tenant.
//   Both         check an Origin header, when the upgrade has one (browsers always send it; the node agent and
//                other programs send none), against allowed_origins when that is set (403), before any credential.
//
// An admitted request carries a node_identity / session_identity in http_request::admission. Tokens are kept only
// as digests (auth/credential.hpp). reload() (SIGHUP) re-reads the files; a file that cannot be read or parsed keeps
// the previous table. Everything runs on the event loop: no locks.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credential.hpp"
#include "net/http_types.hpp"

namespace lingua::auth {

struct auth_settings {
  bool allow_anonymous_nodes = false;
  std::string node_token{};        // shared by every node; "" = none
  std::string node_token_file{};   // a file holding the shared node token (first line); "" = none
  std::string node_tokens_file{};  // "node_id token" lines; "" = none
  std::string session_tokens_file{};           // "key tenant_id" lines; "" = sessions need no key
  std::vector<std::string> allowed_origins{};  // exact origins; empty or "*" among them = any
};

// What a node socket proved. `credential` is stored with the node's record in Redis: a live node id is only taken
// over by a socket with the same credential.
struct node_identity {
  std::string credential;     // "anonymous", or "shared:<fingerprint>", or "node:<fingerprint>"
  std::string bound_node_id;  // the node id of a per-node token; "" otherwise
  std::optional<digest> token{};  // the presented token's digest (never the token); nullopt when anonymous
};

struct session_identity {
  std::optional<std::string> tenant_id;  // set when the session presented an API key ("" = the default tenant)
};

// Splits "a, b c" (commas and/or spaces) into its words.
std::vector<std::string> split_list(std::string_view text);

class gatekeeper {
 public:
  explicit gatekeeper(auth_settings settings);

  // Reads the configured files. Returns what is wrong ("" when all is well); at start-up that is fatal.
  std::string load();
  // SIGHUP: re-reads the files; one that fails keeps its previous table, and the log says why.
  void reload();
  // The start-up summary: what is protected and how (warns loudly about anonymous nodes and open endpoints).
  void log_settings() const;

  // nullopt: admitted (request.admission holds the identity); otherwise the response to refuse the upgrade with.
  std::optional<net::http_response> admit_node(net::http_request& request);
  std::optional<net::http_response> admit_session(net::http_request& request);

  // True when `node_id` belongs to a per-node token and `who` is not that token: such an id is reserved for it.
  bool reserved_for_another(std::string_view node_id, const node_identity& who) const;
  // True when an upgrade presenting what `who` presented would still be admitted as the same identity with the
  // tables as they are now (after a reload): its token is still listed (a per-node token bound to the same node
  // id), or it is anonymous and anonymous nodes are allowed. A socket for which this turns false is revoked.
  bool still_admits(const node_identity& who) const;
  bool nodes_need_credential() const { return !settings_.allow_anonymous_nodes; }

 private:
  struct node_table {
    std::map<digest, std::string> node_of;  // digest(token) -> node id
    std::set<std::string, std::less<>> ids;
  };
  std::string load_node_tokens();
  std::string load_shared_token();
  std::string load_session_tokens();
  // The 403 for an upgrade whose Origin header is not among allowed_origins (logged); nullopt when it passes (no
  // header: not a browser, not the origin check's business).
  std::optional<net::http_response> refuse_origin(std::string_view endpoint, const net::http_request& request);
  // The identity a node token's digest proves with the current tables; nullopt when it is no node token.
  std::optional<node_identity> identity_of(const digest& token) const;
  // The one place refused upgrades are logged: through peer_log (rate-limited per source address, summarised).
  void log_refusal(std::string_view endpoint, const net::http_request& request, std::string_view why);

  auth_settings settings_;
  std::optional<digest> shared_;          // from node_token or node_token_file
  std::optional<digest> shared_inline_;   // from node_token (fixed for the process)
  node_table nodes_;
  std::optional<std::map<digest, std::string>> sessions_;  // digest(key) -> tenant; nullopt = no keys needed
  bool any_origin_ = true;
};

}  // namespace lingua::auth
