// Ordered listing of a folder-store bucket: a depth-first walk that visits each directory's
// entries in key byte order and stops as soon as a page is full.
// Thread-safety: a FolderLister is used by one thread; many may walk one tree at once.
#pragma once

#include <string>
#include <vector>

#include "store/object/fs/posix_io.h"
#include "store/object/object_store.h"

namespace xronox::store {

/// Collect one List page from a directory tree whose files are objects.
class FolderLister {
 public:
  /// List keys starting with `prefix`, strictly after `continuation`, at most `limit`.
  FolderLister(std::string prefix, std::string continuation, int limit)
      : prefix_(std::move(prefix)), continuation_(std::move(continuation)), limit_(limit) {}

  /// Walk `dir`, whose keys all start with `key_prefix` ("" for the bucket, else "a/b/").
  /// Skips temp files, symlinks and names no valid key could have.
  Status Walk(const DirHandle& dir, const std::string& key_prefix);
  /// Return the page collected so far, with `next` set when more keys remain.
  ListPage TakePage();

 private:
  struct Item {
    std::string sort_name;  // Entry name, plus '/' for a directory: keys sort this way.
    std::string name;
    bool is_dir;
  };

  bool Full() const { return static_cast<int>(objects_.size()) > limit_; }
  bool SubtreeMayMatch(const std::string& folder_key) const;
  bool KeyMatches(const std::string& key) const;
  Status VisitFile(const DirHandle& dir, const Item& item, const std::string& key);
  Status VisitDirectory(const DirHandle& dir, const Item& item, const std::string& folder_key);

  const std::string prefix_;
  const std::string continuation_;
  const int limit_;
  std::vector<ObjectInfo> objects_;  // Up to limit_ + 1, to tell whether more remain.
};

}  // namespace xronox::store
