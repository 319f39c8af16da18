#pragma once
// result_delivery: one session's client messages, released in utterance order per target language and handed to
// whoever hears them — the speaker's own socket, or a room listener wherever it is connected.
//
// One result_order per target language (a language first heard at utterance N starts its order there). Messages
// for a listener that is not the speaker are queued per listener and sent by one coroutine per listener, one after
// another, so they arrive in order wherever the listener is connected. Runs on the instance's event loop; held by
// shared_ptr so a listener's sender outlives nothing it uses.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "endpoint/session_job.hpp"
#include "net/connection.hpp"
#include "routing/router.hpp"
#include "session/result_order.hpp"

namespace lingua::metrics {
class scheduler_metrics;
}

namespace lingua::endpoint {

class result_delivery : public std::enable_shared_from_this<result_delivery> {
 public:
  struct context {
    boost::asio::any_io_executor executor;
    routing::router& router;
    std::string session_id;                      // the speaker
    std::shared_ptr<net::connection> speaker;    // the speaker's socket
    std::int64_t result_gap_wait_ms = 5000;
    metrics::scheduler_metrics* metrics = nullptr;  // late results, gap waits, end-to-end latency when set
  };

  explicit result_delivery(context ctx);

  // An outcome is expected for this utterance in this language.
  void expect(const std::string& target_lang, std::uint64_t utterance_index, std::int64_t now_ms);
  // Every known language not in `heard` has nothing to wait for at this index.
  void not_heard(std::uint64_t utterance_index, const std::vector<std::string>& heard, std::int64_t now_ms);
  // The utterance's outcome in this language (nullopt: nothing to show); releases whatever became ready.
  void resolve(const std::string& target_lang, std::uint64_t utterance_index, std::optional<outbound> out,
               std::int64_t now_ms);
  // Releases what is ready at now_ms (results whose gap wait passed).
  void release_ready(std::int64_t now_ms);
  // The earliest gap-wait deadline of any language (steady clock).
  std::optional<std::int64_t> next_deadline() const;

  // To the speaker's socket while it is open.
  void send(std::string text);

 private:
  session::result_order<outbound>& order_for(const std::string& target_lang, std::uint64_t first_index);
  void send_to_listener(const std::string& listener, std::string text);
  boost::asio::awaitable<void> drain_listener(std::string listener);

  context ctx_;
  std::map<std::string, session::result_order<outbound>> orders_;
  std::map<std::string, std::deque<std::string>> listener_queues_;  // present while its drainer runs
};

}  // namespace lingua::endpoint
