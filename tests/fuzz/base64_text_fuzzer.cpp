// libFuzzer main for lingua::fuzz::base64_text (entry_points.hpp). Built only in the fuzz flavour (tools/build.sh fuzz).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "entry_points.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lingua::fuzz::base64_text(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
