#include "store/object/fs/folder_object_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "common/ids.h"
#include "common/names.h"
#include "store/object/fs/case_probe.h"
#include "store/object/fs/errno_status.h"
#include "store/object/fs/folder_listing.h"
#include "store/object/fs/stray_temp_files.h"
#include "store/object/object_key.h"

namespace xronox::store {

namespace {

namespace fs = std::filesystem;

// A Put starts over when a directory it uses vanishes under it (a concurrent Delete pruned
// it while it was empty, or a stray-temp sweep took its temp file); this bounds the restarts.
constexpr int kMaxPutAttempts = 8;
constexpr mode_t kDirMode = 0755;
constexpr mode_t kFileMode = 0644;

std::string NewTempName() { return std::string(kReservedSegmentPrefix) + "-" + RandomHex(8); }

// The key of the deepest folder `prefix` names whole: "a/b/c" -> "a/b/", "a" -> "".
std::string PrefixFolderKey(const std::string& prefix) {
  size_t slash = prefix.rfind('/');
  return slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
}

std::string Describe(const std::string& bucket, const std::string& key) {
  return bucket + "/" + key;
}

Status ValidateBucketAndKey(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  return ValidateObjectKey(key);
}

// Unlinks a temp file when it goes out of scope unless dismissed. A failed unlink only
// leaves a stray temp file, which Leftovers reports and removes.
class TempFileGuard {
 public:
  TempFileGuard(int dir_fd, std::string name) : dir_fd_(dir_fd), name_(std::move(name)) {}
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  ~TempFileGuard() { UnlinkNow(); }

  void Dismiss() { dismissed_ = true; }
  void UnlinkNow() {
    if (!dismissed_) ::unlinkat(dir_fd_, name_.c_str(), 0);
    dismissed_ = true;
  }

 private:
  int dir_fd_;
  std::string name_;
  bool dismissed_ = false;
};

// Creates `root` and its missing parents, and fsyncs the parent of each directory created.
Status MakeRoot(const fs::path& root) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = root; !fs::exists(p, ec) && !ec && p != p.parent_path(); p = p.parent_path()) {
    missing.push_back(p);
  }
  if (missing.empty()) return Status::Ok();
  fs::create_directories(root, ec);
  if (ec) return ErrnoStatus(ec.value(), "create object store root", root.string());
  for (const fs::path& created : missing) {
    XRONOX_RETURN_IF_ERROR(FsyncDirectory(created.parent_path().string()));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FolderObjectStore>> FolderObjectStore::Open(const std::string& root) {
  if (root.empty()) return InvalidArgument("folder object store root must not be empty");
  std::error_code ec;
  fs::path path = fs::absolute(fs::path(root), ec).lexically_normal();
  if (ec) return ErrnoStatus(ec.value(), "resolve object store root", root);
  if (!path.has_filename() && path.has_relative_path()) path = path.parent_path();  // "a/b/".
  XRONOX_RETURN_IF_ERROR(MakeRoot(path));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "open object store root", path.string());
  XRONOX_ASSIGN_OR_RETURN(bool folds, FoldsLetterCase(fd.get(), path.string()));
  if (folds) {
    return NotSupported("open object store root '" + path.string() +
                        "': its file system compares names without letter case, so keys that "
                        "differ only in case (record ids 'Order-1' and 'order-1') would be one "
                        "file; put the store on a case-sensitive file system");
  }
  return std::unique_ptr<FolderObjectStore>(new FolderObjectStore(path.string(), std::move(fd)));
}

FolderObjectStore::KeyPath FolderObjectStore::SplitKey(const std::string& key) {
  KeyPath path;
  size_t start = 0;
  for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', start)) {
    path.folders.push_back(key.substr(start, slash - start));
    start = slash + 1;
  }
  path.name = key.substr(start);
  return path;
}

// A bucket directory is the one place a symlink is followed: an operator may place a bucket
// on another disk. Nothing below it is ever followed.
Result<std::optional<DirHandle>> FolderObjectStore::OpenBucket(const std::string& bucket) const {
  std::string path = root_ + "/" + bucket;
  UniqueFd fd(::openat(root_fd_.get(), bucket.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<DirHandle>();
    return ErrnoStatus(errno, "open bucket directory", path);
  }
  return std::optional<DirHandle>(DirHandle{std::move(fd), std::move(path)});
}

// Returns the bucket directory and then each of `folders` in turn, stopping at the first one
// that is absent (or a file, or a symlink): a chain shorter than folders.size() + 1 means the
// key's directory does not exist. Empty when the bucket does not exist.
Result<std::vector<DirHandle>> FolderObjectStore::OpenFolders(
    const std::string& bucket, const std::vector<std::string>& folders) const {
  std::vector<DirHandle> chain;
  XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> bucket_dir, OpenBucket(bucket));
  if (!bucket_dir) return chain;
  chain.push_back(std::move(*bucket_dir));
  for (const std::string& folder : folders) {
    std::string path = chain.back().path + "/" + folder;
    UniqueFd fd(OpenDirAt(chain.back().fd.get(), folder));
    if (!fd.valid()) {
      if (IsAbsentErrno(errno)) break;
      return ErrnoStatus(errno, "open directory", path);
    }
    chain.push_back(DirHandle{std::move(fd), std::move(path)});
  }
  return chain;
}

// Opens (creating as needed) each of `folders` below `dir`; nullopt when a directory vanished
// under us and the Put must start over. A new directory is durable before it is used.
Result<std::optional<DirHandle>> FolderObjectStore::MakeFolders(
    DirHandle dir, const std::vector<std::string>& folders) const {
  for (const std::string& folder : folders) {
    std::string path = dir.path + "/" + folder;
    if (::mkdirat(dir.fd.get(), folder.c_str(), kDirMode) == 0) {
      XRONOX_RETURN_IF_ERROR(Fsync(dir.fd.get(), dir.path));
    } else if (errno == ENOENT) {
      return std::optional<DirHandle>();
    } else if (errno != EEXIST) {
      return ErrnoStatus(errno, "create directory", path);
    }
    UniqueFd fd(OpenDirAt(dir.fd.get(), folder));
    if (!fd.valid()) {
      if (errno == ENOENT) return std::optional<DirHandle>();
      return ErrnoStatus(errno, "open directory", path);  // ENOTDIR: "a" is an object.
    }
    dir = DirHandle{std::move(fd), std::move(path)};
  }
  return std::optional<DirHandle>(std::move(dir));
}

Status FolderObjectStore::EnsureBucket(const std::string& bucket) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  if (::mkdirat(root_fd_.get(), bucket.c_str(), kDirMode) == 0) {
    XRONOX_RETURN_IF_ERROR(Fsync(root_fd_.get(), root_));
  } else if (errno != EEXIST) {
    return ErrnoStatus(errno, "create bucket directory", root_ + "/" + bucket);
  }
  XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> dir, OpenBucket(bucket));
  if (!dir) return ErrnoStatus(ENOENT, "open bucket directory", root_ + "/" + bucket);
  return Status::Ok();
}

Status FolderObjectStore::Put(const std::string& bucket, const std::string& key,
                              std::string_view bytes, PutMode mode) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  KeyPath path = SplitKey(key);
  for (int attempt = 0; attempt < kMaxPutAttempts; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> bucket_dir, OpenBucket(bucket));
    if (!bucket_dir) {
      return NotFound("put " + Describe(bucket, key) + ": bucket does not exist; ensure it first");
    }
    XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> dir,
                            MakeFolders(std::move(*bucket_dir), path.folders));
    if (!dir) continue;
    XRONOX_ASSIGN_OR_RETURN(bool done, PutOnce(*dir, path.name, bytes, mode));
    if (done) return Status::Ok();
  }
  return Unavailable("put " + Describe(bucket, key) +
                     ": its directory kept vanishing under concurrent deletes; retry");
}

// Writes `bytes` to a new temp file beside the key and commits it; false when the directory
// or the temp file vanished under us and the Put must start over.
Result<bool> FolderObjectStore::PutOnce(const DirHandle& dir, const std::string& name,
                                        std::string_view bytes, PutMode mode) const {
  std::string temp = NewTempName();
  std::string temp_path = dir.path + "/" + temp;
  UniqueFd fd(::openat(dir.fd.get(), temp.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode));
  if (!fd.valid()) {
    if (errno == ENOENT) return false;
    return ErrnoStatus(errno, "create temp file", temp_path);
  }
  TempFileGuard guard(dir.fd.get(), temp);
  XRONOX_RETURN_IF_ERROR(WriteAll(fd.get(), bytes, temp_path));
  XRONOX_RETURN_IF_ERROR(Fsync(fd.get(), temp_path));
  if (fd.Close() != 0) return ErrnoStatus(errno, "close", temp_path);
  XRONOX_ASSIGN_OR_RETURN(bool committed, Commit(dir, temp, name, mode));
  if (!committed) return false;
  if (mode == PutMode::kOverwrite) {
    guard.Dismiss();  // Renamed: the temp name no longer exists.
  } else {
    guard.UnlinkNow();  // Linked: drop the temp name before the directory fsync covers both.
  }
  XRONOX_RETURN_IF_ERROR(Fsync(dir.fd.get(), dir.path));
  return true;
}

// Moves the fsynced temp file to the key: rename() replaces atomically, link() fails with
// EEXIST instead of touching an existing object. False when the Put must start over.
Result<bool> FolderObjectStore::Commit(const DirHandle& dir, const std::string& temp,
                                       const std::string& name, PutMode mode) const {
  std::string target = dir.path + "/" + name;
  int fd = dir.fd.get();
  if (mode == PutMode::kOverwrite) {
    if (::renameat(fd, temp.c_str(), fd, name.c_str()) == 0) return true;
    if (errno == ENOENT) return false;
    return ErrnoStatus(errno, "replace object", target);  // EISDIR: a folder of other keys.
  }
  if (::linkat(fd, temp.c_str(), fd, name.c_str(), 0) == 0) return true;
  int err = errno;
  if (err == ENOENT) return false;
  struct stat st;
  if (err == EEXIST && ::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISDIR(st.st_mode)) {
    err = EISDIR;  // Not an existing object but a folder of other keys.
  }
  return ErrnoStatus(err, "create object", target);
}

Result<FolderObjectStore::OpenedFile> FolderObjectStore::OpenObjectFile(
    const std::string& bucket, const std::string& key, const std::string& verb) const {
  KeyPath path = SplitKey(key);
  Status absent = NotFound(verb + " " + Describe(bucket, key) + ": no such object");
  XRONOX_ASSIGN_OR_RETURN(std::vector<DirHandle> chain, OpenFolders(bucket, path.folders));
  if (chain.size() != path.folders.size() + 1) return absent;
  OpenedFile file;
  file.path = chain.back().path + "/" + path.name;
  // O_NONBLOCK: a FIFO someone planted must not hang the read; regular files ignore it.
  file.fd = UniqueFd(::openat(chain.back().fd.get(), path.name.c_str(),
                              O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!file.fd.valid()) {
    if (IsAbsentErrno(errno)) return absent;
    return ErrnoStatus(errno, "open object", file.path);
  }
  struct stat st;
  if (::fstat(file.fd.get(), &st) != 0) return ErrnoStatus(errno, "stat object", file.path);
  if (!S_ISREG(st.st_mode)) return absent;
  file.size = static_cast<int64_t>(st.st_size);
  return file;
}

Result<std::string> FolderObjectStore::Get(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  XRONOX_ASSIGN_OR_RETURN(OpenedFile file, OpenObjectFile(bucket, key, "get"));
  return ReadAll(file.fd.get(), static_cast<size_t>(file.size), file.path);
}

Result<std::optional<ObjectInfo>> FolderObjectStore::Stat(const std::string& bucket,
                                                          const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  KeyPath path = SplitKey(key);
  XRONOX_ASSIGN_OR_RETURN(std::vector<DirHandle> chain, OpenFolders(bucket, path.folders));
  if (chain.size() != path.folders.size() + 1) return std::optional<ObjectInfo>();
  struct stat st;
  if (::fstatat(chain.back().fd.get(), path.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (IsAbsentErrno(errno)) return std::optional<ObjectInfo>();
    return ErrnoStatus(errno, "stat object", chain.back().path + "/" + path.name);
  }
  if (!S_ISREG(st.st_mode)) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(
      ObjectInfo{key, static_cast<int64_t>(st.st_size), MtimeMicros(st)});
}

Status FolderObjectStore::Delete(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  KeyPath path = SplitKey(key);
  XRONOX_ASSIGN_OR_RETURN(std::vector<DirHandle> chain, OpenFolders(bucket, path.folders));
  if (chain.size() != path.folders.size() + 1) return Status::Ok();
  if (::unlinkat(chain.back().fd.get(), path.name.c_str(), 0) != 0) {
    // EISDIR: the key names a folder of other keys, so there is no object to delete.
    if (IsAbsentErrno(errno) || errno == EISDIR) return Status::Ok();
    return ErrnoStatus(errno, "delete object", chain.back().path + "/" + path.name);
  }
  // Remove folders that became empty, innermost first, up to the bucket directory. This stops
  // at the first that is not empty (the usual case); an empty one left is invisible anyway.
  size_t changed = chain.size() - 1;
  while (changed > 0 && ::unlinkat(chain[changed - 1].fd.get(), path.folders[changed - 1].c_str(),
                                   AT_REMOVEDIR) == 0) {
    --changed;
  }
  return Fsync(chain[changed].fd.get(), chain[changed].path);
}

// Opens the deepest folder `prefix` names whole ("a/b/c" -> "a/b/"), under which lies every
// key starting with `prefix`; nullopt when it is absent or no key can start with `prefix`.
Result<std::optional<DirHandle>> FolderObjectStore::OpenPrefixFolder(
    const std::string& bucket, const std::string& prefix) const {
  std::vector<std::string> folders;
  if (size_t slash = prefix.rfind('/'); slash != std::string::npos) {
    KeyPath start = SplitKey(prefix.substr(0, slash));
    folders = std::move(start.folders);
    folders.push_back(std::move(start.name));
  }
  for (const std::string& folder : folders) {
    // No key can match, and a ".." must not lead the walk out of the bucket.
    if (!ObjectKeySegmentProblem(folder).empty()) return std::optional<DirHandle>();
  }
  XRONOX_ASSIGN_OR_RETURN(std::vector<DirHandle> chain, OpenFolders(bucket, folders));
  if (chain.size() != folders.size() + 1) return std::optional<DirHandle>();
  return std::optional<DirHandle>(std::move(chain.back()));
}

Result<ListPage> FolderObjectStore::List(const std::string& bucket, const std::string& prefix,
                                         const std::string& continuation, int limit) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateListLimit(limit));
  XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> start, OpenPrefixFolder(bucket, prefix));
  if (!start) return ListPage{};
  FolderLister lister(prefix, continuation, limit);
  XRONOX_RETURN_IF_ERROR(lister.Walk(*start, PrefixFolderKey(prefix)));
  return lister.TakePage();
}

Result<std::vector<std::string>> FolderObjectStore::Leftovers(const std::string& bucket,
                                                              const std::string& prefix,
                                                              TimestampMicros older_than,
                                                              bool remove) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  XRONOX_ASSIGN_OR_RETURN(std::optional<DirHandle> start, OpenPrefixFolder(bucket, prefix));
  StraySweep sweep{
      .match = bucket + "/" + prefix, .older_than = older_than, .remove = remove, .found = {}};
  if (start) {
    XRONOX_RETURN_IF_ERROR(
        SweepStrayTempFiles(*start, bucket + "/" + PrefixFolderKey(prefix), sweep).status());
  }
  std::sort(sweep.found.begin(), sweep.found.end());
  return std::move(sweep.found);
}

}  // namespace xronox::store
