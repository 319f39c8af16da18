// The embedded browser pages (web/), served by a real net::server over loopback.
#include "web/static_assets.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "kit/http_client.hpp"
#include "running_server.hpp"

namespace lingua::web {
namespace {

using lingua::test::http_connection;
using lingua::test::http_get;

const std::string host = "127.0.0.1";

std::string source_file(const std::string& relative) {
  std::ifstream in(std::string(LINGUA_WEB_SOURCE_DIR) + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

net::http_request get_with(std::string if_none_match) {
  net::http_request request{.method = "GET", .path = "/index.html"};
  request.headers.emplace_back("If-None-Match", std::move(if_none_match));
  return request;
}

class served_pages : public ::testing::Test {
 protected:
  void SetUp() override {
    add_static_routes(server_.front());
    server_.start();
  }
  net::test::running_server server_;
};

TEST(static_assets, every_file_under_web_is_embedded_byte_for_byte_with_a_quoted_etag) {
  ASSERT_FALSE(embedded_assets().empty());
  for (const auto& asset : embedded_assets()) {
    SCOPED_TRACE(std::string(asset.path));
    EXPECT_EQ(asset.body, source_file(std::string(asset.path)));
    ASSERT_GE(asset.etag.size(), 3u);
    EXPECT_EQ(asset.etag.front(), '"');
    EXPECT_EQ(asset.etag.back(), '"');
  }
  EXPECT_TRUE(find_asset("/index.html"));
  EXPECT_TRUE(find_asset("/app.js"));
  EXPECT_FALSE(find_asset("/missing.js"));
}

TEST(static_assets, content_types_follow_the_extension) {
  EXPECT_EQ(content_type_for("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("/app/session.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("/style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("/img/logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("/shot.png"), "image/png");
  EXPECT_EQ(content_type_for("/codec.wasm"), "application/wasm");
  EXPECT_EQ(content_type_for("/v1.2/README"), "application/octet-stream");
  EXPECT_EQ(content_type_for("/blob.bin"), "application/octet-stream");
}

TEST(static_assets, a_matching_if_none_match_gets_304_without_a_body) {
  const auto asset = *find_asset("/index.html");
  const std::string etag(asset.etag);
  for (const std::string& value : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    SCOPED_TRACE(value);
    const auto res = respond(asset, get_with(value));
    EXPECT_EQ(res.status, 304u);
    EXPECT_TRUE(res.body.empty());
  }
  const auto fresh = respond(asset, get_with("\"other\""));
  EXPECT_EQ(fresh.status, 200u);
  EXPECT_EQ(fresh.body, asset.body);
}

TEST_F(served_pages, the_root_serves_the_index_page_with_its_type_etag_and_cache_headers) {
  const auto reply = http_get(host, server_.port(), "/");
  ASSERT_EQ(reply.status, 200u) << reply.error;
  EXPECT_EQ(reply.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(reply.body, find_asset("/index.html")->body);
  EXPECT_EQ(reply.header("ETag"), find_asset("/index.html")->etag);
  EXPECT_EQ(reply.header("Cache-Control"), "no-cache");
  EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(reply.header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
}

TEST_F(served_pages, each_embedded_file_is_served_at_its_path_with_its_content_type) {
  http_connection connection(host, server_.port());
  for (const auto& asset : embedded_assets()) {
    SCOPED_TRACE(std::string(asset.path));
    const auto reply = connection.get(std::string(asset.path));
    ASSERT_EQ(reply.status, 200u) << reply.error;
    EXPECT_EQ(reply.content_type, content_type_for(asset.path));
    EXPECT_EQ(reply.body, asset.body);
  }
}

TEST_F(served_pages, paths_outside_the_embedded_files_get_404_whatever_their_spelling) {
  http_connection connection(host, server_.port());
  for (const std::string target :
       {"/missing.html", "/../CMakeLists.txt", "/web/index.html", "/%2e%2e/README.md", "/..%2fREADME.md",
        "//index.html", "/index.html/", "/./index.html", "/INDEX.HTML", "/src/web/static_assets.cpp"}) {
    SCOPED_TRACE(target);
    const auto reply = connection.get(target);
    EXPECT_EQ(reply.status, 404u) << reply.error;
    EXPECT_EQ(reply.body.find("<html"), std::string::npos);
  }
}

TEST_F(served_pages, a_query_string_does_not_change_the_file_and_other_methods_get_405) {
  http_connection connection(host, server_.port());
  const auto with_query = connection.get("/app.js?v=2");
  EXPECT_EQ(with_query.status, 200u) << with_query.error;
  EXPECT_EQ(with_query.body, find_asset("/app.js")->body);
  const auto post = connection.request("POST", "/index.html");
  EXPECT_EQ(post.status, 405u) << post.error;
}

}  // namespace
}  // namespace lingua::web
