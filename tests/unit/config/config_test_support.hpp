#pragma once
// Running the loader the way main() would, with an optional TOML file in a private temporary directory.
#include <fstream>
#include <string>
#include <vector>

#include "config/load_config.hpp"
#include "support/test_support.hpp"

namespace lingua::config::test {

class config_file {
 public:
  explicit config_file(const std::string& text) : path_((dir_.path() / "lingua.toml").string()) {
    std::ofstream(path_) << text;
  }
  const std::string& path() const { return path_; }

 private:
  lingua::test::temp_dir dir_;
  std::string path_;
};

// load_config_from_args with `--config <file>` in front of `flags`.
inline config_result load_with_file(const config_file& file, std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), {"--config", file.path()});
  return load_config_from_args(flags);
}

}  // namespace lingua::config::test
