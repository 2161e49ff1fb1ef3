// Helpers for tests that use the real test services (scripts/test-services.sh): environment
// lookup, skip-or-fail when a service is not configured, fresh names per test, and the S3
// options and bucket cleanup those tests share.
// Thread-safety: UniqueHex is safe from many threads; the rest are pure or used by one test.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/s3/s3_object_store.h"
#include "xronox/status.h"

namespace xronox::testing {

/// The value of environment variable `name`; nullopt when unset or empty.
inline std::optional<std::string> EnvValue(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

/// Whether a test's services are configured, and what to say when they are not.
struct ServiceCheck {
  bool missing = false;   ///< A variable is unset: the test cannot run.
  bool required = false;  ///< XRONOX_REQUIRE_SERVICES=1: fail instead of skipping.
  std::string message;
};

/// Check that every variable of `names` is set. Use as:
///   if (auto c = CheckServices({...}); c.missing) { if (c.required) FAIL() << c.message;
///                                                  GTEST_SKIP() << c.message; }
inline ServiceCheck CheckServices(std::initializer_list<const char*> names) {
  ServiceCheck check;
  for (const char* name : names) {
    if (EnvValue(name)) continue;
    check.missing = true;
    check.required = EnvValue("XRONOX_REQUIRE_SERVICES") == std::optional<std::string>("1");
    check.message = std::string(name) + " is not set" +
                    (check.required ? " but XRONOX_REQUIRE_SERVICES=1: the test services did "
                                      "not start"
                                    : ": no service to run against") +
                    " (scripts/test-services.sh start, then source the env file it prints)";
    return check;
  }
  return check;
}

/// `digits` random lowercase hex digits (at most 16).
inline std::string UniqueHex(int digits) {
  static std::mutex mutex;
  static std::mt19937_64 random(std::random_device{}());
  std::lock_guard lock(mutex);
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(random()));
  return std::string(text + 16 - digits);
}

/// A fresh MongoDB database prefix ("xt<12 hex>_"), so tests share no MongoDB state.
inline std::string UniqueDatabasePrefix() { return "xt" + UniqueHex(12) + "_"; }

/// A fresh S3 bucket stem ("xt<12 hex>"): lowercase, 14 bytes, so "<stem>-<name>" stays a valid
/// bucket name for names of up to 48 bytes. S3 bucket names are global: never reuse one.
inline std::string UniqueBucketStem() { return "xt" + UniqueHex(12); }

/// S3 options of the test service, keys included (XRONOX_TEST_S3_*).
inline store::S3Options TestS3Options() {
  store::S3Options options;
  options.endpoint = EnvValue("XRONOX_TEST_S3_ENDPOINT").value_or("");
  options.access_key = EnvValue("XRONOX_TEST_S3_ACCESS_KEY").value_or("");
  options.secret_key = EnvValue("XRONOX_TEST_S3_SECRET_KEY").value_or("");
  options.region = EnvValue("XRONOX_TEST_S3_REGION").value_or("us-east-1");
  return options;
}

/// Delete every object of `bucket`, its leftovers, then the bucket (ok when it is absent).
inline Status EmptyAndDeleteBucket(store::S3ObjectStore& store, const std::string& bucket) {
  std::string continuation;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(store::ListPage page, store.List(bucket, "", continuation, 1000));
    for (const store::ObjectInfo& info : page.objects) {
      XRONOX_RETURN_IF_ERROR(store.Delete(bucket, info.key));
    }
    if (!page.next) break;
    continuation = *page.next;
  }
  XRONOX_RETURN_IF_ERROR(store.Leftovers(bucket, "", INT64_MAX, true).status());
  return store.DeleteBucket(bucket);
}

/// What a test left on the services: empty and delete each of `buckets` on the test S3
/// service, then drop every MongoDB database whose name starts with `database_prefix`. Returns
/// the first failure, after trying everything.
inline Status RemoveServiceState(const std::set<std::string>& buckets,
                                 const std::string& database_prefix) {
  Status first;
  auto keep = [&first](const Status& s) {
    if (first.ok() && !s.ok()) first = s;
  };
  if (!buckets.empty()) {
    auto s3 = store::S3ObjectStore::Open(TestS3Options());
    keep(s3.status());
    for (const std::string& bucket : buckets) {
      if (s3.ok()) keep(EmptyAndDeleteBucket(**s3, bucket));
    }
  }
  store::MongoOptions options;
  options.database_prefix = database_prefix;
  auto mongo = store::MongoHotStore::Open(EnvValue("XRONOX_TEST_MONGO_URI").value_or(""), options);
  keep(mongo.status());
  if (mongo.ok()) keep((*mongo)->DropPrefixedDatabases());
  return first;
}

}  // namespace xronox::testing
