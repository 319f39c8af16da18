#include "node/node_client.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "asio/log_escape.hpp"
#include "node/capabilities.hpp"
#include "node/engines/http_client.hpp"
#include "node/job_runner.hpp"

namespace lingua::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto connect_timeout = std::chrono::seconds(5);

std::string job_key(const std::string& job_id, std::uint32_t attempt) {
  return job_id + "#" + std::to_string(attempt);
}

}  // namespace

std::optional<scheduler_address> parse_scheduler_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "ws://";
  if (!url.starts_with(scheme)) {
    error = "the scheduler URL must start with ws:// (got \"" + std::string(url) + "\")";
    return std::nullopt;
  }
  url.remove_prefix(scheme.size());
  const auto slash = url.find_first_of("/?");
  const std::string_view authority = url.substr(0, slash);
  std::string target = slash == std::string_view::npos ? std::string("/") : std::string(url.substr(slash));
  if (target.front() == '?') target.insert(0, "/");
  scheduler_address a;
  if (!split_host_port(authority, a.host, a.port)) {
    error = "the scheduler URL needs a host and a numeric port (got \"ws://" + std::string(authority) + "\")";
    return std::nullopt;
  }
  a.target = std::move(target);
  return a;
}

// One worker: a thread running its own io_context, owning its engines.
struct node_client::worker {
  explicit worker(engine_set e) : engines(std::move(e)), guard(asio::make_work_guard(context)) {
    thread = std::thread([this] { context.run(); });
  }
  ~worker() {
    guard.reset();
    context.stop();  // queued jobs are dropped; a running one ends after its current stage
    if (thread.joinable()) thread.join();
  }
  engine_set engines;
  asio::io_context context;
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  std::thread thread;
};

// One WebSocket connection: the socket, its outbox and the timer that wakes its writer.
struct node_client::connection {
  explicit connection(asio::any_io_executor executor) : ws(executor), wake(executor), heartbeat(executor) {
    wake.expires_at(asio::steady_timer::time_point::max());
  }
  websocket::stream<beast::tcp_stream> ws;
  std::deque<std::string> outbox;
  asio::steady_timer wake;
  asio::steady_timer heartbeat;
  bool open = false;
  bool closing = false;  // stop(): the writer closes politely once the outbox is written
};

node_client::node_client(asio::io_context& loop, node_options options, std::vector<engine_set> engines)
    : loop_(loop),
      options_(std::move(options)),
      node_id_(options_.node_id),
      backoff_(loop),
      usage_(options_.cpu_scope) {
  if (engines.empty()) throw std::invalid_argument("node_client needs at least one engine set");
  // Computed once from the first worker's engines (all workers load the same ones).
  registration_ = registration(engines.front(), static_cast<std::uint32_t>(engines.size()), std::nullopt);
  for (auto& e : engines) {
    idle_workers_.push_back(workers_.size());
    workers_.push_back(std::make_unique<worker>(std::move(e)));
  }
  usage_.cpu_percent();  // the first reading is since boot
}

node_client::~node_client() { workers_.clear(); }

void node_client::stop() {
  stopping_ = true;
  backoff_.cancel();
  if (current_) {
    if (current_->open) {
      current_->closing = true;
      current_->wake.cancel();
    } else {
      beast::get_lowest_layer(current_->ws).cancel();  // a connect or handshake in progress
    }
  }
}

asio::awaitable<void> node_client::run() {
  auto delay = options_.reconnect_min;
  while (!stopping_) {
    bool registered = false;
    try {
      co_await serve_once(registered);
    } catch (const std::exception& e) {
      spdlog::warn("scheduler connection: {}", e.what());
    }
    current_.reset();
    if (stopping_) break;
    if (registered) delay = options_.reconnect_min;
    spdlog::info("reconnecting to ws://{}:{} in {} ms", options_.scheduler.host, options_.scheduler.port,
                 delay.count());
    backoff_.expires_after(delay);
    co_await backoff_.async_wait(use_tuple);
    delay = std::min(delay * 2, options_.reconnect_max);
  }
  spdlog::info("node stopped");
}

asio::awaitable<void> node_client::serve_once(bool& registered) {
  auto executor = co_await asio::this_coro::executor;
  auto c = std::make_shared<connection>(executor);
  current_ = c;
  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_error, endpoints] =
      co_await resolver.async_resolve(options_.scheduler.host, options_.scheduler.port, use_tuple);
  if (resolve_error) throw std::runtime_error("resolve " + options_.scheduler.host + ": " + resolve_error.message());
  auto& tcp = beast::get_lowest_layer(c->ws);
  tcp.expires_after(connect_timeout);
  auto [connect_error, endpoint] = co_await tcp.async_connect(endpoints, use_tuple);
  if (connect_error) throw std::runtime_error("connect: " + connect_error.message());
  std::string target = options_.scheduler.target;
  const std::string token = options_.token;
  if (!token.empty() && target.find("token=") == std::string::npos) {
    target += (target.find('?') == std::string::npos ? "?token=" : "&token=") + token;
  }
  c->ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, node_version);
    if (!token.empty()) request.set(beast::http::field::authorization, "Bearer " + token);
  }));
  const std::string host = options_.scheduler.host + ":" + options_.scheduler.port;
  auto [handshake_error] = co_await c->ws.async_handshake(host, target, use_tuple);
  if (handshake_error) throw std::runtime_error("WebSocket handshake: " + handshake_error.message());
  tcp.expires_never();
  c->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  c->open = true;

  auto hello = registration_;
  if (!node_id_.empty()) hello.node_id = node_id_;
  c->outbox.push_back(protocol::to_json(hello));
  asio::co_spawn(executor, write_loop(c), log_escape("node writer"));

  beast::flat_buffer buffer;
  for (;;) {
    auto [read_error, bytes] = co_await c->ws.async_read(buffer, use_tuple);
    if (read_error) {
      if (!stopping_) spdlog::warn("scheduler connection lost: {}", read_error.message());
      break;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (!registered) {
      auto parsed = protocol::parse_node_outbound(text);
      const auto* ack = parsed ? std::get_if<protocol::node_register_ack>(&*parsed) : nullptr;
      if (!ack) {
        spdlog::warn("expected node_register_ack, got: {}", text.substr(0, 200));
        continue;
      }
      node_id_ = ack->node_id;
      registered = true;
      spdlog::info("registered with the scheduler as {}", node_id_);
      send_heartbeat();
      while (!unsent_results_.empty()) {
        send(std::move(unsent_results_.front()));
        unsent_results_.pop_front();
      }
      asio::co_spawn(executor, heartbeat_loop(c), log_escape("node heartbeat"));
      continue;
    }
    handle(text);
  }
  c->open = false;
  c->wake.cancel();
  c->heartbeat.cancel();
  error_code ignored;
  tcp.socket().close(ignored);
}

asio::awaitable<void> node_client::write_loop(std::shared_ptr<connection> c) {
  while (c->open) {
    if (c->outbox.empty()) {
      if (c->closing) {
        const websocket::close_reason reason(websocket::close_code::going_away);
        co_await c->ws.async_close(reason, use_tuple);
        break;
      }
      c->wake.expires_at(asio::steady_timer::time_point::max());
      co_await c->wake.async_wait(use_tuple);
      continue;
    }
    const std::string message = std::move(c->outbox.front());
    c->outbox.pop_front();
    auto [write_error, written] = co_await c->ws.async_write(asio::buffer(message), use_tuple);
    if (write_error) {
      spdlog::warn("write to the scheduler failed: {}", write_error.message());
      error_code ignored;
      beast::get_lowest_layer(c->ws).socket().close(ignored);  // the reader ends and reconnects
      break;
    }
  }
}

asio::awaitable<void> node_client::heartbeat_loop(std::shared_ptr<connection> c) {
  while (c->open && !c->closing) {
    c->heartbeat.expires_after(options_.heartbeat_interval);
    co_await c->heartbeat.async_wait(use_tuple);
    if (!c->open || c->closing || c != current_) break;
    send_heartbeat();
  }
}

void node_client::send(std::string text, bool keep_while_disconnected) {
  if (current_ && current_->open && !current_->closing) {
    current_->outbox.push_back(std::move(text));
    current_->wake.cancel();
  } else if (keep_while_disconnected) {
    unsent_results_.push_back(std::move(text));
  }
}

void node_client::send_heartbeat() {
  const auto h = heartbeat(registration_, node_id_, usage_.cpu_percent(), system_usage::memory_percent(),
                           jobs_.size());
  send(protocol::to_json(h));
}

void node_client::handle(const std::string& text) {
  auto parsed = protocol::parse_node_outbound(text);
  if (!parsed) {
    spdlog::warn("unreadable message from the scheduler: {}", text.substr(0, 200));
    return;
  }
  if (auto* job = std::get_if<protocol::job_assign>(&*parsed)) {
    on_job_assign(std::move(*job));
  } else if (auto* cancel = std::get_if<protocol::job_cancel>(&*parsed)) {
    on_job_cancel(*cancel);
  } else if (auto* error = std::get_if<protocol::error_message>(&*parsed)) {
    spdlog::warn("scheduler error {}: {}", error->code, error->message);
  } else if (auto* control = std::get_if<protocol::node_control>(&*parsed)) {
    spdlog::info("node_control {} ignored", control->command);
  }
}

void node_client::on_job_assign(protocol::job_assign job) {
  const std::string key = job_key(job.job_id, job.attempt_id);
  if (jobs_.contains(key)) return;  // a repeated assignment of the attempt we run
  spdlog::info("job {} (attempt {}) {}→{}", job.job_id, job.attempt_id, job.src_lang, job.tgt_lang);
  protocol::job_ack ack{.job_id = job.job_id, .attempt_id = job.attempt_id, .node_id = node_id_,
                        .session_id = job.session_id, .trace_id = job.trace_id};
  send(protocol::to_json(ack));
  jobs_.emplace(key, running_job{std::move(job), std::make_shared<std::atomic<bool>>(false), std::nullopt});
  waiting_.push_back(key);
  dispatch();
}

void node_client::on_job_cancel(const protocol::job_cancel& cancel) {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.job.job_id != cancel.job_id) {
      ++it;
      continue;
    }
    spdlog::info("job {} cancelled ({})", cancel.job_id, cancel.reason.value_or("no reason"));
    it->second.cancelled->store(true);  // the worker stops at its next stage
    if (!it->second.worker) {
      std::erase(waiting_, it->first);
      it = jobs_.erase(it);
    } else {
      ++it;  // removed when its worker reports back
    }
  }
}

void node_client::dispatch() {
  while (!idle_workers_.empty() && !waiting_.empty()) {
    const std::string key = waiting_.front();
    waiting_.pop_front();
    auto found = jobs_.find(key);
    if (found == jobs_.end()) continue;
    const std::size_t index = idle_workers_.back();
    idle_workers_.pop_back();
    running_job& running = found->second;
    running.worker = index;
    const protocol::job_assign& job = running.job;
    protocol::job_started started{.job_id = job.job_id, .attempt_id = job.attempt_id, .node_id = node_id_,
                                  .session_id = job.session_id, .trace_id = job.trace_id};
    send(protocol::to_json(started));
    worker* w = workers_[index].get();
    // Runs on the worker's thread; only copies cross the threads, and results come back through the loop.
    asio::post(w->context, [this, w, index, key, job, cancelled = running.cancelled, node_id = node_id_] {
      // Partials are posted to the loop before the result (one poster, FIFO), so none follows its job_result; one
      // that arrives after a cancel or after the job left the table is dropped.
      auto on_asr_text = [this, key, job, cancelled, node_id](const std::string& text, bool is_final) {
        protocol::node_asr_partial partial{.job_id = job.job_id, .node_id = node_id, .session_id = job.session_id,
                                           .utterance_index = job.utterance_index, .text = text, .is_final = is_final,
                                           .trace_id = job.trace_id};
        asio::post(loop_, [this, key, cancelled, message = protocol::to_json(partial)]() mutable {
          if (!cancelled->load() && jobs_.contains(key)) send(std::move(message));
        });
      };
      std::optional<protocol::job_result> result;
      try {
        result = run_job(job, w->engines, *cancelled, node_id, on_asr_text);
      } catch (const std::exception& e) {
        spdlog::error("job {}: {}", job.job_id, e.what());
      }
      asio::post(loop_, [this, index, key, result = std::move(result)]() mutable {
        on_job_done(index, key, std::move(result));
      });
    });
  }
}

void node_client::on_job_done(std::size_t index, const std::string& key, std::optional<protocol::job_result> result) {
  idle_workers_.push_back(index);
  auto found = jobs_.find(key);
  const bool cancelled = found == jobs_.end() || found->second.cancelled->load();
  if (found != jobs_.end()) jobs_.erase(found);
  if (result && !cancelled) {
    result->node_id = node_id_;
    const auto timings = result->extra && result->extra->service_timings ? *result->extra->service_timings
                                                                          : protocol::service_timings{};
    spdlog::info("job {} done: \"{}\" → \"{}\" (asr {} ms, mt {} ms, tts {} ms, total {} ms)", result->job_id,
                 result->text_asr.value_or(""), result->text_translated.value_or(""), timings.asr_ms.value_or(0),
                 timings.nmt_ms.value_or(0), timings.tts_ms.value_or(0), timings.total_ms.value_or(0));
    send(protocol::to_json(*result), true);
  }
  dispatch();
}

}  // namespace lingua::node
