// declared_tag_for: the language tag a job_assign carries for a node is the one the node declared (its spelling).
#include <gtest/gtest.h>

#include "state/node_capabilities.hpp"

namespace lingua::state {
namespace {

TEST(declared_tag, a_tag_the_node_declares_in_another_spelling_is_sent_in_the_nodes_spelling) {
  EXPECT_EQ(declared_tag_for("zh-CN", {"en", "zh_cn"}), "zh_cn");
  EXPECT_EQ(declared_tag_for("zh-CN", {"zh-CN", "zh"}), "zh-CN") << "an exact match wins over the bare language";
}

TEST(declared_tag, a_regional_tag_goes_to_a_node_that_declares_only_the_language_as_that_language) {
  EXPECT_EQ(declared_tag_for("zh-CN", {"en", "zh"}), "zh");
  EXPECT_EQ(declared_tag_for("en-US", {"en", "zh"}), "en");
}

TEST(declared_tag, a_bare_tag_goes_to_a_node_that_declares_only_regions_as_its_first_declared_region) {
  EXPECT_EQ(declared_tag_for("pt", {"en-US", "pt-BR", "pt-PT"}), "pt-BR");
  EXPECT_EQ(declared_tag_for("zh", {"zh-Hant-TW"}), "zh-Hant-TW");
}

TEST(declared_tag, a_tag_the_node_does_not_serve_stays_as_it_is) {
  EXPECT_EQ(declared_tag_for("auto", {"en", "zh"}), "auto");
  EXPECT_EQ(declared_tag_for("zh-TW", {"zh-CN"}), "zh-TW") << "two regions do not match";
  EXPECT_EQ(declared_tag_for("ja", {}), "ja");
}

}  // namespace
}  // namespace lingua::state
