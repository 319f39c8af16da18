#pragma once
// Blocking HTTP/1.1 GET for tests; no exceptions, failures are status 0 with the reason in `error`.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lingua::test {

struct http_reply {
  unsigned status = 0;  // 0: no response (connection refused, timeout, ...)
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string error;                                         // set when status == 0

  // The first header with exactly this name; empty when absent.
  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
};

// One request on a fresh connection (Connection: close).
http_reply http_get(const std::string& host, std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The same over TLS (https://); the server's certificate is not verified (tests use self-signed ones).
http_reply https_get(const std::string& host, std::uint16_t port, const std::string& target,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Polls GET `target` every 50 ms until it answers 200 or `timeout` passes; true on 200. For waiting on start-up.
bool wait_http_ok(const std::string& host, std::uint16_t port, const std::string& target,
                  std::chrono::milliseconds timeout);

// A keep-alive connection: several GETs over one TCP connection (reconnects only via a new object).
class http_connection {
 public:
  // Connects (and with `tls` makes the TLS handshake, not verifying the server's certificate: tests use
  // self-signed ones); a failure shows in the first get() as status 0.
  http_connection(const std::string& host, std::uint16_t port,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5), bool tls = false);
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  http_reply get(const std::string& target, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Any method (e.g. "POST" to check 405); empty body.
  http_reply request(const std::string& method, const std::string& target,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The same with extra request headers (e.g. Authorization).
  http_reply request(const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace lingua::test
