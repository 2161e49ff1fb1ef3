#include "server/api/auth.h"

#include <algorithm>

#include "common/names.h"
#include "server/api/codec.h"
#include "server/api/status_http.h"

namespace xronox::server {

namespace {

constexpr std::string_view kBearer = "bearer ";
// Tokens we issue are 68 bytes; anything far longer is not one of ours and is not hashed.
constexpr size_t kMaxTokenBytes = 512;

bool Matches(const std::vector<std::string>& allowed, const std::string& value) {
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& entry) { return entry == "*" || entry == value; });
}

bool Grants(const ApiKeyScope& scope, Access access) {
  return Matches(scope.operations, AccessName(access));
}

Status Refused(const std::string& what) {
  return Unauthenticated(what).WithReason("invalid_credentials");
}

}  // namespace

HttpResponse UnauthorizedResponse(const Status& status) {
  HttpResponse response = ErrorResponse(HttpErrorFromStatus(status, {}));
  response.headers["WWW-Authenticate"] = "Bearer realm=\"xronox\"";
  return response;
}

const char* AccessName(Access access) {
  switch (access) {
    case Access::kRead:
      return "read";
    case Access::kWrite:
      return "write";
    case Access::kAdmin:
      return "admin";
    case Access::kReadHidden:
      return "read_hidden";
  }
  return "read";
}

Authenticator::Authenticator(const std::vector<ApiKey>& keys) {
  for (const ApiKey& key : keys) by_hash_.emplace(key.secret_sha256, key);
}

Result<const ApiKey*> Authenticator::Authenticate(const HttpHeaders& headers) const {
  auto header = headers.find("Authorization");
  if (header == headers.end()) {
    return Unauthenticated("this server needs an API key: send Authorization: Bearer <token>")
        .WithReason("missing_credentials");
  }
  const std::string& value = header->second;
  if (value.size() <= kBearer.size() ||
      !EqualsIgnoringAsciiCase(value.substr(0, kBearer.size()), kBearer)) {
    return Refused("Authorization must be 'Bearer <token>'");
  }
  std::string token = value.substr(kBearer.size());
  if (token.size() > kMaxTokenBytes) return Refused("the API key is not valid");
  // The lookup is by the token's SHA-256, so timing reveals nothing about any stored hash.
  auto key = by_hash_.find(HashApiKeyToken(token));
  if (key == by_hash_.end()) return Refused("the API key is not valid");
  return &key->second;
}

Status Authenticator::Authorize(const ApiKey& key, Access access, const std::string& database_type,
                                const std::string& tenant) {
  for (const ApiKeyScope& scope : key.scopes) {
    if (Grants(scope, access) && Matches(scope.database_types, database_type) &&
        Matches(scope.tenants, tenant)) {
      return Status::Ok();
    }
  }
  std::string where = tenant == "_" ? database_type + " (generic tier)"
                                    : database_type + " tenant '" + tenant + "'";
  return PermissionDenied("API key of '" + key.principal + "' may not " + AccessName(access) + " " +
                          where)
      .WithReason("forbidden");
}

std::vector<const ApiKey*> Authenticator::Keys() const {
  std::vector<const ApiKey*> keys;
  for (const auto& [hash, key] : by_hash_) keys.push_back(&key);
  return keys;
}

Status Authenticator::AuthorizeAnywhere(const ApiKey& key, Access access) {
  for (const ApiKeyScope& scope : key.scopes) {
    if (Grants(scope, access)) return Status::Ok();
  }
  return PermissionDenied("API key of '" + key.principal + "' has no " + AccessName(access) +
                          " scope")
      .WithReason("forbidden");
}

}  // namespace xronox::server
