// Computing the next state of a record from its head: preconditions, merge, restore.
#include <algorithm>

#include "common/json_codec.h"
#include "common/names.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/enrich.h"

namespace xronox {

namespace {

Status CheckExpectedVersion(const std::optional<store::HeadRow>& head,
                            const WriteOptions& options) {
  if (!options.expected_version) return Status::Ok();
  if (!head) {
    return FailedPrecondition("expected version " + std::to_string(*options.expected_version) +
                              " but the record does not exist")
        .WithReason("version_mismatch");
  }
  if (head->version != *options.expected_version) {
    return FailedPrecondition("expected version " + std::to_string(*options.expected_version) +
                              " but the current version is " + std::to_string(head->version))
        .WithReason("version_mismatch")
        .WithCurrentVersion(head->version);
  }
  return Status::Ok();
}

Status DeletedConflict(const store::HeadRow& head) {
  return Conflict("record '" + head.id + "' is deleted; restore a version to bring it back")
      .WithReason("record_deleted")
      .WithCurrentVersion(head.version);
}

// Checks what the intent may do given whether and how the record exists.
Status CheckState(const Binding& b, const std::optional<store::HeadRow>& head,
                  const WriteIntent& intent, const WriteOptions& options) {
  using Kind = WriteIntent::Kind;
  bool live = head && !head->deleted;
  bool tombstone = head && head->deleted;
  bool exists_for_create = live || (tombstone && b.versioned);
  switch (intent.kind) {
    case Kind::kCreate:
      if (head && exists_for_create) return AlreadyExists("record '" + head->id + "' exists");
      return Status::Ok();
    case Kind::kPut:
      if (options.create_only && exists_for_create) {
        return AlreadyExists("record '" + head->id + "' exists")
            .WithReason("record_exists")
            .WithCurrentVersion(head->version);
      }
      if (tombstone && b.versioned && !intent.restores_backup) return DeletedConflict(*head);
      return Status::Ok();
    case Kind::kMerge:
    case Kind::kEnrich:
      if (tombstone && b.versioned) return DeletedConflict(*head);
      if (!live) return NotFound("record not found");
      return Status::Ok();
    case Kind::kDelete:
      if (!live) return NotFound("record not found");
      return Status::Ok();
    case Kind::kRestore:
      if (!head) return NotFound("record not found");
      return Status::Ok();
  }
  return Status::Ok();
}

Operation OperationFor(const std::optional<store::HeadRow>& head, const WriteIntent& intent,
                       bool versioned) {
  WriteIntent::Kind kind = intent.kind;
  if (kind == WriteIntent::Kind::kDelete) return Operation::kDelete;
  if (kind == WriteIntent::Kind::kRestore) return Operation::kRestore;
  if (intent.restores_backup && head && versioned) return Operation::kRestore;
  bool live = head && (!head->deleted || versioned);
  return live ? Operation::kUpdate : Operation::kCreate;
}

// A top-level property whose value is an object with a "$content" key is a content reference
// (docs/formats/content.md): only the content routes make one. A write may keep a property's
// reference as it is (a read, change and write back of the record), never add or change one.
Status CheckContentReferences(const Json& before, const Json& after) {
  if (!after.is_object()) return Status::Ok();
  for (auto it = after.begin(); it != after.end(); ++it) {
    if (!it.value().is_object() || !it.value().contains("$content")) continue;
    auto kept = before.is_object() ? before.find(it.key()) : before.end();
    if (before.is_object() && kept != before.end() && *kept == it.value()) continue;
    std::string property = it.key().substr(0, 64);
    return InvalidArgument("property '" + property +
                           "' holds a content reference the record does not have: upload content "
                           "with PUT .../{id}/content/{property}")
        .WithReason("content_reference");
  }
  return Status::Ok();
}

// A put or merge into a live record whose result equals its data (JSON value equality: key
// order aside, numbers by value) changes nothing.
bool IsNoOp(const std::optional<store::HeadRow>& head, const WriteIntent& intent,
            const Json& before, const Json& after) {
  bool rewrites = intent.kind == WriteIntent::Kind::kPut ||
                  intent.kind == WriteIntent::Kind::kMerge ||
                  intent.kind == WriteIntent::Kind::kEnrich;
  return rewrites && head && !head->deleted && before == after;
}

// The plan of a no-op: the head as it stands, with its stored data.
Result<Engine::Plan> UnchangedPlan(Engine::Plan plan, const store::HeadRow& head, Json stored) {
  plan.unchanged = true;
  plan.data = ShareJson(std::move(stored));
  plan.version = head.version;
  plan.op = Operation::kUpdate;
  plan.at = head.updated_at;
  plan.created_at = head.created_at;
  plan.actor = head.actor;
  plan.reason = head.reason;
  plan.on_behalf_of = head.on_behalf_of;
  XRONOX_ASSIGN_OR_RETURN(plan.data_text, DumpJson(plan.Data()));
  return plan;
}

}  // namespace

Status CheckWriteAllowed(const Binding& b, const WriteIntent& intent, const WriteOptions& options) {
  using Kind = WriteIntent::Kind;
  if (b.append_only && intent.kind != Kind::kCreate) {
    return NotSupported(std::string(DatabaseTypeName(b.target.database_type)) +
                        " is append-only: records are created, never replaced, updated or "
                        "deleted")
        .WithReason("append_only");
  }
  if (intent.kind == Kind::kRestore && !b.versioned) {
    return InvalidArgument("restore needs a versioned database type (runtime)")
        .WithReason("not_versioned");
  }
  if (b.versioned && (options.actor.empty() || options.reason.empty())) {
    return InvalidArgument("runtime writes need an actor and a reason")
        .WithReason("audit_required");
  }
  if (options.actor.size() > 1024 || options.on_behalf_of.size() > 1024 ||
      options.reason.size() > 4096) {
    return InvalidArgument(
        "actor and on-behalf-of are limited to 1024 bytes each and reason to 4096 bytes");
  }
  if (options.idempotency_key.size() > 256) {
    return InvalidArgument("idempotency key is longer than 256 bytes");
  }
  bool has_body = intent.kind == Kind::kCreate || intent.kind == Kind::kPut ||
                  intent.kind == Kind::kMerge || intent.kind == Kind::kEnrich;
  if (has_body && !intent.body.is_object()) {
    return InvalidArgument("record data must be a JSON object");
  }
  if (has_body && ExceedsDepth(intent.body, kMaxJsonDepth)) {
    return InvalidArgument("record data nests deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels");
  }
  return Status::Ok();
}

Result<Engine::Plan> Engine::PlanWrite(const Binding& b, const std::string& id,
                                       const std::optional<store::HeadRow>& head,
                                       const WriteIntent& intent, const WriteOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckExpectedVersion(head, options));
  XRONOX_RETURN_IF_ERROR(CheckState(b, head, intent, options));
  Plan plan;
  plan.id = id;
  plan.base_version = head ? std::optional<int64_t>(head->version) : std::nullopt;
  plan.version = head ? head->version + 1 : 0;
  plan.op = OperationFor(head, intent, b.versioned);
  plan.prev_hash = head ? head->entry_hash : "";
  plan.created_at = head && !(head->deleted && !b.versioned) ? head->created_at : 0;
  Json before = nullptr;
  ReleaseOnExit release_before(before);
  if (head && !head->deleted) {
    XRONOX_ASSIGN_OR_RETURN(before, ReadCurrentData(b, *head));
  }
  static const Json kNull = nullptr;
  switch (intent.kind) {
    case WriteIntent::Kind::kCreate:
    case WriteIntent::Kind::kPut:
      plan.data = std::shared_ptr<const Json>(std::shared_ptr<const Json>(), &intent.body);
      break;
    case WriteIntent::Kind::kMerge: {
      Json merged = before;
      ReleaseOnExit release_merged(merged);  // Moved from when all goes well.
      merged.merge_patch(intent.body);
      plan.data = ShareJson(std::move(merged));
      break;
    }
    case WriteIntent::Kind::kEnrich: {
      XRONOX_RETURN_IF_ERROR(CheckEnrichPatch(intent.body));
      Json enriched = before;
      ReleaseOnExit release_enriched(enriched);  // Moved from when all goes well.
      EnrichInto(enriched, intent.body);
      plan.data = ShareJson(std::move(enriched));
      break;
    }
    case WriteIntent::Kind::kDelete:
      plan.deleted = true;
      plan.data = std::shared_ptr<const Json>(std::shared_ptr<const Json>(), &kNull);
      break;
    case WriteIntent::Kind::kRestore: {
      GetOptions at_version;
      at_version.version = intent.restore_version;
      XRONOX_ASSIGN_OR_RETURN(store::VersionRow row, FindVersion(b, id, at_version));
      XRONOX_ASSIGN_OR_RETURN(VersionObject old, ReadVersion(b, row));
      ReleaseOnExit release_old(old.data);
      if (old.deleted) {
        return InvalidArgument("version " + std::to_string(intent.restore_version) +
                               " is a deletion; restore a version that holds data");
      }
      plan.data = ShareJson(std::move(old.data));
      break;
    }
  }
  if (IsNoOp(head, intent, before, plan.Data())) {
    return UnchangedPlan(std::move(plan), *head, std::move(before));
  }
  TimestampMicros now = clock_->NowMicros();
  plan.at = head ? std::max(now, head->updated_at + 1) : now;
  if (plan.created_at == 0) plan.created_at = plan.at;
  if (!intent.sets_content && intent.kind != WriteIntent::Kind::kRestore) {
    XRONOX_RETURN_IF_ERROR(CheckContentReferences(before, plan.Data()));
  }
  plan.changed_fields = ChangedFields(before, plan.Data());
  XRONOX_ASSIGN_OR_RETURN(plan.data_text, DumpJson(plan.Data()));
  plan.actor = options.actor;
  plan.reason = options.reason;
  plan.on_behalf_of = options.on_behalf_of;
  plan.idempotency_key = options.idempotency_key;
  CountWrite(head, plan.op, &plan.tally, &plan.counts_delta);
  XRONOX_RETURN_IF_ERROR(PlanNaturalKeys(b, before, plan));
  return plan;
}

}  // namespace xronox
