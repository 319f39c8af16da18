#include "routing/router.hpp"

namespace lingua::routing {

void router::attach_session(const std::string& session_id, std::weak_ptr<session_sink> sink) {
  sessions_[session_id] = std::move(sink);
}

void router::detach_session(const std::string& session_id, const session_sink* sink) {
  auto it = sessions_.find(session_id);
  if (it != sessions_.end() && (it->second.expired() || it->second.lock().get() == sink)) sessions_.erase(it);
}

void router::attach_node(const std::string& node_id, std::weak_ptr<node_sink> sink) { nodes_[node_id] = std::move(sink); }

void router::detach_node(const std::string& node_id, const node_sink* sink) {
  auto it = nodes_.find(node_id);
  if (it != nodes_.end() && (it->second.expired() || it->second.lock().get() == sink)) nodes_.erase(it);
}

boost::asio::awaitable<void> router::claim_session(const std::string& session_id, std::weak_ptr<session_sink> sink) {
  attach_session(session_id, std::move(sink));
  if (remote_ != nullptr) co_await remote_->own(false, session_id, true);
  co_return;
}

boost::asio::awaitable<bool> router::release_session(const std::string& session_id, const session_sink* sink) {
  const bool was_current = local_session(session_id).get() == sink;
  detach_session(session_id, sink);
  if (!was_current) co_return false;
  if (remote_ == nullptr) co_return true;
  co_return co_await remote_->own(false, session_id, false);
}

boost::asio::awaitable<void> router::claim_node(const std::string& node_id, std::weak_ptr<node_sink> sink) {
  std::shared_ptr<node_sink> previous = local_node(node_id);
  const bool replacing = previous != nullptr && previous != sink.lock();
  attach_node(node_id, std::move(sink));
  if (replacing) previous->replaced();
  if (remote_ != nullptr) co_await remote_->own(true, node_id, true);
  co_return;
}

boost::asio::awaitable<bool> router::release_node(const std::string& node_id, const node_sink* sink) {
  const bool was_current = local_node(node_id).get() == sink;
  detach_node(node_id, sink);
  if (!was_current) co_return false;
  if (remote_ == nullptr) co_return true;
  co_return co_await remote_->own(true, node_id, false);
}

std::shared_ptr<session_sink> router::local_session(const std::string& session_id) const {
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? nullptr : it->second.lock();
}

std::vector<std::string> router::local_node_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, sink] : nodes_) {
    if (!sink.expired()) ids.push_back(id);
  }
  return ids;
}

std::vector<std::string> router::local_session_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, sink] : sessions_) {
    if (!sink.expired()) ids.push_back(id);
  }
  return ids;
}

std::shared_ptr<node_sink> router::local_node(const std::string& node_id) const {
  auto it = nodes_.find(node_id);
  return it == nodes_.end() ? nullptr : it->second.lock();
}

boost::asio::awaitable<bool> router::to_session(const std::string& session_id, session_delivery delivery) {
  if (auto sink = local_session(session_id)) {
    sink->deliver(std::move(delivery));
    co_return true;
  }
  if (remote_ == nullptr) co_return false;
  co_return co_await remote_->to_session(session_id, delivery);
}

boost::asio::awaitable<bool> router::to_node(const std::string& node_id, std::string text) {
  if (auto sink = local_node(node_id)) co_return sink->send_text(std::move(text));
  if (remote_ == nullptr) co_return false;
  co_return co_await remote_->to_node(node_id, text, nullptr);
}

boost::asio::awaitable<bool> router::job_to_node(const std::string& node_id, std::string text,
                                                 const job_attempt& job) {
  if (auto sink = local_node(node_id)) co_return sink->send_job(std::move(text), job);
  if (remote_ == nullptr) co_return false;
  co_return co_await remote_->to_node(node_id, text, &job);
}

}  // namespace lingua::routing
