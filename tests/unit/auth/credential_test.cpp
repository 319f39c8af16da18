#include <gtest/gtest.h>

#include "auth/credential.hpp"

namespace lingua::auth {
namespace {

net::http_request with(std::string query, std::vector<std::pair<std::string, std::string>> headers = {}) {
  net::http_request r;
  r.query = std::move(query);
  r.headers = std::move(headers);
  return r;
}

TEST(credential, the_token_comes_from_a_bearer_header_before_the_query) {
  EXPECT_EQ(presented_token(with("token=q", {{"authorization", "bearer  hdr "}})), "hdr");
  EXPECT_EQ(presented_token(with("a=1&token=q%2Bx+y&b=2")), "q+x y");
  EXPECT_EQ(presented_token(with("", {{"Authorization", "Basic abc"}})), std::nullopt);
  EXPECT_EQ(presented_token(with("token=")), std::nullopt);
  EXPECT_EQ(presented_token(with("tokens=x")), std::nullopt);
}

TEST(credential, digests_depend_on_purpose_and_secret_and_fingerprints_reveal_neither) {
  const auto a = secret_digest("node", "secret");
  EXPECT_TRUE(same_digest(a, secret_digest("node", "secret")));
  EXPECT_FALSE(same_digest(a, secret_digest("session", "secret")));
  EXPECT_FALSE(same_digest(a, secret_digest("node", "secreT")));
  const std::string f = fingerprint(a);
  EXPECT_EQ(f.size(), 32u);
  EXPECT_EQ(f, fingerprint(secret_digest("node", "secret")));
  EXPECT_EQ(f.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace lingua::auth
