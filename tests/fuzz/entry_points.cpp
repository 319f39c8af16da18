#include "entry_points.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/load_config.hpp"
#include "config/validate_config.hpp"
#include "protocol/base64.hpp"
#include "protocol/input_limits.hpp"
#include "protocol/node_messages.hpp"
#include "protocol/session_messages.hpp"

namespace lingua::fuzz {
namespace {

// What the scheduler writes back is valid JSON, no deeper than what it accepted (+ the envelope).
void check_written(const std::string& text) {
  const protocol::input_limits defaults{};
  if (protocol::nested_deeper_than(text, defaults.max_json_depth + 1)) broken("written JSON is deeper than accepted");
  if (nlohmann::json::parse(text, nullptr, false).is_discarded()) broken("written JSON does not parse: " + text);
}

}  // namespace

void broken(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void session_frame(std::string_view data) {
  auto parsed = protocol::parse_session_message(data);
  if (!parsed) {
    if (parsed.error().message.empty()) broken("a refused session frame has no reason");
    return;
  }
  check_written(protocol::to_json(parsed.value()));
}

void node_frame(std::string_view data) {
  auto parsed = protocol::parse_node_message(data);
  if (!parsed) {
    if (parsed.error().message.empty()) broken("a refused node frame has no reason");
    return;
  }
  check_written(protocol::to_json(parsed.value()));
}

void base64_text(std::string_view data) {
  if (const auto decoded = protocol::base64::decode(data)) {
    if (protocol::base64::encode(*decoded) != data) broken("decoded base64 does not re-encode to the same text");
  }
  const std::string encoded = protocol::base64::encode(data);
  const auto back = protocol::base64::decode(encoded);
  if (!back || *back != data) broken("encoded bytes do not decode back");
}

void config_text(std::string_view data) {
  constexpr std::string_view separator = "\n--- flags\n";
  const std::size_t cut = data.find(separator);
  const std::string_view toml = data.substr(0, cut);

  config::scheduler_config config;
  if (config::apply_toml(toml, "fuzz.toml", config).empty() && config::validate(config).empty()) {
    const std::string printed = config::to_toml(config);
    config::scheduler_config again;
    const auto problems = config::apply_toml(printed, "printed.toml", again);
    if (!problems.empty()) broken("printed configuration does not apply: " + problems.front());
    if (!(again == config)) broken("printed configuration applies to a different configuration");
  }

  if (cut == std::string_view::npos) return;
  std::vector<std::string> args;
  std::string_view rest = data.substr(cut + separator.size());
  while (!rest.empty() && args.size() < 64) {
    const std::size_t end = rest.find('\n');
    std::string arg(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (arg.starts_with("--config") || arg.starts_with("-c")) continue;  // would read a file
    args.push_back(std::move(arg));
  }
  const auto result = config::load_config_from_args(args);
  if (result.exit_now && result.exit_code != 0 && result.output.empty()) broken("a refused command line says nothing");
}

}  // namespace lingua::fuzz
