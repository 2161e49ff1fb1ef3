// The manifest's JSON form (docs/formats/backups.md), written and read.
#include "backup/backup_service.h"
#include "common/clock.h"
#include "common/json_codec.h"

namespace xronox {

namespace {

constexpr const char* kFormat = "xronox-backup/1";
constexpr size_t kMaxManifestBytes = size_t{16} << 20;

Json PartToJson(const BackupPart& part) {
  return {{"name", part.name},     {"records", part.records},
          {"bytes", part.bytes},   {"storedBytes", part.stored_bytes},
          {"sha256", part.sha256}, {"firstId", part.first_id},
          {"lastId", part.last_id}};
}

Result<TimestampMicros> TimeField(const Json& json, const char* name) {
  if (!json.contains(name) || !json[name].is_string()) return InvalidArgument(name);
  std::optional<TimestampMicros> at = ParseRfc3339(json[name].get<std::string>());
  if (!at) return InvalidArgument(name);
  return *at;
}

// Reads every field; a field of the wrong type throws nlohmann's type_error, caught below.
Result<BackupManifest> ManifestFromJson(const Json& json) {
  if (!json.is_object() || json.value("format", "") != kFormat) {
    return InvalidArgument("format is not " + std::string(kFormat));
  }
  BackupManifest m;
  m.id = json.at("id").get<std::string>();
  std::optional<DatabaseType> type = ParseDatabaseType(json.at("database").get<std::string>());
  if (!type) return InvalidArgument("database");
  m.target.database_type = *type;
  std::string tenant = json.at("tenant").get<std::string>();
  m.target.tier = tenant == "_" ? Tier::kGeneric : Tier::kTenant;
  m.target.tenant_id = tenant == "_" ? "" : tenant;
  m.target.collection = json.at("collection").get<std::string>();
  m.versioned = json.at("versioned").get<bool>();
  if (m.versioned) {
    XRONOX_ASSIGN_OR_RETURN(m.as_of, TimeField(json, "asOf"));
  }
  XRONOX_ASSIGN_OR_RETURN(m.started_at, TimeField(json, "startedAt"));
  XRONOX_ASSIGN_OR_RETURN(m.finished_at, TimeField(json, "finishedAt"));
  m.records = json.at("records").get<int64_t>();
  m.bytes = json.at("bytes").get<int64_t>();
  m.stored_bytes = json.at("storedBytes").get<int64_t>();
  m.config_fingerprint = json.at("configFingerprint").get<std::string>();
  m.with_content = json.value("withContent", false);
  m.content_blobs = json.value("contentBlobs", int64_t{0});
  m.content_bytes = json.value("contentBytes", int64_t{0});
  for (const Json& p : json.at("parts")) {
    m.parts.push_back({p.at("name").get<std::string>(), p.at("records").get<int64_t>(),
                       p.at("bytes").get<int64_t>(), p.at("storedBytes").get<int64_t>(),
                       p.at("sha256").get<std::string>(), p.at("firstId").get<std::string>(),
                       p.at("lastId").get<std::string>()});
  }
  return m;
}

}  // namespace

Json BackupManifestToJson(const BackupManifest& m) {
  Json json = {{"id", m.id},
               {"database", DatabaseTypeName(m.target.database_type)},
               {"tenant", m.target.tier == Tier::kTenant ? m.target.tenant_id : "_"},
               {"collection", m.target.collection},
               {"versioned", m.versioned}};
  if (m.versioned) json["asOf"] = FormatRfc3339(m.as_of);
  json["startedAt"] = FormatRfc3339(m.started_at);
  json["finishedAt"] = FormatRfc3339(m.finished_at);
  json["records"] = m.records;
  json["bytes"] = m.bytes;
  json["storedBytes"] = m.stored_bytes;
  json["parts"] = Json::array();
  for (const BackupPart& part : m.parts) json["parts"].push_back(PartToJson(part));
  json["configFingerprint"] = m.config_fingerprint;
  json["withContent"] = m.with_content;
  json["contentBlobs"] = m.content_blobs;
  json["contentBytes"] = m.content_bytes;
  json["daySnapshot"] = m.day_snapshot;
  return json;
}

Json RestoreReportToJson(const RestoreReport& r) {
  return {{"id", r.backup_id},      {"records", r.records},     {"created", r.created},
          {"replaced", r.replaced}, {"unchanged", r.unchanged}, {"deleted", r.deleted},
          {"dryRun", r.dry_run}};
}

Json AsOfRestoreReportToJson(const AsOfRestoreReport& r) {
  return {{"asOf", FormatRfc3339(r.as_of)},
          {"examined", r.examined},
          {"reverted", r.reverted},
          {"revived", r.revived},
          {"deleted", r.deleted},
          {"unchanged", r.unchanged},
          {"dryRun", r.dry_run}};
}

Json RebuildReportToJson(const RebuildReport& r) {
  return {{"versioned", r.versioned},
          {"records", r.records},
          {"versions", r.versions},
          {"unrecoverable", r.unrecoverable},
          {"unrecoverableIds", r.unrecoverable_ids},
          {"problems", r.problems}};
}

std::string ManifestText(const BackupManifest& manifest) {
  Json json = BackupManifestToJson(manifest);
  json.erase("daySnapshot");  // Known only when listed.
  json["format"] = kFormat;
  return json.dump(2) + "\n";
}

Result<BackupManifest> ParseManifest(const std::string& text, const std::string& key) {
  auto damaged = [&key](const std::string& why) {
    return Corruption("backup manifest " + key + " is damaged: " + why.substr(0, 200));
  };
  if (text.size() > kMaxManifestBytes) return damaged("larger than 16 MiB");
  Result<Json> json = ParseJsonStrict(text);
  if (!json.ok()) return damaged(json.status().message());
  try {
    Result<BackupManifest> manifest = ManifestFromJson(*json);
    if (!manifest.ok()) return damaged("bad field " + manifest.status().message());
    return manifest;
  } catch (const Json::exception& e) {
    return damaged(e.what());
  }
}

}  // namespace xronox
