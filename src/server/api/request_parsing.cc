#include "server/api/request_parsing.h"

#include <climits>

#include "common/clock.h"
#include "common/decimal.h"
#include "common/json_codec.h"
#include "server/api/codec.h"

namespace xronox::server {

namespace {

constexpr size_t kMaxIdempotencyKeyBytes = 256;

Status BadHeader(const std::string& message) {
  return InvalidArgument(message).WithReason("invalid_header");
}

Status BadQuery(const std::string& message) {
  return InvalidArgument(message).WithReason("invalid_query");
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// Actor and reason end up in the audit trail: UTF-8 text without control characters.
Result<std::string> TextHeader(const HttpRequest& request, const char* name) {
  std::string value = Trim(HeaderValue(request.headers, name));
  if (!IsValidUtf8(value)) return BadHeader(std::string(name) + " must be UTF-8 text");
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return BadHeader(std::string(name) + " must not hold control characters");
    }
  }
  return value;
}

Result<std::string> IdempotencyKey(const HttpRequest& request) {
  std::string key = Trim(HeaderValue(request.headers, "Idempotency-Key"));
  if (key.size() > kMaxIdempotencyKeyBytes) {
    return BadHeader("Idempotency-Key is longer than 256 bytes");
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return BadHeader("Idempotency-Key must be visible ASCII");
  }
  return key;
}

Status ApplyPreconditions(const HttpRequest& request, PreconditionPolicy policy,
                          WriteOptions* options) {
  if (request.headers.count("If-Match") != 0) {
    if (!policy.if_match) return BadHeader("If-Match is not accepted by this request");
    XRONOX_ASSIGN_OR_RETURN(options->expected_version,
                            ParseIfMatch(HeaderValue(request.headers, "If-Match")));
  }
  if (request.headers.count("If-None-Match") != 0) {
    if (!policy.if_none_match) return BadHeader("If-None-Match is not accepted by this request");
    if (Trim(HeaderValue(request.headers, "If-None-Match")) != "*") {
      return BadHeader("If-None-Match accepts only '*' (create only)");
    }
    options->create_only = true;
  }
  return Status::Ok();
}

Result<int> LimitParam(const QueryParams& query, int default_limit) {
  XRONOX_ASSIGN_OR_RETURN(std::optional<int64_t> limit, OptionalIntParam(query, "limit"));
  if (!limit) return default_limit;
  // The library checks the range; the server only keeps the value representable.
  if (*limit > INT_MAX) return BadQuery("limit must be at most 1000");
  return static_cast<int>(*limit);
}

std::string Param(const QueryParams& query, const char* name) {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

}  // namespace

std::string MediaType(const std::string& content_type) {
  std::string type = Trim(content_type.substr(0, content_type.find(';')));
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return type;
}

Result<int64_t> ParseIfMatch(const std::string& value) {
  std::string tag = Trim(value);
  if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') {
    return BadHeader("If-Match must be one quoted version, e.g. If-Match: \"3\"");
  }
  std::optional<int64_t> version = ParseNonNegativeDecimal(tag.substr(1, tag.size() - 2));
  if (!version) return BadHeader("If-Match must hold a version number, e.g. If-Match: \"3\"");
  return *version;
}

Result<WriteOptions> WriteOptionsFromRequest(const HttpRequest& request, PreconditionPolicy policy,
                                             const std::string& principal) {
  WriteOptions options;
  XRONOX_ASSIGN_OR_RETURN(std::string actor_header, TextHeader(request, "X-Xronox-Actor"));
  // A key's holder may say for whom it acts, but never who wrote: that is the key's principal.
  if (principal.empty()) {
    options.actor = std::move(actor_header);
  } else {
    options.actor = principal;
    options.on_behalf_of = std::move(actor_header);
  }
  XRONOX_ASSIGN_OR_RETURN(options.reason, TextHeader(request, "X-Xronox-Reason"));
  XRONOX_ASSIGN_OR_RETURN(options.idempotency_key, IdempotencyKey(request));
  XRONOX_RETURN_IF_ERROR(ApplyPreconditions(request, policy, &options));
  options.raw_data = true;  // The answer forwards the stored text: no copy of the body.
  return options;
}

Status CheckQueryParams(const QueryParams& query, std::initializer_list<const char*> allowed) {
  for (const auto& [name, value] : query) {
    bool known = false;
    for (const char* candidate : allowed) known = known || name == candidate;
    if (!known) {
      std::string list;
      for (const char* candidate : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(candidate);
      }
      return BadQuery("unknown query parameter '" + name.substr(0, 64) + "'" +
                      (list.empty() ? " (none accepted here)" : " (accepted: " + list + ")"));
    }
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> OptionalIntParam(const QueryParams& query, const char* name) {
  auto it = query.find(name);
  if (it == query.end()) return std::optional<int64_t>();
  std::optional<int64_t> value = ParseNonNegativeDecimal(it->second);
  if (!value) return BadQuery(std::string(name) + " must be a non-negative integer");
  return value;
}

Result<int64_t> RequiredIntParam(const QueryParams& query, const char* name) {
  XRONOX_ASSIGN_OR_RETURN(std::optional<int64_t> value, OptionalIntParam(query, name));
  if (!value) return BadQuery(std::string("query parameter ") + name + " is required");
  return *value;
}

namespace {

// A time parameter (asOf, from, to); nullopt when absent.
Result<std::optional<TimestampMicros>> TimeParam(const QueryParams& query, const char* name) {
  auto param = query.find(name);
  if (param == query.end()) return std::optional<TimestampMicros>();
  std::optional<TimestampMicros> time = ParseRfc3339(param->second);
  if (!time) {
    // An unencoded '+' of a time-zone offset arrives as a space.
    std::string repaired = param->second;
    for (char& c : repaired) c = (c == ' ') ? '+' : c;
    time = ParseRfc3339(repaired);
  }
  if (!time) {
    return BadQuery(std::string(name) + " must be an RFC 3339 time, e.g. 2024-01-01T10:00:00Z");
  }
  return time;
}

Result<std::optional<TimestampMicros>> AsOfParam(const QueryParams& query) {
  return TimeParam(query, "asOf");
}

// order=newest|oldest: whether newest first; `newest_by_default` when absent.
Result<bool> NewestFirstParam(const QueryParams& query, bool newest_by_default) {
  std::string order = Param(query, "order");
  if (order.empty()) return newest_by_default;
  if (order != "newest" && order != "oldest") return BadQuery("order must be 'newest' or 'oldest'");
  return order == "newest";
}

}  // namespace

Result<GetOptions> GetOptionsFromQuery(const QueryParams& query) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(query, {"version", "asOf"}));
  GetOptions options;
  XRONOX_ASSIGN_OR_RETURN(options.version, OptionalIntParam(query, "version"));
  XRONOX_ASSIGN_OR_RETURN(options.as_of, AsOfParam(query));
  if (options.version && options.as_of) return BadQuery("give either version or asOf, not both");
  return options;
}

Result<HistoryOptions> HistoryOptionsFromQuery(const QueryParams& query) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(query, {"limit", "cursor", "order"}));
  HistoryOptions options;
  XRONOX_ASSIGN_OR_RETURN(options.limit, LimitParam(query, options.limit));
  options.cursor = Param(query, "cursor");
  XRONOX_ASSIGN_OR_RETURN(options.newest_first, NewestFirstParam(query, true));
  return options;
}

std::vector<std::string> FieldsParam(const QueryParams& query) {
  std::vector<std::string> fields;
  auto param = query.find("fields");
  if (param == query.end()) return fields;
  const std::string& text = param->second;
  size_t start = 0;
  while (fields.size() <= kMaxProjectedFields) {
    size_t comma = text.find(',', start);
    fields.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

Result<VersionQuery> VersionQueryFromQuery(const QueryParams& query) {
  XRONOX_RETURN_IF_ERROR(
      CheckQueryParams(query, {"actor", "from", "to", "field", "limit", "cursor"}));
  VersionQuery versions;
  versions.actor = Param(query, "actor");
  XRONOX_ASSIGN_OR_RETURN(versions.from, TimeParam(query, "from"));
  XRONOX_ASSIGN_OR_RETURN(versions.to, TimeParam(query, "to"));
  versions.field = Param(query, "field");
  XRONOX_ASSIGN_OR_RETURN(versions.limit, LimitParam(query, versions.limit));
  versions.cursor = Param(query, "cursor");
  return versions;
}

Result<QueryOptions> QueryOptionsFromQuery(const QueryParams& query) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(
      query, {"where", "limit", "cursor", "asOf", "order", "from", "to", "fields"}));
  QueryOptions options;
  options.raw_data = true;
  XRONOX_ASSIGN_OR_RETURN(options.limit, LimitParam(query, options.limit));
  options.cursor = Param(query, "cursor");
  XRONOX_ASSIGN_OR_RETURN(options.as_of, AsOfParam(query));
  XRONOX_ASSIGN_OR_RETURN(options.newest_first, NewestFirstParam(query, false));
  XRONOX_ASSIGN_OR_RETURN(options.from, TimeParam(query, "from"));
  XRONOX_ASSIGN_OR_RETURN(options.to, TimeParam(query, "to"));
  options.fields = FieldsParam(query);
  return options;
}

Result<Json> FilterFromQuery(const QueryParams& query) {
  auto where = query.find("where");
  if (where == query.end()) return Json::object();
  Result<Json> filter = ParseJsonObject(where->second, "where filter");
  if (!filter.ok()) return InvalidArgument(filter.status().message()).WithReason("invalid_filter");
  return filter;
}

Result<Json> ParseBodyObject(const std::string& body, const std::string& what) {
  Result<Json> value = ParseJsonObject(body, what);
  if (!value.ok() && value.status().code() != StatusCode::kResourceExhausted) {
    return InvalidArgument(value.status().message()).WithReason("invalid_body");
  }
  return value;  // Or 413 json_too_large: valid, but too many values to hold.
}

Result<Json> VerbBody(const QueryParams& query, const std::string& body,
                      std::initializer_list<const char*> allowed) {
  XRONOX_RETURN_IF_ERROR(CheckQueryParams(query, {}));
  if (body.empty()) return Json::object();
  XRONOX_ASSIGN_OR_RETURN(Json object, ParseBodyObject(body, "request"));
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (const char* field : allowed) known = known || name == field;
    if (!known) {
      return InvalidArgument("unknown field '" + name.substr(0, 64) + "' in the request")
          .WithReason("invalid_body");
    }
  }
  return object;
}

Result<std::string> StringField(const Json& body, const char* name, std::string fallback) {
  if (!body.contains(name)) return fallback;
  if (!body[name].is_string()) {
    return InvalidArgument(std::string(name) + " must be a string").WithReason("invalid_body");
  }
  return body[name].get<std::string>();
}

Result<int64_t> CountField(const Json& body, const char* name, int64_t fallback, int64_t max) {
  if (!body.contains(name)) return fallback;
  const Json& value = body[name];
  if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > max) {
    return InvalidArgument(std::string(name) + " must be an integer from 0 to " +
                           std::to_string(max))
        .WithReason("invalid_body");
  }
  return value.get<int64_t>();
}

Result<bool> BoolField(const Json& body, const char* name) {
  if (!body.contains(name)) return false;
  if (!body[name].is_boolean()) {
    return InvalidArgument(std::string(name) + " must be true or false").WithReason("invalid_body");
  }
  return body[name].get<bool>();
}

}  // namespace xronox::server
