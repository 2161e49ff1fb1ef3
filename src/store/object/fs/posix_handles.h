// RAII owners of the POSIX handles the folder store uses: file descriptors and DIR streams.
// close() and closedir() appear nowhere else.
// Thread-safety: each owner is a value owned by one thread at a time.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <utility>

namespace xronox::store {

/// Own one file descriptor; close it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  /// Take ownership of `fd` (-1 for none).
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  /// Give up ownership and return the descriptor.
  int Release() { return std::exchange(fd_, -1); }
  /// Close now; return 0, or -1 with errno set (the descriptor is released either way).
  int Close() { return valid() ? ::close(Release()) : 0; }

 private:
  void Reset() {
    if (valid()) ::close(Release());
  }

  int fd_ = -1;
};

/// Own one DIR stream; closedir it on destruction.
class UniqueDir {
 public:
  /// Take ownership of `dir` (may be null).
  explicit UniqueDir(DIR* dir) : dir_(dir) {}
  UniqueDir(const UniqueDir&) = delete;
  UniqueDir& operator=(const UniqueDir&) = delete;
  ~UniqueDir() {
    if (dir_ != nullptr) ::closedir(dir_);
  }

  DIR* get() const { return dir_; }

 private:
  DIR* dir_;
};

}  // namespace xronox::store
