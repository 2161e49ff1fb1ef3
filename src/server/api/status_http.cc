#include "server/api/status_http.h"

#include <string_view>

namespace xronox::server {

namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

int HttpStatusFor(const Status& status, const StatusContext& context) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 500;  // An ok Status is never an error: a server bug.
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      // A version whose payload history retention removed: it existed and is gone for good.
      return status.reason() == "payload_removed" ? 410 : 404;
    case StatusCode::kAlreadyExists:
      return context.create_only ? 412 : 409;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 412;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kResourceExhausted:
      // A diff too large to compute is about the stored versions, not the request's size.
      if (status.reason() == "diff_too_large") return 422;
      // Memory ran out while serving: the server is fine, this request could not be served.
      if (status.reason() == "out_of_memory") return 503;
      return EndsWith(status.reason(), "too_large") ? 413 : 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    // A write the database type refuses (update/delete on logs) is a method the resource does
    // not support; a read the type cannot answer is a bad request for that type.
    case StatusCode::kNotSupported:
      // Backups of logs: no method of a backup route applies to them.
      if (status.reason() == "no_backups") return 405;
      return context.write ? 405 : 400;
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace

HttpError MakeHttpError(int status, std::string code, std::string message) {
  HttpError error;
  error.status = status;
  error.code = std::move(code);
  error.message = std::move(message);
  return error;
}

HttpError HttpErrorFromStatus(const Status& status, const StatusContext& context) {
  HttpError error;
  error.status = HttpStatusFor(status, context);
  error.code = status.reason().empty() ? StatusCodeName(status.code()) : status.reason();
  if (status.ok()) error.code = "internal";
  error.message = status.message();
  error.current_version = status.current_version();
  if (error.status == 405) error.allow = context.allow;
  return error;
}

}  // namespace xronox::server
