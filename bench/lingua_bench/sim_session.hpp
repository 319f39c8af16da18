#pragma once
// A simulated client session over a real /ws/session socket, in one of four roles:
//   utterance — whole `utterance` messages (the gateway path), sent in a closed loop (a window of utterances in
//               flight, the next when a result arrives) or when the fixed-rate driver says so;
//   stream    — the web client's audio path: an audio_chunk of Plan A Opus packets every `chunk_interval` (256 ms,
//               as observed), a cut (is_final marker) after `phrase_chunks` chunks;
//   idle      — session_init and nothing more (memory per idle session);
//   listener  — joins a room with a preferred language and receives the speaker's results.
// A room speaker is an `utterance` session that created a room: its results go to its listeners.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "recorder.hpp"
#include "ws_peer.hpp"

namespace lingua::bench {

enum class session_role { utterance, stream, idle, listener };

struct session_profile {
  std::string src_lang = "en";
  std::string tgt_lang = "zh";
  std::string audio_base64;  // the `utterance` audio, shared by every session
  std::size_t window = 1;    // closed loop: utterances in flight per session; 0 = driven by the fixed-rate driver
  std::chrono::milliseconds chunk_interval{256};
  std::size_t phrase_chunks = 8;
  std::string chunk_payload;  // base64 Plan A packets of one audio_chunk
};

class sim_session : public std::enable_shared_from_this<sim_session> {
 public:
  sim_session(boost::asio::any_io_executor executor, const session_profile& profile, recorder& record,
              session_role role);

  // Connects and sends session_init; ready() once acknowledged.
  boost::asio::awaitable<bool> start(ws_target target);
  bool ready() const { return !session_id_.empty(); }
  const std::string& id() const { return session_id_; }
  const std::string& error() const;

  // Room set-up: the speaker creates (room_code() once acknowledged), listeners join.
  void create_room();
  const std::string& room_code() const { return room_code_; }
  void join_room(const std::string& code, const std::string& preferred_lang);
  bool joined() const { return joined_; }
  // The speaker's audience: who receives its results, in which language (set before begin()).
  void set_listeners(std::vector<std::pair<std::string, std::string>> listeners);

  // Starts the traffic of the role (closed loop or stream cadence); halt() stops sending new work.
  void begin();
  void halt();
  // One utterance now (fixed-rate driver).
  void send_utterance();
  void stop();

 private:
  void on_text(std::string_view text);
  void on_result(std::string_view speaker, std::uint64_t index);
  void next_chunk();
  void cut_sent();

  boost::asio::any_io_executor executor_;
  const session_profile& profile_;
  recorder& record_;
  session_role role_;
  std::shared_ptr<ws_peer> peer_;
  boost::asio::steady_timer cadence_;
  std::string session_id_;
  std::string room_code_;
  std::string room_lang_;  // a listener's preferred language
  bool joined_ = false;
  std::vector<std::pair<std::string, std::string>> listeners_;  // (session, language)
  std::uint64_t next_index_ = 0;
  std::uint64_t seq_ = 0;
  std::size_t chunks_in_phrase_ = 0;
  bool sending_ = false;
  bool stopped_ = false;
};

// `bytes` of PCM16-sized audio in base64 (the `utterance` payload).
std::string utterance_audio(std::size_t bytes);

}  // namespace lingua::bench
