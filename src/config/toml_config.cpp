// Reading and writing the TOML form of scheduler_config (declared in load_config.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/config_fields.hpp"
#include "config/load_config.hpp"

namespace lingua::config {
namespace {

using detail::config_field;

// A problem and where it is, so problems can be reported in file order (toml++ iterates tables by key name).
struct located_problem {
  toml::source_position position;
  std::string text;
};
using located_problems = std::vector<located_problem>;

detail::toml_value field_value(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return std::string(node.as_string()->get());
    case toml::node_type::integer: return node.as_integer()->get();
    case toml::node_type::floating_point: return node.as_floating_point()->get();
    case toml::node_type::boolean: return node.as_boolean()->get();
    case toml::node_type::array: return detail::other_toml_value{"an array"};
    case toml::node_type::table: return detail::other_toml_value{"a table"};
    case toml::node_type::date: return detail::other_toml_value{"a date"};
    case toml::node_type::time: return detail::other_toml_value{"a time"};
    case toml::node_type::date_time: return detail::other_toml_value{"a date-time"};
    case toml::node_type::none: break;
  }
  return detail::other_toml_value{"nothing"};
}

std::string where(std::string_view source_name, const toml::source_region& region) {
  return std::string(source_name) + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column) + ": ";
}

void add(located_problems& problems, std::string_view source_name, const toml::source_region& region,
         std::string text) {
  problems.push_back({region.begin, where(source_name, region) + std::move(text)});
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The candidate closest to `word`, if it is close enough to be a plausible typo.
std::string_view closest(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::vector<std::string_view> keys_of(std::string_view section) {
  std::vector<std::string_view> keys;
  for (const auto& field : detail::config_fields()) {
    if (field.section == section) keys.push_back(field.key);
  }
  return keys;
}

const config_field* find_field(std::string_view section, std::string_view key) {
  for (const auto& field : detail::config_fields()) {
    if (field.section == section && field.key == key) return &field;
  }
  return nullptr;
}

void apply_section(std::string_view source_name, std::string_view section, const toml::table& table,
                   scheduler_config& config, located_problems& problems) {
  for (const auto& [key, node] : table) {
    const std::string name = std::string(section) + "." + std::string(key.str());
    const config_field* field = find_field(section, key.str());
    if (field == nullptr) {
      std::string message = "unknown key '" + name + "'";
      if (const auto suggestion = closest(key.str(), keys_of(section)); !suggestion.empty()) {
        message += " (did you mean '" + std::string(section) + "." + std::string(suggestion) + "'?)";
      }
      add(problems, source_name, key.source(), std::move(message));
      continue;
    }
    if (auto wrong = field->read_toml(field_value(node), config); !wrong.empty()) {
      add(problems, source_name, node.source(), "'" + name + "' " + wrong);
    }
  }
}

}  // namespace

std::vector<std::string> apply_toml(std::string_view text, std::string_view source_name, scheduler_config& config) {
  toml::table document;
  try {
    document = toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    return {where(source_name, error.source()) + "invalid TOML: " + std::string(error.description())};
  }

  located_problems problems;
  const auto& sections = detail::config_sections();
  for (const auto& [key, node] : document) {
    const std::string_view name = key.str();
    const bool known = std::find(sections.begin(), sections.end(), name) != sections.end();
    if (known && node.is_table()) {
      apply_section(source_name, name, *node.as_table(), config, problems);
    } else if (known) {
      add(problems, source_name, key.source(),
          "'" + std::string(name) + "' must be a section ([" + std::string(name) + "]), not a single value");
    } else if (node.is_table()) {
      std::string message = "unknown section [" + std::string(name) + "]";
      if (const auto suggestion = closest(name, sections); !suggestion.empty()) {
        message += " (did you mean [" + std::string(suggestion) + "]?)";
      }
      add(problems, source_name, key.source(), std::move(message));
    } else {
      std::string message = "unknown key '" + std::string(name) + "' outside any section";
      for (const auto& field : detail::config_fields()) {
        if (field.key == name) {
          message += " (did you mean '" + field.dotted_name() + "' under [" + std::string(field.section) + "]?)";
          break;
        }
      }
      add(problems, source_name, key.source(), std::move(message));
    }
  }

  std::stable_sort(problems.begin(), problems.end(), [](const located_problem& a, const located_problem& b) {
    return a.position.line != b.position.line ? a.position.line < b.position.line
                                              : a.position.column < b.position.column;
  });
  std::vector<std::string> texts;
  for (auto& problem : problems) texts.push_back(std::move(problem.text));
  return texts;
}

std::vector<std::string> apply_toml_file(const std::filesystem::path& file, scheduler_config& config) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return {"configuration file '" + file.string() + "' does not exist"};
  if (!std::filesystem::is_regular_file(file, ec)) {
    return {"configuration file '" + file.string() + "' is not a regular file"};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return {"configuration file '" + file.string() + "' cannot be opened"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return {"configuration file '" + file.string() + "' cannot be read"};
  return apply_toml(text.str(), file.string(), config);
}

std::string to_toml(const scheduler_config& config) {
  std::string out = "# Effective configuration of " + version_text() + ".\n";
  std::string_view section;
  for (const auto& field : detail::config_fields()) {
    if (field.section != section) {
      section = field.section;
      out += "\n[" + std::string(section) + "]\n";
    }
    out += "# " + std::string(field.help) + "\n";
    out += std::string(field.key) + " = " + field.print(config) + "\n";
  }
  return out;
}

}  // namespace lingua::config
