// Append: entries become new records of an unversioned collection in one call
// (docs/formats/logs.md). Each entry is planned as a create with a generated id; the ids of a
// batch are sorted so that id order is the entries' order. Entries whose payload stays inline
// go to the hot store in one CreateHeads call (one SQLite transaction, one MongoDB insert_many);
// larger ones take the single-record path (their object, then their head).
#include <algorithm>

#include "common/hash.h"
#include "common/ids.h"
#include "common/memory_reserve.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"

namespace xronox {

namespace {

// The entry's position in the batch, in front of what went wrong with it.
Status AtEntry(size_t index, const Status& status) {
  Status located(status.code(), "entry " + std::to_string(index) + ": " + status.message());
  if (!status.reason().empty()) located.WithReason(status.reason());
  return located;
}

}  // namespace

Status Engine::CheckAppend(const Binding& b, size_t entries, const WriteOptions& options) {
  if (b.versioned) {
    return NotSupported(
               "append creates records of the unversioned types; a runtime record is written "
               "one version at a time")
        .WithReason("not_appendable");
  }
  if (!b.natural_keys.empty()) {
    return NotSupported("collection '" + b.ref.collection +
                        "' has natural keys, whose values each create claims: create the "
                        "records one at a time, or upsert them")
        .WithReason("not_appendable");
  }
  if (entries == 0 || entries > static_cast<size_t>(kMaxAppendEntries)) {
    return InvalidArgument("an append takes 1 to " + std::to_string(kMaxAppendEntries) +
                           " entries, not " + std::to_string(entries));
  }
  if (!options.idempotency_key.empty()) {
    return InvalidArgument("an idempotency key names one write; an append takes none");
  }
  if (options.expected_version || options.create_only) {
    return InvalidArgument("an append creates records: it takes no expected version");
  }
  return Status::Ok();
}

Result<AppendResult> Engine::Append(const Binding& b, std::vector<Json>& entries,
                                    const WriteOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckAppend(b, entries.size(), options));
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) ids.push_back(NewRecordId(clock_->NowMicros()));
  std::sort(ids.begin(), ids.end());
  // The plans point into the intents' bodies, which must outlive them.
  std::vector<WriteIntent> intents(entries.size());
  std::vector<Plan> plans;
  plans.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    intents[i].kind = WriteIntent::Kind::kCreate;
    intents[i].generated_id = true;
    intents[i].body = std::move(entries[i]);
    Status allowed = CheckWriteAllowed(b, intents[i], options);
    if (allowed.ok()) allowed = CheckMemory();
    if (!allowed.ok()) return AtEntry(i, allowed);
    Result<Plan> plan = PlanWrite(b, ids[i], std::nullopt, intents[i], options);
    if (!plan.ok()) return AtEntry(i, plan.status());
    plans.push_back(std::move(plan).value());
  }
  return CommitAppend(b, plans, intents, options);
}

// Writes the planned entries: the inline ones in one batch, the large ones one by one, and an
// entry whose generated id was taken after all (a collision) again under a new id.
Result<AppendResult> Engine::CommitAppend(const Binding& b, std::vector<Plan>& plans,
                                          std::vector<WriteIntent>& intents,
                                          const WriteOptions& options) {
  AppendResult result;
  std::vector<store::HeadRow> heads;
  std::vector<size_t> batched;  // The plan of each head.
  for (size_t i = 0; i < plans.size(); ++i) {
    const Plan& plan = plans[i];
    if (static_cast<int64_t>(plan.data_text.size()) > options_.inline_max_bytes) {
      Status written = CommitPlain(b, std::nullopt, plan);
      if (!written.ok() && !IsLostRace(written)) return AtEntry(i, written);
      if (!written.ok()) XRONOX_RETURN_IF_ERROR(AppendAgain(b, plans, intents, i, options));
      if (!plan.warning.empty()) result.warning = plan.warning;
      continue;
    }
    heads.push_back(HeadFromPlan(b, plan, plan.data_text, "", Sha256Hex(plan.data_text), ""));
    batched.push_back(i);
  }
  XRONOX_ASSIGN_OR_RETURN(std::vector<Status> created, b.hot->CreateHeads(b.ref, heads));
  CollectionCounts written;
  for (size_t n = 0; n < created.size(); ++n) {
    if (created[n].ok()) {
      written += heads[n].counts_delta;
      continue;
    }
    XRONOX_RETURN_IF_ERROR(AppendAgain(b, plans, intents, batched[n], options));
  }
  if (!b.hot->CountsCommitWithHead() && !written.IsZero()) {
    Status added = b.hot->AddCounts(b.ref, written);
    if (!added.ok()) {
      result.warning =
          "the entries are written, but their collection's counters could not be "
          "updated (" +
          added.message() + "); `xronox verify --repair` recounts them";
    }
  }
  for (const Plan& plan : plans) result.ids.push_back(plan.id);
  return result;
}

// The entry's id was taken (by a colliding id): it is written alone under a new id, which may
// sort out of the batch's order, as it was made later.
Status Engine::AppendAgain(const Binding& b, std::vector<Plan>& plans,
                           std::vector<WriteIntent>& intents, size_t index,
                           const WriteOptions& options) {
  std::string id = NewRecordId(clock_->NowMicros());
  Result<WriteResult> written = WriteWithRetries(b, id, intents[index], options);
  if (!written.ok()) return AtEntry(index, written.status());
  plans[index].id = written->id;
  return Status::Ok();
}

}  // namespace xronox
