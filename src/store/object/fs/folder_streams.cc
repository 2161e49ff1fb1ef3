// Streamed writes, ranged reads and copies of the folder store.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/ids.h"
#include "common/names.h"
#include "store/object/fs/errno_status.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/object_key.h"

namespace xronox::store {

namespace {

constexpr int kMaxAttempts = 8;
constexpr mode_t kFileMode = 0644;

std::string NewTempName() { return std::string(kReservedSegmentPrefix) + "-" + RandomHex(8); }

Status ValidateBucketAndKey(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  return ValidateObjectKey(key);
}

// Reads a range of one open file with pread, so the offset is ours alone.
class FileReader final : public ObjectReader {
 public:
  FileReader(UniqueFd fd, std::string path, int64_t size, int64_t offset, int64_t length)
      : fd_(std::move(fd)),
        path_(std::move(path)),
        size_(size),
        pos_(offset),
        end_(offset + length) {}

  Status Read(size_t max_bytes, std::string* out) override {
    size_t want = static_cast<size_t>(std::min<int64_t>(end_ - pos_, max_bytes));
    out->resize(want);
    size_t filled = 0;
    while (filled < want) {
      ssize_t got = ::pread(fd_.get(), out->data() + filled, want - filled, pos_);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return ErrnoStatus(errno, "read", path_);
      if (got == 0) return Corruption("read '" + path_ + "': the file ended before its size");
      filled += static_cast<size_t>(got);
      pos_ += got;
    }
    return Status::Ok();
  }
  int64_t object_size() const override { return size_; }

 private:
  UniqueFd fd_;
  std::string path_;
  int64_t size_;
  int64_t pos_;
  int64_t end_;
};

}  // namespace

// Writes into a temp file in the key's directory; the directory cannot be pruned by a
// concurrent Delete while the temp file is in it, so Commit needs no restart loop.
class FolderObjectStore::Writer final : public ObjectWriter {
 public:
  Writer(const FolderObjectStore& store, DirHandle dir, std::string temp, UniqueFd fd,
         std::string name, PutMode mode)
      : store_(store),
        dir_(std::move(dir)),
        temp_(std::move(temp)),
        fd_(std::move(fd)),
        name_(std::move(name)),
        mode_(mode) {}
  ~Writer() override { (void)Abort(); }

  Status Write(std::string_view bytes) override {
    if (!fd_.valid()) return FailedPrecondition("write '" + TempPath() + "': writer is finished");
    Status written = WriteAll(fd_.get(), bytes, TempPath());
    if (written.ok()) size_ += static_cast<int64_t>(bytes.size());
    return written;
  }

  Status Commit() override {
    if (!fd_.valid()) return FailedPrecondition("commit '" + TempPath() + "': writer is finished");
    Status status = Finish();
    if (!status.ok()) (void)Abort();
    return status;
  }

  Status Abort() override {
    if (temp_.empty()) return Status::Ok();
    fd_.Close();
    int unlinked = ::unlinkat(dir_.fd.get(), temp_.c_str(), 0);
    std::string temp = std::exchange(temp_, std::string());
    if (unlinked != 0 && !IsAbsentErrno(errno)) {
      return ErrnoStatus(errno, "remove temp file", dir_.path + "/" + temp);
    }
    return Status::Ok();
  }

  int64_t size() const override { return size_; }

 private:
  std::string TempPath() const { return dir_.path + "/" + temp_; }

  Status Finish() {
    XRONOX_RETURN_IF_ERROR(Fsync(fd_.get(), TempPath()));
    if (fd_.Close() != 0) return ErrnoStatus(errno, "close", TempPath());
    XRONOX_ASSIGN_OR_RETURN(bool committed, store_.Commit(dir_, temp_, name_, mode_));
    if (!committed) {
      return Unavailable("commit '" + dir_.path + "/" + name_ + "': its temp file vanished");
    }
    if (mode_ == PutMode::kOverwrite) {
      temp_.clear();  // Renamed: the temp name no longer exists.
    } else {
      (void)Abort();  // Linked: drop the temp name before the directory fsync covers both.
    }
    return Fsync(dir_.fd.get(), dir_.path);
  }

  const FolderObjectStore& store_;
  DirHandle dir_;
  std::string temp_;  // Empty once renamed or removed.
  UniqueFd fd_;
  std::string name_;
  PutMode mode_;
  int64_t size_ = 0;
};

Result<DirHandle> FolderObjectStore::KeyFolder(const std::string& bucket, const std::string& key,
                                               const KeyPath& path) const {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> bucket_dir, OpenBucket(bucket));
    if (!bucket_dir) {
      return NotFound("write " + bucket + "/" + key + ": bucket does not exist; ensure it first");
    }
    XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> dir,
                            MakeFolders(std::move(*bucket_dir), path.folders));
    if (dir) return std::move(*dir);
  }
  return Unavailable("write " + bucket + "/" + key +
                     ": its directory kept vanishing under concurrent deletes; retry");
}

Result<std::unique_ptr<ObjectWriter>> FolderObjectStore::BeginWrite(const std::string& bucket,
                                                                    const std::string& key,
                                                                    PutMode mode) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  KeyPath path = SplitKey(key);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(DirHandle dir, KeyFolder(bucket, key, path));
    std::string temp = NewTempName();
    UniqueFd fd(::openat(dir.fd.get(), temp.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode));
    if (!fd.valid() && errno == ENOENT) continue;  // The directory was pruned meanwhile.
    if (!fd.valid()) return ErrnoStatus(errno, "create temp file", dir.path + "/" + temp);
    return std::unique_ptr<ObjectWriter>(
        new Writer(*this, std::move(dir), std::move(temp), std::move(fd), path.name, mode));
  }
  return Unavailable("write " + bucket + "/" + key +
                     ": its directory kept vanishing under concurrent deletes; retry");
}

Result<std::unique_ptr<ObjectReader>> FolderObjectStore::OpenRead(const std::string& bucket,
                                                                  const std::string& key,
                                                                  int64_t offset, int64_t length) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  XRONOX_ASSIGN_OR_RETURN(OpenedFile file, OpenObjectFile(bucket, key, "read"));
  XRONOX_ASSIGN_OR_RETURN(int64_t clamped,
                          ClampRange("read " + bucket + "/" + key, file.size, offset, length));
  return std::unique_ptr<ObjectReader>(
      new FileReader(std::move(file.fd), std::move(file.path), file.size, offset, clamped));
}

Status FolderObjectStore::Copy(const std::string& bucket, const std::string& from,
                               const std::string& to, PutMode mode) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, from));
  XRONOX_RETURN_IF_ERROR(ValidateObjectKey(to));
  KeyPath from_path = SplitKey(from);
  KeyPath to_path = SplitKey(to);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(std::vector<DirHandle> chain, OpenFolders(bucket, from_path.folders));
    if (chain.size() != from_path.folders.size() + 1) {
      return NotFound("copy " + bucket + "/" + from + ": no such object");
    }
    XRONOX_ASSIGN_OR_RETURN(DirHandle to_dir, KeyFolder(bucket, to, to_path));
    XRONOX_ASSIGN_OR_RETURN(bool done,
                            LinkOnce(chain.back(), from_path.name, to_dir, to_path.name, mode));
    if (done) return Fsync(to_dir.fd.get(), to_dir.path);
  }
  return Unavailable("copy " + bucket + "/" + from + " to " + to +
                     ": its directory kept vanishing under concurrent deletes; retry");
}

Result<bool> FolderObjectStore::LinkOnce(const DirHandle& from_dir, const std::string& from_name,
                                         const DirHandle& to_dir, const std::string& to_name,
                                         PutMode mode) const {
  const std::string source = from_dir.path + "/" + from_name;
  struct stat st;
  if (::fstatat(from_dir.fd.get(), from_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(st.st_mode)) {
    return NotFound("copy '" + source + "': no such object");
  }
  if (mode == PutMode::kCreateOnly) {
    if (::linkat(from_dir.fd.get(), from_name.c_str(), to_dir.fd.get(), to_name.c_str(), 0) == 0) {
      return true;
    }
    if (errno == ENOENT) return false;
    return ErrnoStatus(errno, "create object", to_dir.path + "/" + to_name);
  }
  std::string temp = NewTempName();
  if (::linkat(from_dir.fd.get(), from_name.c_str(), to_dir.fd.get(), temp.c_str(), 0) != 0) {
    if (errno == ENOENT) return false;
    return ErrnoStatus(errno, "link temp file", to_dir.path + "/" + temp);
  }
  Result<bool> committed = Commit(to_dir, temp, to_name, mode);
  // Renamed away on success; otherwise the second name must not stay behind as a leftover.
  if (!committed.ok() || !*committed) ::unlinkat(to_dir.fd.get(), temp.c_str(), 0);
  return committed;
}

}  // namespace xronox::store
