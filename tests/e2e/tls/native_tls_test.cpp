// Native TLS of the real binary over loopback: with [server] tls_cert / tls_key the scheduler serves wss:// and
// https:// itself. The certificates are made for each test by the openssl CLI (self-signed, P-256).
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "e2e/auth/auth_helpers.hpp"
#include "e2e/limits/raw_socket.hpp"
#include "kit/http_client.hpp"

namespace lingua::test {
namespace {

// Writes <name>.pem and <name>.key (CN=localhost, SAN 127.0.0.1) into `dir`; false when openssl failed.
bool make_self_signed(const std::filesystem::path& dir, const std::string& name = "server") {
  const std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
                              " -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout '" +
                              (dir / (name + ".key")).string() + "' -out '" + (dir / (name + ".pem")).string() +
                              "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

std::vector<std::string> tls_flags(const std::filesystem::path& cert, const std::filesystem::path& key) {
  return {"--server.tls_cert=" + cert.string(), "--server.tls_key=" + key.string()};
}

class native_tls : public scheduler_e2e {
 protected:
  void SetUp() override {
    scheduler_e2e::SetUp();
    ASSERT_TRUE(make_self_signed(dir.path())) << "the openssl CLI could not make a certificate";
  }

  scheduler_process& start_tls_scheduler(std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = tls_flags(dir.path() / "server.pem", dir.path() / "server.key");
    for (auto& f : extra) flags.push_back(std::move(f));
    return start_scheduler(std::move(flags));
  }

  // A scheduler that must refuse to start: true when it exited at start-up with `message` in its log.
  bool refuses_to_start(const std::vector<std::string>& flags, const std::string& message) {
    scheduler_process scheduler(redis->address(), flags);
    try {
      scheduler.start(5s);
    } catch (const std::runtime_error&) {
      const bool found = scheduler.log().find(message) != std::string::npos;
      EXPECT_TRUE(found) << scheduler.log();
      return found && !scheduler.running();
    }
    return false;
  }

  temp_dir dir;
};

TEST_F(native_tls, a_session_and_a_node_translate_over_wss_and_health_answers_over_https) {
  auto& scheduler = start_tls_scheduler();
  EXPECT_EQ(https_get("127.0.0.1", scheduler.port(), "/health").status, 200U);
  EXPECT_EQ(https_get("127.0.0.1", scheduler.port(), "/no-such-page").status, 404U) << "every route over https";

  node_spec spec = named_node("node-tls");
  spec.tls = true;
  fake_node node(spec);
  EXPECT_EQ(node.connect(scheduler.port()), "node-tls");
  fake_session session("", ws_options{.tls = true});
  session.connect(scheduler.port());
  session.send_audio(6, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  node.complete(*job, "secure", "安全");
  EXPECT_EQ(expect_message(session.socket(), "translation_result")["text_asr"], "secure");

  node_spec without_token = node_with_token("node-x", "");
  without_token.tls = true;
  fake_node refused(without_token);
  EXPECT_TRUE(upgrade_refused_with(refused, scheduler.port(), 401)) << "authentication works over TLS too";
}

TEST_F(native_tls, plain_ws_and_http_are_not_served_when_tls_is_on) {
  auto& scheduler = start_tls_scheduler();
  EXPECT_EQ(http_get("127.0.0.1", scheduler.port(), "/health", 2s).status, 0U);
  ws_client plain;
  EXPECT_THROW(plain.connect("127.0.0.1", scheduler.port(), "/ws/session", 2s), std::runtime_error);
  EXPECT_EQ(https_get("127.0.0.1", scheduler.port(), "/health").status, 200U) << "and the server is still fine";
}

TEST_F(native_tls, plain_ws_stays_the_default) {
  auto& scheduler = start_scheduler();
  EXPECT_EQ(http_get("127.0.0.1", scheduler.port(), "/health").status, 200U);
  EXPECT_EQ(https_get("127.0.0.1", scheduler.port(), "/health", 2s).status, 0U);
}

TEST_F(native_tls, a_missing_certificate_stops_the_scheduler_at_start_naming_the_file) {
  EXPECT_TRUE(refuses_to_start(tls_flags(dir.path() / "missing.pem", dir.path() / "server.key"),
                               "cannot use the certificate chain server.tls_cert = '" +
                                   (dir.path() / "missing.pem").string() + "'"));
}

TEST_F(native_tls, a_certificate_file_that_is_not_pem_stops_the_scheduler_at_start) {
  write_file(dir.path() / "garbage.pem", "this is not a certificate\n");
  EXPECT_TRUE(refuses_to_start(tls_flags(dir.path() / "garbage.pem", dir.path() / "server.key"),
                               "cannot use the certificate chain"));
}

TEST_F(native_tls, a_key_that_does_not_belong_to_the_certificate_stops_the_scheduler_at_start) {
  ASSERT_TRUE(make_self_signed(dir.path(), "other"));
  EXPECT_TRUE(refuses_to_start(tls_flags(dir.path() / "server.pem", dir.path() / "other.key"),
                               "cannot use the private key server.tls_key"));
}

TEST_F(native_tls, a_certificate_without_its_key_is_a_configuration_error) {
  EXPECT_TRUE(refuses_to_start({"--server.tls_cert=" + (dir.path() / "server.pem").string()},
                               "must be set together with the other of server.tls_cert / server.tls_key"));
}

TEST_F(native_tls, a_socket_that_never_finishes_its_handshake_is_closed_at_the_first_request_deadline) {
  auto& scheduler = start_tls_scheduler({"--server.http_request_timeout_ms=500"});
  raw_socket silent("127.0.0.1", scheduler.port());
  raw_socket half("127.0.0.1", scheduler.port());
  ASSERT_TRUE(half.send(std::string("\x16\x03\x01\x00\x80", 5)));  // a ClientHello record header, then nothing
  EXPECT_TRUE(silent.closed_by_server(5s));
  EXPECT_TRUE(half.closed_by_server(5s));
}

TEST_F(native_tls, sockets_in_the_tls_handshake_count_against_the_per_address_cap) {
  auto& scheduler = start_tls_scheduler({"--server.max_connections_per_address=2"});
  raw_socket first("127.0.0.3", scheduler.port());
  raw_socket second("127.0.0.3", scheduler.port());
  EXPECT_FALSE(first.closed_by_server(300ms));
  EXPECT_FALSE(second.closed_by_server(300ms));
  raw_socket third("127.0.0.3", scheduler.port());
  EXPECT_TRUE(third.closed_by_server(5s)) << "over the address's cap while two handshakes are pending";
  EXPECT_EQ(https_get("127.0.0.1", scheduler.port(), "/health").status, 200U) << "other addresses are served";
}

}  // namespace
}  // namespace lingua::test
