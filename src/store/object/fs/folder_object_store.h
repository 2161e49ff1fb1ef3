// FolderObjectStore: an ObjectStore over a local directory, one subdirectory per bucket and
// one file per object (layout: docs/formats/folder-object-store.md).
// Thread-safety: safe to call from many threads at once, and from many processes sharing
// one root.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object/fs/posix_io.h"
#include "store/object/object_store.h"

namespace xronox::store {

/// Objects as files under `root/<bucket>/<key>`. Writes go to a temp file in the key's
/// directory, are fsynced, then renamed (overwrite) or hard-linked (create-only) into place
/// and the directory is fsynced, so a crash leaves the old object, the whole new one, or a
/// stray temp file; never a partial object. No symlink below a bucket directory is followed.
/// Because keys are paths, a key cannot also be the folder of other keys ("a" and "a/b"
/// cannot coexist): the second Put fails with FailedPrecondition.
class FolderObjectStore final : public ObjectStore {
 public:
  /// Open the store rooted at `root`, creating the directory (and missing parents) if absent.
  static Result<std::unique_ptr<FolderObjectStore>> Open(const std::string& root);

  Status EnsureBucket(const std::string& bucket) override;
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             PutMode mode) override;
  Result<std::string> Get(const std::string& bucket, const std::string& key) override;
  Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                         const std::string& key) override;
  Status Delete(const std::string& bucket, const std::string& key) override;
  Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                        const std::string& continuation, int limit) override;

  /// Report (as "bucket/dir/.xronox-tmp-...") the temp files crashed writes left in `bucket`
  /// below `prefix`; with `remove`, also delete them and the folders they leave empty. Pass a
  /// cut-off well before any write still in flight.
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override;

  /// Stream into a temp file beside the key (bytes go straight to the file: no buffer beyond
  /// the caller's chunk), then at Commit fsync it and rename or link it into place as Put does.
  /// A crash leaves a temp file that Leftovers reports.
  Result<std::unique_ptr<ObjectWriter>> BeginWrite(const std::string& bucket,
                                                   const std::string& key, PutMode mode) override;
  /// Read the range from one open file (a concurrent overwrite does not change what it reads).
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& bucket, const std::string& key,
                                                 int64_t offset, int64_t length) override;
  /// A hard link (objects are never changed in place, so both names keep their bytes):
  /// link(2) for kCreateOnly, link to a temp name then rename(2) for kOverwrite.
  Status Copy(const std::string& bucket, const std::string& from, const std::string& to,
              PutMode mode) override;

  /// The root directory, as given to Open.
  const std::string& root() const { return root_; }

 private:
  // A key split at '/': the folders leading to it, then its file name.
  struct KeyPath {
    std::vector<std::string> folders;
    std::string name;
  };

  class Writer;  // folder_streams.cc

  // An object's file, open for reading.
  struct OpenedFile {
    UniqueFd fd;
    std::string path;
    int64_t size = 0;
  };

  FolderObjectStore(std::string root, UniqueFd root_fd)
      : root_(std::move(root)), root_fd_(std::move(root_fd)) {}

  static KeyPath SplitKey(const std::string& key);
  Result<std::optional<DirHandle>> OpenBucket(const std::string& bucket) const;
  Result<std::optional<DirHandle>> OpenPrefixFolder(const std::string& bucket,
                                                    const std::string& prefix) const;
  Result<std::vector<DirHandle>> OpenFolders(const std::string& bucket,
                                             const std::vector<std::string>& folders) const;
  Result<std::optional<DirHandle>> MakeFolders(DirHandle dir,
                                               const std::vector<std::string>& folders) const;
  Result<bool> PutOnce(const DirHandle& dir, const std::string& name, std::string_view bytes,
                       PutMode mode) const;
  Result<bool> Commit(const DirHandle& dir, const std::string& temp, const std::string& name,
                      PutMode mode) const;
  // Open the regular file of bucket/key; NotFound ("<verb> bucket/key: no such object") when
  // it, its folders or its bucket are absent, or it is not a regular file.
  Result<OpenedFile> OpenObjectFile(const std::string& bucket, const std::string& key,
                                    const std::string& verb) const;
  // The key's directory, created as needed; NotFound when the bucket is missing.
  Result<DirHandle> KeyFolder(const std::string& bucket, const std::string& key,
                              const KeyPath& path) const;
  // One attempt of Copy into `to_dir`; false when the Copy must start over.
  Result<bool> LinkOnce(const DirHandle& from_dir, const std::string& from_name,
                        const DirHandle& to_dir, const std::string& to_name, PutMode mode) const;

  const std::string root_;
  const UniqueFd root_fd_;
};

}  // namespace xronox::store
