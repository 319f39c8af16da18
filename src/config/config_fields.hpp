#pragma once
// The table behind every way a setting is read or written: one entry per field of scheduler_config, naming its TOML
// section and key, its flag, its help text, and how its value is read and printed. The loader, the command line,
// to_toml() and the tests all walk this one table, so a field cannot be known to one and missing from another.
// Internal to the config module.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/scheduler_config.hpp"

namespace lingua::config::detail {

// A TOML value whose kind no field holds (array, table, date, time); `kind` names it for error messages.
struct other_toml_value {
  std::string_view kind;
};

// A TOML value as the loader hands it to a field.
using toml_value = std::variant<std::string, std::int64_t, double, bool, other_toml_value>;

struct config_field {
  std::string_view section;    // TOML table, e.g. "server"
  std::string_view key;        // TOML key, e.g. "port"; the flag is "--<section>.<key>"
  std::string_view alias;      // a shorter extra flag such as "--port", or empty
  std::string_view type_name;  // shown in --help: TEXT, BOOL, INT, NUMBER
  std::string_view help;       // meaning and unit

  // The value in TOML syntax (strings quoted), so it reads back to the same value.
  std::string (*print)(const scheduler_config&);
  // Stores the value into the config; on failure returns what is wrong with it (without the key's name).
  std::string (*read_toml)(const toml_value&, scheduler_config&);
  std::string (*read_text)(std::string_view, scheduler_config&);

  std::string flag() const { return "--" + std::string(section) + "." + std::string(key); }
  std::string dotted_name() const { return std::string(section) + "." + std::string(key); }
};

// Every field, grouped by section in the order of scheduler_config.
const std::vector<config_field>& config_fields();

// The section names in order.
const std::vector<std::string_view>& config_sections();

// A TOML basic string literal (quoted and escaped) holding `text`.
std::string quote_toml_string(std::string_view text);

}  // namespace lingua::config::detail
