// Fuzzes the server's request-target parsing: ParseRequestTarget on arbitrary targets, then the
// route table, target and id validation, and the query-parameter readers of every route.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/api/request_parsing.h"
#include "server/api/routes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace server = xronox::server;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)server::PercentDecode(input, true);
  xronox::Result<server::ParsedTarget> target = server::ParseRequestTarget(input);
  if (!target.ok()) return 0;
  const server::QueryParams& query = target->query;
  (void)server::GetOptionsFromQuery(query);
  (void)server::HistoryOptionsFromQuery(query);
  (void)server::QueryOptionsFromQuery(query);
  (void)server::FilterFromQuery(query);
  (void)server::OptionalIntParam(query, "limit");
  std::optional<server::Route> route = server::MatchRoute(target->segments);
  if (!route) return 0;
  (void)server::AllowedMethods(route->kind, false);
  (void)server::ResolveDatabaseType(route->database_type);
  if (server::ResolveTarget(*route).ok() && server::ValidateRouteId(*route).ok()) {
    (void)server::RecordPath(*route, route->id);
  }
  return 0;
}
