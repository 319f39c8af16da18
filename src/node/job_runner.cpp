#include "node/job_runner.hpp"

#include <chrono>

#include "clock/clock.hpp"
#include "node/engines/audio.hpp"
#include "protocol/base64.hpp"

namespace lingua::node {

namespace {

using clock_type = std::chrono::steady_clock;

std::uint64_t ms_since(clock_type::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count());
}

protocol::job_result result_for(const protocol::job_assign& job, const std::string& node_id) {
  protocol::job_result r;
  r.job_id = job.job_id;
  r.attempt_id = job.attempt_id;
  r.node_id = node_id;
  r.session_id = job.session_id;
  r.utterance_index = job.utterance_index;
  r.trace_id = job.trace_id;
  r.group_id = job.group_id;
  r.part_index = job.part_index;
  return r;
}

// A failing stage: which service, and whether it is a missing model.
struct stage_failure {
  const char* service;
  engine_error error;
};

template <typename F>
auto stage(const char* service, F&& f) {
  try {
    return f();
  } catch (const engine_error& e) {
    throw stage_failure{service, e};
  } catch (const std::exception& e) {
    throw stage_failure{service, engine_error(e.what())};
  }
}

}  // namespace

std::optional<protocol::job_result> run_job(const protocol::job_assign& job, engine_set& engines,
                                            const std::atomic<bool>& cancelled, const std::string& node_id,
                                            const asr_text_callback& on_asr_text) {
  const auto started = clock_type::now();
  protocol::job_result result = result_for(job, node_id);
  protocol::service_timings timings;
  try {
    if (!job.pipeline.use_asr || !engines.asr) throw stage_failure{"asr", engine_error("this node only runs jobs with ASR", true)};
    const pcm16 audio = stage("asr", [&] {
      const std::string bytes = protocol::base64::decode(job.audio).value_or(std::string());
      pcm16 samples = job.audio_format == "pcm16" ? pcm16_from_bytes(bytes) : decode_plan_a(bytes);
      return resample(samples, job.sample_rate == 0 ? sample_rate_hz : job.sample_rate, sample_rate_hz);
    });
    const auto languages = engines.asr->languages();
    std::string src = job.src_lang;
    if (src == "auto" || src.empty()) src = languages.empty() ? std::string("en") : languages.front();
    if (cancelled) return std::nullopt;

    auto t = clock_type::now();
    // enable_streaming_asr absent means the scheduler did not say: stream (ours always sends true).
    const bool stream = on_asr_text && job.enable_streaming_asr.value_or(true);
    std::string last_partial;
    const partial_hypothesis on_partial = [&](const std::string& words) {
      if (cancelled) return false;  // stop decoding a cancelled job
      if (stream && !words.empty() && words != last_partial) {
        last_partial = words;
        on_asr_text(words, false);
      }
      return true;
    };
    const std::string heard = stage("asr", [&] { return engines.asr->recognise(audio, src, on_partial); });
    timings.asr_ms = ms_since(t);
    if (cancelled) return std::nullopt;
    if (heard.empty()) {
      result.success = true;
      result.text_asr = "";
      timings.total_ms = ms_since(started);
      result.extra = protocol::extra_result{.service_timings = timings, .reason = "ASR_EMPTY"};
      result.processing_time_ms = timings.total_ms;
      return result;
    }
    if (on_asr_text) on_asr_text(heard, true);
    result.text_asr = heard;

    std::string translated = heard;
    if (job.pipeline.use_nmt && job.tgt_lang != src) {
      if (!engines.mt) throw stage_failure{"nmt", engine_error("no translation engine", true)};
      t = clock_type::now();
      translated = stage("nmt", [&] { return engines.mt->translate(heard, src, job.tgt_lang); });
      timings.nmt_ms = ms_since(t);
      if (cancelled) return std::nullopt;
    }
    result.text_translated = translated;

    if (job.pipeline.use_tts && !translated.empty()) {
      if (!engines.tts) throw stage_failure{"tts", engine_error("no speech engine", true)};
      t = clock_type::now();
      const std::string speech =
          stage("tts", [&] { return encode_plan_a(engines.tts->synthesise(translated, job.tgt_lang)); });
      timings.tts_ms = ms_since(t);
      if (cancelled) return std::nullopt;
      result.tts_audio = protocol::base64::encode(speech);
      result.tts_format = "opus";
    }
    result.success = true;
  } catch (const stage_failure& f) {
    if (cancelled) return std::nullopt;
    result.success = false;
    const bool missing = f.error.model_missing();
    result.error = protocol::job_error{.code = missing ? "MODEL_NOT_AVAILABLE" : "PROCESSING_ERROR",
                                       .message = f.error.what(),
                                       .details = nlohmann::json{{"service_type", f.service}}};
  }
  timings.total_ms = ms_since(started);
  result.processing_time_ms = timings.total_ms;
  result.extra = protocol::extra_result{.service_timings = timings};
  result.node_completed_at_ms = wall_ms();
  return result;
}

}  // namespace lingua::node
