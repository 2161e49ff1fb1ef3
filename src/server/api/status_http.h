// The one mapping from a library Status to an HTTP error, and the error value the server sends.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "xronox/status.h"

namespace xronox::server {

/// An error response: HTTP status, snake_case code, message and optional details.
struct HttpError {
  int status = 500;
  std::string code;                        ///< e.g. "version_mismatch", "not_found".
  std::string message;                     ///< Human-readable; names operation and target.
  std::optional<int64_t> current_version;  ///< Sent as error.currentVersion.
  std::string allow;                       ///< For 405: the Allow header, e.g. "GET, POST".
};

/// An error the server raises itself (unknown path, 405, 413, 415, 500 on an exception).
HttpError MakeHttpError(int status, std::string code, std::string message);

/// What the request was doing when the Status arose; a few codes map differently by context.
struct StatusContext {
  bool write = false;        ///< The request writes (POST, PUT, PATCH, DELETE).
  bool create_only = false;  ///< PUT with If-None-Match: *.
  std::string allow;         ///< Allow header for a 405 (NotSupported on a write).
};

/// Map a non-ok Status to the HTTP error the server sends. The only Status -> HTTP mapping:
///   InvalidArgument 400, NotFound 404, AlreadyExists 412 (create-only) or 409, Conflict 409,
///   FailedPrecondition 412, PermissionDenied 403, Unauthenticated 401, ResourceExhausted 413
///   (reason ending in "too_large") or 429, Unavailable 503, DeadlineExceeded 504,
///   NotSupported 405 on writes and 400 on reads, Corruption and Internal 500.
/// The code is Status::reason() when set, else StatusCodeName(status.code()).
HttpError HttpErrorFromStatus(const Status& status, const StatusContext& context);

}  // namespace xronox::server
