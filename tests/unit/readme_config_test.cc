// The README's production configuration example parses and validates as printed.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "xronox/config.h"

#ifndef XRONOX_SOURCE_DIR
#define XRONOX_SOURCE_DIR "."
#endif

namespace xronox::testing {
namespace {

// The first ```json block after `heading` in README.md.
std::string ReadmeJsonBlockAfter(const std::string& heading) {
  std::ifstream in(std::string(XRONOX_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  std::string readme = text.str();
  size_t at = readme.find(heading);
  if (at == std::string::npos) return "";
  size_t start = readme.find("```json\n", at);
  if (start == std::string::npos) return "";
  start += 8;
  size_t end = readme.find("```", start);
  return end == std::string::npos ? "" : readme.substr(start, end - start);
}

TEST(ReadmeConfigTest, ProductionExampleParsesAsPrinted) {
  std::string json = ReadmeJsonBlockAfter("## Production: MongoDB + S3");
  ASSERT_FALSE(json.empty()) << "README.md lost its production config example";
  auto config = ParseConfigJson(json);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->s3_connections.count("primary"), 1u);
  const S3Connection& s3 = config->s3_connections.at("primary");
  EXPECT_FALSE(s3.force_path_style);
  EXPECT_EQ(s3.buckets.versions, "myapp-versions");
  EXPECT_EQ(s3.storage_classes.versions, "INTELLIGENT_TIERING");
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  EXPECT_EQ(config->runtime_tenant_template->db_name, "myapp_runtime_{tenant}");
  EXPECT_EQ(config->runtime_tenant_template->buckets.versions, "myapp-rt-{tenant}-versions");
}

}  // namespace
}  // namespace xronox::testing
