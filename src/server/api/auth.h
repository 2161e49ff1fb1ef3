// API-key authentication and scope checks of xronoxd. A request names its key with
// "Authorization: Bearer <token>"; only the token's SHA-256 is kept, so a leaked config reveals
// no token. Thread-safety: immutable after construction; safe from many threads at once.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "server/transport/http_types.h"
#include "xronox/config.h"
#include "xronox/status.h"

namespace xronox::server {

/// The 401 answer for a failed Authenticate, with WWW-Authenticate: Bearer.
HttpResponse UnauthorizedResponse(const Status& status);

/// The kinds of access a scope grants.
/// kReadHidden: reads that include a collection's hidden fields (?includeHidden=true).
enum class Access { kRead, kWrite, kAdmin, kReadHidden };

/// Return "read", "write", "admin" or "read_hidden".
const char* AccessName(Access access);

class Authenticator {
 public:
  /// Accept `keys` (validated with the config); no keys means authentication is off.
  explicit Authenticator(const std::vector<ApiKey>& keys);

  /// True when keys are configured and every route but /v1/health needs one.
  bool enabled() const { return !by_hash_.empty(); }

  /// The key named by the Authorization header: Unauthenticated (reason "missing_credentials"
  /// or "invalid_credentials") when it is absent, malformed or unknown.
  Result<const ApiKey*> Authenticate(const HttpHeaders& headers) const;

  /// Ok when one of the key's scopes grants `access` on `database_type` x `tenant` ("_" is the
  /// generic tier); otherwise PermissionDenied (reason "forbidden") naming what was refused.
  static Status Authorize(const ApiKey& key, Access access, const std::string& database_type,
                          const std::string& tenant);

  /// Ok when some scope of the key grants `access` on anything (for server-wide routes such
  /// as /metrics); otherwise PermissionDenied.
  static Status AuthorizeAnywhere(const ApiKey& key, Access access);

  /// Every accepted key; the addresses stay valid as long as this authenticator.
  std::vector<const ApiKey*> Keys() const;

 private:
  std::unordered_map<std::string, ApiKey> by_hash_;  ///< secret_sha256 -> key.
};

}  // namespace xronox::server
