// docs/openapi.json against a running xronoxd: the served document is the file, is OpenAPI
// 3.1.0 with every $ref resolving, names every route and method of the route table; and every
// documented operation, called with valid and invalid requests, answers only statuses the
// document lists with bodies of the documented schema, while every listed status is produced.
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "integration/api_keys.h"
#include "integration/fault_support.h"
#include "integration/openapi_support.h"
#include "integration/test_support.h"
#include "jobs/job_lease.h"
#include "server/api/routes.h"
#include "store/hot/sqlite/sqlite_hot_store.h"
#include "xronox/config.h"

#ifndef XRONOX_SOURCE_DIR
#define XRONOX_SOURCE_DIR ""
#endif

namespace xronox::testing {
namespace {

constexpr char kCollection[] = "/v1/{db}/{tenant}/{collection}";
constexpr char kRecord[] = "/v1/{db}/{tenant}/{collection}/{id}";
constexpr char kContent[] = "/v1/{db}/{tenant}/{collection}/{id}/content/{property}";
constexpr char kCounters[] = "/v1/{db}/{tenant}/{collection}:counters";
constexpr char kOrders[] = "/v1/runtime/acme/orders";
constexpr char kEvents[] = "/v1/logs/_/events";
constexpr char kAged[] = "/v1/runtime/acme/aged";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Json ReadSourceDocument() {
  std::ifstream file(std::string(XRONOX_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream text;
  text << file.rdbuf();
  return Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

// Why `reply` to `method` on the documented `path` disagrees with the document; empty if not.
std::vector<std::string> CheckAnswer(const Json& doc, const std::string& path,
                                     const std::string& method, const Reply& reply) {
  Json response = DocumentedResponse(doc, path, method, reply.status);
  if (response.is_null()) {
    return {"status " + std::to_string(reply.status) +
            " is not documented: " + reply.raw.substr(0, 300)};
  }
  std::vector<std::string> errors;
  Json content = response.value("content", Json::object());
  std::string type = reply.Header("Content-Type");
  if (content.contains("application/json")) {
    if (type.rfind("application/json", 0) != 0) errors.push_back("Content-Type " + type);
    CheckSchema(doc, content["application/json"].value("schema", Json::object()), reply.body,
                "body", &errors);
  } else if (!content.empty() && !content.contains("*/*")) {
    bool listed = false;
    for (const auto& [media, unused] : content.items()) {
      listed = listed || type.rfind(media, 0) == 0;
    }
    if (!listed) errors.push_back("Content-Type " + type + " is not documented");
  }
  Json headers = response.value("headers", Json::object());
  for (const auto& [name, header] : headers.items()) {
    if (ResolveRef(doc, header).value("required", false) && reply.Header(name).empty()) {
      errors.push_back("required header " + name + " is missing");
    }
  }
  return errors;
}

using Key = TestKey;

// One request of the status table: which documented operation it exercises and what it expects.
struct Case {
  std::string path;    // The documented path template.
  std::string method;  // Upper case.
  std::string target;  // The concrete request target.
  int expected;
  std::string body = "";
  std::string content_type = "";  // None when empty.
  httplib::Headers headers = {};
};

// Requests run under keys so that 401 and 403 are reachable; the small body limits make 413
// cheap to produce.
class OpenApiTest : public XronoxdTest {
 protected:
  Key full_{"operator"};   // Everything, admin included.
  Key reader_{"auditor"};  // runtime/acme: read only.
  std::vector<std::string> ServerFlags() override {
    Json keys = {{"apiKeys",
                  {KeyJson(full_, {"*"}, {"*"}, {"read", "write", "admin"}),
                   KeyJson(reader_, {"runtime"}, {"acme"}, {"read"})}}};
    std::string path = dir_.path() + "/keys.json";
    std::ofstream(path) << keys.dump(2);
    return {"--api-keys", path, "--max-body", "65536", "--max-content", "65536"};
  }

  // The embedded store as a config file, with a retention policy on logs (:apply-retention) and
  // one version payload kept per record of runtime collections named aged.
  std::vector<std::string> StoreFlags() override {
    auto config = CreateEmbeddedConfig(dir_.path() + "/data");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    for (DatabaseConfig& db : config->databases) {
      if (db.type == DatabaseType::kLogs) db.retention = RetentionPolicy{30, 0};
    }
    config->collection_maps["aged"].retention = RetentionPolicy{0, 1};
    config->collection_maps["people"].natural_keys = {"email"};
    std::string path = dir_.path() + "/store.json";
    std::ofstream(path) << ConfigToJson(*config).dump(2);
    return {"--config", path};
  }

  httplib::Headers Full(httplib::Headers extra = {}) {
    extra.emplace("Authorization", "Bearer " + full_.token);
    extra.emplace("X-Xronox-Reason", "openapi test");
    return extra;
  }
  httplib::Headers Reader() { return {{"Authorization", "Bearer " + reader_.token}}; }

  Json ServedDocument() {
    Reply reply = Get("/v1/openapi.json", Full());
    EXPECT_EQ(reply.status, 200) << reply.raw.substr(0, 300);
    EXPECT_EQ(reply.Header("Content-Type").rfind("application/json", 0), 0u);
    return reply.body;
  }

  Reply Run(const Case& c) {
    std::optional<std::string> type;
    if (!c.content_type.empty()) type = c.content_type;
    return Send(c.method, c.target, c.body, c.headers, type);
  }

  void MustSend(const std::string& method, const std::string& target, const std::string& body,
                const std::string& type = "application/json") {
    Reply reply = Send(method, target, body, Full(), type);
    ASSERT_TRUE(reply.status == 200 || reply.status == 201)
        << method << " " << target << " " << reply.raw;
  }

  // Records the status table relies on: r (versions 0 and 1), c1 and c2 (c2 with content),
  // pa1, del1, rs (versions 0 and 1), d1 (deleted), wide (versions 0 and 1) and logs event e0;
  // aged/a1 (versions 0 and 1; aged_v0_at_ is an instant when it was at version 0).
  void Seed() {
    MustSend("PUT", std::string(kAged) + "/a1", R"({"s":1})");
    aged_v0_at_ = Get(std::string(kAged) + "/a1", Full()).body["updatedAt"];
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    MustSend("PUT", std::string(kAged) + "/a1", R"({"s":2})");
    for (std::string id : {"r", "c1", "c2", "pa1", "del1", "rs", "d1"}) {
      MustSend("PUT", std::string(kOrders) + "/" + id, R"({"state":"new"})");
    }
    for (std::string id : {"r", "rs"}) {
      MustSend("PATCH", std::string(kOrders) + "/" + id, R"({"state":"paid"})",
               "application/merge-patch+json");
    }
    MustSend("PUT", std::string(kOrders) + "/c2/content/scan", "%PDF", "application/pdf");
    for (std::string id : {"d1"}) {
      MustSend("DELETE", std::string(kOrders) + "/" + id, "", "application/json");
    }
    MustSend("POST", kEvents, R"({"event":"seeded"})");
    // Two versions that differ in 10,001 places: a diff past its budget of 10,000 operations.
    for (char digit : {'1', '2'}) {
      std::string wide = R"({"a":[)";
      for (int i = 0; i < 10001; ++i) wide += std::string(i ? "," : "") + digit;
      MustSend("PUT", std::string(kOrders) + "/wide", wide + "]}");
    }
  }

  std::string aged_v0_at_;

  std::vector<Case> Cases();
  std::vector<Case> RecordCases();
  std::vector<Case> ContentCases();
  std::vector<Case> BackupCases();
};

std::vector<Case> OpenApiTest::Cases() {
  const std::string orders = kOrders;
  const std::string big(70000, 'x');
  const std::string big_json = R"({"x":")" + big + R"("})";
  std::vector<Case> cases = {
      {"/v1/health", "GET", "/v1/health", 200},
      {"/v1/ready", "GET", "/v1/ready", 200, "", "", Full()},
      {"/v1/ready", "GET", "/v1/ready", 401},
      {"/metrics", "GET", "/metrics", 200, "", "", Full()},
      {"/metrics", "GET", "/metrics", 401},
      {"/metrics", "GET", "/metrics", 403, "", "", Reader()},
      {"/v1/openapi.json", "GET", "/v1/openapi.json", 200, "", "", Full()},
      {"/v1/openapi.json", "GET", "/v1/openapi.json", 401},
      {kCollection, "GET", orders + "?where=%7B%22state%22%3A%22new%22%7D&limit=5", 200, "", "",
       Full()},
      {kCollection, "GET", orders + "?limit=0", 400, "", "", Full()},
      {kCollection, "GET", orders + "?where=" + std::string(9000, 'w'), 414, "", "", Full()},
      {kCollection, "GET", orders + "?asOf=2020-01-01T00:00:00Z&limit=5", 200, "", "", Full()},
      {kCollection, "GET", "/v1/knowledge/_/facts?asOf=2020-01-01T00:00:00Z", 400, "", "", Full()},
      {kCollection, "GET", orders, 401},
      {kCollection, "GET", "/v1/runtime/globex/orders", 403, "", "", Reader()},
      {kCollection, "GET", "/v1/nosuch/_/orders", 404, "", "", Full()},
      {kCollection, "POST", orders, 201, R"({"n":1})", "application/json", Full()},
      {kCollection, "POST", orders, 400, "[1]", "application/json", Full()},
      {kCollection, "POST", orders, 401, R"({"n":1})", "application/json"},
      {kCollection, "POST", orders, 403, R"({"n":1})", "application/json", Reader()},
      {kCollection, "POST", "/v1/nosuch/_/orders", 404, R"({"n":1})", "application/json", Full()},
      {kCollection, "POST", orders, 201, R"({"n":2})", "application/json",
       Full({{"Idempotency-Key", "post-once"}})},
      {kCollection, "POST", orders, 409, R"({"n":3})", "application/json",
       Full({{"Idempotency-Key", "post-once"}})},
      {kCollection, "POST", orders, 413, big_json, "application/json", Full()},
      {kCollection, "POST", orders, 415, R"({"n":1})", "text/plain", Full()},
      {kCounters, "GET", orders + ":counters", 200, "", "", Reader()},
      {kCounters, "GET", orders + ":counters?x=1", 400, "", "", Full()},
      {kCounters, "GET", orders + ":counters", 401},
      {kCounters, "GET", "/v1/runtime/globex/orders:counters", 403, "", "", Reader()},
      {kCounters, "GET", "/v1/nosuch/_/orders:counters", 404, "", "", Full()},
  };
  for (std::vector<Case> more : {RecordCases(), ContentCases(), BackupCases()}) {
    cases.insert(cases.end(), more.begin(), more.end());
  }
  return cases;
}

std::vector<Case> OpenApiTest::RecordCases() {
  const std::string o = std::string(kOrders) + "/";
  const std::string big_json = R"({"x":")" + std::string(70000, 'x') + R"("})";
  const std::string history = std::string(kRecord) + "/history";
  const std::string diff = std::string(kRecord) + "/diff";
  const std::string blame = std::string(kRecord) + "/blame";
  const std::string restore = std::string(kRecord) + "/restore";
  const std::string enrich = std::string(kRecord) + "/enrich";
  const std::string json = "application/json", merge = "application/merge-patch+json";
  const httplib::Headers stale = Full({{"If-Match", "\"99\""}});
  return {
      {kRecord, "GET", o + "r", 200, "", "", Full()},
      {kRecord, "GET", o + "r?version=x", 400, "", "", Full()},
      {kRecord, "GET", o + "r?fields=state,missing.path", 200, "", "", Full()},
      {kRecord, "GET", o + "r?fields=a..b", 400, "", "", Full()},
      {kRecord, "GET", o + "r?fields=" + std::string(9000, 'f'), 414, "", "", Full()},
      {kRecord, "GET", o + "r", 401},
      {kRecord, "GET", "/v1/runtime/globex/orders/r", 403, "", "", Reader()},
      {kRecord, "GET", o + "missing", 404, "", "", Full()},
      {kRecord, "PUT", o + "p1", 201, R"({"a":1})", json, Full()},
      {kRecord, "PUT", o + "p1", 200, R"({"a":2})", json, Full()},
      {kRecord, "PUT", o + "p1", 400, "{", json, Full()},
      {kRecord, "PUT", o + "p1", 401, R"({"a":1})", json},
      {kRecord, "PUT", o + "p1", 403, R"({"a":1})", json, Reader()},
      {kRecord, "PUT", "/v1/nosuch/_/orders/p1", 404, R"({"a":1})", json, Full()},
      {kRecord, "PUT", std::string(kEvents) + "/e1", 405, R"({"a":1})", json, Full()},
      {kRecord, "PUT", o + "d1", 409, R"({"a":1})", json, Full({{"If-Match", "\"1\""}})},
      {kRecord, "PUT", o + "p1", 412, R"({"a":1})", json, stale},
      {kRecord, "PUT", o + "p1", 413, big_json, json, Full()},
      {kRecord, "PUT", o + "p1", 415, R"({"a":1})", "text/plain", Full()},
      {kRecord, "PATCH", o + "pa1", 200, R"({"b":1})", merge, Full()},
      {kRecord, "PATCH", o + "pa1", 400, "[]", merge, Full()},
      {kRecord, "PATCH", o + "pa1", 401, R"({"b":1})", merge},
      {kRecord, "PATCH", o + "pa1", 403, R"({"b":1})", merge, Reader()},
      {kRecord, "PATCH", o + "missing", 404, R"({"b":1})", merge, Full()},
      {kRecord, "PATCH", std::string(kEvents) + "/e1", 405, R"({"b":1})", merge, Full()},
      {kRecord, "PATCH", o + "d1", 409, R"({"b":1})", merge, Full()},
      {kRecord, "PATCH", o + "pa1", 412, R"({"b":1})", merge, stale},
      {kRecord, "PATCH", o + "pa1", 413, big_json, merge, Full()},
      {kRecord, "PATCH", o + "pa1", 415, R"({"b":1})", "text/plain", Full()},
      {enrich, "POST", o + "pa1/enrich", 200, R"({"tags":["x"]})", json, Full()},
      {enrich, "POST", o + "pa1/enrich", 400, R"({"tags":null})", json, Full()},
      {enrich, "POST", o + "pa1/enrich", 401, R"({"tags":["x"]})", json},
      {enrich, "POST", o + "pa1/enrich", 403, R"({"tags":["x"]})", json, Reader()},
      {enrich, "POST", o + "missing/enrich", 404, R"({"tags":["x"]})", json, Full()},
      {enrich, "POST", std::string(kEvents) + "/e1/enrich", 405, R"({"t":["x"]})", json, Full()},
      {enrich, "POST", o + "d1/enrich", 409, R"({"tags":["x"]})", json, Full()},
      {enrich, "POST", o + "pa1/enrich", 412, R"({"tags":["x"]})", json, stale},
      {enrich, "POST", o + "pa1/enrich", 413, big_json, json, Full()},
      {enrich, "POST", o + "pa1/enrich", 415, R"({"tags":["x"]})", "text/plain", Full()},
      {kRecord, "DELETE", o + "r", 412, "", "", stale},
      {kRecord, "DELETE", o + "del1", 200, "", "", Full({{"Idempotency-Key", "delete-once"}})},
      {kRecord, "DELETE", o + "r", 400, "", "", Full({{"If-Match", "x"}})},
      {kRecord, "DELETE", o + "r", 401},
      {kRecord, "DELETE", o + "r", 403, "", "", Reader()},
      {kRecord, "DELETE", o + "missing", 404, "", "", Full()},
      {kRecord, "DELETE", std::string(kEvents) + "/e1", 405, "", "", Full()},
      {kRecord, "DELETE", o + "r", 409, "", "", Full({{"Idempotency-Key", "delete-once"}})},
      {history, "GET", o + "r/history?order=oldest", 200, "", "", Full()},
      {history, "GET", o + "r/history?order=sideways", 400, "", "", Full()},
      {history, "GET", o + "r/history", 401},
      {history, "GET", "/v1/runtime/globex/orders/r/history", 403, "", "", Reader()},
      {history, "GET", o + "missing/history", 404, "", "", Full()},
      {diff, "GET", o + "r/diff?from=0&to=1", 200, "", "", Full()},
      {diff, "GET", o + "r/diff?from=0", 400, "", "", Full()},
      {diff, "GET", o + "r/diff?from=0&to=1", 401},
      {diff, "GET", "/v1/runtime/globex/orders/r/diff?from=0&to=1", 403, "", "", Reader()},
      {diff, "GET", o + "missing/diff?from=0&to=1", 404, "", "", Full()},
      {diff, "GET", o + "wide/diff?from=0&to=1", 422, "", "", Full()},
      {blame, "GET", o + "r/blame?maxVersions=10", 200, "", "", Full()},
      {blame, "GET", o + "r/blame?maxVersions=0", 400, "", "", Full()},
      {blame, "GET", o + "r/blame", 401},
      {blame, "GET", "/v1/runtime/globex/orders/r/blame", 403, "", "", Reader()},
      {blame, "GET", o + "missing/blame", 404, "", "", Full()},
      {restore, "POST", o + "rs/restore", 200, R"({"version":0})", json,
       Full({{"Idempotency-Key", "restore-once"}})},
      {restore, "POST", o + "rs/restore", 400, R"({"version":-1})", json, Full()},
      {restore, "POST", o + "rs/restore", 401, R"({"version":0})", json},
      {restore, "POST", o + "rs/restore", 403, R"({"version":0})", json, Reader()},
      {restore, "POST", o + "missing/restore", 404, R"({"version":0})", json, Full()},
      {restore, "POST", o + "rs/restore", 409, R"({"version":1})", json,
       Full({{"Idempotency-Key", "restore-once"}})},
      {restore, "POST", o + "rs/restore", 412, R"({"version":0})", json, stale},
      {restore, "POST", o + "rs/restore", 413, big_json, json, Full()},
      {restore, "POST", o + "rs/restore", 415, R"({"version":0})", "text/plain", Full()},
  };
}

std::vector<Case> OpenApiTest::ContentCases() {
  const std::string o = std::string(kOrders) + "/";
  const std::string pdf = "application/pdf";
  const httplib::Headers stale = Full({{"If-Match", "\"99\""}});
  const std::string on_logs = std::string(kEvents) + "/e0/content/scan";
  return {
      {kContent, "PUT", o + "c1/content/scan", 200, "%PDF-1", pdf,
       Full({{"Idempotency-Key", "content-once"}})},
      {kContent,
       "PUT",
       o + "c1/content/scan",
       400,
       "%PDF-1",
       pdf,
       {{"Authorization", "Bearer " + full_.token}}},  // No X-Xronox-Reason on runtime.
      {kContent, "PUT", o + "c1/content/scan", 401, "%PDF-1", pdf},
      {kContent, "PUT", o + "c1/content/scan", 403, "%PDF-1", pdf, Reader()},
      {kContent, "PUT", o + "missing/content/scan", 404, "%PDF-1", pdf, Full()},
      {kContent, "PUT", on_logs, 405, "%PDF-1", pdf, Full()},
      {kContent, "PUT", o + "c1/content/scan", 409, "%PDF-2", pdf,
       Full({{"Idempotency-Key", "content-once"}})},
      {kContent, "PUT", o + "c1/content/scan", 412, "%PDF-1", pdf, stale},
      {kContent, "PUT", o + "c1/content/scan", 413, std::string(70000, 'x'), pdf, Full()},
      {kContent, "GET", o + "c1/content/scan", 200, "", "", Full()},
      {kContent, "GET", o + "c1/content/scan", 206, "", "", Full({{"Range", "bytes=0-1"}})},
      {kContent, "GET", o + "c1/content/scan?presign=1", 400, "", "", Full()},
      {kContent, "GET", o + "c1/content/scan", 401},
      {kContent, "GET", "/v1/runtime/globex/orders/c1/content/scan", 403, "", "", Reader()},
      {kContent, "GET", o + "c1/content/other", 404, "", "", Full()},
      {kContent, "GET", o + "c1/content/scan", 416, "", "", Full({{"Range", "bytes=1000-"}})},
      {kContent, "DELETE", o + "c2/content/scan", 412, "", "", stale},
      {kContent, "DELETE", o + "c2/content/scan", 200, "", "",
       Full({{"Idempotency-Key", "uncontent-once"}})},
      {kContent, "DELETE", o + "c2/content/scan", 400, "", "", Full({{"If-None-Match", "*"}})},
      {kContent, "DELETE", o + "c2/content/scan", 401},
      {kContent, "DELETE", o + "c2/content/scan", 403, "", "", Reader()},
      {kContent, "DELETE", o + "c2/content/scan", 404, "", "", Full()},
      {kContent, "DELETE", on_logs, 405, "", "", Full()},
      {kContent, "DELETE", o + "c1/content/scan", 409, "", "",
       Full({{"Idempotency-Key", "uncontent-once"}})},
  };
}

// The backup verbs (admin scope: the reader key gets 403; logs keep no backups: 405).
std::vector<Case> OpenApiTest::BackupCases() {
  const std::string backups = std::string(kCollection) + ":backups";
  const std::string verify = std::string(kCollection) + ":verify-backup";
  const std::string restore = std::string(kCollection) + ":restore-backup";
  const std::string prune = std::string(kCollection) + ":prune-backups";
  const std::string o = kOrders, logs = kEvents, json = "application/json";
  const std::string big = R"({"id":")" + std::string(70000, 'x') + R"("})";
  std::vector<Case> cases;
  for (const auto& [path, verb] : {std::pair{backups, ":backups"},
                                   {verify, ":verify-backup"},
                                   {restore, ":restore-backup"},
                                   {prune, ":prune-backups"}}) {
    const std::string target = o + verb;
    if (verb == std::string(":backups")) {
      cases.push_back({path, "POST", target, 201, "", "", Full()});
      cases.push_back({path, "POST", target, 400, R"({"asOf":"yesterday"})", json, Full()});
      cases.push_back({path, "POST", std::string(kOrders) + "_none:backups", 404, "", "", Full()});
      for (const auto& [status, headers] :
           {std::pair{200, Full()}, {401, httplib::Headers{}}, {403, Reader()}}) {
        cases.push_back({path, "GET", target, status, "", "", headers});
      }
      cases.push_back({path, "GET", target + "?x=1", 400, "", "", Full()});
      cases.push_back({path, "GET", "/v1/nosuch/_/orders:backups", 404, "", "", Full()});
      cases.push_back({path, "GET", logs + ":backups", 405, "", "", Full()});
    } else {
      cases.push_back({path, "POST", target, 200, "", "", Full()});
      cases.push_back({path, "POST", target, 400, R"({"unknown":1})", json, Full()});
      cases.push_back(
          {path, "POST", "/v1/nosuch/_/orders" + std::string(verb), 404, "", "", Full()});
    }
    cases.push_back({path, "POST", target, 401, "", ""});
    cases.push_back({path, "POST", target, 403, "", "", Reader()});
    cases.push_back({path, "POST", logs + verb, 405, "", "", Full()});
    cases.push_back({path, "POST", target, 413, big, json, Full()});
    cases.push_back({path, "POST", target, 415, "{}", "text/plain", Full()});
  }
  // A runtime collection back to an instant (a dry run: the later cases still find the records).
  const std::string to = std::string(kCollection) + ":restore-collection";
  const std::string target = o + ":restore-collection";
  const std::string dry = R"({"asOf":"2020-01-01T00:00:00Z","dryRun":true})";
  cases.push_back({to, "POST", target, 200, dry, json, Full()});
  cases.push_back({to, "POST", target, 400, "{}", json, Full()});
  cases.push_back({to, "POST", "/v1/knowledge/_/facts:restore-collection", 400, dry, json, Full()});
  cases.push_back({to, "POST", target, 401, dry, json});
  cases.push_back({to, "POST", target, 403, dry, json, Reader()});
  cases.push_back({to, "POST", "/v1/nosuch/_/orders:restore-collection", 404, dry, json, Full()});
  cases.push_back({to, "POST", target, 413, big, json, Full()});
  cases.push_back({to, "POST", target, 415, dry, "text/plain", Full()});
  // A rebuild with nothing lost: every record is found whole (nothing is written).
  const std::string rebuild = std::string(kCollection) + ":rebuild";
  cases.push_back({rebuild, "POST", o + ":rebuild", 200, "", "", Full()});
  cases.push_back({rebuild, "POST", o + ":rebuild", 400, R"({"x":1})", json, Full()});
  cases.push_back({rebuild, "POST", o + ":rebuild", 401, "", ""});
  cases.push_back({rebuild, "POST", o + ":rebuild", 403, "", "", Reader()});
  cases.push_back({rebuild, "POST", "/v1/nosuch/_/orders:rebuild", 404, "", "", Full()});
  cases.push_back({rebuild, "POST", o + ":rebuild", 413, big, json, Full()});
  cases.push_back({rebuild, "POST", o + ":rebuild", 415, "{}", "text/plain", Full()});
  // Retention: the logs database has a policy (StoreFlags), knowledge none (412).
  const std::string retention = std::string(kCollection) + ":apply-retention";
  const std::string on_events = std::string(kEvents) + ":apply-retention";
  const std::string dry_run = R"({"dryRun":true})";
  cases.push_back({retention, "POST", on_events, 200, dry_run, json, Full()});
  cases.push_back({retention, "POST", on_events, 400, R"({"dryRun":1})", json, Full()});
  cases.push_back({retention, "POST", on_events, 401, dry_run, json});
  cases.push_back({retention, "POST", on_events, 403, dry_run, json, Reader()});
  cases.push_back(
      {retention, "POST", "/v1/nosuch/_/e:apply-retention", 404, dry_run, json, Full()});
  cases.push_back(
      {retention, "POST", "/v1/knowledge/_/facts:apply-retention", 412, dry_run, json, Full()});
  cases.push_back({retention, "POST", on_events, 413, big, json, Full()});
  cases.push_back({retention, "POST", on_events, 415, dry_run, "text/plain", Full()});
  // Offload: a dry run over events with an age named; knowledge's facts have no policy (412).
  const std::string offload = std::string(kCollection) + ":offload";
  const std::string events_offload = std::string(kEvents) + ":offload";
  const std::string now = R"({"dryRun":true,"olderThanDays":0})";
  cases.push_back({offload, "POST", events_offload, 200, now, json, Full()});
  cases.push_back({offload, "POST", events_offload, 400, R"({"dryRun":1})", json, Full()});
  cases.push_back({offload, "POST", events_offload, 401, now, json});
  cases.push_back({offload, "POST", events_offload, 403, now, json, Reader()});
  cases.push_back({offload, "POST", "/v1/nosuch/_/e:offload", 404, now, json, Full()});
  cases.push_back({offload, "POST", o + ":offload", 405, now, json, Full()});
  cases.push_back({offload, "POST", "/v1/knowledge/_/facts:offload", 412, dry_run, json, Full()});
  cases.push_back({offload, "POST", events_offload, 413, big, json, Full()});
  cases.push_back({offload, "POST", events_offload, 415, now, "text/plain", Full()});
  // Append: entries in bulk on logs; runtime appends nothing (405); a reader may not write.
  const std::string append = std::string(kCollection) + ":append";
  const std::string events_append = std::string(kEvents) + ":append";
  const std::string two = R"({"entries":[{"event":"a"},{"event":"b"}]})";
  cases.push_back({append, "POST", events_append, 201, two, json, Full()});
  cases.push_back({append, "POST", events_append, 400, R"({"entries":[]})", json, Full()});
  cases.push_back({append, "POST", events_append, 401, two, json});
  cases.push_back({append, "POST", events_append, 403, two, json, Reader()});
  cases.push_back({append, "POST", "/v1/nosuch/_/e:append", 404, two, json, Full()});
  cases.push_back({append, "POST", o + ":append", 405, two, json, Full()});
  cases.push_back({append, "POST", events_append, 413, big, json, Full()});
  cases.push_back({append, "POST", events_append, 415, two, "text/plain", Full()});
  // Version queries, on a collection and over a tenant.
  const std::string versions = std::string(kCollection) + ":versions";
  const std::string tenant_versions = "/v1/{db}/{tenant}:versions";
  cases.push_back({versions, "GET", o + ":versions?actor=operator&limit=5", 200, "", "", Full()});
  cases.push_back({versions, "GET", o + ":versions?limit=0", 400, "", "", Full()});
  cases.push_back({versions, "GET", o + ":versions", 401});
  cases.push_back({versions, "GET", "/v1/runtime/globex/orders:versions", 403, "", "", Reader()});
  cases.push_back({versions, "GET", "/v1/nosuch/_/orders:versions", 404, "", "", Full()});
  cases.push_back(
      {tenant_versions, "GET", "/v1/runtime/acme:versions?field=state", 200, "", "", Reader()});
  cases.push_back({tenant_versions, "GET", "/v1/runtime/_:versions", 400, "", "", Full()});
  cases.push_back({tenant_versions, "GET", "/v1/runtime/acme:versions", 401});
  cases.push_back({tenant_versions, "GET", "/v1/runtime/globex:versions", 403, "", "", Reader()});
  cases.push_back({tenant_versions, "GET", "/v1/nosuch/acme:versions", 404, "", "", Full()});
  // Upsert: people has natural keys (email); the first upsert creates, the second merges.
  const std::string upsert = std::string(kCollection) + ":upsert";
  const std::string people = "/v1/runtime/acme/people:upsert";
  const std::string ada = R"({"email":"ada@example.com","n":1})";
  cases.push_back({upsert, "POST", people, 201, ada, json, Full()});
  cases.push_back(
      {upsert, "POST", people, 200, R"({"email":"ada@example.com","n":2})", json, Full()});
  cases.push_back({upsert, "POST", people, 400, R"({"n":1})", json, Full()});
  cases.push_back({upsert, "POST", o + ":upsert", 400, ada, json, Full()});
  cases.push_back({upsert, "POST", people, 401, ada, json});
  cases.push_back({upsert, "POST", people, 403, ada, json, Reader()});
  cases.push_back({upsert, "POST", "/v1/nosuch/_/people:upsert", 404, ada, json, Full()});
  cases.push_back({upsert, "POST", std::string(kEvents) + ":upsert", 405, ada, json, Full()});
  cases.push_back({upsert, "POST", people, 413, big, json, Full()});
  cases.push_back({upsert, "POST", people, 415, ada, "text/plain", Full()});
  cases.push_back({kCollection, "GET",
                   std::string(kEvents) + "?order=newest&from=2020-01-01T00:00:00Z&limit=5", 200,
                   "", "", Full()});
  cases.push_back(
      {kCollection, "GET", std::string(kEvents) + "?order=sideways", 400, "", "", Full()});
  // History retention: a run over aged removes a1's v0 payload; every read of it then answers 410.
  const std::string aged = kAged, record = kRecord;
  cases.push_back({retention, "POST", aged + ":apply-retention", 200, "{}", json, Full()});
  cases.push_back({record, "GET", aged + "/a1?version=0", 410, "", "", Full()});
  cases.push_back({record + "/diff", "GET", aged + "/a1/diff?from=0&to=1", 410, "", "", Full()});
  cases.push_back(
      {record + "/restore", "POST", aged + "/a1/restore", 410, R"({"version":0})", json, Full()});
  cases.push_back({record + "/history", "GET", aged + "/a1/history", 200, "", "", Full()});
  cases.push_back(
      {kCollection, "GET", aged + "?asOf=" + UrlEncode(aged_v0_at_), 410, "", "", Full()});
  cases.push_back({std::string(kCollection) + ":restore-collection", "POST",
                   aged + ":restore-collection", 410,
                   Json{{"asOf", aged_v0_at_}, {"dryRun", true}}.dump(), json, Full()});
  // Legal holds: a record hold placed, placed again (409), lifted, lifted again (404).
  const std::string holds = std::string(kCollection) + ":holds";
  const std::string lift = std::string(kCollection) + ":lift-hold";
  const std::string log = std::string(kCollection) + ":hold-log";
  const std::string on_r = R"({"scope":"record","id":"held-1"})";
  for (const auto& [path, verb, method] :
       {std::tuple{holds, ":holds", "GET"}, {log, ":hold-log", "GET"}}) {
    cases.push_back({path, method, o + verb, 200, "", "", Full()});
    cases.push_back({path, method, o + verb + "?x=1", 400, "", "", Full()});
    cases.push_back({path, method, o + verb, 401, "", ""});
    cases.push_back({path, method, o + verb, 403, "", "", Reader()});
    cases.push_back({path, method, "/v1/nosuch/_/orders" + std::string(verb), 404, "", "", Full()});
  }
  cases.push_back({holds, "POST", o + ":holds", 201, on_r, json, Full()});
  cases.push_back({holds, "POST", o + ":holds", 409, on_r, json, Full()});
  cases.push_back({lift, "POST", o + ":lift-hold", 200, on_r, json, Full()});
  cases.push_back({lift, "POST", o + ":lift-hold", 404, on_r, json, Full()});
  for (const auto& [path, target] : {std::pair{holds, o + ":holds"}, {lift, o + ":lift-hold"}}) {
    cases.push_back({path, "POST", target, 400, R"({"scope":"tenant"})", json, Full()});
    cases.push_back({path, "POST", target, 401, on_r, json});
    cases.push_back({path, "POST", target, 403, on_r, json, Reader()});
    cases.push_back({path, "POST", target, 413, big, json, Full()});
    cases.push_back({path, "POST", target, 415, on_r, "text/plain", Full()});
    cases.push_back(
        {path, "POST", "/v1/nosuch/_/orders" + target.substr(o.size()), 404, on_r, json, Full()});
  }
  return cases;
}

TEST_F(OpenApiTest, ServedDocumentIsTheFileAndIsOpenApi31WithEveryRefResolving) {
  Json doc = ServedDocument();
  ASSERT_TRUE(doc.is_object());
  Json file = ReadSourceDocument();
  ASSERT_TRUE(file.is_object()) << "cannot read docs/openapi.json under " << XRONOX_SOURCE_DIR;
  EXPECT_EQ(doc, file) << "the server was built from another docs/openapi.json";
  EXPECT_EQ(doc.value("openapi", ""), "3.1.0");
  EXPECT_TRUE(doc["info"].contains("title") && doc["info"].contains("version"));
  std::vector<std::string> refs;
  CollectRefs(doc, &refs);
  EXPECT_GT(refs.size(), 50u);
  for (const std::string& ref : refs) {
    EXPECT_FALSE(ResolveRef(doc, Json{{"$ref", ref}}).is_null()) << "dangling $ref " << ref;
  }
  // Security: a bearer scheme on every operation but /v1/health.
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
  EXPECT_EQ(doc["paths"]["/v1/health"]["get"]["security"], Json::array());
  EXPECT_FALSE(doc["security"].empty());
}

TEST_F(OpenApiTest, EveryRouteAndMethodOfTheServerIsDocumentedAndNothingElse) {
  Json doc = ServedDocument();
  std::set<std::pair<std::string, std::string>> served = {{"/metrics", "get"}};
  for (server::RouteKind kind : server::kAllRouteKinds) {
    for (const std::string& method : server::AllowedMethods(kind, /*logs=*/false)) {
      served.insert({server::RouteTemplate(kind), Lower(method)});
    }
  }
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method != "parameters") documented.insert({path, method});
    }
  }
  for (const auto& operation : served) {
    EXPECT_TRUE(documented.count(operation))
        << operation.second << " " << operation.first << " is served but not documented";
  }
  for (const auto& operation : documented) {
    EXPECT_TRUE(served.count(operation))
        << operation.second << " " << operation.first << " is documented but not served";
  }
}

TEST_F(OpenApiTest, EveryDocumentedStatusIsProducedAndNothingUndocumented) {
  Json doc = ServedDocument();
  Seed();
  if (HasFatalFailure()) return;
  std::set<std::tuple<std::string, std::string, int>> produced;
  for (const Case& c : Cases()) {
    Reply reply = Run(c);
    std::string what = c.method + " " + c.target.substr(0, 120);
    EXPECT_EQ(reply.status, c.expected) << what << " " << reply.raw.substr(0, 300);
    for (const std::string& error : CheckAnswer(doc, c.path, Lower(c.method), reply)) {
      ADD_FAILURE() << what << ": " << error;
    }
    produced.insert({c.path, Lower(c.method), reply.status});
  }
  // Produced by the tests below, which need another store.
  std::set<std::tuple<std::string, std::string, int>> elsewhere = {
      {"/v1/ready", "get", 503},
      {kContent, "get", 307},
      {std::string(kCollection) + ":apply-retention", "post", 409},
      {std::string(kCollection) + ":offload", "post", 409}};
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters") continue;
      for (const auto& [status, unused] : operation["responses"].items()) {
        std::tuple<std::string, std::string, int> key{path, method, std::stoi(status)};
        EXPECT_TRUE(produced.count(key) || elsewhere.count(key))
            << method << " " << path << " documents " << status << " but no request produced it";
      }
    }
  }
}

// A retention or offload run while another process holds the collection's lease of that job:
// 409 job_running.
TEST_F(OpenApiTest, ARetentionOrOffloadRunWhileAnotherRunsAnswers409) {
  Json doc = ServedDocument();
  MustSend("PUT", std::string(kAged) + "/a1", R"({"s":1})");
  MustSend("POST", kEvents, R"({"m":"x"})");
  auto hot = store::SqliteHotStore::Open(dir_.path() + "/data/hot.sqlite");
  ASSERT_TRUE(hot.ok()) << hot.status().ToString();
  struct Job {
    store::CollectionRef ref;
    std::string name, collection, verb, body;
  };
  const Job jobs[] = {
      {{"xronox_runtime_acme", "aged", true}, "retention", kAged, ":apply-retention", "{}"},
      {{"xronox_logs", "events", false}, "offload", kEvents, ":offload", R"({"olderThanDays":0})"}};
  for (const Job& job : jobs) {
    auto lease = JobLease::Acquire(hot->get(), job.ref, job.name, SystemClock::Default(),
                                   TimestampMicros{3600} * 1'000'000);
    ASSERT_TRUE(lease.ok()) << lease.status().ToString();
    Case c{std::string(kCollection) + job.verb,
           "POST",
           job.collection + job.verb,
           409,
           job.body,
           "application/json",
           Full()};
    Reply reply = Run(c);
    EXPECT_EQ(reply.status, 409) << job.name << ": " << reply.raw;
    EXPECT_EQ(reply.ErrorCode(), "job_running") << reply.raw;
    for (const std::string& error : CheckAnswer(doc, c.path, "post", reply)) {
      ADD_FAILURE() << job.name << ": " << error;
    }
    ASSERT_TRUE((*lease)->Release().ok());
    EXPECT_EQ(Run(c).status, 200) << job.name << ": the lease released, a run goes ahead";
  }
}

// An S3 connection on a closed port: the server starts, and /v1/ready answers 503.
class OpenApiNotReadyTest : public XronoxdTest {
 protected:
  std::vector<std::string> StoreFlags() override {
    Json s3 = {
        {"endpoint", "http://127.0.0.1:1"},
        {"accessKey", "openapi-test-key"},
        {"secretKey", "openapi-test-secret"},
        {"connectTimeoutMs", 500},
        {"maxRetries", 0},
        {"buckets", {{"records", "r-bucket"}, {"content", "c-bucket"}, {"backups", "b-bucket"}}}};
    Json config = {{"connections",
                    {{"sqlite", {{"local", {{"path", dir_.path() + "/hot.sqlite"}}}}},
                     {"s3", {{"unreachable", s3}}}}},
                   {"databases",
                    {{"knowledge",
                      {{"type", "generic"},
                       {"sqliteRef", "local"},
                       {"s3Ref", "unreachable"},
                       {"dbName", "k"}}}}}};
    std::string path = dir_.path() + "/config.json";
    std::ofstream(path) << config.dump(2);
    return {"--config", path};
  }
};

TEST_F(OpenApiNotReadyTest, NotReadyIsADocumented503) {
  Json doc = Get("/v1/openapi.json").body;
  Reply ready = Get("/v1/ready");
  EXPECT_EQ(ready.status, 503) << ready.raw;
  for (const std::string& error : CheckAnswer(doc, "/v1/ready", "get", ready)) {
    ADD_FAILURE() << error;
  }
}

// Presigned redirects need S3: MongoDB + S3 from the test services.
class OpenApiPresignTest : public XronoxdTest {
 protected:
  void SetUp() override {
    XRONOX_REQUIRE_MONGO_AND_S3();
    ServiceStore::Options options;
    options.tenants = {"acme"};
    services_ = std::make_unique<ServiceStore>(options);
    config_ = services_->WriteConfigFile(dir_.path());
    XronoxdTest::SetUp();
  }
  std::vector<std::string> StoreFlags() override { return {"--config", config_}; }

  std::unique_ptr<ServiceStore> services_;
  std::string config_;
};

TEST_F(OpenApiPresignTest, PresignIsADocumented307) {
  Json doc = Get("/v1/openapi.json").body;
  std::string record = std::string(kOrders) + "/p";
  ASSERT_EQ(SendJson("PUT", record, {{"a", 1}}, Audit()).status, 201);
  ASSERT_EQ(Send("PUT", record + "/content/scan", "%PDF", Audit(), "application/pdf").status, 200);
  Reply redirect = Get(record + "/content/scan?presign=1");
  EXPECT_EQ(redirect.status, 307) << redirect.raw;
  for (const std::string& error : CheckAnswer(doc, kContent, "get", redirect)) {
    ADD_FAILURE() << error;
  }
}

}  // namespace
}  // namespace xronox::testing
