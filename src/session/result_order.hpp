#pragma once
// result_order: releases one session's results (for one target language) in utterance order, without ever letting
// a missing result block the ones behind it for long.
//
// Pure logic driven by the session actor: call expect() when an utterance is dispatched, resolve() when its outcome
// is known (a payload to show, or nullopt for "nothing to show": an empty result, an error already reported
// elsewhere), take_ready() after every resolve() and whenever next_deadline() passes, flush() on session close.
//
// Rules:
// - The head is the lowest index not yet released or skipped (starts at first_index). Resolved results at the head
//   are released at once, in index order; a nullopt resolution releases nothing but lets the head move on.
// - A gap is an unresolved index (expected or not: resolving without expect() is allowed and ordered the same way)
//   below a resolved one. Every resolved result waits behind gaps for at most max_gap_wait_ms from the moment it
//   was resolved: when that time has passed, every gap below it is skipped and it is released. So no result is
//   ever delayed by more than max_gap_wait_ms, and a run of missing indices costs one wait, not one per index.
// - At most max_pending indices (expected or resolved, not yet released) are held; beyond that the oldest gap is
//   skipped (and, when nothing is resolved, the oldest expected index): memory stays bounded even if outcomes are
//   lost. Released entries wait in an output queue until take_ready()/flush().
// - A result that arrives for a skipped index is released late, at the next take_ready(): showing a translation
//   late beats losing it (the original silently discarded it). Skipped ranges are remembered up to max_pending
//   ranges; older ones are forgotten and then treated as released.
// - A resolve for an index already released is dropped: the client sees each utterance at most once. Before
//   release, the first resolution with a payload wins; a later nullopt never erases a payload, a later payload
//   replaces an earlier nullopt.
// - expect() for an index already released or skipped is ignored. Its now_ms only dates what the pending bound
//   may release at that moment.
// - flush() releases every resolved result in index order, skips every remaining gap and empties the order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lingua::session {

struct result_order_config {
  std::int64_t max_gap_wait_ms = 5000;
  std::size_t max_pending = 200;
  std::uint64_t first_index = 0;
};

template <class Payload>
class result_order {
 public:
  explicit result_order(result_order_config config = {}) : config_(config), next_(config.first_index) {}

  void expect(std::uint64_t index, std::int64_t now_ms) {
    if (index < next_) return;
    slots_.try_emplace(index);
    enforce_bound(now_ms);
  }

  void resolve(std::uint64_t index, std::optional<Payload> payload, std::int64_t now_ms) {
    if (index < next_) {
      if (payload && forget_skipped(index)) {
        ++late_total_;
        push_ready(std::move(*payload), now_ms);
      }
      return;
    }
    slot& s = slots_[index];
    if (!s.resolved) {
      s.resolved = true;
      s.ready_at_ms = now_ms;
      s.payload = std::move(payload);
    } else if (!s.payload && payload) {
      s.payload = std::move(payload);
    }
    release_head(now_ms);
    enforce_bound(now_ms);
  }

  // Everything releasable at now_ms, in release order.
  std::vector<Payload> take_ready(std::int64_t now_ms) {
    for (;;) {
      release_head(now_ms);
      std::optional<std::uint64_t> target;
      for (const auto& [index, s] : slots_) {
        if (s.resolved && s.ready_at_ms + config_.max_gap_wait_ms <= now_ms) target = index;
      }
      if (!target) break;
      skip_to(*target, now_ms);
    }
    ready_due_ms_.reset();
    return std::exchange(ready_, {});
  }

  // The earliest time at which take_ready() returns something, if anything is held; a time <= now means "now".
  std::optional<std::int64_t> next_deadline() const {
    std::optional<std::int64_t> due = ready_due_ms_;
    for (const auto& [index, s] : slots_) {
      if (!s.resolved) continue;
      const std::int64_t at = s.ready_at_ms + config_.max_gap_wait_ms;
      if (!due || at < *due) due = at;
    }
    return due;
  }

  std::vector<Payload> flush() {
    if (!slots_.empty()) skip_to(slots_.rbegin()->first + 1, 0);
    ready_due_ms_.reset();
    return std::exchange(ready_, {});
  }

  std::uint64_t next_index() const { return next_; }
  std::size_t pending() const { return slots_.size(); }
  std::uint64_t skipped_total() const { return skipped_total_; }
  std::uint64_t late_total() const { return late_total_; }

 private:
  struct slot {
    bool resolved = false;
    std::optional<Payload> payload;
    std::int64_t ready_at_ms = 0;
  };

  void push_ready(Payload payload, std::int64_t now_ms) {
    ready_.push_back(std::move(payload));
    if (!ready_due_ms_) ready_due_ms_ = now_ms;
  }

  void release_head(std::int64_t now_ms) {
    while (!slots_.empty() && slots_.begin()->first == next_ && slots_.begin()->second.resolved) {
      if (slots_.begin()->second.payload) push_ready(std::move(*slots_.begin()->second.payload), now_ms);
      slots_.erase(slots_.begin());
      ++next_;
    }
  }

  // Moves the head to `target`: resolved slots below it are released in order, everything else is skipped.
  void skip_to(std::uint64_t target, std::int64_t now_ms) {
    while (!slots_.empty() && slots_.begin()->first < target) {
      auto it = slots_.begin();
      remember_skipped(next_, it->first);
      if (it->second.resolved) {
        if (it->second.payload) push_ready(std::move(*it->second.payload), now_ms);
      } else {
        remember_skipped(it->first, it->first + 1);
      }
      next_ = it->first + 1;
      slots_.erase(it);
    }
    if (next_ < target) remember_skipped(next_, target);
    next_ = std::max(next_, target);
    release_head(now_ms);
  }

  void enforce_bound(std::int64_t now_ms) {
    while (slots_.size() > config_.max_pending) {
      std::optional<std::uint64_t> first_resolved;
      for (const auto& [index, s] : slots_) {
        if (s.resolved) {
          first_resolved = index;
          break;
        }
      }
      skip_to(first_resolved ? *first_resolved : slots_.begin()->first + 1, now_ms);
    }
  }

  // Skipped indices as half-open ranges [first, last) keyed by first.
  void remember_skipped(std::uint64_t first, std::uint64_t last) {
    if (first >= last) return;
    skipped_total_ += last - first;
    auto it = skipped_.lower_bound(first);
    if (it != skipped_.begin()) {
      auto before = std::prev(it);
      if (before->second == first) {
        before->second = last;
        return;
      }
    }
    skipped_.emplace(first, last);
    while (skipped_.size() > config_.max_pending) skipped_.erase(skipped_.begin());
  }

  bool forget_skipped(std::uint64_t index) {
    auto it = skipped_.upper_bound(index);
    if (it == skipped_.begin()) return false;
    --it;
    const auto [first, last] = *it;
    if (index >= last) return false;
    skipped_.erase(it);
    if (first < index) skipped_.emplace(first, index);
    if (index + 1 < last) skipped_.emplace(index + 1, last);
    return true;
  }

  result_order_config config_;
  std::uint64_t next_;
  std::map<std::uint64_t, slot> slots_;  // indices >= next_ that were expected or resolved
  std::map<std::uint64_t, std::uint64_t> skipped_;
  std::vector<Payload> ready_;
  std::optional<std::int64_t> ready_due_ms_;
  std::uint64_t skipped_total_ = 0;
  std::uint64_t late_total_ = 0;
};

extern template class result_order<std::string>;

}  // namespace lingua::session
