#pragma once
// Small helpers shared by every test: temporary directories and free loopback ports.
#include <cstdint>
#include <filesystem>
#include <string>

namespace lingua::test {

// A fresh directory under the system temp dir, removed (with its contents) when the object dies.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
std::uint16_t free_port();

}  // namespace lingua::test
