#include "xronox/types.h"

#include "common/clock.h"

namespace xronox {

namespace {
constexpr const char* kDatabaseTypeNames[] = {"knowledge", "metadata",   "runtime",
                                              "messaging", "identities", "logs"};
}  // namespace

const char* DatabaseTypeName(DatabaseType type) {
  return kDatabaseTypeNames[static_cast<int>(type)];
}

std::optional<DatabaseType> ParseDatabaseType(const std::string& name) {
  for (int i = 0; i < 6; ++i) {
    if (name == kDatabaseTypeNames[i]) return static_cast<DatabaseType>(i);
  }
  return std::nullopt;
}

const char* OperationName(Operation op) {
  switch (op) {
    case Operation::kCreate:
      return "create";
    case Operation::kUpdate:
      return "update";
    case Operation::kDelete:
      return "delete";
    case Operation::kRestore:
      return "restore";
  }
  return "update";
}

Json CountsToJson(const CollectionCounts& counts) {
  return {{"created", counts.created},
          {"updated", counts.updated},
          {"deleted", counts.deleted},
          {"live", counts.live}};
}

Json RecordToJson(const Record& record) {
  Json j = {{"id", record.id},
            {"version", record.version},
            {"data", record.data},
            {"createdAt", FormatRfc3339(record.created_at)},
            {"updatedAt", FormatRfc3339(record.updated_at)}};
  if (record.deleted) j["deleted"] = true;
  if (!record.actor.empty()) j["actor"] = record.actor;
  if (!record.reason.empty()) j["reason"] = record.reason;
  if (!record.on_behalf_of.empty()) j["onBehalfOf"] = record.on_behalf_of;
  return j;
}

std::string RecordToJsonText(const Record& record) {
  if (record.data_text.empty()) return RecordToJson(record).dump();
  Json rest = RecordToJson(record);
  rest.erase("data");
  std::string text = rest.dump();  // Non-empty object: ends with '}'.
  text.pop_back();
  return text + ",\"data\":" + record.data_text + "}";
}

Json VersionInfoToJson(const VersionInfo& info) {
  Json j = {{"version", info.version},      {"op", OperationName(info.op)},
            {"actor", info.actor},          {"reason", info.reason},
            {"at", FormatRfc3339(info.at)}, {"changedFields", info.changed_fields}};
  if (!info.on_behalf_of.empty()) j["onBehalfOf"] = info.on_behalf_of;
  if (info.payload_removed) j["payloadRemoved"] = true;
  return j;
}

std::string TargetPath(const Target& t) {
  return std::string(DatabaseTypeName(t.database_type)) + "/" +
         (t.tier == Tier::kTenant ? t.tenant_id : "_") + "/" + t.collection;
}

}  // namespace xronox
