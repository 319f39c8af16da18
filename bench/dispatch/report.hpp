#pragma once
// The benchmark's figures as Markdown tables on stdout (pasted as they are into docs/benchmarks.md).
#include <cstddef>
#include <string>
#include <vector>

#include "fleet.hpp"
#include "measure.hpp"

namespace lingua::bench {

struct bench_report {
  std::size_t rounds = 0;
  trivial_figures trivial;             // calibration, on the first fleet, once per round
  std::vector<registration> registrations;
  std::vector<pair_figures> pairs;     // per fleet size: sequential, pipelined
  std::vector<split_figures> splits;   // per fleet size, default sample size (also broken down by command)
  std::vector<split_figures> samples;  // one fleet size, one per sample size
  std::vector<pair_figures> payloads;  // one fleet size, sequential, one per audio size
};

void print_machine(const std::string& redis_version);
void print_report(const bench_report& report);

}  // namespace lingua::bench
