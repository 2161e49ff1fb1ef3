// Reads: current state, versions, as-of, history, diff; and rolling forward version
// objects that a dead writer left unindexed.
#include "common/decimal.h"
#include "common/hash.h"
#include "common/json_codec.h"
#include "common/names.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/json_diff.h"
#include "engine/keys.h"
#include "engine/offload_pack.h"
#include "engine/projection.h"

namespace xronox {

Status NotVersioned(const Binding& b, const std::string& what) {
  return InvalidArgument(what + " needs a versioned database type (runtime); " +
                         DatabaseTypeName(b.target.database_type) +
                         " keeps only the current record")
      .WithReason("not_versioned");
}

namespace {

constexpr int kMaxReadAttempts = 8;

Result<Json> ParseStoredData(const std::string& text, const std::string& id) {
  Json data = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (data.is_discarded()) return Corruption("stored data of '" + id + "' is not JSON");
  return data;
}

Result<int64_t> ParseCursor(const std::string& cursor) {
  std::optional<int64_t> version;
  if (!cursor.empty() && cursor[0] == 'v') {
    version = ParseNonNegativeDecimal(std::string_view(cursor).substr(1));
  }
  if (!version) return InvalidArgument("invalid history cursor");
  return *version;
}

}  // namespace

VersionInfo InfoFromRow(const store::VersionRow& row) {
  VersionInfo info;
  info.version = row.version;
  info.op = ParseOperation(row.op).value_or(Operation::kUpdate);
  info.actor = row.actor;
  info.reason = row.reason;
  info.on_behalf_of = row.on_behalf_of;
  info.at = row.at;
  Json fields = Json::parse(row.changed_fields, nullptr, false);
  if (fields.is_array()) {
    for (const auto& f : fields) {
      if (f.is_string()) info.changed_fields.push_back(f.get<std::string>());
    }
  }
  return info;
}

// The object a head named is gone. A writer that shrank the record back inline (or deleted it)
// removes the object after moving the head, so a head read before that is stale: a lost race,
// which readers and writers retry. A head that still names a missing object is corruption.
Status Engine::MissingPayload(const Binding& b, const store::HeadRow& head, const Status& read) {
  if (read.code() != StatusCode::kNotFound) return read;
  XRONOX_ASSIGN_OR_RETURN(auto now, b.hot->GetHead(b.ref, head.id));
  if (!now || now->version != head.version || now->payload_key != head.payload_key) {
    return LostRace("record '" + head.id + "' changed while it was read");
  }
  return Corruption("head of '" + head.id + "' names a missing object: " + read.message());
}

Result<Json> Engine::ReadCurrentData(const Binding& b, const store::HeadRow& head) {
  if (head.deleted) return Json(nullptr);
  if (head.payload_key.empty() || !head.data.empty()) return ParseStoredData(head.data, head.id);
  if (b.versioned) {
    XRONOX_ASSIGN_OR_RETURN(auto row, b.hot->GetVersion(b.ref, head.id, head.version));
    if (!row) return Corruption("head of '" + head.id + "' names a version that is not indexed");
    XRONOX_ASSIGN_OR_RETURN(VersionObject object, ReadVersion(b, *row));
    ReleaseOnExit release(object.data);  // Moved from below; released if anything throws.
    return std::move(object.data);
  }
  Result<std::string> read = b.objects->Get(b.database.buckets.records, head.payload_key);
  if (!read.ok()) return MissingPayload(b, head, read.status());
  std::string text = std::move(read).value();
  if (Sha256Hex(text) != head.payload_hash) {
    // A writer overwrote the object and has not moved the head yet (or died doing so).
    XRONOX_RETURN_IF_ERROR(RecoverLargeClaim(b, head.id));
    return LostRace("record '" + head.id + "' is being written");
  }
  return ParseStoredData(text, head.id);
}

Result<VersionObject> Engine::ReadVersion(const Binding& b, const store::VersionRow& row) {
  auto bytes = b.objects->Get(b.database.buckets.versions, row.payload_key);
  if (!bytes.ok()) {
    if (bytes.status().code() != StatusCode::kNotFound) return bytes.status();
    XRONOX_ASSIGN_OR_RETURN(AgedMark mark, ReadAgedMark(b, row.id));
    if (row.version <= mark.through) return PayloadRemoved(row.id, row.version);
    return Corruption("version " + std::to_string(row.version) + " of '" + row.id +
                      "' is indexed but its object " + row.payload_key + " is missing");
  }
  if (Sha256Hex(*bytes) != row.entry_hash) {
    return Corruption("version object " + row.payload_key + " does not match its hash");
  }
  return DecodeVersionObject(*bytes);
}

Result<store::VersionRow> Engine::FindVersion(const Binding& b, const std::string& id,
                                              const GetOptions& options) {
  std::optional<store::VersionRow> row;
  if (options.version) {
    XRONOX_ASSIGN_OR_RETURN(row, b.hot->GetVersion(b.ref, id, *options.version));
    if (!row)
      return NotFound("record '" + id + "' has no version " + std::to_string(*options.version));
  } else {
    XRONOX_ASSIGN_OR_RETURN(row, b.hot->GetVersionAsOf(b.ref, id, *options.as_of));
    if (!row) return NotFound("record '" + id + "' did not exist at that time");
  }
  return *row;
}

Result<Record> Engine::RecordFromHead(const Binding& b, store::HeadRow head, bool raw_data) {
  if (IsOffloadPointer(head.payload_key)) {
    XRONOX_ASSIGN_OR_RETURN(head, WholeHead(b, std::move(head)));
  }
  Record record;
  if (raw_data && !head.data.empty()) {
    record.data_text = std::move(head.data);  // Inline data is our own compact serialization.
  } else {
    XRONOX_ASSIGN_OR_RETURN(record.data, ReadCurrentData(b, head));
    if (raw_data) {
      ReleaseOnExit release(record.data);
      XRONOX_ASSIGN_OR_RETURN(record.data_text, DumpJson(record.data));
    }
  }
  record.id = head.id;
  record.version = head.version;
  record.deleted = head.deleted;
  record.created_at = head.created_at;
  record.updated_at = head.updated_at;
  record.actor = std::move(head.actor);
  record.reason = std::move(head.reason);
  record.on_behalf_of = std::move(head.on_behalf_of);
  return record;
}

Result<Record> Engine::RecordAtVersion(const Binding& b, const store::VersionRow& row,
                                       std::optional<TimestampMicros> created_at, bool raw_data) {
  XRONOX_ASSIGN_OR_RETURN(VersionObject object, ReadVersion(b, row));
  ReleaseOnExit release_object(object.data);
  Record record{row.id,
                object.version,
                std::move(object.data),
                "",
                object.deleted,
                created_at.value_or(object.at),
                object.at,
                object.actor,
                object.reason,
                object.on_behalf_of};
  if (raw_data) {
    ReleaseOnExit release(record.data);
    XRONOX_ASSIGN_OR_RETURN(record.data_text, DumpJson(record.data));
  }
  return record;
}

Result<Record> Engine::Get(const Binding& b, const std::string& id, const GetOptions& options) {
  XRONOX_RETURN_IF_ERROR(ValidateRecordId(id));
  if (options.version || options.as_of) {
    if (!b.versioned) return NotVersioned(b, "reading a version or as of a time");
    XRONOX_ASSIGN_OR_RETURN(store::VersionRow row, FindVersion(b, id, options));
    XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, id));
    return RecordAtVersion(b, row,
                           head ? std::optional<TimestampMicros>(head->created_at) : std::nullopt,
                           options.raw_data);
  }
  for (int attempt = 0; attempt < kMaxReadAttempts; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, id));
    if (!head || head->deleted) {
      return NotFound("record '" + id + "' not found" + (head ? " (deleted)" : ""));
    }
    auto record = RecordFromHead(b, std::move(*head), options.raw_data);
    if (record.ok() || !IsLostRace(record.status())) return record;
  }
  return Unavailable("record '" + id + "' is being rewritten; retry");
}

Result<HistoryPage> Engine::History(const Binding& b, const std::string& id,
                                    const HistoryOptions& options) {
  XRONOX_RETURN_IF_ERROR(ValidateRecordId(id));
  if (!b.versioned) return NotVersioned(b, "history");
  if (options.limit < 1 || options.limit > 1000) {
    return InvalidArgument("history limit must be between 1 and 1000");
  }
  std::optional<int64_t> start_after;
  if (!options.cursor.empty()) {
    XRONOX_ASSIGN_OR_RETURN(start_after, ParseCursor(options.cursor));
  }
  auto order = options.newest_first ? store::Order::kDescending : store::Order::kAscending;
  XRONOX_ASSIGN_OR_RETURN(auto rows,
                          b.hot->ListVersions(b.ref, id, start_after, options.limit + 1, order));
  if (rows.empty() && !start_after) {
    XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, id));
    if (!head) return NotFound("record '" + id + "' not found");
  }
  AgedMark mark;  // Marks the versions whose payloads retention removed.
  if (!rows.empty()) {
    XRONOX_ASSIGN_OR_RETURN(mark, ReadAgedMark(b, id));
  }
  HistoryPage page;
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < options.limit; ++i) {
    page.versions.push_back(InfoFromRow(rows[i]));
    page.versions.back().payload_removed = rows[i].version <= mark.through;
  }
  if (static_cast<int>(rows.size()) > options.limit) {
    page.next = "v" + std::to_string(page.versions.back().version);
  }
  return page;
}

Result<Json> Engine::Diff(const Binding& b, const std::string& id, int64_t from, int64_t to) {
  XRONOX_RETURN_IF_ERROR(ValidateRecordId(id));
  if (!b.versioned) return NotVersioned(b, "diff");
  GetOptions from_options, to_options;
  from_options.version = from;
  to_options.version = to;
  XRONOX_ASSIGN_OR_RETURN(store::VersionRow from_row, FindVersion(b, id, from_options));
  XRONOX_ASSIGN_OR_RETURN(store::VersionRow to_row, FindVersion(b, id, to_options));
  XRONOX_ASSIGN_OR_RETURN(VersionObject before, ReadVersion(b, from_row));
  ReleaseOnExit release_before(before.data);
  XRONOX_ASSIGN_OR_RETURN(VersionObject after, ReadVersion(b, to_row));
  ReleaseOnExit release_after(after.data);
  // Hidden fields stay out of every diff (docs/formats/hidden-fields.md).
  HideFields(before.data, b.hidden_fields);
  HideFields(after.data, b.hidden_fields);
  return DiffJson(before.data, after.data);
}

Result<int> Engine::RollForward(const Binding& b, const std::string& id, bool rebuilding) {
  int rolled = 0;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, id));
    XRONOX_ASSIGN_OR_RETURN(bool found, RollForwardNext(b, id, head, rebuilding));
    if (!found) return rolled;
    ++rolled;
  }
}

Result<bool> Engine::RollForwardNext(const Binding& b, const std::string& id,
                                     const std::optional<store::HeadRow>& head, bool rebuilding) {
  int64_t next = head ? head->version + 1 : 0;
  std::string key = VersionKey(b, id, next);
  XRONOX_ASSIGN_OR_RETURN(auto claim, PendingVersionClaim(b, id, next));
  if (claim) {
    // A claimed commit whose owner may be gone: write its object (create-only; an object
    // already there is the same version, written by the owner or another roll-forward).
    Status put =
        b.objects->Put(b.database.buckets.versions, key, claim->body, store::PutMode::kCreateOnly);
    if (!put.ok() && put.code() != StatusCode::kAlreadyExists) return put;
  }
  auto bytes = b.objects->Get(b.database.buckets.versions, key);
  if (!bytes.ok()) {
    if (bytes.status().code() != StatusCode::kNotFound) return bytes.status();
    // A rebuild indexes the versions whose payloads retention removed from their skeletons.
    if (rebuilding) return RollForwardSkeleton(b, id, head, next);
    return false;
  }
  XRONOX_ASSIGN_OR_RETURN(VersionObject object, DecodeVersionObject(*bytes));
  std::string prev = head ? head->entry_hash : "";
  if (object.id != id || object.version != next || object.prev_hash != prev) {
    return Corruption("version object " + key + " does not continue the chain of '" + id + "'");
  }
  if (!rebuilding && !b.hot->ConditionalWritesAreAtomic() && !LeaseExpired(object.at)) {
    // Where a conditional head write is not atomic, a head has one writer at a time: the
    // version's own writer, until the lease says it is gone (two writers of one head could let
    // a delayed write of version n land after version n+1). A rebuild runs with no writers.
    return Unavailable("version " + std::to_string(next) + " of '" + id + "' is being written")
        .WithReason(kLostRace);
  }
  XRONOX_RETURN_IF_ERROR(IndexRolledVersion(b, head, object, key, Sha256Hex(*bytes)));
  if (claim) XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, claim->key, claim->owner));
  return true;
}

Status Engine::IndexRolledVersion(const Binding& b, const std::optional<store::HeadRow>& head,
                                  const VersionObject& object, const std::string& key,
                                  const std::string& entry_hash, const VersionSkeleton* skeleton) {
  Plan plan;
  plan.id = object.id;
  plan.version = object.version;
  plan.op = object.op;
  plan.data = std::shared_ptr<const Json>(std::shared_ptr<const Json>(), &object.data);
  XRONOX_ASSIGN_OR_RETURN(plan.data_text, DumpJson(object.data));
  plan.deleted = object.deleted;
  plan.at = object.at;
  plan.created_at = head ? head->created_at : object.at;
  plan.actor = object.actor;
  plan.reason = object.reason;
  plan.on_behalf_of = object.on_behalf_of;
  CountWrite(head, object.op, &plan.tally, &plan.counts_delta);
  XRONOX_ASSIGN_OR_RETURN(store::HeadRow next_head, VersionHead(b, plan, key, entry_hash));
  if (skeleton != nullptr) {  // No data to hold: a read of this head answers payload_removed.
    next_head.data.clear();
    next_head.payload_hash = skeleton->payload_hash;
  }
  store::VersionRow row = VersionRowFromObject(object, key, entry_hash);
  std::optional<int64_t> base = head ? std::optional<int64_t>(head->version) : std::nullopt;
  Status commit = b.hot->CommitVersion(b.ref, row, next_head, base);
  if (commit.code() == StatusCode::kAlreadyExists) {
    // Indexed already (another process, or a backend that commits the row first).
    commit = b.hot->WriteHead(b.ref, next_head, base);
  }
  if (commit.ok()) XRONOX_RETURN_IF_ERROR(CountRolledForward(b, next_head));
  // Conflict or AlreadyExists: another process committed it (or more) meanwhile.
  if (!commit.ok() && commit.code() != StatusCode::kConflict &&
      commit.code() != StatusCode::kAlreadyExists) {
    return commit;
  }
  return Status::Ok();
}

}  // namespace xronox
