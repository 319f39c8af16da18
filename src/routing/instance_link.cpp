#include "routing/instance_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "asio/log_escape.hpp"

namespace lingua::routing {
namespace asio = boost::asio;

namespace {

constexpr const char* group = "scheduler";

const char* kind_name(bool is_node) { return is_node ? "node" : "session"; }

}  // namespace

instance_link::instance_link(asio::any_io_executor executor, state::scheduler_state& state,
                             redis::client& inbox_redis, router& local, instance_config config)
    : executor_(std::move(executor)),
      state_(state),
      inbox_redis_(inbox_redis),
      local_(local),
      config_(std::move(config)),
      inbox_(inbox_of(config_.instance_id)),
      presence_timer_(executor_),
      reclaim_timer_(executor_) {}

std::string instance_link::inbox_of(const std::string& instance) const {
  return state_.keys().key("inbox:" + instance);
}

asio::awaitable<void> instance_link::renew_presence() {
  std::vector<std::string> keys{state_.keys().key("instances")};
  std::vector<std::string> args{config_.instance_id, std::to_string(config_.presence_ttl_ms)};
  auto r = co_await state_.script("renew_presence").call(state_.redis(), keys, args);
  if (!r.ok()) spdlog::warn("presence of instance {} not renewed", config_.instance_id);
}

asio::awaitable<void> instance_link::start() {
  running_ = true;
  // At start-up the client may still be connecting: announce as soon as Redis answers (the loops retry anyway).
  co_await state_.redis().wait_connected(std::chrono::seconds(5));
  co_await renew_presence();
  redis::command_args create = redis::arguments("XGROUP", "CREATE", inbox_, group, "$", "MKSTREAM");
  auto created = co_await state_.redis().command(std::move(create));
  if (!created.ok() && created.value.error_code() != "BUSYGROUP") {
    spdlog::warn("inbox {} not ready yet ({}); the inbox loop retries", inbox_, created.value.str());
  }
  asio::co_spawn(executor_, presence_loop(), log_escape("instance presence loop"));
  asio::co_spawn(executor_, inbox_loop(), log_escape("instance inbox loop"));
  asio::co_spawn(executor_, reclaim_loop(), log_escape("instance inbox reclaim loop"));
}

void instance_link::stop() {
  running_ = false;
  presence_timer_.cancel();
  reclaim_timer_.cancel();
}

asio::awaitable<void> instance_link::leave() {
  redis::command_args withdraw = redis::arguments("ZREM", state_.keys().key("instances"), config_.instance_id);
  co_await state_.redis().command(std::move(withdraw));
  redis::command_args drop = redis::arguments("DEL", inbox_);
  co_await state_.redis().command(std::move(drop));
}

asio::awaitable<void> instance_link::reannounce() {
  co_await renew_presence();
  const std::vector<std::string> nodes = local_.local_node_ids();
  for (const auto& id : nodes) co_await own(true, id, true);
  const std::vector<std::string> sessions = local_.local_session_ids();
  for (const auto& id : sessions) co_await own(false, id, true);
  // The inbox's consumer group is re-created by the inbox loop when it reads NOGROUP.
}

asio::awaitable<std::string> instance_link::owner_of(bool is_node, const std::string& id) {
  std::vector<std::string> keys{state_.keys().key(std::string("owners:") + kind_name(is_node)),
                                state_.keys().key("instances")};
  std::vector<std::string> args{id};
  auto r = co_await state_.script("resolve_owner").call(state_.redis(), keys, args);
  if (!r.ok()) co_return std::string();
  co_return r.value.str();
}

asio::awaitable<bool> instance_link::post(const std::string& instance, std::string message) {
  redis::command_args add = redis::arguments("XADD", inbox_of(instance), "MAXLEN", "~", config_.stream_maxlen, "*",
                                             "m", std::move(message));
  auto r = co_await state_.redis().command(std::move(add));
  co_return r.ok();
}

asio::awaitable<bool> instance_link::to_session(const std::string& session_id, const session_delivery& delivery) {
  const std::string owner = co_await owner_of(false, session_id);
  if (owner.empty() || owner == config_.instance_id) co_return false;
  nlohmann::json message = {{"to", "session"}, {"id", session_id}, {"d", encode(delivery)}};
  co_return co_await post(owner, message.dump());
}

asio::awaitable<bool> instance_link::to_node(const std::string& node_id, const std::string& text,
                                             const job_attempt* job) {
  const std::string owner = co_await owner_of(true, node_id);
  if (owner.empty() || owner == config_.instance_id) co_return false;
  nlohmann::json message = {{"to", "node"}, {"id", node_id}, {"d", text}};
  if (job != nullptr) {
    message["job"] = job->job_id;
    message["att"] = job->attempt;
    message["langs"] = job->languages;
  }
  co_return co_await post(owner, message.dump());
}

asio::awaitable<bool> instance_link::own(bool is_node, const std::string& id, bool owned) {
  const std::string kind = kind_name(is_node);
  std::vector<std::string> keys{state_.keys().key("owners:" + kind),
                                state_.keys().key("owned:" + config_.instance_id + ":" + kind)};
  std::vector<std::string> args{id, config_.instance_id};
  auto r = co_await state_.script(owned ? "claim_owner" : "release_owner").call(state_.redis(), keys, args);
  if (!r.ok()) {
    spdlog::warn("{} {}: ownership not {} (Redis unavailable)", kind, id, owned ? "recorded" : "withdrawn");
    co_return !owned;  // a release we cannot record still counts as ours: the peer's jobs must move
  }
  if (owned) co_return true;
  co_return r.value.as_integer().value_or(0) == 1;
}

bool instance_link::deliver_locally(const std::string& message) {
  const auto m = nlohmann::json::parse(message, nullptr, false);
  if (!m.is_object()) return true;  // unreadable: acknowledged and dropped
  const std::string to = m.value("to", "");
  const std::string id = m.value("id", "");
  const std::string payload = m.value("d", "");
  if (to == "node") {
    auto sink = local_.local_node(id);
    if (!sink) return false;
    if (m.contains("job") && m["job"].is_string()) {
      job_attempt job{m["job"].get<std::string>(), m.value("att", std::uint32_t{0}), {}};
      for (const auto& l : m.value("langs", nlohmann::json::array())) {
        if (l.is_string()) job.languages.push_back(l.get<std::string>());
      }
      return sink->send_job(payload, job);
    }
    return sink->send_text(payload);
  }
  auto sink = local_.local_session(id);
  if (!sink) return false;
  auto delivery = decode_session_delivery(payload);
  if (delivery) sink->deliver(std::move(*delivery));
  return true;
}

// entries: [[id, [field, value, ...]], ...]
asio::awaitable<void> instance_link::handle_entries(const redis::reply& entries) {
  std::vector<redis::command_args> done;
  for (const auto& entry : entries.elements()) {
    if (entry.size() < 2) continue;
    const std::string& id = entry[0].str();
    const auto& fields = entry[1];
    std::string message;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str() == "m") message = fields[i + 1].str();
    }
    if (deliver_locally(message)) {
      done.push_back(redis::arguments("XACK", inbox_, group, id));
      done.push_back(redis::arguments("XDEL", inbox_, id));
    }
  }
  if (metrics != nullptr) metrics->inbox_delivered(done.size() / 2);
  if (!done.empty()) co_await state_.redis().pipeline(std::move(done));
}

asio::awaitable<void> instance_link::inbox_loop() {
  asio::steady_timer pause(executor_);
  while (running_) {
    redis::command_args read =
        redis::arguments("XREADGROUP", "GROUP", group, config_.instance_id, "COUNT", config_.stream_batch, "BLOCK",
                         config_.stream_block_ms, "STREAMS", inbox_, ">");
    auto r = co_await inbox_redis_.command(std::move(read),
                                           std::chrono::milliseconds(config_.stream_block_ms + 2000));
    if (!running_) break;
    if (r.ec || r.value.is_error()) {
      if (!r.ec && r.value.error_code() == "NOGROUP") {
        redis::command_args create = redis::arguments("XGROUP", "CREATE", inbox_, group, "0", "MKSTREAM");
        co_await state_.redis().command(std::move(create));
      }
      pause.expires_after(std::chrono::milliseconds(300));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    // [[stream, [[id, fields], ...]]] or nil on timeout
    for (const auto& stream : r.value.elements()) {
      if (stream.size() >= 2) co_await handle_entries(stream[1]);
    }
  }
}

asio::awaitable<void> instance_link::reclaim_loop() {
  while (running_) {
    reclaim_timer_.expires_after(std::chrono::milliseconds(config_.reclaim_idle_ms));
    co_await reclaim_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!running_) break;
    redis::command_args claim = redis::arguments("XAUTOCLAIM", inbox_, group, config_.instance_id,
                                                 config_.reclaim_idle_ms, "0-0", "COUNT", config_.stream_batch);
    auto r = co_await state_.redis().command(std::move(claim));
    if (r.ok() && r.value.size() >= 2) co_await handle_entries(r.value[1]);
    co_await move_dead_letters();
  }
}

asio::awaitable<void> instance_link::move_dead_letters() {
  // No IDLE filter: XAUTOCLAIM has just reset the idle time of every entry it retried.
  redis::command_args pending = redis::arguments("XPENDING", inbox_, group, "-", "+", config_.stream_batch);
  auto r = co_await state_.redis().command(std::move(pending));
  if (!r.ok()) co_return;
  for (const auto& entry : r.value.elements()) {  // [id, consumer, idle ms, deliveries]
    if (entry.size() < 4) continue;
    const auto deliveries = entry[3].as_integer().value_or(0);
    if (deliveries < static_cast<std::int64_t>(config_.dead_letter_after)) continue;
    const std::string id = entry[0].str();
    redis::command_args range = redis::arguments("XRANGE", inbox_, id, id);
    auto content = co_await state_.redis().command(std::move(range));
    std::string message;
    if (content.ok() && content.value.size() == 1 && content.value[0].size() >= 2) {
      const auto& fields = content.value[0][1];
      for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str() == "m") message = fields[i + 1].str();
      }
    }
    std::vector<redis::command_args> moves;
    moves.push_back(redis::arguments("XADD", state_.keys().key("dead_letters"), "MAXLEN", "~",
                                     config_.dead_letter_maxlen, "*", "m", message, "inbox", inbox_, "entry", id,
                                     "deliveries", deliveries));
    moves.push_back(redis::arguments("XACK", inbox_, group, id));
    moves.push_back(redis::arguments("XDEL", inbox_, id));
    co_await state_.redis().pipeline(std::move(moves));
    if (metrics != nullptr) metrics->dead_letter_moved(1);
    spdlog::warn("inbox entry {} undeliverable after {} tries: moved to the dead-letter stream", id, deliveries);
  }
}

asio::awaitable<void> instance_link::presence_loop() {
  while (running_) {
    presence_timer_.expires_after(std::chrono::milliseconds(config_.presence_renew_ms));
    co_await presence_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!running_) break;
    co_await renew_presence();
    co_await reap_dead();
  }
}

asio::awaitable<void> instance_link::reap_dead() {
  std::vector<std::string> keys{state_.keys().key("instances")};
  std::vector<std::string> args{"8"};
  auto r = co_await state_.script("reap_instances").call(state_.redis(), keys, args);
  if (!r.ok()) co_return;
  for (const auto& dead : r.value.elements()) {
    const std::string id = dead.str();
    if (id == config_.instance_id) continue;  // we were late renewing: the next renewal brings us back
    std::vector<std::string> take_keys{state_.keys().key("owners:node"), state_.keys().key("owners:session"),
                                       state_.keys().key("owned:" + id + ":node"),
                                       state_.keys().key("owned:" + id + ":session"), inbox_of(id)};
    std::vector<std::string> take_args{id};
    auto taken = co_await state_.script("take_over_instance").call(state_.redis(), take_keys, take_args);
    if (!taken.ok() || taken.value.size() < 2) continue;
    spdlog::warn("instance {} is dead: taking over {} node(s) and {} session(s)", id, taken.value[0].size(),
                 taken.value[1].size());
    for (const auto& node : taken.value[0].elements()) {
      if (on_dead_node) co_await on_dead_node(node.str());
    }
    for (const auto& session : taken.value[1].elements()) {
      if (on_dead_session) co_await on_dead_session(session.str());
    }
  }
}

}  // namespace lingua::routing
