#include "recorder.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lingua::bench {

double latency_series::quantile(double q) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  const double rank = q * static_cast<double>(samples_.size() - 1);
  return samples_[static_cast<std::size_t>(std::llround(rank))];
}

double latency_series::mean() const {
  if (samples_.empty()) return 0;
  return std::accumulate(samples_.begin(), samples_.end(), 0.0) / static_cast<double>(samples_.size());
}

std::string stream_key(std::string_view node_session_id, std::uint64_t utterance_index) {
  std::string key(node_session_id);
  key += '#';
  key += std::to_string(utterance_index);
  return key;
}

void recorder::utterance_sent(const std::string& speaker, std::uint64_t index, const std::vector<std::string>& streams,
                              const std::vector<std::pair<std::string, std::string>>& receivers,
                              utterance_done on_done, bool audio_path) {
  ++sent_total_;
  ++outstanding_utterances_;
  const auto now = bench_clock::now();
  const std::string key = stream_key(speaker, index);
  // During warm-up the loop still advances (on_done runs), but nothing is measured or expected.
  utterances_[key] = {now, receivers.size(), std::move(on_done), recording_, audio_path};
  for (const auto& s : streams) streams_[stream_key(s, index)] = {now, {}, 0, false, key};
  if (!recording_) return;
  ++counts_.utterances_sent;
  counts_.expected += receivers.size();
  for (const auto& [receiver, stream] : receivers) deliveries_.emplace(receiver + '|' + stream_key(stream, index), 0);
}

void recorder::job_assigned(std::string_view node_session_id, std::uint64_t index) {
  const auto it = streams_.find(stream_key(node_session_id, index));
  if (it == streams_.end()) return;
  if (it->second.assigns++ == 0) {
    const auto u = utterances_.find(it->second.utterance);
    if (u != utterances_.end() && u->second.measured) {
      (u->second.audio_path ? stream_dispatch : dispatch).add(bench_clock::now() - it->second.sent);
    }
  } else {
    ++counts_.reassigned;
  }
}

void recorder::job_result_sent(std::string_view node_session_id, std::uint64_t index) {
  if (in_window_) ++counts_.window_jobs;
  const auto it = streams_.find(stream_key(node_session_id, index));
  if (it == streams_.end()) return;
  it->second.result_sent = bench_clock::now();
  it->second.result_seen = true;
}

void recorder::result_delivered(const std::string& receiver, const std::string& stream, std::uint64_t index) {
  const auto now = bench_clock::now();
  if (in_window_) ++counts_.window_deliveries;
  const std::string skey = stream_key(stream, index);
  const auto delivery = deliveries_.find(receiver + '|' + skey);
  const auto track = streams_.find(skey);
  if (delivery == deliveries_.end()) {
    // Not expected: sent during warm-up (fine, but not measured) or never sent at all.
    if (track == streams_.end()) ++counts_.unexpected;
  } else if (delivery->second++ > 0) {
    ++counts_.duplicates;
    return;
  } else {
    ++counts_.delivered;
    ++delivered_total_;
    if (track != streams_.end()) {
      if (track->second.result_seen) return_path.add(now - track->second.result_sent);
      const auto u = utterances_.find(track->second.utterance);
      const bool audio = u != utterances_.end() && u->second.audio_path;
      (audio ? stream_end_to_end : end_to_end).add(now - track->second.sent);
    }
  }
  if (track != streams_.end()) answered(track->second.utterance);
}

void recorder::delivery_refused(const std::string& receiver, const std::string& stream, std::uint64_t index) {
  const std::string skey = stream_key(stream, index);
  const auto delivery = deliveries_.find(receiver + '|' + skey);
  if (delivery != deliveries_.end()) {
    if (delivery->second++ > 0) {
      ++counts_.duplicates;  // a second outcome for the same delivery
      return;
    }
    ++counts_.refused;
  }
  const auto track = streams_.find(skey);
  if (track != streams_.end()) answered(track->second.utterance);
}

void recorder::answered(const std::string& utterance) {
  const auto u = utterances_.find(utterance);
  if (u == utterances_.end() || u->second.waiting == 0) return;
  if (--u->second.waiting == 0) {
    --outstanding_utterances_;
    auto done = std::move(u->second.on_done);
    if (done) done();
  }
}

void recorder::error_seen(std::string_view where, std::string_view code) {
  ++errors_total_;
  std::string key(where);
  key += ':';
  key += code;
  ++counts_.errors[key];
}

void recorder::set_recording(bool on) { recording_ = on; }

void recorder::window_start() {
  in_window_ = true;
  window_begin_ = bench_clock::now();
}

void recorder::window_end() {
  in_window_ = false;
  window_finish_ = bench_clock::now();
}

recorder::summary recorder::summarise() const {
  summary out = counts_;
  out.lost = 0;
  for (const auto& [key, count] : deliveries_) {
    if (count == 0) ++out.lost;
  }
  out.window_seconds = std::chrono::duration<double>(window_finish_ - window_begin_).count();
  return out;
}

}  // namespace lingua::bench
