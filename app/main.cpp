// lingua-scheduler: parses the command line and runs one scheduler instance, or --workers N of them (see
// README.md and app/worker_pool.hpp).
#include <iostream>
#include <spdlog/spdlog.h>

#include "app/scheduler_app.hpp"
#include "app/worker_pool.hpp"
#include "config/load_config.hpp"

int main(int argc, char** argv) {
  auto loaded = lingua::config::load_config(argc, argv);
  if (loaded.exit_now) {
    (loaded.exit_code == 0 ? std::cout : std::cerr) << loaded.output;
    return loaded.exit_code;
  }
  spdlog::set_level(spdlog::level::from_str(loaded.config.log.level));
  try {
    if (loaded.config.server.workers > 1) return lingua::app::run_workers(std::move(loaded.config));
    return lingua::app::scheduler_app(std::move(loaded.config)).run();
  } catch (const std::exception& e) {
    spdlog::critical("lingua-scheduler failed: {}", e.what());
    return 1;
  }
}
