#pragma once
// Reading the operator API of a real scheduler in e2e tests.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace lingua::test {

// GET `target` on 127.0.0.1:`port`; the parsed JSON body (fails the test and returns null on a non-200 or bad JSON).
nlohmann::json api_get(std::uint16_t port, const std::string& target);
// Polls GET `target` (every 50 ms, at most `timeout`) until `done` holds for its body; returns the last body.
nlohmann::json api_until(std::uint16_t port, const std::string& target,
                         const std::function<bool(const nlohmann::json&)>& done,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
// The entry of `list` whose `key` equals `value` (null when none).
nlohmann::json find_by(const nlohmann::json& list, const std::string& key, const std::string& value);

}  // namespace lingua::test
