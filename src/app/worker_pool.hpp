#pragma once
// `--workers N` (server.workers > 1): this process becomes a supervisor of N scheduler instances, one child process
// each (one event loop per process), all listening on the same port with SO_REUSEPORT and all on the same Redis.
//
// - The embedded Redis (redis.url empty) is started once, here, before the workers; they are given its address.
// - Worker k (1..N) is a normal instance: instance id "<instance.id>-w<k>", or a generated one when instance.id
//   is empty (the generated id contains the worker's pid).
// - SIGTERM / SIGINT / SIGHUP are forwarded to every worker. The supervisor exits when every worker has exited:
//   with 0 when all of them exited with 0, else with the first non-zero status (128 + signal for a killed one).
// - A worker that exits while nobody asked for it (a crash) stops its siblings too (SIGTERM), so the process as a
//   whole ends and its own supervisor (systemd, Kubernetes) restarts it: no half-sized pool runs unnoticed.
// - Workers get PR_SET_PDEATHSIG(SIGTERM): a supervisor killed with SIGKILL does not leave them behind.
// The supervisor runs no event loop; it blocks in sigwait(), which is its whole job.
#include "config/scheduler_config.hpp"

namespace lingua::app {

// Blocks until every worker has exited; returns the process exit code.
int run_workers(config::scheduler_config config);

}  // namespace lingua::app
