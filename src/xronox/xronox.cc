// The public API over the router and the engine. Exceptions never cross it: the engine and
// the stores report with Status; this layer adds the one guard for allocation failures.
#include "xronox/xronox.h"

#include <new>

#include "common/exception_guard.h"
#include "common/ids.h"
#include "common/json_codec.h"
#include "common/names.h"
#include "content/content_service.h"
#include "engine/engine.h"
#include "engine/projection.h"
#include "router/router.h"
#include "xronox/xronox_state.h"

namespace xronox {

namespace {

WriteIntent Intent(WriteIntent::Kind kind, Json body = nullptr, int64_t restore_version = 0) {
  WriteIntent intent;
  intent.kind = kind;
  intent.body = std::move(body);
  intent.restore_version = restore_version;
  return intent;
}

Status RecordNotFound(const std::string& id) { return NotFound("record '" + id + "' not found"); }

}  // namespace

// Writes that may create a record create the collection and its buckets first; everything
// else needs the collection to exist and otherwise answers as for a missing record, so that
// reads (and writes to records that cannot exist) create nothing in any backend.
Status Collection::PrepareWrite() { return state_->router->PrepareWrite(binding_); }

Result<bool> Collection::Exists() { return state_->router->Exists(binding_); }

Collection Collection::RevealingHidden() const {
  Collection revealing = *this;
  revealing.reveal_hidden_ = true;
  return revealing;
}

Status Collection::Conceal(Record& record) const {
  return reveal_hidden_ ? Status::Ok() : HideRecordFields(record, binding_->hidden_fields);
}

Result<WriteResult> Collection::Concealed(Result<WriteResult> written) const {
  if (written.ok() && written->record) XRONOX_RETURN_IF_ERROR(Conceal(*written->record));
  return written;
}

// A hidden content property reads as absent through a handle that does not reveal it.
Status Collection::CheckContentShown(const std::string& property) const {
  if (reveal_hidden_ || !IsHiddenPointer(property, binding_->hidden_fields)) return Status::Ok();
  return NotFound("content '" + property + "' of the record: the record has no such content")
      .WithReason("content_not_found");
}

Status Collection::PrepareExistingRecord(const std::string& id) {
  XRONOX_RETURN_IF_ERROR(ValidateRecordId(id));
  XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
  if (!exists) return RecordNotFound(id);
  return PrepareWrite();
}

Status Collection::NeedExisting(const std::string& id) {
  XRONOX_RETURN_IF_ERROR(ValidateRecordId(id));
  XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
  return exists ? Status::Ok() : RecordNotFound(id);
}

Collection::Collection(std::shared_ptr<XronoxState> state, std::shared_ptr<const Binding> binding)
    : state_(std::move(state)), binding_(std::move(binding)), target_(binding_->target) {}

// The body is released without allocating however the write ends (common/json_codec.h).
Result<WriteResult> Collection::WriteBody(const std::string& id, int kind_value, Json& body,
                                          const WriteOptions& options) {
  ReleaseOnExit release_body(body);
  auto kind = static_cast<WriteIntent::Kind>(kind_value);
  return GuardExceptions([&]() -> Result<WriteResult> {
    if (kind == WriteIntent::Kind::kMerge || kind == WriteIntent::Kind::kEnrich) {
      XRONOX_RETURN_IF_ERROR(PrepareExistingRecord(id));
    } else {
      XRONOX_RETURN_IF_ERROR(PrepareWrite());
    }
    WriteIntent intent = Intent(kind, std::move(body));
    ReleaseOnExit release_intent(intent.body);
    intent.generated_id = kind == WriteIntent::Kind::kCreate;
    return Concealed(state_->engine->Write(*binding_, id, intent, options));
  });
}

Result<WriteResult> Collection::Create(Json data, const WriteOptions& options) {
  ReleaseOnExit release(data);
  return GuardExceptions([&] {
    std::string id = NewRecordId(state_->engine->clock()->NowMicros());
    return WriteBody(id, static_cast<int>(WriteIntent::Kind::kCreate), data, options);
  });
}

Result<AppendResult> Collection::Append(std::vector<Json> entries, const WriteOptions& options) {
  return GuardExceptions([&]() -> Result<AppendResult> {
    // Refused calls create nothing.
    XRONOX_RETURN_IF_ERROR(Engine::CheckAppend(*binding_, entries.size(), options));
    XRONOX_RETURN_IF_ERROR(PrepareWrite());
    return state_->engine->Append(*binding_, entries, options);
  });
}

Result<WriteResult> Collection::Upsert(Json data, const WriteOptions& options) {
  ReleaseOnExit release(data);
  return GuardExceptions([&]() -> Result<WriteResult> {
    XRONOX_RETURN_IF_ERROR(Engine::CheckUpsert(*binding_, data, options));
    XRONOX_RETURN_IF_ERROR(PrepareWrite());
    return Concealed(state_->engine->Upsert(*binding_, data, options));
  });
}

Result<WriteResult> Collection::Put(const std::string& id, Json data, const WriteOptions& options) {
  return WriteBody(id, static_cast<int>(WriteIntent::Kind::kPut), data, options);
}

Result<WriteResult> Collection::Update(const std::string& id, Json patch,
                                       const WriteOptions& options) {
  return WriteBody(id, static_cast<int>(WriteIntent::Kind::kMerge), patch, options);
}

Result<WriteResult> Collection::Enrich(const std::string& id, Json patch,
                                       const WriteOptions& options) {
  return WriteBody(id, static_cast<int>(WriteIntent::Kind::kEnrich), patch, options);
}

Result<WriteResult> Collection::Delete(const std::string& id, const WriteOptions& options) {
  return GuardExceptions([&]() -> Result<WriteResult> {
    XRONOX_RETURN_IF_ERROR(PrepareExistingRecord(id));
    return state_->engine->Write(*binding_, id, Intent(WriteIntent::Kind::kDelete), options);
  });
}

Result<WriteResult> Collection::Restore(const std::string& id, int64_t version,
                                        const WriteOptions& options) {
  return GuardExceptions([&]() -> Result<WriteResult> {
    XRONOX_RETURN_IF_ERROR(PrepareExistingRecord(id));
    return Concealed(state_->engine->Write(
        *binding_, id, Intent(WriteIntent::Kind::kRestore, nullptr, version), options));
  });
}

Result<Record> Collection::Get(const std::string& id, const GetOptions& options) {
  return GuardExceptions([&]() -> Result<Record> {
    XRONOX_RETURN_IF_ERROR(CheckProjection(options.fields));
    XRONOX_RETURN_IF_ERROR(NeedExisting(id));
    XRONOX_ASSIGN_OR_RETURN(Record record, state_->engine->Get(*binding_, id, options));
    XRONOX_RETURN_IF_ERROR(ProjectRecord(record, options.fields));
    XRONOX_RETURN_IF_ERROR(Conceal(record));
    return record;
  });
}

Result<HistoryPage> Collection::History(const std::string& id, const HistoryOptions& options) {
  return GuardExceptions([&]() -> Result<HistoryPage> {
    XRONOX_RETURN_IF_ERROR(NeedExisting(id));
    XRONOX_ASSIGN_OR_RETURN(HistoryPage page, state_->engine->History(*binding_, id, options));
    for (VersionInfo& version : page.versions) {
      HideChangedFields(version.changed_fields, binding_->hidden_fields);
    }
    return page;
  });
}

Result<Json> Collection::Diff(const std::string& id, int64_t from, int64_t to) {
  return GuardExceptions([&]() -> Result<Json> {
    XRONOX_RETURN_IF_ERROR(NeedExisting(id));
    return state_->engine->Diff(*binding_, id, from, to);
  });
}

Result<QueryPage> Collection::Query(const Json& filter, const QueryOptions& options) {
  return GuardExceptions([&]() -> Result<QueryPage> {
    XRONOX_RETURN_IF_ERROR(CheckProjection(options.fields));
    if (filter.is_object() && !binding_->hidden_fields.empty()) {
      std::vector<std::string> paths;
      for (const auto& [path, condition] : filter.items()) paths.push_back(path);
      XRONOX_RETURN_IF_ERROR(CheckFilterNotHidden(paths, binding_->hidden_fields));
    }
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (exists) {
      XRONOX_ASSIGN_OR_RETURN(QueryPage page, state_->engine->Query(*binding_, filter, options));
      for (Record& record : page.records) {
        XRONOX_RETURN_IF_ERROR(ProjectRecord(record, options.fields));
        XRONOX_RETURN_IF_ERROR(Conceal(record));
      }
      return page;
    }
    // No collection: an empty page, after the same checks of the filter and paging.
    XRONOX_RETURN_IF_ERROR(state_->engine->ValidateQuery(*binding_, filter, options));
    return QueryPage{};
  });
}

Result<VerifyReport> Collection::Verify(bool repair) {
  return GuardExceptions([&]() -> Result<VerifyReport> {
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (!exists) return VerifyReport{};
    XRONOX_ASSIGN_OR_RETURN(VerifyReport report, state_->engine->Verify(*binding_, repair));
    XRONOX_RETURN_IF_ERROR(state_->content->Verify(*binding_, repair, report));
    return report;
  });
}

Result<CollectionCounts> Collection::Counters() {
  return GuardExceptions([&]() -> Result<CollectionCounts> {
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (!exists) return CollectionCounts{};
    return binding_->hot->GetCounts(binding_->ref);
  });
}

Result<std::unique_ptr<ContentUpload>> Collection::BeginContent(
    const std::string& id, const std::string& property, const ContentUploadOptions& options) {
  return GuardExceptions([&]() -> Result<std::unique_ptr<ContentUpload>> {
    XRONOX_RETURN_IF_ERROR(PrepareExistingRecord(id));
    return state_->content->Begin(binding_, state_, id, property, options);
  });
}

Result<WriteResult> Collection::PutContent(const std::string& id, const std::string& property,
                                           std::string_view bytes,
                                           const ContentUploadOptions& options) {
  return GuardExceptions([&]() -> Result<WriteResult> {
    XRONOX_RETURN_IF_ERROR(PrepareExistingRecord(id));
    XRONOX_ASSIGN_OR_RETURN(auto upload,
                            state_->content->Begin(binding_, state_, id, property, options));
    XRONOX_RETURN_IF_ERROR(upload->Write(bytes));
    return Concealed(upload->Finish());
  });
}

Result<std::unique_ptr<ContentReader>> Collection::ReadContent(const std::string& id,
                                                               const std::string& property,
                                                               const ContentReadOptions& options) {
  return GuardExceptions([&]() -> Result<std::unique_ptr<ContentReader>> {
    XRONOX_RETURN_IF_ERROR(NeedExisting(id));
    XRONOX_RETURN_IF_ERROR(CheckContentShown(property));
    return state_->content->Open(*binding_, id, property, options);
  });
}

Result<WriteResult> Collection::DeleteContent(const std::string& id, const std::string& property,
                                              const WriteOptions& options) {
  return GuardExceptions([&]() -> Result<WriteResult> {
    XRONOX_RETURN_IF_ERROR(PrepareExistingRecord(id));
    return Concealed(state_->content->Delete(*binding_, id, property, options));
  });
}

Result<std::string> Collection::PresignContent(const std::string& id, const std::string& property,
                                               const ContentReadOptions& options,
                                               int expires_seconds) {
  return GuardExceptions([&]() -> Result<std::string> {
    XRONOX_RETURN_IF_ERROR(NeedExisting(id));
    XRONOX_RETURN_IF_ERROR(CheckContentShown(property));
    return state_->content->Presign(*binding_, id, property, options, expires_seconds);
  });
}

Xronox::Xronox(std::shared_ptr<XronoxState> state) : state_(std::move(state)) {}
Xronox::~Xronox() = default;

Result<std::unique_ptr<Xronox>> Xronox::Open(const Config& config) {
  return GuardExceptions([&]() -> Result<std::unique_ptr<Xronox>> {
    auto state = std::make_shared<XronoxState>();
    XRONOX_ASSIGN_OR_RETURN(state->router, Router::Open(config));
    state->engine = std::make_unique<Engine>(config.engine, SystemClock::Default());
    state->content = std::make_unique<ContentService>(*state->engine, ContentOptions{});
    state->backups = std::make_unique<BackupService>(*state->engine);
    state->holds = std::make_unique<HoldService>(*state->engine);
    state->retention = std::make_unique<RetentionService>(*state->engine);
    state->offload = std::make_unique<OffloadService>(*state->engine);
    return std::unique_ptr<Xronox>(new Xronox(std::move(state)));
  });
}

Result<Collection> Xronox::With(const Target& target) {
  return GuardExceptions([&]() -> Result<Collection> {
    XRONOX_ASSIGN_OR_RETURN(auto binding, state_->router->Bind(target));
    return Collection(state_, std::move(binding));
  });
}

Result<std::vector<std::string>> Xronox::ListCollections(const Target& target) {
  return GuardExceptions([&] { return state_->router->ListCollections(target); });
}

Status Xronox::CheckReady() {
  return GuardExceptions([&] { return state_->router->CheckReady(); });
}

BackendMetricsSnapshot Xronox::BackendMetrics() const {
  try {
    BackendMetricsSnapshot snapshot = state_->router->MetricsSnapshot();
    snapshot.services.retention_runs = state_->retention_runs.load();
    snapshot.services.retention_records_removed = state_->retention_removed.load();
    snapshot.services.retention_records_held = state_->retention_held.load();
    snapshot.services.retention_versions_removed = state_->retention_versions_removed.load();
    snapshot.services.offload_runs = state_->offload_runs.load();
    snapshot.services.offload_records_moved = state_->offload_moved.load();
    snapshot.services.offload_bytes_freed = state_->offload_bytes_freed.load();
    return snapshot;
  } catch (const std::bad_alloc&) {
    return {};  // Only copying can fail; monitoring then sees no series rather than a crash.
  }
}

Result<std::vector<std::string>> Xronox::NameCaseCollisions() {
  return GuardExceptions([&] { return state_->router->NameCaseCollisions(); });
}

Result<std::vector<std::string>> Xronox::ListTenants(DatabaseType type) {
  return GuardExceptions([&] { return state_->router->ListTenants(type); });
}

Result<std::vector<Target>> Xronox::ListDatabaseTargets(std::optional<DatabaseType> type,
                                                        const std::string& tenant) {
  std::vector<Target> targets;
  for (int t = 0; t < 6; ++t) {
    auto each = static_cast<DatabaseType>(t);
    if (type && *type != each) continue;
    for (const auto& configured : config().databases) {
      if (configured.type == each && configured.tier == Tier::kGeneric &&
          (tenant.empty() || tenant == "_")) {
        targets.push_back({each, Tier::kGeneric, "", ""});
      }
    }
    XRONOX_ASSIGN_OR_RETURN(auto tenants, ListTenants(each));
    for (const auto& name : tenants) {
      if (tenant.empty() || tenant == name) targets.push_back({each, Tier::kTenant, name, ""});
    }
  }
  return targets;
}

const Config& Xronox::config() const { return state_->router->config(); }

}  // namespace xronox
