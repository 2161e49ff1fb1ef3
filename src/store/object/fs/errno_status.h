// Conversion of POSIX errno values into Status: the one place the folder store does it.
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "xronox/status.h"

namespace xronox::store {

/// Convert `err` (an errno value) raised by `operation` (e.g. "rename") on `path` into a
/// Status whose message reads "<operation> '<path>': <strerror> (errno <n>)".
/// ENOENT -> NotFound, EEXIST -> AlreadyExists, ENOSPC/EDQUOT/EMFILE/ENFILE/ENOMEM ->
/// ResourceExhausted, EACCES/EPERM/EROFS -> PermissionDenied, ENOTDIR/EISDIR/ENOTEMPTY/ELOOP
/// -> FailedPrecondition, ENAMETOOLONG -> InvalidArgument, EAGAIN/EBUSY/EINTR -> Unavailable,
/// anything else (EIO included) -> Internal.
Status ErrnoStatus(int err, std::string_view operation, std::string_view path);

/// True when `err` from a lookup means "no such object": ENOENT, ENOTDIR (a path segment is
/// a file) or ELOOP (a symlink, which the store never follows).
bool IsAbsentErrno(int err);

}  // namespace xronox::store
