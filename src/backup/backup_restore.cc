// Restoring a backup into a collection: each backed-up record is written as a put (on runtime
// a new version whose actor and reason name the backup); with `exact`, records the backup does
// not hold are deleted, found by walking the collection's ids beside the backup's, both in id
// order, so memory stays bounded whatever the sizes.
#include <functional>

#include "backup/backup_service.h"
#include "backup/zstd_stream.h"
#include "common/json_codec.h"
#include "engine/keys.h"
#include "xronox/content.h"

namespace xronox {

namespace {

constexpr int kIdPage = 500;

// The ids of a collection in id order, a page at a time.
class IdWalk {
 public:
  explicit IdWalk(const Binding& b) : b_(b) {}

  // Call `extra` for every id before `bound` (every id left, without one) and step past
  // `bound` itself.
  Status Until(const std::string* bound, const std::function<Status(const std::string&)>& extra) {
    while (true) {
      if (next_ == ids_.size()) {
        if (done_) return Status::Ok();
        XRONOX_RETURN_IF_ERROR(Fetch());
        continue;
      }
      const std::string& id = ids_[next_];
      if (bound != nullptr && id > *bound) return Status::Ok();
      ++next_;
      if (bound != nullptr && id == *bound) return Status::Ok();
      XRONOX_RETURN_IF_ERROR(extra(id));
    }
  }

 private:
  Status Fetch() {
    XRONOX_ASSIGN_OR_RETURN(auto heads, b_.hot->ScanHeads(b_.ref, after_, kIdPage, {}, false));
    ids_.clear();
    next_ = 0;
    for (const store::HeadRow& head : heads) ids_.push_back(head.id);
    done_ = static_cast<int>(heads.size()) < kIdPage;
    if (!ids_.empty()) after_ = ids_.back();
    return Status::Ok();
  }

  const Binding& b_;
  std::vector<std::string> ids_;
  size_t next_ = 0;
  std::string after_;
  bool done_ = false;
};

class Restorer {
 public:
  Restorer(Engine& engine, const Binding& source, const Binding& into, const BackupManifest& m,
           const RestoreOptions& options, RestoreReport& report, bool into_exists)
      : engine_(engine),
        source_(source),
        into_(into),
        options_(options),
        report_(report),
        into_exists_(into_exists),
        walk_(into),
        blobs_folder_(m.with_content ? BackupRoot(source) + m.id + "/" : "") {
    write_.actor = options.write.actor.empty() ? "xronox-restore" : options.write.actor;
    write_.on_behalf_of = options.write.on_behalf_of;
    write_.reason = "restore of backup " + m.id + " of " + TargetPath(m.target);
    if (!options.write.reason.empty()) write_.reason += ": " + options.write.reason;
  }

  Status Apply(const std::string& line) {
    XRONOX_ASSIGN_OR_RETURN(Json record, ParseJsonObject(line, "backed-up record"));
    ReleaseOnExit release(record);
    if (!record["id"].is_string() || !record["data"].is_object()) {
      return Corruption("a backed-up record has no id or data");
    }
    std::string id = record["id"].get<std::string>();
    if (options_.exact) XRONOX_RETURN_IF_ERROR(DeleteUntil(&id));
    if (options_.dry_run) return Compare(id, record["data"]);
    XRONOX_ASSIGN_OR_RETURN(bool refs, EnsureContent(id, record["data"]));
    WriteIntent intent;
    intent.kind = WriteIntent::Kind::kPut;
    intent.body = std::move(record["data"]);
    intent.sets_content = refs;
    intent.restores_backup = true;
    XRONOX_ASSIGN_OR_RETURN(WriteResult result, engine_.Write(into_, id, intent, write_));
    Count(result.created, result.unchanged);
    return Status::Ok();
  }

  // With `exact`: delete whatever follows the backup's last record.
  Status Finish() { return options_.exact ? DeleteUntil(nullptr) : Status::Ok(); }

 private:
  void Count(bool created, bool unchanged) {
    ++(created ? report_.created : unchanged ? report_.unchanged : report_.replaced);
  }

  Status Compare(const std::string& id, const Json& data) {
    if (!into_exists_) {
      Count(/*created=*/true, false);
      return Status::Ok();
    }
    Result<Record> current = engine_.Get(into_, id, {});
    if (!current.ok() && current.status().code() != StatusCode::kNotFound) return current.status();
    Count(!current.ok(), current.ok() && current->data == data);
    return Status::Ok();
  }

  Status DeleteUntil(const std::string* bound) {
    if (!into_exists_) return Status::Ok();
    return walk_.Until(bound, [this](const std::string& id) -> Status {
      ++report_.deleted;
      if (options_.dry_run) return Status::Ok();
      WriteIntent intent;
      intent.kind = WriteIntent::Kind::kDelete;
      Result<WriteResult> deleted = engine_.Write(into_, id, intent, write_);
      return deleted.ok() || deleted.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                                              : deleted.status();
    });
  }

  // Every content reference of `data` must name a blob stored for this record in the target
  // collection; one stored in the backup, or for the record in the backed-up collection, is
  // copied there. Returns whether `data` holds any reference.
  Result<bool> EnsureContent(const std::string& id, const Json& data) {
    auto references = ContentReferences(data);
    for (const auto& [property, info] : references) {
      std::string to_key = ContentKey(into_, id, property, info.sha256);
      XRONOX_ASSIGN_OR_RETURN(auto stored,
                              into_.objects->Stat(into_.database.buckets.content, to_key));
      if (stored) continue;
      XRONOX_ASSIGN_OR_RETURN(bool copied, CopyFromBackup(info.sha256, to_key));
      if (copied) continue;
      std::string from_key = ContentKey(source_, id, property, info.sha256);
      Result<int64_t> from_collection =
          CopyObject(*source_.objects, source_.database.buckets.content, from_key, *into_.objects,
                     into_.database.buckets.content, to_key);
      if (from_collection.ok()) continue;
      if (from_collection.status().code() != StatusCode::kNotFound) {
        return from_collection.status();
      }
      return FailedPrecondition("record '" + id + "': the content of '" + property.substr(0, 64) +
                                "' (sha256 " + info.sha256 +
                                ") is stored neither in the target collection, nor in the "
                                "backed-up one, nor in the backup (back up --with-content)")
          .WithReason("content_missing");
    }
    return !references.empty();
  }

  // Copies a blob from the backup, when it holds content; false when it does not have it.
  Result<bool> CopyFromBackup(const std::string& sha256, const std::string& to_key) {
    if (blobs_folder_.empty()) return false;
    Result<int64_t> copied = CopyObject(*source_.objects, source_.database.buckets.backups,
                                        BackupBlobKey(blobs_folder_, sha256), *into_.objects,
                                        into_.database.buckets.content, to_key);
    if (copied.status().code() == StatusCode::kNotFound) return false;
    XRONOX_RETURN_IF_ERROR(copied.status());
    return true;
  }

  Engine& engine_;
  const Binding& source_;
  const Binding& into_;
  const RestoreOptions& options_;
  RestoreReport& report_;
  bool into_exists_;
  WriteOptions write_;
  IdWalk walk_;
  std::string blobs_folder_;  // The backup's run folder when it holds content; else empty.
};

}  // namespace

Result<RestoreReport> BackupService::Restore(const Binding& source, const std::string& backup_id,
                                             const Binding& into, const RestoreOptions& options,
                                             bool into_exists) {
  XRONOX_RETURN_IF_ERROR(CheckBackupsKept(into));
  if (into.append_only) {
    return NotSupported("logs are append-only: nothing is restored into them")
        .WithReason("no_backups");
  }
  XRONOX_ASSIGN_OR_RETURN(BackupManifest m, Find(source, backup_id));
  // A damaged backup is refused before anything is written: every part's bytes must be those
  // the manifest names (each line is parsed as it is restored).
  std::string folder = BackupRoot(source) + m.id + "/";
  std::vector<std::string> problems;
  for (const BackupPart& part : m.parts) {
    XRONOX_RETURN_IF_ERROR(CheckPart(source, folder, part, PartCheck::kBytes, &problems));
  }
  if (!problems.empty()) {
    return Corruption("backup " + m.id + " is damaged, nothing was restored: " + problems.front());
  }
  RestoreReport report;
  report.backup_id = m.id;
  report.records = m.records;
  report.dry_run = options.dry_run;
  Restorer restorer(engine_, source, into, m, options, report, into_exists);
  BackupProgress progress{0, 0, m.records};
  for (const BackupPart& part : m.parts) {
    XRONOX_ASSIGN_OR_RETURN(auto reader, source.objects->OpenRead(source.database.buckets.backups,
                                                                  folder + part.name, 0, -1));
    ZstdLineReader lines(std::move(reader), kMaxBackupLineBytes);
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(std::optional<std::string> line, lines.NextLine());
      if (!line) break;
      XRONOX_RETURN_IF_ERROR(restorer.Apply(*line));
      ++progress.records;
      progress.bytes += static_cast<int64_t>(line->size()) + 1;
    }
    if (lines.stored_sha256() != part.sha256) {
      return Corruption("part " + part.name + " of backup " + m.id +
                        " changed while it was restored");
    }
    if (options.on_progress) options.on_progress(progress);
  }
  XRONOX_RETURN_IF_ERROR(restorer.Finish());
  if (m.parts.empty() && options.on_progress) options.on_progress(progress);
  return report;
}

}  // namespace xronox
