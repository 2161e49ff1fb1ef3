#include "store/object/fs/posix_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "store/object/fs/errno_status.h"

namespace xronox::store {

int OpenDirAt(int parent_fd, const std::string& name) {
  return ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

Status WriteAll(int fd, std::string_view bytes, std::string_view path) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

Result<std::string> ReadAll(int fd, size_t size_hint, std::string_view path) {
  std::string out;
  out.resize(size_hint + 1);  // One spare byte to see the end without a second call.
  size_t filled = 0;
  while (true) {
    if (filled == out.size()) out.resize(out.size() * 2 + 4096);
    ssize_t got = ::read(fd, out.data() + filled, out.size() - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  out.resize(filled);
  return out;
}

Status Fsync(int fd, std::string_view path) {
  if (::fsync(fd) != 0) return ErrnoStatus(errno, "fsync", path);
  return Status::Ok();
}

Status FsyncDirectory(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "open directory", path);
  return Fsync(fd.get(), path);
}

Result<std::vector<DirEntry>> ReadDirEntries(int dir_fd, std::string_view path) {
  // A fresh descriptor: a DIR stream moves its descriptor's offset, which dup() would share.
  UniqueFd own(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!own.valid()) return ErrnoStatus(errno, "open directory", path);
  UniqueDir dir(::fdopendir(own.get()));
  if (dir.get() == nullptr) return ErrnoStatus(errno, "open directory", path);
  own.Release();  // Now owned by the DIR stream.
  std::vector<DirEntry> entries;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) break;
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // Gone.
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    entries.push_back(DirEntry{std::move(name), type == DT_DIR, type == DT_REG});
  }
  if (errno != 0) return ErrnoStatus(errno, "read directory", path);
  return entries;
}

TimestampMicros MtimeMicros(const struct stat& st) {
  return static_cast<TimestampMicros>(st.st_mtim.tv_sec) * 1'000'000 + st.st_mtim.tv_nsec / 1'000;
}

}  // namespace xronox::store
