#pragma once
// Running coroutines to completion from the benchmark's plain main. One awaitable: the tests' helper
// (tests/support/await.hpp), so there is one implementation; many concurrent workers: drive_workers below.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <exception>

#include "support/await.hpp"

namespace lingua::bench {

using test::await;

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
