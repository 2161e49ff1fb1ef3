// Small POSIX file helpers of the folder store: whole reads and writes, fsync, directory
// entries. Every failure becomes a Status through ErrnoStatus.
// Thread-safety: pure functions over the descriptors they are given.
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>
#include <vector>

#include "store/object/fs/posix_handles.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::store {

/// A directory opened by descriptor; `path` names it in error messages.
struct DirHandle {
  UniqueFd fd;
  std::string path;
};

/// One entry of a directory; symlinks and special files are neither a directory nor a file.
struct DirEntry {
  std::string name;
  bool is_dir = false;
  bool is_file = false;
};

/// Open `name` under `parent` as a directory, following no symlink; -1 with errno on failure.
int OpenDirAt(int parent_fd, const std::string& name);
/// Write all of `bytes` to `fd`, resuming after partial writes and EINTR.
Status WriteAll(int fd, std::string_view bytes, std::string_view path);
/// Read `fd` from its current offset to its end; `size_hint` bytes are reserved up front.
Result<std::string> ReadAll(int fd, size_t size_hint, std::string_view path);
/// Flush `fd`'s data and metadata to stable storage.
Status Fsync(int fd, std::string_view path);
/// Open the directory at `path` and flush its entries to stable storage.
Status FsyncDirectory(const std::string& path);
/// Read the entries of the directory open as `dir_fd`, without "." and "..", unordered.
Result<std::vector<DirEntry>> ReadDirEntries(int dir_fd, std::string_view path);
/// Return the modification time in `st`, in microseconds since the epoch.
TimestampMicros MtimeMicros(const struct stat& st);

}  // namespace xronox::store
