#pragma once
// A plain TCP socket for the limit tests: connect from a chosen loopback source address (so one "address" can be
// flooded while 127.0.0.1 stays a normal client), stay silent, or send raw bytes and read what comes back.
#include <chrono>
#include <cstdint>
#include <string>

namespace lingua::test {

class raw_socket {
 public:
  // Connects from `source` (any 127.x.y.z works on Linux loopback) to 127.0.0.1:port. Throws on failure.
  raw_socket(const std::string& source, std::uint16_t port);
  ~raw_socket();
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  bool send(const std::string& bytes);
  // True when the server closed (EOF or reset) within `timeout`; data received meanwhile is kept in received().
  bool closed_by_server(std::chrono::milliseconds timeout);
  // Reads until `timeout` or the server closes; returns everything received so far.
  const std::string& read_for(std::chrono::milliseconds timeout);
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

// An HTTP/1.1 WebSocket upgrade request for `path` (a valid key; the test reads the status line).
std::string upgrade_request(const std::string& path);

}  // namespace lingua::test
