#include "store/object/fs/case_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store/object/fs/errno_status.h"
#include "store/object/fs/posix_handles.h"

namespace xronox::store {

Result<bool> FoldsLetterCase(int dir_fd, const std::string& path) {
  UniqueFd probe(
      ::openat(dir_fd, kCaseProbeName, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!probe.valid()) {
    // A store nothing can be written to cannot merge two keys either.
    if (errno == EROFS || errno == EACCES) return false;
    return ErrnoStatus(errno, "create case probe in", path);
  }
  struct stat made;
  if (::fstat(probe.get(), &made) != 0) return ErrnoStatus(errno, "stat case probe in", path);
  struct stat variant;
  int found = ::fstatat(dir_fd, kCaseProbeVariant, &variant, AT_SYMLINK_NOFOLLOW);
  int lookup_errno = errno;
  probe.Close();
  ::unlinkat(dir_fd, kCaseProbeName, 0);
  if (found != 0) {
    if (lookup_errno == ENOENT) return false;
    return ErrnoStatus(lookup_errno, "look up case probe in", path);
  }
  return made.st_ino == variant.st_ino && made.st_dev == variant.st_dev;
}

}  // namespace xronox::store
