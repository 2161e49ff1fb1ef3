// The production benchmark's fixture (production_fixture.h).
#include "bench/production_fixture.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>

#include "bench/bench_document.h"
#include "bench/latency_samples.h"
#include "common/hash.h"

namespace xronox::bench {

namespace {

const Json kDocument = BenchDocument();

constexpr const char* kTenant = "bench";

std::string RandomRunId() {
  std::random_device random;
  uint64_t value = (static_cast<uint64_t>(random()) << 32) | random();
  char text[16];
  std::snprintf(text, sizeof(text), "%010llx",
                static_cast<unsigned long long>(value & 0xffffffffffULL));
  return std::string("xb") + text;
}

Result<Collection> Runtime(Xronox& xronox, const std::string& collection) {
  return xronox.With({DatabaseType::kRuntime, Tier::kTenant, kTenant, collection});
}

Status OpenXronox(Fixture& f, const Endpoints& e) {
  ProductionConfigOptions options;
  options.mongo_uri = e.mongo_uri;
  options.s3_endpoint = e.s3_endpoint;
  options.s3_region = e.s3_region;
  options.s3_access_key = e.s3_access_key;
  options.s3_secret_key = e.s3_secret_key;
  options.tenants = {kTenant};
  options.bucket_prefix = f.run;  // Databases "<run>_...", buckets "<run>-...": fresh per run.
  XRONOX_ASSIGN_OR_RETURN(Config config, CreateProductionConfig(options));
  for (const DatabaseConfig& db : config.databases) {
    if (db.type == DatabaseType::kRuntime && db.tenant_id == kTenant) {
      f.versions_bucket = db.buckets.versions;
    }
  }
  XRONOX_ASSIGN_OR_RETURN(f.xronox, Xronox::Open(config));
  XRONOX_ASSIGN_OR_RETURN(Collection orders, Runtime(*f.xronox, "orders"));
  f.orders.emplace(std::move(orders));
  XRONOX_ASSIGN_OR_RETURN(Collection update_alone, Runtime(*f.xronox, "update_alone"));
  f.update_alone.emplace(std::move(update_alone));
  XRONOX_ASSIGN_OR_RETURN(Collection writers_alone, Runtime(*f.xronox, "writers_alone"));
  f.writers_alone.emplace(std::move(writers_alone));
  XRONOX_ASSIGN_OR_RETURN(Collection history, Runtime(*f.xronox, "history"));
  f.history.emplace(std::move(history));
  XRONOX_ASSIGN_OR_RETURN(Collection alone, Runtime(*f.xronox, "history_alone"));
  f.history_alone.emplace(std::move(alone));
  return Status::Ok();
}

Status OpenRawStores(Fixture& f, const Endpoints& e) {
  store::MongoOptions mongo;  // The router's defaults for a MongoConnection; a prefix added.
  mongo.database_prefix = f.run + "_";
  XRONOX_ASSIGN_OR_RETURN(f.raw_mongo, store::MongoHotStore::Open(e.mongo_uri, mongo));
  f.raw_ref = Fixture::Raw("orders");
  for (const char* collection : {"orders", "ops", "inserts", "replay", "inplace"}) {
    XRONOX_RETURN_IF_ERROR(f.raw_mongo->EnsureCollection(Fixture::Raw(collection), {}));
  }
  store::S3Options s3;  // S3Connection's defaults are S3Options' (timeouts, retries, path style).
  s3.endpoint = e.s3_endpoint;
  s3.region = e.s3_region;
  s3.access_key = e.s3_access_key;
  s3.secret_key = e.s3_secret_key;
  XRONOX_ASSIGN_OR_RETURN(f.raw_s3, store::S3ObjectStore::Open(std::move(s3)));
  f.raw_bucket = f.run + "-raw";
  return f.raw_s3->EnsureBucket(f.raw_bucket);
}

// Writes one record through the store and reads its version object back (the raw claim and
// create-only PUT carry the same bytes), then the records and objects the benchmarks read.
Status PrepareData(Fixture& f) {
  XRONOX_ASSIGN_OR_RETURN(WriteResult first, f.orders->Create(kDocument, Audit()));
  XRONOX_ASSIGN_OR_RETURN(
      f.version_object,
      f.raw_s3->Get(f.versions_bucket, "versions/orders/" + first.id + "/v0.json"));
  XRONOX_RETURN_IF_ERROR(f.orders->Put("g1", kDocument, Audit()).status());
  const std::string text = kDocument.dump();
  const store::CollectionRef ops = Fixture::Raw("ops");
  XRONOX_RETURN_IF_ERROR(f.raw_mongo->WriteHead(ops, RawHead("op-find", 0, text), {}));
  XRONOX_RETURN_IF_ERROR(f.raw_mongo->WriteHead(ops, RawHead("op-replace", 0, text), {}));
  return f.raw_s3->Put(f.raw_bucket, "ops/get.json", f.version_object, store::PutMode::kOverwrite);
}

Status AppendVersions(Collection& c, const std::string& id, int64_t count,
                      std::vector<TimestampMicros>& times) {
  for (int64_t i = 0; i < count; ++i) {
    auto written = c.Put(id, NumberedDocument(static_cast<int64_t>(times.size())), Audit());
    XRONOX_RETURN_IF_ERROR(written.status());
    times.push_back(written->record->updated_at);
    if (times.size() % 1000 == 0) {
      std::fprintf(stderr, "history: '%s' has %zu versions\n", id.c_str(), times.size());
    }
  }
  return Status::Ok();
}

}  // namespace

bool ParseProductionFlags(int* argc, char** argv, ProductionFlags& flags) {
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      std::string prefix = std::string(name) + "=";
      if (!arg.starts_with(prefix)) return std::nullopt;
      return arg.substr(prefix.size());
    };
    try {
      if (auto v = value("--samples")) {
        flags.samples = std::stoi(*v);
      } else if (auto v = value("--writers")) {
        flags.writers = std::stoi(*v);
      } else if (auto v = value("--writer-iterations")) {
        flags.writer_iterations = std::stoi(*v);
      } else if (auto v = value("--as-of-samples")) {
        flags.as_of_samples = std::stoi(*v);
      } else if (auto v = value("--size-samples")) {
        flags.size_samples = std::stoi(*v);
      } else if (auto v = value("--history")) {
        flags.history = std::stoll(*v);
      } else if (auto v = value("--history-budget-s")) {
        flags.history_budget_s = std::stod(*v);
      } else if (arg == "--keep") {
        flags.keep = true;
      } else {
        argv[kept++] = argv[i];
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "xronox_production_bench: bad value in '%s'\n", arg.c_str());
      return false;
    }
  }
  *argc = kept;
  if (flags.samples < 1 || flags.writers < 1 || flags.writer_iterations < 1 ||
      flags.as_of_samples < 1 || flags.size_samples < 1 || flags.history < 20) {
    std::fprintf(stderr,
                 "xronox_production_bench: --samples, --writers, --writer-iterations, "
                 "--as-of-samples and --size-samples must be >= 1, --history >= 20\n");
    return false;
  }
  return true;
}

std::optional<Endpoints> ReadEndpoints() {
  Endpoints e;
  const std::pair<const char*, std::string*> required[] = {
      {"XRONOX_TEST_MONGO_URI", &e.mongo_uri},
      {"XRONOX_TEST_S3_ENDPOINT", &e.s3_endpoint},
      {"XRONOX_TEST_S3_ACCESS_KEY", &e.s3_access_key},
      {"XRONOX_TEST_S3_SECRET_KEY", &e.s3_secret_key}};
  std::string missing;
  for (const auto& [name, into] : required) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      *into = value;
    } else {
      missing += std::string(missing.empty() ? "" : ", ") + name;
    }
  }
  const char* region = std::getenv("XRONOX_TEST_S3_REGION");
  e.s3_region = region != nullptr && *region != '\0' ? region : "us-east-1";
  if (missing.empty()) return e;
  std::fprintf(stderr,
               "xronox_production_bench: not set: %s.\n"
               "This benchmark needs a MongoDB-wire server and an S3 service. Start the test "
               "services and load the environment file that `start` prints:\n"
               "  ./scripts/test-services.sh build\n"
               "  env_file=$(./scripts/test-services.sh start) && . \"$env_file\"\n"
               "  build/release/bench/xronox_production_bench\n"
               "  ./scripts/test-services.sh stop \"$env_file\"\n",
               missing.c_str());
  return std::nullopt;
}

Json NumberedDocument(int64_t n) {
  Json data = kDocument;
  data["seq"] = n;
  return data;
}

WriteOptions Audit() {
  WriteOptions options;
  options.actor = "bench";
  options.reason = "benchmark";
  return options;
}

TimestampMicros NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status OpenFixture(Fixture& f, const Endpoints& endpoints) {
  f.run = RandomRunId();
  f.mongo_uri = endpoints.mongo_uri;
  XRONOX_RETURN_IF_ERROR(OpenXronox(f, endpoints));
  XRONOX_RETURN_IF_ERROR(OpenRawStores(f, endpoints));
  return PrepareData(f);
}

// Builds the records through the public API, sequentially (the versions of one record cannot be
// written in parallel): 10 versions alone in "history_alone"; 10 versions, then the long history,
// in "history". The first 200 versions of the long record time one write; when the whole history
// would take longer than --history-budget-s, it stops at the fallback (2,000) and says so.
Status BuildHistories(Fixture& f) {
  XRONOX_RETURN_IF_ERROR(AppendVersions(*f.history_alone, "h-alone", 10, f.alone_times));
  XRONOX_RETURN_IF_ERROR(AppendVersions(*f.history, "h-short", 10, f.short_times));
  const int64_t probe = std::min<int64_t>(200, f.flags.history);
  double start = SteadyMicros();
  XRONOX_RETURN_IF_ERROR(AppendVersions(*f.history, "h-long", probe, f.long_times));
  double per_write_s = (SteadyMicros() - start) / 1e6 / static_cast<double>(probe);
  int64_t target = f.flags.history;
  double estimate_s = per_write_s * static_cast<double>(target);
  std::fprintf(stderr, "history: one write takes %.1f ms; %lld versions would take %.0f s\n",
               per_write_s * 1e3, static_cast<long long>(target), estimate_s);
  if (estimate_s > f.flags.history_budget_s && f.flags.history_fallback < target) {
    target = std::max(probe, f.flags.history_fallback);
    std::fprintf(stderr, "history: OVER THE %.0f s BUDGET: building %lld versions, not %lld\n",
                 f.flags.history_budget_s, static_cast<long long>(target),
                 static_cast<long long>(f.flags.history));
  }
  XRONOX_RETURN_IF_ERROR(AppendVersions(*f.history, "h-long", target - probe, f.long_times));
  std::fprintf(stderr, "history: built %zu versions in %.0f s\n", f.long_times.size(),
               (SteadyMicros() - start) / 1e6);
  return Status::Ok();
}

store::HeadRow RawHead(const std::string& id, int64_t version, const std::string& text) {
  store::HeadRow head;
  head.id = id;
  head.version = version;
  head.data = text;
  head.payload_key = "versions/orders/" + id + "/v" + std::to_string(version) + ".json";
  head.payload_hash = Sha256Hex(text);
  head.entry_hash = head.payload_hash;
  head.created_at = head.updated_at = NowMicros();
  head.actor = "bench";
  head.reason = "benchmark";
  head.indexed = "{}";
  return head;
}

store::VersionRow RawVersionRow(const std::string& id, int64_t version) {
  store::VersionRow row;
  row.id = id;
  row.version = version;
  row.op = version == 0 ? "create" : "update";
  row.actor = "bench";
  row.reason = "benchmark";
  row.at = NowMicros();
  row.changed_fields = R"(["amount","customer","items","note","status"])";
  row.payload_key = "versions/orders/" + id + "/v" + std::to_string(version) + ".json";
  row.entry_hash = Sha256Hex(row.payload_key);
  row.prev_hash = version == 0 ? "" : row.entry_hash;
  return row;
}

std::string RawKey(const std::string& id) { return "records/orders/" + id + "/current.json"; }

Status RawInsertPlusPut(Fixture& f, const std::string& id, const Json& data) {
  std::string text = data.dump();
  XRONOX_RETURN_IF_ERROR(f.raw_mongo->WriteHead(f.raw_ref, RawHead(id, 0, text), std::nullopt));
  return f.raw_s3->Put(f.raw_bucket, RawKey(id), text, store::PutMode::kOverwrite);
}

}  // namespace xronox::bench
