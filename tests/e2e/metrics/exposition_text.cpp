#include "exposition_text.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <sstream>
#include <thread>

#include "kit/http_client.hpp"

namespace lingua::test {

exposition parse_exposition(const std::string& text) {
  exposition e;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream fields(line.substr(7));
      std::string name;
      std::string type;
      fields >> name >> type;
      e.types[name] = type;
      continue;
    }
    if (line.empty() || line.starts_with("#")) continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const std::string value = line.substr(space + 1);
    double v = 0;
    if (value == "+Inf") {
      v = 1e308;
    } else {
      v = std::stod(value);
    }
    e.samples[line.substr(0, space)] = v;
  }
  return e;
}

exposition scrape(std::uint16_t port) {
  const http_reply reply = http_get("127.0.0.1", port, "/metrics");
  EXPECT_EQ(reply.status, 200U) << reply.error;
  EXPECT_TRUE(reply.content_type.starts_with("text/plain; version=0.0.4")) << reply.content_type;
  return parse_exposition(reply.body);
}

exposition scrape_until(std::uint16_t port, const std::function<bool(const exposition&)>& done,
                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  exposition e = scrape(port);
  while (!done(e) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    e = scrape(port);
  }
  return e;
}

std::optional<double> sample(const exposition& e, const std::string& key) {
  auto it = e.samples.find(key);
  if (it == e.samples.end()) return std::nullopt;
  return it->second;
}

std::set<std::string> exported_names(const exposition& e) {
  std::set<std::string> names;
  for (const auto& [name, type] : e.types) {
    names.insert(name);
    if (type == "histogram") {
      names.insert(name + "_bucket");
      names.insert(name + "_sum");
      names.insert(name + "_count");
    }
  }
  return names;
}

namespace {

bool ident_head(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool ident_tail(char c) { return ident_head(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Drops string literals and the contents of {…} and […] (replaced by a space).
std::string strip_literals_and_brackets(std::string_view expr) {
  std::string out;
  for (std::size_t i = 0; i < expr.size(); ++i) {
    const char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {
      for (++i; i < expr.size() && expr[i] != c; ++i) {
        if (expr[i] == '\\' && c != '`') ++i;
      }
      out += ' ';
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      while (i < expr.size() && expr[i] != close) {
        if (expr[i] == '"') {  // a label value may hold the closing bracket
          for (++i; i < expr.size() && expr[i] != '"'; ++i) {
            if (expr[i] == '\\') ++i;
          }
        }
        ++i;
      }
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::set<std::string> promql_metric_names(std::string_view expr) {
  static const std::set<std::string> keywords{"by",  "without", "on",   "ignoring", "group_left", "group_right",
                                              "and", "or",      "unless", "bool",   "offset",     "inf",
                                              "nan", "Inf",     "NaN",  "atan2"};
  static const std::set<std::string> grouping{"by", "without", "on", "ignoring", "group_left", "group_right"};
  const std::string text = strip_literals_and_brackets(expr);
  std::set<std::string> names;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < text.size() &&
                                                        std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      // A number, exponent and duration suffixes included (1e-9, 0.5, 5m).
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
        const bool exponent = (text[i] == 'e' || text[i] == 'E') && i + 1 < text.size() &&
                              (text[i + 1] == '-' || text[i + 1] == '+');
        i += exponent ? 2 : 1;
      }
      continue;
    }
    if (!ident_head(c)) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && ident_tail(text[end])) ++end;
    const std::string word = text.substr(i, end - i);
    std::size_t next = end;
    while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next]))) ++next;
    i = end;
    if (grouping.contains(word)) {
      if (next < text.size() && text[next] == '(') i = text.find(')', next) == std::string::npos
                                                           ? text.size()
                                                           : text.find(')', next) + 1;
      continue;
    }
    if (keywords.contains(word)) continue;
    if (next < text.size() && text[next] == '(') continue;  // a function (or an aggregation) call
    // An aggregation with its grouping first: `sum by (le) (…)`, `sum without (k) (…)`.
    std::size_t after = next;
    while (after < text.size() && ident_tail(text[after])) ++after;
    const std::string following = text.substr(next, after - next);
    if (following == "by" || following == "without") continue;
    names.insert(word);
  }
  return names;
}

}  // namespace lingua::test
