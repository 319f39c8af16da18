// Hostile input on both endpoints, through the real binary over real WebSockets: deep JSON and over-declared nodes
// never crash the scheduler, each gets an error frame, nothing changes, and normal sessions keep being served
// (docs/security.md "Hostile input"). A flood of such frames under load is a chaos test (tests/e2e/chaos/).

#include <boost/asio/io_context.hpp>

#include "e2e_fixture.hpp"
#include "redis/client.hpp"
#include "e2e/rooms/room_peers.hpp"
#include "support/await.hpp"

namespace lingua::test {
namespace {

using hostile_input = scheduler_e2e;

std::string nested_array(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// The frame of issue 7 that used to kill the process: a 300-byte string, then an array nested 100,000 deep.
std::string deep_frame() {
  return R"({"type":"x","p":")" + std::string(300, 'A') + R"(","d":)" + nested_array(100000) + "}";
}

// One Redis command on the test's Redis, as an integer reply.
std::int64_t redis_integer(const std::string& address, redis::command_args args) {
  boost::asio::io_context io;
  redis::client_options options;
  options.address = address;
  redis::client client(io.get_executor(), options);
  client.start();
  if (!await(io, client.wait_connected(5s))) return -1;
  auto reply = await(io, client.command(std::move(args)));
  client.stop();
  return reply.ok() ? reply.value.as_integer().value_or(-1) : -1;
}

// The error frame answering a refused frame; fails the test when it does not come or is not INVALID_MESSAGE.
void expect_invalid_message(ws_client& ws, std::string_view mentions) {
  auto error = expect_message(ws, "error");
  EXPECT_EQ(error.value("code", ""), "INVALID_MESSAGE");
  EXPECT_NE(error.value("message", "").find(mentions), std::string::npos) << error.dump();
}

// A normal session is translated end to end by `node`.
void expect_translation(std::uint16_t port, fake_node& node) {
  fake_session session;
  session.connect(port);
  session.send_utterance(0);
  auto job = node.next_job();
  ASSERT_TRUE(job) << "the scheduler still dispatches";
  node.complete(*job);
  EXPECT_TRUE(session.next("translation_result")) << "and still delivers results";
}

TEST_F(hostile_input, a_frame_nested_100000_deep_on_either_endpoint_gets_an_error_and_the_scheduler_carries_on) {
  auto& scheduler = start_scheduler();
  ws_client session_socket;  // never sent session_init
  session_socket.connect("127.0.0.1", scheduler.port(), "/ws/session");
  ws_client node_socket;  // never registered
  node_socket.connect("127.0.0.1", scheduler.port(), std::string("/ws/node?token=") + default_node_token);
  ASSERT_TRUE(session_socket.send_text(deep_frame()));
  expect_invalid_message(session_socket, "nested deeper than 64 levels");
  ASSERT_TRUE(node_socket.send_text(deep_frame()));
  expect_invalid_message(node_socket, "nested deeper than 64 levels");
  EXPECT_TRUE(scheduler.running());

  // Both sockets stay usable.
  session_socket.send_json({{"type", "session_init"}, {"client_version", "t"}, {"platform", "web"},
                            {"src_lang", "en"}, {"tgt_lang", "zh"}});
  EXPECT_TRUE(session_socket.receive_until("session_init_ack", 5s));
  fake_node node;
  node.connect(scheduler.port());
  expect_translation(scheduler.port(), node);
}

TEST_F(hostile_input, a_registered_nodes_result_with_details_nested_300000_deep_is_refused_and_the_job_still_completes) {
  auto& scheduler = start_scheduler();
  fake_node node;
  node.connect(scheduler.port());
  fake_session session;
  session.connect(scheduler.port());
  session.send_utterance(0);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  nlohmann::json result = job_result_for(*job, node.id(), "hello", "你好");
  result["success"] = false;
  result["error"] = {{"code", "PROCESSING_ERROR"}, {"message", "m"}, {"details", "@"}};
  std::string text = result.dump();
  text.replace(text.find("\"@\""), 3, nested_array(300000));
  ASSERT_TRUE(node.socket().send_text(text));
  expect_invalid_message(node.socket(), "nested deeper");
  EXPECT_TRUE(scheduler.running());

  node.complete(*job);  // the refused frame changed nothing: the job is still the node's to finish
  EXPECT_TRUE(session.next("translation_result"));
}

TEST_F(hostile_input, a_room_members_webrtc_offer_with_a_deep_sdp_is_refused_and_never_relayed) {
  auto& scheduler = start_scheduler();
  fake_session a;
  a.connect(scheduler.port());
  fake_session b;
  b.connect(scheduler.port());
  const std::string code = create_room(a, "A");
  join_room(b, code, {a.id(), b.id()});
  std::string offer = nlohmann::json{{"type", "webrtc_offer"}, {"room_code", code}, {"to", b.id()}, {"sdp", "@"}}.dump();
  offer.replace(offer.find("\"@\""), 3, std::string(100000, '[') + "\"v=0\"" + std::string(100000, ']'));
  ASSERT_TRUE(a.socket().send_text(offer));
  expect_invalid_message(a.socket(), "nested deeper");
  EXPECT_FALSE(b.next("webrtc_offer", 500ms));
  EXPECT_TRUE(scheduler.running());

  a.send({{"type", "webrtc_offer"}, {"room_code", code}, {"to", b.id()}, {"sdp", {{"type", "offer"}, {"sdp", "v=0"}}}});
  auto relayed = b.next("webrtc_offer");
  ASSERT_TRUE(relayed) << "a normal offer is still relayed";
  EXPECT_EQ((*relayed)["to"], a.id());
}

TEST_F(hostile_input, a_node_declaring_too_many_languages_is_refused_and_nothing_is_written_to_redis) {
  auto& scheduler = start_scheduler();
  const std::string pairs_key = "{lingua}:pair:pools";
  const std::string nodes_key = "{lingua}:node:info";
  // 500 languages in one list (the issue's 125,256 pair entries), then 80 spread over lists of 40 (each list is
  // within bounds, their union is not).
  node_spec wide;
  for (int i = 0; i < 500; ++i) wide.asr.push_back("l" + std::to_string(i));
  node_spec spread;
  spread.asr.clear();
  spread.tts.clear();
  for (int i = 0; i < 40; ++i) spread.asr.push_back("a" + std::to_string(i));
  for (int i = 0; i < 40; ++i) spread.tts.push_back("t" + std::to_string(i));
  for (const node_spec& spec : {wide, spread}) {
    fake_node node(spec);
    ws_client& ws = node.socket();
    ws.connect("127.0.0.1", scheduler.port(), std::string("/ws/node?token=") + default_node_token);
    ws.send_json(node.register_message());
    expect_invalid_message(ws, "languages");
    EXPECT_FALSE(ws.receive_until("node_register_ack", 300ms));
  }
  EXPECT_EQ(redis_integer(redis->address(), redis::arguments("ZCARD", pairs_key)), 0);
  EXPECT_EQ(redis_integer(redis->address(), redis::arguments("HLEN", nodes_key)), 0);

  // 64 languages (the default bound) register.
  node_spec widest;
  widest.asr.clear();
  for (int i = 0; i < 62; ++i) widest.asr.push_back("w" + std::to_string(i));  // + en, zh of the other lists
  fake_node accepted(widest);
  EXPECT_FALSE(accepted.connect(scheduler.port()).empty());
  EXPECT_EQ(redis_integer(redis->address(), redis::arguments("HLEN", nodes_key)), 1);
  EXPECT_EQ(redis_integer(redis->address(), redis::arguments("ZCARD", pairs_key)), 64 * 65 / 2);
}

}  // namespace
}  // namespace lingua::test
