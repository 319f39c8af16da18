#pragma once
// Builds the effective configuration: built-in defaults, then the TOML file given with --config, then command-line
// flags (a flag always wins over the file). Every TOML key `[section] key` has the flag `--section.key`; the most
// used ones also have a short alias (--host, --port, --redis, --key-prefix, --instance-id, --log-level).
//
// Nothing here prints or exits: the caller decides what to do with a config_result, e.g.
//   auto result = lingua::config::load_config(argc, argv);
//   if (result.exit_now) { (result.exit_code == 0 ? std::cout : std::cerr) << result.output; return result.exit_code; }
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/scheduler_config.hpp"

namespace lingua::config {

// The outcome of reading the command line.
//  - Start the scheduler with `config`: exit_now false, exit_code 0, output empty.
//  - --help, --version, --print-config: exit_now true, exit_code 0, output is the text for stdout.
//  - Any error (unknown flag or key, wrong type, invalid value, unreadable file): exit_now true, exit_code 2,
//    output is the message for stderr, one line per problem.
struct config_result {
  scheduler_config config;
  bool exit_now = false;
  int exit_code = 0;
  std::string output;
};

// argv[0] is the program name, as main() receives it.
config_result load_config(int argc, char** argv);
// The same from the arguments after the program name (for tests and embedding).
config_result load_config_from_args(const std::vector<std::string>& args);

// Reads TOML text over `config`: keys present replace fields, absent ones keep their value. Returns every problem
// found (syntax error, unknown section or key, wrong type), each naming the source, line and key; empty on success.
// After a failure `config` may be partly updated and should be discarded.
std::vector<std::string> apply_toml(std::string_view text, std::string_view source_name, scheduler_config& config);
std::vector<std::string> apply_toml_file(const std::filesystem::path& file, scheduler_config& config);

// The whole configuration as a TOML document (every key, with its meaning as a comment); apply_toml of it over any
// configuration yields `config` again. This is what --print-config prints.
std::string to_toml(const scheduler_config& config);

// "lingua-scheduler <version>"
std::string version_text();

}  // namespace lingua::config
