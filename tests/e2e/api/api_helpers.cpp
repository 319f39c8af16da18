#include "api_helpers.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "kit/http_client.hpp"

namespace lingua::test {

nlohmann::json api_get(std::uint16_t port, const std::string& target) {
  const http_reply reply = http_get("127.0.0.1", port, target);
  if (reply.status != 200) {
    ADD_FAILURE() << "GET " << target << ": " << reply.status << " " << reply.error << " " << reply.body;
    return nullptr;
  }
  EXPECT_EQ(reply.content_type, "application/json");
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  if (body.is_discarded()) ADD_FAILURE() << "GET " << target << ": not JSON: " << reply.body;
  return body;
}

nlohmann::json api_until(std::uint16_t port, const std::string& target,
                         const std::function<bool(const nlohmann::json&)>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json body;
  for (;;) {
    const http_reply reply = http_get("127.0.0.1", port, target);
    body = nlohmann::json::parse(reply.body, nullptr, false);
    if (reply.status == 200 && !body.is_discarded() && done(body)) return body;
    if (std::chrono::steady_clock::now() > deadline) return body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

nlohmann::json find_by(const nlohmann::json& list, const std::string& key, const std::string& value) {
  if (!list.is_array()) return nullptr;
  for (const auto& entry : list) {
    if (entry.contains(key) && entry[key] == value) return entry;
  }
  return nullptr;
}

}  // namespace lingua::test
