// The backups of a collection: listing run folders, finding a manifest by id, and re-reading
// parts to check them.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "backup/backup_service.h"
#include "backup/zstd_stream.h"
#include "common/json_codec.h"
#include "common/names.h"
#include "router/key_scopes.h"

namespace xronox {

namespace {

constexpr size_t kMaxRunBytes = 64;

bool IsDay(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(day[i]))) return false;
  }
  return true;
}

bool IsRun(std::string_view run) {
  return !run.empty() && run.size() <= kMaxRunBytes &&
         std::all_of(run.begin(), run.end(), [](unsigned char c) {
           return std::isdigit(c) || (c >= 'a' && c <= 'f') || c == '-';
         });
}

Status BadBackupId(const std::string& id) {
  return InvalidArgument("backup id '" + id.substr(0, 80) +
                         "' is not 'latest', a day (YYYY-MM-DD) or a day and run "
                         "(YYYY-MM-DD/HHMMSS-ffffff-xxxxxx) as `backup list` prints them");
}

Result<BackupManifest> ReadManifest(const Binding& b, const std::string& key,
                                    const std::string& missing) {
  Result<std::string> text = b.objects->Get(b.database.buckets.backups, key);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return NotFound(missing);
    return text.status();
  }
  return ParseManifest(*text, key);
}

// One line of a part: a record object with a string id, after `previous` in id order.
std::string CheckLine(const std::string& line, const std::string& previous, std::string* id) {
  Result<Json> record = ParseJsonStrict(line);
  if (!record.ok() || !record->is_object() || !record->contains("id") ||
      !(*record)["id"].is_string() || !record->contains("data")) {
    return "a line is not a record";
  }
  *id = (*record)["id"].get<std::string>();
  if (!previous.empty() && *id <= previous) return "records are out of id order at '" + *id + "'";
  return "";
}

}  // namespace

Status ForEachBackupObject(const Binding& b, const std::string& prefix,
                           const std::function<Status(const store::ObjectInfo&)>& visit) {
  std::string continuation;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(
        store::ListPage page,
        b.objects->List(b.database.buckets.backups, prefix, continuation, kBackupListPage));
    for (const store::ObjectInfo& object : page.objects) XRONOX_RETURN_IF_ERROR(visit(object));
    if (!page.next) return Status::Ok();
    continuation = std::move(*page.next);
  }
}

Status CheckPart(const Binding& b, const std::string& folder, const BackupPart& part,
                 PartCheck depth, std::vector<std::string>* problems) {
  std::string where = "part " + part.name + ": ";
  auto reader = b.objects->OpenRead(b.database.buckets.backups, folder + part.name, 0, -1);
  if (!reader.ok()) {
    if (reader.status().code() != StatusCode::kNotFound) return reader.status();
    problems->push_back(where + "missing");
    return Status::Ok();
  }
  ZstdLineReader lines(std::move(reader).value(), kMaxBackupLineBytes);
  int64_t records = 0;
  std::string first, last;
  while (true) {
    Result<std::optional<std::string>> line = lines.NextLine();
    if (!line.ok()) {
      if (line.status().code() != StatusCode::kCorruption &&
          line.status().code() != StatusCode::kResourceExhausted) {
        return line.status();
      }
      problems->push_back(where + line.status().message());
      return Status::Ok();
    }
    if (!*line) break;
    if (depth == PartCheck::kBytes) {
      ++records;
      continue;
    }
    std::string id;
    if (std::string bad = CheckLine(**line, last, &id); !bad.empty()) {
      problems->push_back(where + bad);
      return Status::Ok();
    }
    if (records++ == 0) first = id;
    last = std::move(id);
  }
  if (lines.stored_sha256() != part.sha256 || lines.stored_bytes() != part.stored_bytes) {
    problems->push_back(where + "its bytes do not match the manifest's sha256 and size");
  }
  bool ids_differ =
      depth == PartCheck::kRecords && (first != part.first_id || last != part.last_id);
  if (records != part.records || lines.raw_bytes() != part.bytes || ids_differ) {
    problems->push_back(where + "holds " + std::to_string(records) +
                        " records, the manifest says " + std::to_string(part.records));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> BackupService::Collections(const Binding& b) {
  XRONOX_RETURN_IF_ERROR(CheckBackupsKept(b));
  return ListCollectionFolders(*b.objects, b.database.buckets.backups, b.prefixes.backups,
                               kBackupListPage);
}

Result<BackupList> BackupService::List(const Binding& b) {
  XRONOX_RETURN_IF_ERROR(CheckBackupsKept(b));
  std::string root = BackupRoot(b);
  std::map<std::string, IncompleteBackup> runs;  // By id.
  std::map<std::string, bool> has_manifest;
  std::vector<std::string> days;
  XRONOX_RETURN_IF_ERROR(ForEachBackupObject(b, root, [&](const store::ObjectInfo& object) {
    std::string rest = object.key.substr(root.size());
    size_t slash = rest.find('/');
    if (slash != 10 || !IsDay(rest.substr(0, 10))) return Status::Ok();
    std::string after_day = rest.substr(11);
    if (after_day == "snapshot.json") days.push_back(rest.substr(0, 10));
    size_t run_end = after_day.find('/');
    if (run_end == std::string::npos || !IsRun(after_day.substr(0, run_end))) return Status::Ok();
    std::string id = rest.substr(0, 11 + run_end);
    IncompleteBackup& run = runs[id];
    run.id = id;
    ++run.objects;
    run.last_modified = std::max(run.last_modified, object.modified_at);
    if (after_day.substr(run_end + 1) == "manifest.json") has_manifest[id] = true;
    return Status::Ok();
  }));
  std::map<std::string, std::string> snapshot_of_day;
  for (const std::string& day : days) {
    std::string key = root + day + "/snapshot.json";
    Result<BackupManifest> named = ReadManifest(b, key, key);
    if (named.ok()) snapshot_of_day[day] = named->id;
  }
  BackupList list;
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    if (!has_manifest[it->first]) {
      list.incomplete.push_back(it->second);
      continue;
    }
    std::string key = root + it->first + "/manifest.json";
    XRONOX_ASSIGN_OR_RETURN(BackupManifest manifest, ReadManifest(b, key, key));
    manifest.day_snapshot = snapshot_of_day[it->first.substr(0, 10)] == manifest.id;
    list.complete.push_back(std::move(manifest));
  }
  return list;
}

Result<BackupManifest> BackupService::Find(const Binding& b, const std::string& backup_id) {
  XRONOX_RETURN_IF_ERROR(CheckBackupsKept(b));
  std::string root = BackupRoot(b);
  std::string what = "collection '" + b.ref.collection + "'";
  if (backup_id == "latest") {
    XRONOX_ASSIGN_OR_RETURN(BackupList list, List(b));
    if (list.complete.empty()) return NotFound(what + " has no complete backup");
    return std::move(list.complete.front());
  }
  if (IsDay(backup_id)) {
    XRONOX_ASSIGN_OR_RETURN(BackupManifest manifest,
                            ReadManifest(b, root + backup_id + "/snapshot.json",
                                         what + " has no complete backup of " + backup_id));
    manifest.day_snapshot = true;
    return manifest;
  }
  size_t slash = backup_id.find('/');
  if (slash != 10 || !IsDay(backup_id.substr(0, 10)) || !IsRun(backup_id.substr(11))) {
    return BadBackupId(backup_id);
  }
  XRONOX_ASSIGN_OR_RETURN(BackupManifest manifest,
                          ReadManifest(b, root + backup_id + "/manifest.json",
                                       what + " has no complete backup " + backup_id));
  if (manifest.id != backup_id) {
    return Corruption("backup manifest of " + backup_id + " names another backup");
  }
  return manifest;
}

Result<BackupCheck> BackupService::Verify(const Binding& b, const std::string& backup_id) {
  XRONOX_ASSIGN_OR_RETURN(BackupManifest manifest, Find(b, backup_id));
  std::string folder = BackupRoot(b) + manifest.id + "/";
  BackupCheck check;
  int64_t records = 0;
  for (const BackupPart& part : manifest.parts) {
    XRONOX_RETURN_IF_ERROR(CheckPart(b, folder, part, PartCheck::kRecords, &check.problems));
    ++check.parts_checked;
    records += part.records;
  }
  check.records_checked = records;
  XRONOX_RETURN_IF_ERROR(CheckBlobs(b, folder, manifest, &check.problems));
  if (records != manifest.records) {
    check.problems.push_back("the parts hold " + std::to_string(records) +
                             " records, the manifest says " + std::to_string(manifest.records));
  }
  return check;
}

}  // namespace xronox
