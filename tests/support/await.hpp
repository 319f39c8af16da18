#pragma once
// Runs one awaitable to completion on a test's io_context and returns its value (rethrowing its exception).
// Other work on the context (e.g. a Redis client's reader loops) keeps running meanwhile.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>

namespace lingua::test {

template <class T>
T await(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value.emplace(std::move(v));
    done = true;
  });
  io.restart();
  while (!done) io.run_one();
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

inline void await(boost::asio::io_context& io, boost::asio::awaitable<void> work) {
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  io.restart();
  while (!done) io.run_one();
  if (error) std::rethrow_exception(error);
}

}  // namespace lingua::test
