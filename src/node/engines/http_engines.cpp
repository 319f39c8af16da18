#include "node/engines/http_engines.hpp"

#include <algorithm>
#include <atomic>

#include <nlohmann/json.hpp>

#include "node/engines/wav.hpp"
#include "protocol/base64.hpp"

namespace lingua::node {

namespace {

constexpr std::size_t text_answer_limit = 1024 * 1024;

std::string excerpt(const std::string& body) {
  constexpr std::size_t shown = 200;
  return body.size() <= shown ? body : body.substr(0, shown) + "…";
}

// POSTs `body` and returns the answer of a 2xx status; anything else throws (404 as model_missing when asked).
http_answer call(const http_engine_options& options, const std::string& path, std::string body,
                 std::size_t body_limit, bool not_found_is_missing_model) {
  http_post_request request{.path = path,
                            .content_type = "application/json",
                            .body = std::move(body),
                            .timeout = options.timeout,
                            .body_limit = body_limit};
  http_answer answer = http_post_from_worker(*options.loop, options.service, request);
  if (answer.status < 200 || answer.status > 299) {
    throw engine_error(options.service.url + path + ": HTTP " + std::to_string(answer.status) + ": " +
                           excerpt(answer.body),
                       not_found_is_missing_model && answer.status == 404);
  }
  return answer;
}

nlohmann::json json_answer(const http_engine_options& options, const std::string& path, const http_answer& answer) {
  auto parsed = nlohmann::json::parse(answer.body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw engine_error(options.service.url + path + ": the answer is not a JSON object: " + excerpt(answer.body));
  }
  return parsed;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string item = trimmed(std::string(list.substr(0, comma)));
    if (!item.empty()) out.push_back(std::move(item));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return out;
}

bool is_language_code(const std::string& code) {
  return code.size() >= 2 && code.size() <= 8 &&
         std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

}  // namespace

http_asr::http_asr(http_engine_options options, std::vector<std::string> languages)
    : options_(std::move(options)), languages_(std::move(languages)) {}

std::string http_asr::recognise(const pcm16& audio, const std::string& language, const partial_hypothesis&) {
  if (!contains(languages_, language)) throw engine_error("http-asr: language " + language + " not configured", true);
  static std::atomic<std::uint64_t> requests{0};
  std::string bytes;
  bytes.reserve(audio.size() * 2);
  for (const auto s : audio) {
    const auto u = static_cast<std::uint16_t>(s);
    bytes.push_back(static_cast<char>(u & 0xff));
    bytes.push_back(static_cast<char>(u >> 8));
  }
  // The faster-whisper-vad / asr-sherpa request: the node decodes Opus itself and sends PCM16 (the services'
  // Opus input is deprecated); no text context, so utterances are recognised independently.
  const nlohmann::json body = {{"job_id", "lingua-node-" + std::to_string(++requests)},
                               {"src_lang", language},
                               {"tgt_lang", language},
                               {"audio", protocol::base64::encode(bytes)},
                               {"audio_format", "pcm16"},
                               {"sample_rate", sample_rate_hz},
                               {"task", "transcribe"},
                               {"condition_on_previous_text", false},
                               {"use_context_buffer", false},
                               {"use_text_context", false},
                               {"enable_streaming_asr", false}};
  const std::string path = "/utterance";
  const auto answer = json_answer(options_, path, call(options_, path, body.dump(), text_answer_limit, false));
  if (!answer.contains("text") || !answer["text"].is_string()) {
    throw engine_error(options_.service.url + path + ": the answer has no text");
  }
  return trimmed(answer["text"].get<std::string>());
}

http_mt::http_mt(http_engine_options options, std::vector<language_pair> pairs)
    : options_(std::move(options)), pairs_(std::move(pairs)) {}

std::string http_mt::translate(const std::string& text, const std::string& src, const std::string& tgt) {
  if (std::find(pairs_.begin(), pairs_.end(), language_pair{src, tgt}) == pairs_.end()) {
    throw engine_error("http-nmt: pair " + src + "-" + tgt + " not configured", true);
  }
  const nlohmann::json body = {{"text", text}, {"src_lang", src}, {"tgt_lang", tgt}};
  const std::string path = "/v1/translate";
  const auto answer = json_answer(options_, path, call(options_, path, body.dump(), text_answer_limit, false));
  if (answer.contains("ok") && answer["ok"] == false) {
    const std::string why = answer.contains("error") && answer["error"].is_string()
                                ? answer["error"].get<std::string>()
                                : std::string("no reason given");
    throw engine_error(options_.service.url + path + ": translation failed: " + why);
  }
  if (!answer.contains("text") || !answer["text"].is_string()) {
    throw engine_error(options_.service.url + path + ": the answer has no text");
  }
  return trimmed(answer["text"].get<std::string>());
}

http_tts::http_tts(http_engine_options options, std::vector<std::string> languages,
                   std::map<std::string, std::string> voices)
    : options_(std::move(options)), languages_(std::move(languages)), voices_(std::move(voices)) {
  // The voices the existing Lingua node asks Piper for.
  voices_.try_emplace("en", "en_US-lessac-medium");
  voices_.try_emplace("zh", "zh_CN-huayan-medium");
}

pcm16 http_tts::synthesise(const std::string& text, const std::string& language) {
  if (!contains(languages_, language)) throw engine_error("http-tts: language " + language + " not configured", true);
  const auto voice = voices_.find(language);
  const nlohmann::json body = {
      {"text", text}, {"voice", voice == voices_.end() ? language : voice->second}, {"language", language}};
  const std::string path = "/tts";
  const auto answer = call(options_, path, body.dump(), 64 * 1024 * 1024, true);
  try {
    return decode_wav(answer.body);
  } catch (const engine_error& e) {
    throw engine_error(options_.service.url + path + ": " + e.what());
  }
}

std::vector<std::string> parse_languages(std::string_view list, std::string& error) {
  auto out = split(list);
  for (const auto& code : out) {
    if (!is_language_code(code)) {
      error = "not a language code: \"" + code + "\" (use lower-case codes such as en, zh)";
      return {};
    }
  }
  if (out.empty()) error = "no language given";
  return out;
}

std::vector<language_pair> parse_language_pairs(std::string_view list, std::string& error) {
  std::vector<language_pair> out;
  for (const auto& item : split(list)) {
    const auto dash = item.find('-');
    language_pair pair{item.substr(0, dash), dash == std::string::npos ? std::string() : item.substr(dash + 1)};
    if (!is_language_code(pair.src) || !is_language_code(pair.tgt)) {
      error = "not a language pair: \"" + item + "\" (use src-tgt, e.g. en-zh)";
      return {};
    }
    out.push_back(std::move(pair));
  }
  if (out.empty()) error = "no language pair given";
  return out;
}

std::map<std::string, std::string> parse_voices(std::string_view list, std::string& error) {
  std::map<std::string, std::string> out;
  for (const auto& item : split(list)) {
    const auto equals = item.find('=');
    if (equals == std::string::npos || !is_language_code(item.substr(0, equals)) || equals + 1 == item.size()) {
      error = "not a voice: \"" + item + "\" (use language=voice, e.g. en=en_US-lessac-medium)";
      return {};
    }
    out[item.substr(0, equals)] = item.substr(equals + 1);
  }
  return out;
}

}  // namespace lingua::node
