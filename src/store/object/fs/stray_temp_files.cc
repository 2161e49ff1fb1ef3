#include "store/object/fs/stray_temp_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store/object/fs/errno_status.h"
#include "store/object/object_key.h"

namespace xronox::store {

namespace {

bool IsTempFileOlderThan(const DirHandle& dir, const DirEntry& entry, TimestampMicros older_than) {
  if (!entry.is_file || !std::string_view(entry.name).starts_with(kReservedSegmentPrefix)) {
    return false;
  }
  struct stat st;
  return ::fstatat(dir.fd.get(), entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISREG(st.st_mode) && MtimeMicros(st) < older_than;
}

Result<int64_t> SweepSubdirectory(const DirHandle& dir, const std::string& relative,
                                  const std::string& name, StraySweep& sweep) {
  std::string child_relative = relative + name + "/";
  // Paths below start with child_relative: none can match unless one of the two extends the other.
  if (!child_relative.starts_with(sweep.match) && !sweep.match.starts_with(child_relative)) {
    return 0;
  }
  DirHandle child{UniqueFd(OpenDirAt(dir.fd.get(), name)), dir.path + "/" + name};
  if (!child.fd.valid()) {
    if (IsAbsentErrno(errno)) return 0;  // Removed while we walked.
    return ErrnoStatus(errno, "open directory", child.path);
  }
  XRONOX_ASSIGN_OR_RETURN(int64_t removed, SweepStrayTempFiles(child, child_relative, sweep));
  // Best effort: a directory that still holds objects (the usual case) stays, and an empty
  // one left behind is invisible to every read.
  if (removed > 0) ::unlinkat(dir.fd.get(), name.c_str(), AT_REMOVEDIR);
  return removed;
}

}  // namespace

Result<int64_t> SweepStrayTempFiles(const DirHandle& dir, const std::string& relative,
                                    StraySweep& sweep) {
  Result<std::vector<DirEntry>> entries = ReadDirEntries(dir.fd.get(), dir.path);
  if (!entries.ok()) {
    // A directory pruned by a concurrent Delete after we opened it has nothing left to sweep.
    if (entries.status().code() == StatusCode::kNotFound) return 0;
    return entries.status();
  }
  int64_t removed = 0;
  for (const DirEntry& entry : *entries) {
    if (entry.is_dir) {
      XRONOX_ASSIGN_OR_RETURN(int64_t below, SweepSubdirectory(dir, relative, entry.name, sweep));
      removed += below;
    } else if ((relative + entry.name).starts_with(sweep.match) &&
               IsTempFileOlderThan(dir, entry, sweep.older_than)) {
      sweep.found.push_back(relative + entry.name);
      if (!sweep.remove) continue;
      if (::unlinkat(dir.fd.get(), entry.name.c_str(), 0) == 0) {
        ++removed;
      } else if (errno != ENOENT) {
        return ErrnoStatus(errno, "remove stray temp file", dir.path + "/" + entry.name);
      }
    }
  }
  return removed;
}

}  // namespace xronox::store
