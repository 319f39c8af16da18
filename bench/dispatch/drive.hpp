#pragma once
// Running coroutines to completion from the benchmark's plain main: one awaitable, or many concurrent workers.
// Everything runs on the caller's single io_context; the Redis client's reader loops keep running meanwhile.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <exception>
#include <optional>

namespace lingua::bench {

template <class T>
T drive(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
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

inline void drive(boost::asio::io_context& io, boost::asio::awaitable<void> work) {
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

// Starts make_worker(i) for i in [0, workers) and runs the context until every one has finished; rethrows the
// first exception. Workers share their work through pointers they were given (a cursor), never through captures.
template <class Make>
void drive_workers(boost::asio::io_context& io, std::size_t workers, Make make_worker) {
  std::size_t remaining = workers;
  std::exception_ptr first;
  for (std::size_t i = 0; i < workers; ++i) {
    boost::asio::co_spawn(io, make_worker(i), [&](std::exception_ptr e) {
      if (e && !first) first = e;
      --remaining;
    });
  }
  io.restart();
  while (remaining > 0) io.run_one();
  if (first) std::rethrow_exception(first);
}

}  // namespace lingua::bench
