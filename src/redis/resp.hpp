#pragma once
// The RESP edge: the only place that sees hiredis. Commands are encoded with redisFormatCommandArgv and replies
// parsed with a redisReader, then converted at once into lingua::redis::reply, so no redisReply escapes resp.cpp.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.hpp"

struct redisReader;

namespace lingua::redis::detail {

// Appends the RESP encoding of one command (every argument a bulk string, binary safe) to `out`.
void append_command(std::string& out, const std::vector<std::string>& args);

// Incremental reply parser for one connection's byte stream.
class reply_reader {
 public:
  enum class status { reply, need_more, error };

  reply_reader();
  ~reply_reader();
  reply_reader(const reply_reader&) = delete;
  reply_reader& operator=(const reply_reader&) = delete;

  // Buffers bytes read from the socket; false if the parser is already in error.
  bool feed(const char* data, std::size_t size);
  // status::reply stores the next complete reply in `out`; status::error means the stream is unusable.
  status next(reply& out);
  // The parser's description of its error.
  std::string error() const;
  // Forgets buffered bytes and any error: a fresh connection starts here.
  void reset();

 private:
  redisReader* reader_;
};

}  // namespace lingua::redis::detail
