#include "redis/script.hpp"

#include <utility>

#include "redis/sha1.hpp"

namespace lingua::redis {

script::script(std::string name, std::string source)
    : name_(std::move(name)), source_(std::move(source)), sha1_(sha1_hex(source_)) {}

boost::asio::awaitable<result> script::call(client& redis, const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args) const {
  command_args evalsha;
  evalsha.reserve(3 + keys.size() + args.size());
  evalsha.emplace_back("EVALSHA");
  evalsha.push_back(sha1_);
  evalsha.push_back(std::to_string(keys.size()));
  evalsha.insert(evalsha.end(), keys.begin(), keys.end());
  evalsha.insert(evalsha.end(), args.begin(), args.end());

  result first = co_await redis.command(evalsha);
  if (first.ec || !first.value.is_error() || first.value.error_code() != "NOSCRIPT") co_return first;

  result loaded = co_await redis.command(arguments("SCRIPT", "LOAD", source_));
  if (!loaded.ok()) co_return loaded;
  co_return co_await redis.command(std::move(evalsha));
}

}  // namespace lingua::redis
