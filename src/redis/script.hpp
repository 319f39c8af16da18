#pragma once
// A Lua script that is loaded once and called with EVALSHA. Its SHA1 is computed locally, so the first call costs
// one round trip like every later one; a NOSCRIPT reply (Redis restarted, SCRIPT FLUSH) makes the call load the
// script with SCRIPT LOAD and retry, transparently, once.
#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "redis/client.hpp"

namespace lingua::redis {

class script {
 public:
  script(std::string name, std::string source);

  const std::string& name() const { return name_; }
  const std::string& sha1() const { return sha1_; }
  const std::string& source() const { return source_; }

  // EVALSHA sha numkeys keys... args...; keys and args are copied when the returned awaitable starts, so they
  // must live until it is co_awaited (true of temporaries in the co_await expression itself).
  boost::asio::awaitable<result> call(client& redis, const std::vector<std::string>& keys,
                                      const std::vector<std::string>& args) const;

 private:
  std::string name_;
  std::string source_;
  std::string sha1_;
};

}  // namespace lingua::redis
