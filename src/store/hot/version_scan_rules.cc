// The rules of HotStore::ScanVersions that every backend shares (hot_store_rules.h): the field
// keys a version is indexed under, the filter's checks and the reference match and order.
#include <algorithm>
#include <set>
#include <tuple>

#include "common/names.h"
#include "store/hot/hot_store_rules.h"

namespace xronox::store {

std::vector<std::string> VersionFieldKeys(const std::string& changed_fields) {
  Json fields = Json::parse(changed_fields, nullptr, /*allow_exceptions=*/false);
  std::set<std::string> keys;
  if (!fields.is_array()) return {};
  for (const Json& field : fields) {
    if (!field.is_string()) continue;
    std::string pointer = field.get<std::string>();
    if (pointer.empty()) continue;
    if (pointer.front() != '/') pointer = "/" + EscapePointer(pointer);  // A top-level name.
    // The field and each field around it: every prefix that ends before a '/'.
    for (size_t slash = pointer.find('/', 1); slash != std::string::npos;
         slash = pointer.find('/', slash + 1)) {
      keys.insert(pointer.substr(0, slash));
    }
    keys.insert(pointer);
    keys.insert("=" + pointer);
    if (keys.size() >= kMaxVersionFieldKeys) break;
  }
  std::vector<std::string> sorted(keys.begin(), keys.end());
  if (sorted.size() > kMaxVersionFieldKeys) sorted.resize(kMaxVersionFieldKeys);
  return sorted;
}

std::vector<std::string> FieldQueryKeys(const std::string& field) {
  std::vector<std::string> keys = {field};
  for (size_t slash = field.find('/', 1); slash != std::string::npos;
       slash = field.find('/', slash + 1)) {
    keys.push_back("=" + field.substr(0, slash));
  }
  return keys;
}

Status ValidateVersionFilter(const VersionFilter& filter) {
  if (!filter.field.empty() && (filter.field.front() != '/' || filter.field.size() > 1024)) {
    return InvalidArgument("a version field is a JSON Pointer of 1-1024 bytes, e.g. /address/city");
  }
  if (filter.from < 0 || filter.to < 0) return InvalidArgument("a version time is not negative");
  if (filter.from != 0 && filter.to != 0 && filter.from > filter.to) {
    return InvalidArgument("from must not be later than to");
  }
  if (filter.actor.size() > 1024) return InvalidArgument("an actor is at most 1024 bytes");
  return Status::Ok();
}

bool VersionScanOrder(const VersionRow& a, const VersionRow& b) {
  return std::tie(a.at, a.id, a.version) > std::tie(b.at, b.id, b.version);
}

std::vector<VersionRow> MergeVersionPages(std::vector<VersionRow> rows, int limit) {
  std::sort(rows.begin(), rows.end(), VersionScanOrder);
  auto same = [](const VersionRow& a, const VersionRow& b) {
    return a.id == b.id && a.version == b.version;
  };
  rows.erase(std::unique(rows.begin(), rows.end(), same), rows.end());
  if (static_cast<int>(rows.size()) > limit) rows.resize(limit);
  return rows;
}

bool VersionMatches(const VersionFilter& filter, const std::optional<VersionPosition>& after,
                    const VersionRow& row) {
  if (!filter.actor.empty() && row.actor != filter.actor) return false;
  if (filter.from != 0 && row.at < filter.from) return false;
  if (filter.to != 0 && row.at >= filter.to) return false;
  if (after &&
      std::tie(row.at, row.id, row.version) >= std::tie(after->at, after->id, after->version)) {
    return false;
  }
  if (filter.field.empty()) return true;
  std::vector<std::string> keys = VersionFieldKeys(row.changed_fields);
  for (const std::string& key : FieldQueryKeys(filter.field)) {
    if (std::binary_search(keys.begin(), keys.end(), key)) return true;
  }
  return false;
}

}  // namespace xronox::store
