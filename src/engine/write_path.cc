// The write protocol (docs/formats/write-protocol.md).
//
// Runtime: the create-only write of versions/{c}/{id}/v{n}.json is the commit point and the
// mutual exclusion: of two writers on base version n-1 only one creates the object. The
// version row and head follow (one transaction on SQLite). A writer that dies between the
// two leaves a complete object whose prevHash continues the chain; the next writer, reader
// of history or verify rolls it forward. A losing writer never touches a key it did not
// create.
//
// Non-versioned: the head row (with the payload inline) is replaced conditionally on its
// version. Payloads over the inline limit go to records/{c}/{id}/current.json under a
// per-record claim whose body holds the next head, so a crash after the overwrite is
// rolled forward from the claim.
#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "common/fault_point.h"
#include "common/hash.h"
#include "common/json_codec.h"
#include "common/memory_reserve.h"
#include "common/names.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/keys.h"

namespace xronox {

namespace {

constexpr int kMaxAttempts = 64;

// Lets the winner of a race finish: nothing for the first retries, then a random wait that
// grows to 16 ms.
void BackOffAfterLostRace(int attempt) {
  if (attempt < 2) return;
  int64_t ceiling_us = int64_t{250} << std::min(attempt / 2, 6);
  static thread_local std::mt19937 random(std::random_device{}());
  std::this_thread::sleep_for(std::chrono::microseconds(random() % ceiling_us + 1));
}

VersionObject ObjectFromPlan(const Binding& b, const Engine::Plan& plan) {
  VersionObject o;
  o.collection = b.ref.collection;
  o.id = plan.id;
  o.version = plan.version;
  o.op = plan.op;
  o.actor = plan.actor;
  o.reason = plan.reason;
  o.on_behalf_of = plan.on_behalf_of;
  o.at = plan.at;
  o.changed_fields = plan.changed_fields;
  o.deleted = plan.deleted;
  o.prev_hash = plan.prev_hash;
  o.idempotency_key = plan.idempotency_key;
  return o;
}

// The record as the write left it: its data parsed (a copy), or with `raw_data` as the text
// already made for storing it.
WriteResult ResultOf(const Engine::Plan& plan, bool raw_data) {
  Record record{plan.id,
                plan.version,
                plan.deleted || raw_data ? Json(nullptr) : plan.Data(),
                plan.deleted || !raw_data ? "" : plan.data_text,
                plan.deleted,
                plan.created_at,
                plan.at,
                plan.actor,
                plan.reason,
                plan.on_behalf_of};
  WriteResult result{plan.id,        plan.version,      plan.op == Operation::kCreate,
                     plan.unchanged, std::move(record), plan.warning};
  return result;
}

}  // namespace

store::VersionRow VersionRowFromObject(const VersionObject& o, const std::string& key,
                                       const std::string& entry_hash) {
  store::VersionRow row;
  row.id = o.id;
  row.version = o.version;
  row.op = OperationName(o.op);
  row.actor = o.actor;
  row.reason = o.reason;
  row.on_behalf_of = o.on_behalf_of;
  row.at = o.at;
  row.changed_fields = Json(o.changed_fields).dump();
  row.payload_key = key;
  row.entry_hash = entry_hash;
  row.prev_hash = o.prev_hash;
  row.deleted = o.deleted;
  row.idempotency_key = o.idempotency_key;
  return row;
}

store::HeadRow HeadFromPlan(const Binding& b, const Engine::Plan& plan, std::string data_text,
                            std::string payload_key, std::string payload_hash,
                            std::string entry_hash) {
  store::HeadRow head;
  head.id = plan.id;
  head.version = plan.version;
  head.deleted = plan.deleted;
  head.data = std::move(data_text);
  head.payload_key = std::move(payload_key);
  head.payload_hash = std::move(payload_hash);
  head.entry_hash = std::move(entry_hash);
  head.created_at = plan.created_at;
  head.updated_at = plan.at;
  head.actor = plan.actor;
  head.reason = plan.reason;
  head.on_behalf_of = plan.on_behalf_of;
  head.indexed = plan.deleted ? "{}" : ExtractIndexed(plan.Data(), b.indexed_props).dump();
  head.tally = plan.tally;
  head.counts_delta = plan.counts_delta;
  return head;
}

void CountWrite(const std::optional<store::HeadRow>& head, Operation op, store::RecordTally* tally,
                CollectionCounts* delta) {
  *tally = head ? TallyOf(*head) : store::RecordTally{};
  *delta = {};
  switch (op) {
    case Operation::kCreate:
      ++tally->created;
      delta->created = delta->live = 1;
      break;
    case Operation::kUpdate:
    case Operation::kRestore:
      ++tally->updated;
      delta->updated = 1;
      if (head && head->deleted) delta->live = 1;  // A restore brings a deleted record back.
      break;
    case Operation::kDelete:
      ++tally->deleted;
      delta->deleted = 1;
      delta->live = -1;
      break;
  }
}

store::RecordTally TallyOf(const store::HeadRow& head) {
  if (head.tally.created >= 0) return head.tally;
  int64_t deleted = head.deleted ? 1 : 0;
  return {1, std::max<int64_t>(0, head.version - deleted), deleted};
}

std::string Engine::CountAfterHead(const Binding& b, const store::HeadRow& head) {
  if (b.hot->CountsCommitWithHead() || head.counts_delta.IsZero()) return "";
  FaultPoint("head_written_counts_pending");
  Status added = b.hot->AddCounts(b.ref, head.counts_delta);
  if (added.ok()) return "";
  return "record '" + head.id + "' is written at version " + std::to_string(head.version) +
         ", but its collection's counters could not be updated (" + added.message() +
         "); `xronox verify --repair` recounts them";
}

Status Engine::CountRolledForward(const Binding& b, const store::HeadRow& head) {
  std::string failed = CountAfterHead(b, head);
  if (failed.empty()) return Status::Ok();
  return Unavailable(failed);
}

Result<WriteResult> Engine::Write(const Binding& b, const std::string& id,
                                  const WriteIntent& intent, const WriteOptions& options) {
  XRONOX_RETURN_IF_ERROR(ValidateRecordId(id));
  XRONOX_RETURN_IF_ERROR(CheckWriteAllowed(b, intent, options));
  XRONOX_RETURN_IF_ERROR(CheckMemory());
  if (intent.kind == WriteIntent::Kind::kDelete) XRONOX_RETURN_IF_ERROR(CheckNotHeld(b, id));
  if (!options.idempotency_key.empty()) return WriteIdempotent(b, id, intent, options);
  return WriteWithRetries(b, id, intent, options);
}

Result<WriteResult> Engine::WriteWithRetries(const Binding& b, const std::string& id,
                                             const WriteIntent& intent,
                                             const WriteOptions& options) {
  HeldNaturalKey held;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::optional<store::HeadRow> head;
    if (attempt > 0 || !intent.generated_id) {
      XRONOX_ASSIGN_OR_RETURN(head, GetWholeHead(b, id));
    }
    Result<Plan> planned = PlanWrite(b, id, head, intent, options);
    if (!planned.ok() && IsLostRace(planned.status())) continue;
    if (!planned.ok() || planned->unchanged) DropNaturalKey(b, held);
    XRONOX_ASSIGN_OR_RETURN(Plan plan, std::move(planned));
    if (plan.unchanged) return ResultOf(plan, options.raw_data);
    Status claimed = HoldNaturalKey(b, plan, held);
    if (IsLostRace(claimed)) continue;
    XRONOX_RETURN_IF_ERROR(claimed);
    Status committed = b.versioned ? CommitVersioned(b, head, plan) : CommitPlain(b, head, plan);
    if (committed.ok()) {
      ReleaseNaturalKey(b, plan);
      return ResultOf(plan, options.raw_data);
    }
    // A commit that failed otherwise may yet be rolled forward: its claim stays, and is stale
    // after the claim lease unless the record then holds the values.
    if (!IsLostRace(committed)) return committed;
    BackOffAfterLostRace(attempt);
  }
  DropNaturalKey(b, held);
  return Unavailable("write to record '" + id + "' lost " + std::to_string(kMaxAttempts) +
                     " races in a row; retry later");
}

Status Engine::CommitVersioned(const Binding& b, const std::optional<store::HeadRow>& head,
                               const Plan& plan) {
  XRONOX_ASSIGN_OR_RETURN(std::string bytes,
                          EncodeVersionObject(ObjectFromPlan(b, plan), plan.data_text));
  if (!b.objects->CreateOnlyIsAtomic()) return CommitVersionedClaimed(b, plan, bytes);
  std::string key = VersionKey(b, plan.id, plan.version);
  Status put = b.objects->Put(b.database.buckets.versions, key, bytes, store::PutMode::kCreateOnly);
  if (put.code() == StatusCode::kAlreadyExists) {
    // Another writer committed this version, or died before indexing it: finish its work.
    XRONOX_RETURN_IF_ERROR(RollForward(b, plan.id).status());
    return LostRace("version " + std::to_string(plan.version) + " was taken");
  }
  XRONOX_RETURN_IF_ERROR(put);
  FaultPoint("version_object_created");
  return IndexVersion(b, plan, key, Sha256Hex(bytes));
}

Result<store::HeadRow> Engine::VersionHead(const Binding& b, const Plan& plan,
                                           const std::string& key, const std::string& entry_hash) {
  std::string data_text;
  std::string payload_hash;
  if (!plan.deleted) {
    payload_hash = Sha256Hex(plan.data_text);
    if (static_cast<int64_t>(plan.data_text.size()) <= options_.inline_max_bytes) {
      data_text = plan.data_text;
    }
  }
  return HeadFromPlan(b, plan, std::move(data_text), key, payload_hash, entry_hash);
}

Status Engine::IndexVersion(const Binding& b, const Plan& plan, const std::string& key,
                            const std::string& entry_hash) {
  store::VersionRow row = VersionRowFromObject(ObjectFromPlan(b, plan), key, entry_hash);
  XRONOX_ASSIGN_OR_RETURN(store::HeadRow next, VersionHead(b, plan, key, entry_hash));
  Status commit = b.hot->CommitVersion(b.ref, row, next, plan.base_version);
  if (commit.ok()) plan.warning = CountAfterHead(b, next);
  if (commit.code() == StatusCode::kAlreadyExists || commit.code() == StatusCode::kConflict) {
    // Our object is the version (create-only or claimed); someone rolled it forward for us.
    XRONOX_ASSIGN_OR_RETURN(auto indexed, b.hot->GetVersion(b.ref, plan.id, plan.version));
    if (indexed && indexed->entry_hash == entry_hash) return RollForward(b, plan.id).status();
    return Internal("version " + std::to_string(plan.version) + " of '" + plan.id +
                    "' is indexed with another hash than the object this writer created");
  }
  XRONOX_RETURN_IF_ERROR(commit);
  FaultPoint("version_indexed");
  return Status::Ok();
}

Status Engine::CommitPlain(const Binding& b, const std::optional<store::HeadRow>& head,
                           const Plan& plan) {
  const std::string no_text;
  const std::string& text = plan.deleted ? no_text : plan.data_text;
  std::string payload_hash = plan.deleted ? "" : Sha256Hex(text);
  bool large = static_cast<int64_t>(text.size()) > options_.inline_max_bytes;
  bool had_object = head && !head->payload_key.empty();
  // Where a conditional head write is not atomic, an update holds the record's claim (a new
  // record is an insert, which is).
  bool claim_update = head && !b.hot->ConditionalWritesAreAtomic();
  if (large || had_object || claim_update) {
    store::HeadRow next = HeadFromPlan(b, plan, large ? "" : text,
                                       large ? RecordKey(b, plan.id) : "", payload_hash, "");
    return CommitLargePlain(b, head, next, large ? std::string_view(text) : std::string_view(),
                            &plan.warning);
  }
  store::HeadRow next = HeadFromPlan(b, plan, text, "", payload_hash, "");
  Status written = b.hot->WriteHead(b.ref, next, plan.base_version);
  if (written.code() == StatusCode::kAlreadyExists || written.code() == StatusCode::kConflict) {
    return LostRace("record '" + plan.id + "' changed during the write");
  }
  if (written.ok()) plan.warning = CountAfterHead(b, next);
  return written;
}

}  // namespace xronox
