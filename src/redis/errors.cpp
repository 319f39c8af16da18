#include "redis/errors.hpp"

#include <string>

namespace lingua::redis {
namespace {

class redis_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "lingua.redis"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::unreachable: return "redis unreachable";
      case errc::timeout: return "redis command timed out";
      case errc::protocol: return "redis protocol error";
      case errc::stopped: return "redis client stopped";
    }
    return "unknown redis error";
  }
};

}  // namespace

const std::error_category& category() {
  static const redis_category instance;
  return instance;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), category()}; }

}  // namespace lingua::redis
