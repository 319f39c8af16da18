#include "sim_node.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "protocol/node_messages.hpp"

namespace lingua::bench {

namespace asio = boost::asio;

sim_node::sim_node(asio::any_io_executor executor, const node_profile& profile, recorder& record, std::uint32_t seed)
    : executor_(executor), profile_(profile), record_(record), peer_(ws_peer::make(executor)), heartbeat_(executor),
      random_(seed) {}

namespace {

std::string register_message(const node_profile& p) {
  nlohmann::json capability = nlohmann::json::array();
  for (const char* s : {"asr", "nmt", "tts"}) capability.push_back({{"type", s}, {"ready", true}});
  return nlohmann::json{{"type", "node_register"},
                        {"node_id", nullptr},
                        {"version", "2.0.0"},
                        {"capability_schema_version", "2.0"},
                        {"platform", "linux"},
                        {"hardware", {{"cpu_cores", 8}, {"memory_gb", 16}}},
                        {"installed_models", nlohmann::json::array()},
                        {"capability_by_type", capability},
                        {"accept_public_jobs", true},
                        {"max_concurrent_jobs", p.slots},
                        {"language_capabilities",
                         {{"asr_languages", p.languages},
                          {"tts_languages", p.languages},
                          {"semantic_languages", p.languages}}}}
      .dump();
}

}  // namespace

asio::awaitable<bool> sim_node::start(ws_target target) {
  target.path = "/ws/node?token=" + profile_.token;
  std::weak_ptr<sim_node> weak = weak_from_this();
  ws_peer::text_handler on_text = [weak](std::string_view text) {
    if (auto self = weak.lock()) self->on_text(text);
  };
  ws_peer::close_handler on_close = [weak] {
    if (auto self = weak.lock(); self && !self->stopped_) self->record_.error_seen("node", "SOCKET_CLOSED");
  };
  const bool ok = co_await peer_->connect(std::move(target), std::move(on_text), std::move(on_close));
  if (!ok) co_return false;
  peer_->send(register_message(profile_));
  co_return true;
}

const std::string& sim_node::error() const { return peer_->error(); }

void sim_node::stop() {
  stopped_ = true;
  heartbeat_.cancel();
  peer_->close();
}

void sim_node::on_text(std::string_view text) {
  auto parsed = protocol::parse_node_outbound(text);
  if (!parsed) {
    record_.error_seen("node", "UNPARSABLE_FRAME");
    return;
  }
  if (auto* job = std::get_if<protocol::job_assign>(&*parsed)) {
    on_assign(std::move(job->job_id), job->attempt_id, std::move(job->session_id), job->utterance_index,
              std::move(job->trace_id));
  } else if (auto* ack = std::get_if<protocol::node_register_ack>(&*parsed)) {
    const bool first = node_id_.empty();
    node_id_ = ack->node_id;
    if (first) {
      send_heartbeat();
      arm_heartbeat();
    }
  } else if (auto* error = std::get_if<protocol::error_message>(&*parsed)) {
    record_.error_seen("node", error->code);
  } else if (std::holds_alternative<protocol::job_cancel>(*parsed)) {
    record_.error_seen("node", "JOB_CANCEL");
  }
}

void sim_node::on_assign(std::string job_id, std::uint32_t attempt_id, std::string session_id, std::uint64_t index,
                         std::string trace_id) {
  record_.job_assigned(session_id, index);
  ++running_;
  if (profile_.send_ack) {
    protocol::job_ack ack{job_id, attempt_id, node_id_, session_id, trace_id};
    peer_->send(protocol::to_json(ack));
  }
  const auto service = draw_service_time();
  if (service.count() == 0) {
    finish(job_id, attempt_id, session_id, index, trace_id);
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(executor_, service);
  timer->async_wait([self = shared_from_this(), timer, job_id = std::move(job_id), attempt_id,
                     session_id = std::move(session_id), index,
                     trace_id = std::move(trace_id)](const boost::system::error_code&) {
    if (!self->stopped_) self->finish(job_id, attempt_id, session_id, index, trace_id);
  });
}

void sim_node::finish(const std::string& job_id, std::uint32_t attempt_id, const std::string& session_id,
                      std::uint64_t index, const std::string& trace_id) {
  protocol::job_result result;
  result.job_id = job_id;
  result.attempt_id = attempt_id;
  result.node_id = node_id_;
  result.session_id = session_id;
  result.utterance_index = index;
  result.success = true;
  result.text_asr = "hello world";
  result.text_translated = "你好世界";
  result.tts_audio = "AAAA";
  result.tts_format = "pcm16";
  result.processing_time_ms = 1;
  result.trace_id = trace_id;
  record_.job_result_sent(session_id, index);
  peer_->send(protocol::to_json(result));
  if (running_ > 0) --running_;
}

void sim_node::send_heartbeat() {
  nlohmann::json capability = nlohmann::json::array();
  for (const char* s : {"asr", "nmt", "tts"}) capability.push_back({{"type", s}, {"ready", true}});
  peer_->send(nlohmann::json{{"type", "node_heartbeat"},
                             {"node_id", node_id_},
                             {"timestamp", 1700000000000},
                             {"resource_usage",
                              {{"cpu_percent", 10.0}, {"mem_percent", 30.0}, {"running_jobs", running_}}},
                             {"installed_services", nlohmann::json::array()},
                             {"capability_by_type", capability},
                             {"language_capabilities",
                              {{"asr_languages", profile_.languages},
                               {"tts_languages", profile_.languages},
                               {"semantic_languages", profile_.languages}}}}
                  .dump());
}

void sim_node::arm_heartbeat() {
  heartbeat_.expires_after(profile_.heartbeat_interval);
  heartbeat_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    self->send_heartbeat();
    self->arm_heartbeat();
  });
}

std::chrono::microseconds sim_node::draw_service_time() {
  const double mean = static_cast<double>(profile_.service_mean.count());
  switch (profile_.service) {
    case service_distribution::instant:
      return std::chrono::microseconds(0);
    case service_distribution::fixed:
      return profile_.service_mean;
    case service_distribution::uniform:
      return std::chrono::microseconds(
          static_cast<std::int64_t>(std::uniform_real_distribution<double>(0, 2 * mean)(random_)));
    case service_distribution::exponential:
      return std::chrono::microseconds(
          static_cast<std::int64_t>(std::exponential_distribution<double>(1.0 / std::max(mean, 1.0))(random_)));
  }
  return std::chrono::microseconds(0);
}

}  // namespace lingua::bench
