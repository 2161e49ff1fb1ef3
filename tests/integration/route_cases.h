// One request per (route kind, method) of the record routes, for tests that must cover every
// route: API-key scopes, names that differ only in case. A unit test checks the list against
// the server's route table.
#pragma once

#include <string>
#include <vector>

#include "server/api/routes.h"

namespace xronox::testing {

// One request per (route kind, method) that the server offers on a record collection.
struct RouteCase {
  server::RouteKind kind;
  std::string method;
  std::string suffix;  // Appended to /v1/runtime/{tenant}/orders.
  std::string body;
  std::string content_type;
  int success;
};

inline std::vector<RouteCase> EveryRecordRoute() {
  using server::RouteKind;
  return {
      {RouteKind::kCollection, "GET", "", "", "", 200},
      {RouteKind::kCollection, "GET", "?where=%7B%7D&limit=5", "", "", 200},
      {RouteKind::kCollection, "POST", "", R"({"n":1})", "application/json", 201},
      {RouteKind::kRecord, "GET", "/r", "", "", 200},
      {RouteKind::kRecord, "GET", "/r?version=0", "", "", 200},
      {RouteKind::kRecord, "PUT", "/r", R"({"state":"put"})", "application/json", 200},
      {RouteKind::kRecord, "PATCH", "/r", R"({"extra":1})", "application/merge-patch+json", 200},
      {RouteKind::kHistory, "GET", "/r/history", "", "", 200},
      {RouteKind::kDiff, "GET", "/r/diff?from=0&to=1", "", "", 200},
      {RouteKind::kBlame, "GET", "/r/blame", "", "", 200},
      {RouteKind::kRestore, "POST", "/r/restore", R"({"version":0})", "application/json", 200},
      {RouteKind::kContent, "PUT", "/r/content/scan", "%PDF-bytes", "application/pdf", 200},
      {RouteKind::kContent, "GET", "/r/content/scan", "", "", 200},
      {RouteKind::kContent, "GET", "/r/content/scan?version=5", "", "", 200},
      {RouteKind::kContent, "DELETE", "/r/content/scan", "", "", 200},
      {RouteKind::kEnrich, "POST", "/r/enrich", R"({"tags":["x"]})", "application/json", 200},
      {RouteKind::kCounters, "GET", ":counters", "", "", 200},
      {RouteKind::kRecord, "DELETE", "/r", "", "", 200},
  };
}

}  // namespace xronox::testing
