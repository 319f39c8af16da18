#include "redis/resp.hpp"

#include <hiredis/hiredis.h>

#include <array>
#include <limits>
#include <new>
#include <stdexcept>

namespace lingua::redis::detail {
namespace {

reply convert(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STRING: return reply::make_string(std::string(r.str, r.len));
    case REDIS_REPLY_STATUS: return reply::make_status(std::string(r.str, r.len));
    case REDIS_REPLY_ERROR: return reply::make_error(std::string(r.str, r.len));
    case REDIS_REPLY_INTEGER: return reply::make_integer(static_cast<std::int64_t>(r.integer));
    case REDIS_REPLY_ARRAY: {
      std::vector<reply> elements;
      elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) elements.push_back(convert(*r.element[i]));
      return reply::make_array(std::move(elements));
    }
    default: return reply::make_nil();
  }
}

redisReader* make_reader() {
  redisReader* r = redisReaderCreate();
  if (r == nullptr) throw std::bad_alloc();
  return r;
}

}  // namespace

void append_command(std::string& out, const std::vector<std::string>& args) {
  constexpr std::size_t inline_args = 16;
  std::array<const char*, inline_args> argv_inline{};
  std::array<std::size_t, inline_args> len_inline{};
  std::vector<const char*> argv_heap;
  std::vector<std::size_t> len_heap;
  const char** argv = argv_inline.data();
  std::size_t* lens = len_inline.data();
  if (args.size() > inline_args) {
    argv_heap.resize(args.size());
    len_heap.resize(args.size());
    argv = argv_heap.data();
    lens = len_heap.data();
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].data();
    lens[i] = args[i].size();
  }
  if (args.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::length_error("redis command has too many arguments");
  }
  char* encoded = nullptr;
  int length = redisFormatCommandArgv(&encoded, static_cast<int>(args.size()), argv, lens);
  if (length < 0 || encoded == nullptr) throw std::bad_alloc();
  out.append(encoded, static_cast<std::size_t>(length));
  redisFreeCommand(encoded);
}

reply_reader::reply_reader() : reader_(make_reader()) {}

reply_reader::~reply_reader() { redisReaderFree(reader_); }

bool reply_reader::feed(const char* data, std::size_t size) {
  return redisReaderFeed(reader_, data, size) == REDIS_OK;
}

reply_reader::status reply_reader::next(reply& out) {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_, &raw) != REDIS_OK) return status::error;
  if (raw == nullptr) return status::need_more;
  auto* r = static_cast<redisReply*>(raw);
  try {
    out = convert(*r);
  } catch (...) {
    freeReplyObject(r);
    throw;
  }
  freeReplyObject(r);
  return status::reply;
}

std::string reply_reader::error() const { return reader_->err != 0 ? std::string(reader_->errstr) : std::string(); }

void reply_reader::reset() {
  redisReader* fresh = make_reader();
  redisReaderFree(reader_);
  reader_ = fresh;
}

}  // namespace lingua::redis::detail
