#include "auth/token_file.hpp"

#include <fstream>
#include <sstream>

namespace lingua::auth {

token_file parse_token_file(std::string_view text) {
  token_file out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i == line.size()) break;
      if (fields.empty() && line[i] == '#') break;
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      fields.push_back(line.substr(start, i - start));
    }
    if (fields.empty()) continue;
    if (fields.size() != 2) {
      out.entries.clear();
      out.problem = "line " + std::to_string(line_no) + ": expected two fields, found " +
                    std::to_string(fields.size());
      return out;
    }
    out.entries.emplace_back(std::string(fields[0]), std::string(fields[1]));
  }
  return out;
}

token_file read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return token_file{{}, "cannot read " + path};
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return token_file{{}, "cannot read " + path};
  return parse_token_file(text.str());
}

std::string read_first_line_token(const std::string& path, std::string& problem) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) {
    problem = "cannot read " + path;
    return {};
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string::npos) {
    problem = path + ": the first line holds no token";
    return {};
  }
  problem.clear();
  return line.substr(first);
}

}  // namespace lingua::auth
