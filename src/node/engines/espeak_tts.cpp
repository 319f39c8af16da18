#include "node/engines/espeak_tts.hpp"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <mutex>

#include "node/engines/audio.hpp"

namespace lingua::node {

namespace {

std::mutex& library_lock() {
  static std::mutex lock;
  return lock;
}

int collect_samples(short* samples, int count, espeak_EVENT* events) {
  if (samples && count > 0 && events) {
    auto* out = static_cast<pcm16*>(events->user_data);
    if (out) out->insert(out->end(), samples, samples + count);
  }
  return 0;  // continue
}

// espeak_Initialize's result (the sample rate), once per process; <= 0 when it failed.
int initialise_once() {
  static const int rate = [] {
    const int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
    if (r > 0) espeak_SetSynthCallback(collect_samples);
    return r;
  }();
  return rate;
}

}  // namespace

espeak_tts::espeak_tts() {
  std::lock_guard guard(library_lock());
  const int rate = initialise_once();
  if (rate <= 0) throw engine_error("espeak-ng: cannot initialise (is espeak-ng-data installed?)", true);
  rate_hz_ = static_cast<unsigned>(rate);
  const espeak_VOICE** voices = espeak_ListVoices(nullptr);
  for (std::size_t i = 0; voices && voices[i]; ++i) {
    // `languages`: a sequence of [priority byte][NUL-terminated name], ended by a zero priority.
    const char* p = voices[i]->languages;
    while (p && *p) {
      const std::string name(p + 1);
      const std::string code = name.substr(0, name.find('-'));
      if (code.size() == 2 && std::find(languages_.begin(), languages_.end(), code) == languages_.end()) {
        languages_.push_back(code);
      }
      p += 1 + name.size() + 1;
    }
  }
  std::sort(languages_.begin(), languages_.end());
}

pcm16 espeak_tts::synthesise(const std::string& text, const std::string& language) {
  if (std::find(languages_.begin(), languages_.end(), language) == languages_.end()) {
    throw engine_error("espeak-ng: no voice for language " + language, true);
  }
  pcm16 samples;
  {
    std::lock_guard guard(library_lock());
    if (espeak_SetVoiceByName(language.c_str()) != EE_OK) {
      throw engine_error("espeak-ng: cannot select voice " + language, true);
    }
    const espeak_ERROR e = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                        nullptr, &samples);
    if (e != EE_OK) throw engine_error("espeak-ng: synthesis failed");
  }
  return resample(samples, rate_hz_, sample_rate_hz);
}

}  // namespace lingua::node
