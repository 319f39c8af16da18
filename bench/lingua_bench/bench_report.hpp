#pragma once
// The report of a lingua-bench run: Markdown-friendly text on stdout, optionally one JSON object (for plots and
// for comparing runs), and the smoke check's verdict.
#include <string>

#include "bench_run.hpp"

namespace lingua::bench {

void print_report(const bench_options& options, bench_result& result);
// One JSON object with every figure of the report.
std::string report_json(const bench_options& options, bench_result& result);
// "" when the run looks sane (jobs completed, nothing lost or duplicated, no errors), else why not.
std::string check_sane(bench_result& result);

}  // namespace lingua::bench
