// ConfigFieldsNotActedOn: each valid setting that nothing acts on yet is named by its field.
#include <gtest/gtest.h>

#include "xronox/config.h"

namespace xronox {
namespace {

TEST(ConfigWarningsTest, TheEmbeddedDefaultHasNone) {
  auto config = CreateEmbeddedConfig("/tmp/unused");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(ConfigFieldsNotActedOn(*config).empty());
}

TEST(ConfigWarningsTest, EachSettingNotActedOnIsNamedByItsField) {
  auto config = CreateEmbeddedConfig("/tmp/unused");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->runtime_tenant_template.has_value());
  config->runtime_tenant_template->analytics_db_name = "analytics_{tenant}";
  for (DatabaseConfig& db : config->databases) {
    if (db.type == DatabaseType::kMessaging) db.capture_deliveries = true;
  }
  config->collection_maps["orders"].s3_offload.enabled = true;
  config->collection_maps["notes"].s3_offload.enabled = false;
  ASSERT_TRUE(ValidateConfig(*config).ok()) << ValidateConfig(*config).ToString();
  std::vector<std::string> warnings = ConfigFieldsNotActedOn(*config);
  // analyticsDbName and s3Offload are acted on (the tenant's counters live there; offload
  // runs): no warning names them.
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind("databases.messaging.captureDeliveries is not acted on yet", 0), 0u)
      << warnings[0];
}

}  // namespace
}  // namespace xronox
