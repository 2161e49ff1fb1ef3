// Fixtures shared by the config unit tests: a valid config in the seed's example shape and
// shortcuts to its databases.
// Thread-safety: the functions are pure apart from gtest expectations on the calling thread.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "xronox/config.h"

namespace xronox::config_test {

/// Return the seed example's S3 connection, with a default bucket for every kind.
inline S3Connection SeedS3() {
  S3Connection s3;
  s3.endpoint = "https://s3.amazonaws.com";
  s3.region = "us-east-1";
  s3.access_key = "AKIDEXAMPLE";
  s3.secret_key = "secret";
  s3.buckets = {"xronox-records", "xronox-versions", "xronox-content", "xronox-backups"};
  return s3;
}

inline DatabaseConfig Generic(const std::string& name, bool backups = true) {
  DatabaseConfig db;
  db.mongo_ref = "primary";
  db.s3_ref = "primary";
  db.db_name = "athenix_" + name;
  db.buckets.records = "xronox-" + name + "-records";
  db.buckets.content = "xronox-" + name + "-content";
  if (backups) db.buckets.backups = "xronox-" + name + "-backups";
  return db;
}

inline DatabaseConfig SeedRuntime() {
  DatabaseConfig db;
  db.tenant_id = "acme-corp";
  db.mongo_ref = "primary";
  db.s3_ref = "primary";
  db.db_name = "athenix_runtime_acme";
  db.analytics_db_name = "athenix_analytics_acme";
  db.buckets = {"xronox-runtime-records", "xronox-runtime-versions", "xronox-runtime-content",
                "xronox-runtime-backups"};
  db.enable_versioning = true;
  return db;
}

inline DatabaseConfig RuntimeTemplate() {
  DatabaseConfig db;
  db.tenant_id = "{tenant}";
  db.mongo_ref = "primary";
  db.s3_ref = "primary";
  db.db_name = "athenix_runtime_{tenant}";
  db.buckets = {"rt-{tenant}-records", "rt-{tenant}-versions", "rt-{tenant}-content",
                "rt-{tenant}-backups"};
  return db;
}

inline ConfigBuilder SeedBuilder() {
  ConfigBuilder builder;
  builder.AddMongoConnection("primary", "mongodb://localhost:27017")
      .AddS3Connection("primary", SeedS3())
      .AddKnowledgeDatabase(Generic("knowledge"))
      .AddMetadataDatabase(Generic("metadata"))
      .AddRuntimeDatabase(SeedRuntime())
      .AddMessagingDatabase(Generic("messaging"))
      .AddIdentitiesDatabase(Generic("identities"))
      .AddLogsDatabase(Generic("logs", /*backups=*/false))
      .AddCollectionMap("activity_logs", {{"agentId", "timestamp", "action"}, {true, 30}});
  return builder;
}

inline Config SeedConfig() {
  Result<Config> config = SeedBuilder().Build();
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? config.value() : Config{};
}

inline DatabaseConfig* Find(Config& config, DatabaseType type) {
  for (DatabaseConfig& db : config.databases) {
    if (db.type == type) return &db;
  }
  return nullptr;
}

// Shortcuts to a database of a config built from SeedBuilder(), which must hold it (Template:
// the runtime tenant template, which must be set).
inline DatabaseConfig& Db(Config& c, DatabaseType type) { return *Find(c, type); }
inline DatabaseConfig& Knowledge(Config& c) { return Db(c, DatabaseType::kKnowledge); }
inline DatabaseConfig& Runtime(Config& c) { return Db(c, DatabaseType::kRuntime); }
inline DatabaseConfig& Messaging(Config& c) { return Db(c, DatabaseType::kMessaging); }
inline DatabaseConfig& Template(Config& c) { return *c.runtime_tenant_template; }

}  // namespace xronox::config_test
