#include "state/node_capabilities.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace lingua::state {
namespace {

bool valid_token(std::string_view s, std::size_t max, std::string_view extra) {
  if (s.empty() || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           extra.find(c) != std::string_view::npos;
  });
}

}  // namespace

std::vector<std::string> node_capabilities::languages() const {
  std::vector<std::string> all;
  for (const auto* list : {&asr_languages, &tts_languages, &other_languages}) {
    for (const auto& lang : *list) {
      if (valid_language(lang)) all.push_back(primary_language(lang));
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::string node_capabilities::pool() const {
  std::string name;
  for (const auto& lang : languages()) {
    if (!name.empty()) name += '-';
    name += lang;
  }
  // "~" (never a language code) is the pool of nodes that declare no language: registered, never selected.
  return name.empty() ? std::string("~") : name;
}

std::string node_capabilities::to_json() const {
  nlohmann::json j = {{"pool", pool()},
                      {"asr", comma_list(asr_languages)},
                      {"tts", comma_list(tts_languages)},
                      {"svc", comma_list(services)},
                      {"max", std::max<std::uint32_t>(1, max_concurrent_jobs)},
                      {"pub", accept_public_jobs ? 1 : 0}};
  if (!credential.empty()) j["cred"] = credential;
  return j.dump();
}

bool valid_language(std::string_view code) { return valid_token(code, 16, ""); }

std::string normalize_language(std::string_view code) {
  if (!valid_language(code)) return std::string(code);
  std::string out;
  std::size_t start = 0;
  bool first = true;
  while (start <= code.size()) {
    std::size_t end = code.find_first_of("-_", start);
    if (end == std::string_view::npos) end = code.size();
    std::string part(code.substr(start, end - start));
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    const auto upper = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; };
    for (auto& c : part) c = lower(c);
    const bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!first && (part.size() == 2 || (part.size() == 3 && digits))) {
      for (auto& c : part) c = upper(c);
    } else if (!first && part.size() == 4 && !digits) {
      part[0] = upper(part[0]);
    }
    if (!first) out += '-';
    out += part;
    first = false;
    start = end + 1;
  }
  return out;
}

std::string primary_language(std::string_view code) {
  const std::string normal = normalize_language(code);
  return normal.substr(0, normal.find('-'));
}
std::string declared_tag_for(std::string_view tag, const std::vector<std::string>& declared) {
  const std::string normal = normalize_language(tag);
  const std::string primary = primary_language(tag);
  const bool regional = normal != primary;
  const std::string* bare = nullptr;
  const std::string* region = nullptr;
  for (const auto& d : declared) {
    const std::string d_normal = normalize_language(d);
    if (d_normal == normal) return d;
    if (regional && bare == nullptr && d_normal == primary) bare = &d;
    if (!regional && region == nullptr && d_normal.size() > primary.size() && d_normal.starts_with(primary + "-")) {
      region = &d;
    }
  }
  if (bare != nullptr) return *bare;
  if (region != nullptr) return *region;
  return std::string(tag);
}

bool valid_node_id(std::string_view id) { return valid_token(id, 128, ".:"); }

std::string comma_list(const std::vector<std::string>& items) {
  std::string out = ",";
  for (const auto& item : items) {
    out += item;
    out += ',';
  }
  return out;
}

}  // namespace lingua::state
