#pragma once
// One job through the engines: decode the audio (Opus Plan A or PCM16), recognise, translate, synthesise, encode the
// speech as Plan A. Runs on a worker thread (the engines block); between stages it checks the job's cancel flag and
// gives up when it is set (nothing is sent for a cancelled job).
#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "node/engines/engine.hpp"
#include "protocol/node_messages.hpp"

namespace lingua::node {

// The words heard so far while recognising (`is_final` false, a growing hypothesis; only when the job asks for
// streaming ASR) and once the recognised text (`is_final` true, equal to the result's text_asr). Never called for a
// cancelled job after it notices the cancel flag, nor after run_job returns.
using asr_text_callback = std::function<void(const std::string& text, bool is_final)>;

// The job_result to send, or nullopt when the job was cancelled. Silence gives a successful empty result
// (extra.reason "ASR_EMPTY"); a missing language gives success:false with MODEL_NOT_AVAILABLE and details.service_type;
// any other engine failure gives PROCESSING_ERROR.
std::optional<protocol::job_result> run_job(const protocol::job_assign& job, engine_set& engines,
                                            const std::atomic<bool>& cancelled, const std::string& node_id,
                                            const asr_text_callback& on_asr_text);

}  // namespace lingua::node
