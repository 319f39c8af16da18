#include "config/load_config.hpp"

#include <CLI/CLI.hpp>

#include <sstream>

#include "config/config_fields.hpp"
#include "config/validate_config.hpp"

namespace lingua::config {
namespace {

constexpr int error_exit_code = 2;

config_result exit_with(int code, std::string output) {
  config_result result;
  result.exit_now = true;
  result.exit_code = code;
  result.output = std::move(output);
  return result;
}

config_result fail(const std::vector<std::string>& problems) {
  std::string output;
  for (const auto& problem : problems) output += "error: " + problem + "\n";
  output += "Run with --help for the list of options.\n";
  return exit_with(error_exit_code, std::move(output));
}

constexpr std::string_view description =
    "Lingua real-time speech-translation scheduler.\n\n"
    "Settings come from the built-in defaults, then the TOML file given with --config, then these flags (a flag\n"
    "overrides the file). Every TOML key `[section] key` has the flag --section.key; the value after a flag uses\n"
    "the same syntax as in TOML minus the quotes (--server.port 5010, --redis.url redis://10.0.0.5:6379,\n"
    "--selection.sticky_sessions false). Durations are integers in the unit their name ends with.\n";

}  // namespace

std::string version_text() { return std::string("lingua-scheduler ") + LINGUA_VERSION; }

config_result load_config(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return load_config_from_args(args);
}

config_result load_config_from_args(const std::vector<std::string>& args) {
  CLI::App app{std::string(description), "lingua-scheduler"};
  app.get_formatter()->column_width(52);
  app.set_version_flag("--version", version_text(), "Print the version and exit");

  std::string config_path;
  app.add_option("--config", config_path, "TOML configuration file; keys and sections as listed below")
      ->type_name("FILE");
  bool print_config = false;
  app.add_flag("--print-config", print_config, "Print the effective configuration as TOML and exit");

  // Flags are kept as text and converted by the field itself, so flag and file values obey the same rules and a
  // flag that was not given leaves the file's value alone.
  const scheduler_config defaults;
  const auto& fields = detail::config_fields();
  std::vector<std::string> flag_values(fields.size());
  std::vector<CLI::Option*> flag_options(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& field = fields[i];
    std::string names = field.flag();
    if (!field.alias.empty()) names += "," + std::string(field.alias);
    const std::string help = std::string(field.help) + " [default: " + field.print(defaults) + "]";
    flag_options[i] = app.add_option(names, flag_values[i], help)
                          ->type_name(std::string(field.type_name))
                          ->group("Section [" + std::string(field.section) + "]")
                          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }

  // CLI11 reads "--flag=" as a flag without a value and would take the next argument instead; an empty value is
  // meaningful here (--redis= asks for the embedded server), so it is passed as a separate empty argument.
  std::vector<std::string> reversed;
  for (auto arg = args.rbegin(); arg != args.rend(); ++arg) {
    if (arg->starts_with("--") && arg->find('=') == arg->size() - 1) {
      reversed.emplace_back();
      reversed.push_back(arg->substr(0, arg->size() - 1));
    } else {
      reversed.push_back(*arg);
    }
  }
  try {
    app.parse(std::move(reversed));  // CLI11 consumes the vector from the back
  } catch (const CLI::ParseError& error) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = app.exit(error, out, err);
    if (code == 0) {
      std::string text = out.str();
      if (!text.ends_with('\n')) text += '\n';  // CLI11 prints the version without one
      return exit_with(0, std::move(text));
    }
    return exit_with(error_exit_code, err.str());
  }

  scheduler_config config;
  std::vector<std::string> problems;
  if (!config_path.empty()) problems = apply_toml_file(config_path, config);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (flag_options[i]->count() == 0) continue;
    if (auto wrong = fields[i].read_text(flag_values[i], config); !wrong.empty()) {
      problems.push_back(fields[i].flag() + ": " + wrong);
    }
  }
  if (problems.empty()) problems = validate(config);
  if (!problems.empty()) return fail(problems);

  if (print_config) return exit_with(0, to_toml(config));
  config_result result;
  result.config = std::move(config);
  return result;
}

}  // namespace lingua::config
