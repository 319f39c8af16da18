#pragma once
// One scheduler instance: its Redis (embedded or shared), the state machine, the HTTP/WebSocket front, the job
// service and its sweeper, all on one event loop. run() returns after SIGINT/SIGTERM once everything has stopped
// (and the embedded redis-server, if any, is gone).
#include <functional>
#include <string>

#include "config/scheduler_config.hpp"

namespace lingua::app {

class scheduler_app {
 public:
  explicit scheduler_app(config::scheduler_config config);
  // Blocks until shutdown; returns the process exit code.
  int run();

 private:
  config::scheduler_config config_;
};

}  // namespace lingua::app
