#include "store/object/fs/errno_status.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace xronox::store {

namespace {

StatusCode CodeForErrno(int err) {
  switch (err) {
    case ENOENT:
      return StatusCode::kNotFound;
    case EEXIST:
      return StatusCode::kAlreadyExists;
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return StatusCode::kResourceExhausted;
    case EACCES:
    case EPERM:
    case EROFS:
      return StatusCode::kPermissionDenied;
    case ENOTDIR:
    case EISDIR:
    case ENOTEMPTY:
    case ELOOP:
      return StatusCode::kFailedPrecondition;
    case ENAMETOOLONG:
      return StatusCode::kInvalidArgument;
    case EAGAIN:
    case EBUSY:
    case EINTR:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Status ErrnoStatus(int err, std::string_view operation, std::string_view path) {
  char buffer[256];
  // GNU strerror_r returns the message (possibly a static string, not `buffer`).
  const char* text = strerror_r(err, buffer, sizeof(buffer));
  return Status(CodeForErrno(err), std::string(operation) + " '" + std::string(path) +
                                       "': " + text + " (errno " + std::to_string(err) + ")");
}

bool IsAbsentErrno(int err) { return err == ENOENT || err == ENOTDIR || err == ELOOP; }

}  // namespace xronox::store
