// The operations files (ops/prometheus/alerts.yml, ops/grafana/lingua.json, docs/operations.md) name exactly
// what the running binary exports: the rules are parsed with libyaml, the dashboard with nlohmann::json, and every
// metric they use is looked up in a real /metrics answer.
#include <yaml.h>

#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e_fixture.hpp"
#include "exposition_text.hpp"

namespace lingua::test {
namespace {

std::string source_file(const std::string& relative) {
  std::ifstream in(std::string(LINGUA_SOURCE_ROOT) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A YAML document as a tree of maps, lists and scalars (what the rules file is).
struct yaml_value {
  std::string scalar;
  std::vector<std::pair<std::string, yaml_value>> map;
  std::vector<yaml_value> list;
  bool is_map = false;
  bool is_list = false;

  const yaml_value* at(const std::string& key) const {
    for (const auto& [k, v] : map) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

yaml_value convert(yaml_document_t* doc, yaml_node_t* node) {
  yaml_value v;
  if (node == nullptr) return v;
  if (node->type == YAML_SCALAR_NODE) {
    v.scalar.assign(reinterpret_cast<const char*>(node->data.scalar.value), node->data.scalar.length);
  } else if (node->type == YAML_SEQUENCE_NODE) {
    v.is_list = true;
    for (yaml_node_item_t* item = node->data.sequence.items.start; item < node->data.sequence.items.top; ++item) {
      v.list.push_back(convert(doc, yaml_document_get_node(doc, *item)));
    }
  } else if (node->type == YAML_MAPPING_NODE) {
    v.is_map = true;
    for (yaml_node_pair_t* pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; ++pair) {
      yaml_value key = convert(doc, yaml_document_get_node(doc, pair->key));
      v.map.emplace_back(key.scalar, convert(doc, yaml_document_get_node(doc, pair->value)));
    }
  }
  return v;
}

// Parses YAML text; nullopt (with the parser's problem in `error`) when it is not valid YAML.
std::optional<yaml_value> parse_yaml(const std::string& text, std::string& error) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  yaml_document_t doc;
  std::optional<yaml_value> out;
  if (yaml_parser_load(&parser, &doc) != 0) {
    out = convert(&doc, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
  } else {
    error = parser.problem != nullptr ? parser.problem : "unknown YAML error";
    error += " at line " + std::to_string(parser.problem_mark.line + 1);
  }
  yaml_parser_delete(&parser);
  return out;
}

// Names the rules and dashboard may use beyond /metrics: `up` is recorded by Prometheus for every target.
bool known(const std::set<std::string>& exported, const std::string& name) {
  return exported.contains(name) || name == "up";
}

class ops_files : public scheduler_e2e {};

TEST(promql_names, finds_metric_names_and_skips_functions_labels_ranges_numbers_and_keywords) {
  const auto names = promql_metric_names(
      "histogram_quantile(0.9, sum by (le, pool) (rate(a_bucket{x=\"}b\",y=~\"c|d\"}[5m]))) / clamp_min(b_total, "
      "1e-9) > 0.5 and on(instance) c_gauge offset 5m unless ignoring (z) sum without (k) (d:rule)");
  EXPECT_EQ(names, (std::set<std::string>{"a_bucket", "b_total", "c_gauge", "d:rule"}));
}

TEST_F(ops_files, every_alert_rule_is_well_formed_and_uses_only_metrics_the_binary_exports) {
  auto& scheduler = start_scheduler();
  const std::set<std::string> exported = exported_names(scrape(scheduler.port()));
  ASSERT_GT(exported.size(), 30U);
  std::string error;
  const auto rules_file = parse_yaml(source_file("ops/prometheus/alerts.yml"), error);
  ASSERT_TRUE(rules_file) << error;
  const yaml_value* groups = rules_file->at("groups");
  ASSERT_TRUE(groups != nullptr && groups->is_list);
  std::size_t rules = 0;
  std::set<std::string> alert_names;
  for (const auto& group : groups->list) {
    ASSERT_TRUE(group.at("name") != nullptr);
    const yaml_value* list = group.at("rules");
    ASSERT_TRUE(list != nullptr && list->is_list);
    for (const auto& rule : list->list) {
      ++rules;
      const yaml_value* alert = rule.at("alert");
      const yaml_value* expr = rule.at("expr");
      ASSERT_TRUE(alert != nullptr && expr != nullptr) << "rule " << rules << " lacks alert or expr";
      EXPECT_TRUE(alert_names.insert(alert->scalar).second) << "alert named twice: " << alert->scalar;
      const yaml_value* labels = rule.at("labels");
      EXPECT_TRUE(labels != nullptr && labels->at("severity") != nullptr) << alert->scalar << ": no severity";
      EXPECT_TRUE(rule.at("annotations") != nullptr && rule.at("annotations")->at("summary") != nullptr)
          << alert->scalar << ": no summary";
      const auto names = promql_metric_names(expr->scalar);
      EXPECT_FALSE(names.empty()) << alert->scalar;
      for (const auto& name : names) {
        EXPECT_TRUE(known(exported, name)) << alert->scalar << " uses '" << name << "', which /metrics lacks";
      }
    }
  }
  EXPECT_GE(rules, 10U);
  // Every alert is explained in the operations guide.
  const std::string guide = source_file("docs/operations.md");
  for (const auto& name : alert_names) EXPECT_NE(guide.find(name), std::string::npos) << name << " not in docs";
}

TEST_F(ops_files, the_grafana_dashboard_queries_only_exported_metrics_and_the_guide_explains_every_family) {
  auto& scheduler = start_scheduler();
  const exposition scraped = scrape(scheduler.port());
  const std::set<std::string> exported = exported_names(scraped);
  const auto dashboard = nlohmann::json::parse(source_file("ops/grafana/lingua.json"), nullptr, false);
  ASSERT_TRUE(dashboard.is_object()) << "lingua.json is not JSON";
  std::size_t queries = 0;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& panels) {
    for (const auto& panel : panels) {
      if (panel.contains("panels")) walk(panel["panels"]);
      for (const auto& target : panel.value("targets", nlohmann::json::array())) {
        const std::string expr = target.value("expr", "");
        ++queries;
        const auto names = promql_metric_names(expr);
        EXPECT_FALSE(names.empty()) << panel.value("title", "") << ": " << expr;
        for (const auto& name : names) {
          EXPECT_TRUE(known(exported, name)) << panel.value("title", "") << " uses '" << name << "'";
        }
      }
    }
  };
  walk(dashboard["panels"]);
  EXPECT_GE(queries, 20U);
  const std::string guide = source_file("docs/operations.md");
  for (const auto& [family, type] : scraped.types) {
    EXPECT_NE(guide.find("`" + family), std::string::npos) << family << " is not explained in docs/operations.md";
  }
}

}  // namespace
}  // namespace lingua::test
