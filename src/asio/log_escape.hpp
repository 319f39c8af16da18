#pragma once
// What escaped a coroutine started with co_spawn. Every co_spawn gets a completion handler that logs it: with
// asio::detached an exception that escapes the coroutine is dropped without a trace.
//
//   asio::co_spawn(executor, place_again(), log_escape("session " + id + ": placing jobs again"));
//   asio::co_spawn(executor, read_loop(), [me](const std::exception_ptr& e) {
//     log_escaped("websocket reader", e);  // a handler that does more than log
//     me->task_ended(e != nullptr);
//   });
//
// Header-only (spdlog is the log every module already links).
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

namespace lingua {

// Logs "<what>: <exception text>" at error when `e` holds an exception; nothing otherwise.
inline void log_escaped(std::string_view what, const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("{}: {}", what, ex.what());
  } catch (...) {
    spdlog::error("{}: unknown exception", what);
  }
}

// A co_spawn completion handler that logs what escaped the coroutine named `what`.
inline auto log_escape(std::string what) {
  return [what = std::move(what)](const std::exception_ptr& e) { log_escaped(what, e); };
}

}  // namespace lingua
