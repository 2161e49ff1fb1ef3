// Taking a backup: the collection's records through the engine, in id order, into compressed
// parts; then the manifest, written only once every part has read back whole.
#include <memory>

#include "backup/backup_service.h"
#include "backup/zstd_stream.h"
#include "common/clock.h"
#include "common/hash.h"
#include "common/ids.h"

namespace xronox {

namespace {

constexpr int kZstdLevel = 3;
constexpr int kScanBatch = 500;

// "{HHMMSS}-{microseconds}-{random}": run folders of one day sort by their start.
std::string RunId(TimestampMicros started) {
  std::string time = FormatRfc3339(started);  // YYYY-MM-DDTHH:MM:SS.ffffffZ
  std::string run;
  for (char c : time.substr(11, 8)) {
    if (c != ':') run += c;
  }
  return run + "-" + time.substr(20, 6) + "-" + RandomHex(3);
}

std::string Fingerprint(const Binding& b) {
  const DatabaseConfig& d = b.database;
  Json json = {
      {"type", DatabaseTypeName(d.type)},
      {"tenant", d.tenant_id},
      {"dbName", d.db_name},
      {"buckets", {d.buckets.records, d.buckets.versions, d.buckets.content, d.buckets.backups}},
      {"prefixes",
       {b.prefixes.records, b.prefixes.versions, b.prefixes.content, b.prefixes.backups}},
      {"indexedProps", b.indexed_props}};
  return Sha256Hex(json.dump());
}

std::string PartName(size_t index) {
  std::string number = std::to_string(index);
  return "part-" + std::string(number.size() < 6 ? 6 - number.size() : 0, '0') + number +
         ".ndjson.zst";
}

// The part being written and what it holds so far.
struct OpenPart {
  std::unique_ptr<ZstdObjectWriter> writer;
  BackupPart part;
};

class PartWriter {
 public:
  PartWriter(const Binding& b, std::string folder, BackupManifest& manifest,
             const BackupOptions& options, int64_t total)
      : b_(b), folder_(std::move(folder)), manifest_(manifest), options_(options) {
    progress_.total_records = total;
  }

  Status Add(const Record& record) {
    if (open_ && open_->writer->raw_bytes() >= kBackupPartBytes) XRONOX_RETURN_IF_ERROR(Close());
    if (!open_) XRONOX_RETURN_IF_ERROR(Open());
    std::string line = RecordToJsonText(record);
    line += '\n';
    XRONOX_RETURN_IF_ERROR(open_->writer->Write(line));
    if (options_.with_content)
      XRONOX_RETURN_IF_ERROR(BackUpContent(b_, folder_, record, manifest_));
    if (open_->part.records++ == 0) open_->part.first_id = record.id;
    open_->part.last_id = record.id;
    return Status::Ok();
  }

  // Commit the open part, if any, and add it to the manifest.
  Status Close() {
    if (!open_) return Status::Ok();
    XRONOX_RETURN_IF_ERROR(open_->writer->Finish());
    BackupPart& part = open_->part;
    part.bytes = open_->writer->raw_bytes();
    part.stored_bytes = open_->writer->stored_bytes();
    part.sha256 = open_->writer->stored_sha256();
    manifest_.records += part.records;
    manifest_.bytes += part.bytes;
    manifest_.stored_bytes += part.stored_bytes;
    manifest_.parts.push_back(std::move(part));
    open_.reset();
    Report();
    return Status::Ok();
  }

  void Report() {
    progress_.records = manifest_.records;
    progress_.bytes = manifest_.bytes;
    if (options_.on_progress) options_.on_progress(progress_);
  }

 private:
  Status Open() {
    std::string name = PartName(manifest_.parts.size() + 1);
    XRONOX_ASSIGN_OR_RETURN(auto out,
                            b_.objects->BeginWrite(b_.database.buckets.backups, folder_ + name,
                                                   store::PutMode::kCreateOnly));
    open_ = std::make_unique<OpenPart>();
    open_->writer = std::make_unique<ZstdObjectWriter>(std::move(out), kZstdLevel);
    open_->part.name = name;
    return Status::Ok();
  }

  const Binding& b_;
  std::string folder_;
  BackupManifest& manifest_;
  const BackupOptions& options_;
  std::unique_ptr<OpenPart> open_;
  BackupProgress progress_;
};

// Replace the day's snapshot.json unless it already names a backup that started later (two
// runs of one day that overlap).
Status WriteDaySnapshot(const Binding& b, const BackupManifest& manifest) {
  std::string key = BackupRoot(b) + manifest.id.substr(0, 10) + "/snapshot.json";
  const std::string& bucket = b.database.buckets.backups;
  Result<std::string> current = b.objects->Get(bucket, key);
  if (current.ok()) {
    Result<BackupManifest> named = ParseManifest(*current, key);
    if (named.ok() && named->started_at > manifest.started_at) return Status::Ok();
  } else if (current.status().code() != StatusCode::kNotFound) {
    return current.status();
  }
  return b.objects->Put(bucket, key, ManifestText(manifest), store::PutMode::kOverwrite);
}

}  // namespace

Status CheckBackupsKept(const Binding& b) {
  if (b.target.database_type == DatabaseType::kLogs) {
    return NotSupported("logs keep no backups: log records are aged out by retention, not restored")
        .WithReason("no_backups");
  }
  if (b.objects == nullptr) {
    return NotSupported("backups need an object store, and this database has none");
  }
  return Status::Ok();
}

std::string BackupRoot(const Binding& b) {
  const std::string& prefix = b.prefixes.backups;
  return (prefix.empty() ? "" : prefix + "/") + b.ref.collection + "/";
}

Result<BackupManifest> BackupService::Create(const Binding& b, const BackupOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckBackupsKept(b));
  BackupManifest m;
  m.target = b.target;
  m.versioned = b.versioned;
  m.started_at = engine_.clock()->NowMicros();
  if (options.as_of && !b.versioned) {
    return InvalidArgument("a backup as of a time needs a runtime collection (with versions)")
        .WithReason("not_versioned");
  }
  if (options.as_of && *options.as_of > m.started_at) {
    return InvalidArgument("a backup cannot be as of a time in the future");
  }
  std::optional<TimestampMicros> as_of;
  if (b.versioned) as_of = m.as_of = options.as_of.value_or(m.started_at);
  m.id = FormatRfc3339(m.started_at).substr(0, 10) + "/" + RunId(m.started_at);
  m.config_fingerprint = Fingerprint(b);
  m.with_content = options.with_content;
  std::string folder = BackupRoot(b) + m.id + "/";
  XRONOX_ASSIGN_OR_RETURN(CollectionCounts counts, b.hot->GetCounts(b.ref));
  PartWriter parts(b, folder, m, options, as_of ? -1 : counts.live);
  std::string after;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(ScanPage page, engine_.ScanRecords(b, after, kScanBatch, as_of,
                                                               /*raw_data=*/true));
    for (const Record& record : page.records) XRONOX_RETURN_IF_ERROR(parts.Add(record));
    if (!page.next_after) break;
    after = std::move(*page.next_after);
  }
  XRONOX_RETURN_IF_ERROR(parts.Close());
  m.finished_at = engine_.clock()->NowMicros();
  std::vector<std::string> problems;
  for (const BackupPart& part : m.parts)
    XRONOX_RETURN_IF_ERROR(CheckPart(b, folder, part, PartCheck::kBytes, &problems));
  if (!problems.empty()) {
    return Corruption("backup " + m.id + " did not read back whole: " + problems.front());
  }
  XRONOX_RETURN_IF_ERROR(b.objects->Put(b.database.buckets.backups, folder + "manifest.json",
                                        ManifestText(m), store::PutMode::kCreateOnly));
  XRONOX_RETURN_IF_ERROR(WriteDaySnapshot(b, m));
  m.day_snapshot = true;
  if (m.parts.empty()) parts.Report();
  return m;
}

}  // namespace xronox
