#include <gtest/gtest.h>

#include "auth/token_file.hpp"

namespace lingua::auth {
namespace {

TEST(token_file, reads_pairs_and_skips_comments_and_blank_lines) {
  const auto file = parse_token_file("# node tokens\n\ngpu-1  secret-one\n  # indented comment\ngpu-2\tsecret-two\r\n");
  ASSERT_EQ(file.problem, "");
  ASSERT_EQ(file.entries.size(), 2u);
  EXPECT_EQ(file.entries[0], std::make_pair(std::string("gpu-1"), std::string("secret-one")));
  EXPECT_EQ(file.entries[1], std::make_pair(std::string("gpu-2"), std::string("secret-two")));
}

TEST(token_file, a_line_with_another_number_of_fields_is_an_error_naming_the_line) {
  const auto file = parse_token_file("gpu-1 a\ngpu-2\n");
  EXPECT_EQ(file.problem, "line 2: expected two fields, found 1");
  EXPECT_TRUE(file.entries.empty());
  EXPECT_NE(parse_token_file("a b c\n").problem, "");
}

TEST(token_file, a_missing_file_is_a_problem) {
  EXPECT_NE(read_token_file("/nonexistent/lingua/tokens").problem, "");
}

}  // namespace
}  // namespace lingua::auth
