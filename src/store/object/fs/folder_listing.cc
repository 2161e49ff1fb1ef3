#include "store/object/fs/folder_listing.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "store/object/fs/errno_status.h"
#include "store/object/object_key.h"

namespace xronox::store {

Status FolderLister::Walk(const DirHandle& dir, const std::string& key_prefix) {
  XRONOX_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ReadDirEntries(dir.fd.get(), dir.path));
  std::vector<Item> items;
  items.reserve(entries.size());
  for (DirEntry& entry : entries) {
    if ((!entry.is_dir && !entry.is_file) || !ObjectKeySegmentProblem(entry.name).empty()) {
      continue;  // Temp files, symlinks and names no key could produce are not objects.
    }
    std::string sort_name = entry.is_dir ? entry.name + "/" : entry.name;
    items.push_back(Item{std::move(sort_name), std::move(entry.name), entry.is_dir});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.sort_name < b.sort_name; });
  for (const Item& item : items) {
    if (Full()) break;
    std::string key = key_prefix + item.sort_name;
    if (item.is_dir) {
      XRONOX_RETURN_IF_ERROR(VisitDirectory(dir, item, key));
    } else {
      XRONOX_RETURN_IF_ERROR(VisitFile(dir, item, key));
    }
  }
  return Status::Ok();
}

ListPage FolderLister::TakePage() {
  ListPage page;
  if (Full()) {
    objects_.resize(limit_);
    page.next = objects_.back().key;
  }
  page.objects = std::move(objects_);
  objects_.clear();
  return page;
}

// Every key below `folder_key` ("a/b/") starts with it; the subtree matters only when such
// keys can start with the prefix and can sort after the continuation.
bool FolderLister::SubtreeMayMatch(const std::string& folder_key) const {
  if (folder_key.size() >= kMaxObjectKeyBytes) return false;
  if (!prefix_.starts_with(folder_key) && !folder_key.starts_with(prefix_)) return false;
  return folder_key >= continuation_ || continuation_.starts_with(folder_key);
}

bool FolderLister::KeyMatches(const std::string& key) const {
  return key.starts_with(prefix_) && key > continuation_ && ValidateObjectKey(key).ok();
}

Status FolderLister::VisitFile(const DirHandle& dir, const Item& item, const std::string& key) {
  if (!KeyMatches(key)) return Status::Ok();
  struct stat st;
  if (::fstatat(dir.fd.get(), item.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (IsAbsentErrno(errno)) return Status::Ok();  // Deleted while we listed.
    return ErrnoStatus(errno, "stat", dir.path + "/" + item.name);
  }
  if (S_ISREG(st.st_mode)) {
    objects_.push_back(ObjectInfo{key, static_cast<int64_t>(st.st_size), MtimeMicros(st)});
  }
  return Status::Ok();
}

Status FolderLister::VisitDirectory(const DirHandle& dir, const Item& item,
                                    const std::string& folder_key) {
  if (!SubtreeMayMatch(folder_key)) return Status::Ok();
  std::string path = dir.path + "/" + item.name;
  DirHandle child{UniqueFd(OpenDirAt(dir.fd.get(), item.name)), path};
  if (!child.fd.valid()) {
    if (IsAbsentErrno(errno)) return Status::Ok();  // Removed (emptied) while we listed.
    return ErrnoStatus(errno, "open directory", path);
  }
  return Walk(child, folder_key);
}

}  // namespace xronox::store
