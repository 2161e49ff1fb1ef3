#include "store/hot/mongo/mongo_error.h"

#include <string>

namespace xronox::store {

namespace {

bool FromServer(const bson_error_t& error) {
  return error.domain == MONGOC_ERROR_SERVER || error.domain == MONGOC_ERROR_WRITE_CONCERN ||
         error.domain == MONGOC_ERROR_QUERY || error.domain == MONGOC_ERROR_COMMAND ||
         error.domain == MONGOC_ERROR_COLLECTION;
}

StatusCode ServerCode(uint32_t code) {
  switch (code) {
    case 11000:
    case 11001:
    case 12582:
      return StatusCode::kAlreadyExists;
    case 50:  // MaxTimeMSExpired
    case 64:  // WriteConcernFailed (wtimeout)
      return StatusCode::kDeadlineExceeded;
    case 13297:  // DatabaseDifferCase
      return StatusCode::kInvalidArgument;
    case 13:  // Unauthorized
      return StatusCode::kPermissionDenied;
    case 18:  // AuthenticationFailed
      return StatusCode::kUnauthenticated;
    case 6:      // HostUnreachable
    case 7:      // HostNotFound
    case 89:     // NetworkTimeout
    case 91:     // ShutdownInProgress
    case 189:    // PrimarySteppedDown
    case 10107:  // NotWritablePrimary
    case 11600:  // InterruptedAtShutdown
    case 11602:  // InterruptedDueToReplStateChange
    case 13435:  // NotPrimaryNoSecondaryOk
    case 13436:  // NotPrimaryOrSecondary
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

StatusCode CodeFor(const bson_error_t& error) {
  if (IsDuplicateKey(error)) return StatusCode::kAlreadyExists;
  switch (error.domain) {
    case MONGOC_ERROR_SERVER_SELECTION:
    case MONGOC_ERROR_STREAM:
      // No server to select, or (libmongoc words a dropped connection "socket error or
      // timeout") the server is out of reach: the caller may retry.
      return StatusCode::kUnavailable;
    case MONGOC_ERROR_CLIENT:
      return error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE ? StatusCode::kUnauthenticated
                                                            : StatusCode::kInternal;
    default:
      break;
  }
  return FromServer(error) ? ServerCode(error.code) : StatusCode::kInternal;
}

}  // namespace

bool IsDuplicateKey(const bson_error_t& error) {
  return error.code == 11000 || error.code == 11001 || error.code == 12582;
}

Status MongoStatus(std::string_view operation, std::string_view target, const bson_error_t& error) {
  std::string text = std::string(operation) + " " + std::string(target) + ": " + error.message +
                     " (code " + std::to_string(error.code) + ")";
  Status status(CodeFor(error), std::move(text));
  if (error.code == 13297) status.WithReason("name_case_conflict");
  return status;
}

}  // namespace xronox::store
