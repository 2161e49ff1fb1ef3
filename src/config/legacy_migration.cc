// MigrateLegacyConfig: the seed's v2.4.x raw config (genericDatabase, tenantDatabases,
// dbConnRef/spaceConnRef) turned into a validated Config.
#include <map>
#include <set>

#include "common/json_codec.h"
#include "config/json_reader.h"
#include "config/resolve.h"
#include "xronox/config.h"

namespace xronox {

namespace {

using config_internal::IndexPath;
using config_internal::JoinPath;
using config_internal::ObjectReader;
using config_internal::Problems;

struct Migration {
  Config config;
  std::vector<std::string> warnings;
  // Per database in config.databases (same order): the raw refs to resolve.
  std::vector<std::pair<std::string, std::string>> refs;  // dbConnRef, spaceConnRef.
  std::vector<std::string> paths;                         // Old-format path of each database.
};

// The fields of one old-format database object.
void ReadLegacyFields(ObjectReader& reader, DatabaseConfig* db, std::string* db_ref,
                      std::string* space_ref) {
  reader.String("dbConnRef", db_ref);
  reader.String("spaceConnRef", space_ref);
  reader.String("dbName", &db->db_name);
  for (BucketKind kind : kAllBucketKinds) {
    reader.String((std::string(BucketKindName(kind)) + "Bucket").c_str(),
                  &MutableBucketName(db->buckets, kind));
  }
}

void AddDatabase(Migration& m, DatabaseConfig db, std::string db_ref, std::string space_ref,
                 std::string path) {
  m.config.databases.push_back(std::move(db));
  m.refs.emplace_back(std::move(db_ref), std::move(space_ref));
  m.paths.push_back(std::move(path));
}

// knowledge/metadata: {"genericDatabase": {...}}.
void ReadGenericType(ObjectReader& root, DatabaseType type, Migration& m) {
  const char* key = DatabaseTypeName(type);
  const Json* object = root.Object(key);
  if (object == nullptr) return;
  ObjectReader outer(*object, root.PathOf(key), root.problems());
  if (const Json* inner = outer.Object("genericDatabase")) {
    const std::string path = outer.PathOf("genericDatabase");
    ObjectReader reader(*inner, path, outer.problems());
    DatabaseConfig db;
    db.type = type;
    std::string db_ref, space_ref;
    ReadLegacyFields(reader, &db, &db_ref, &space_ref);
    reader.Finish();
    AddDatabase(m, std::move(db), std::move(db_ref), std::move(space_ref), path);
  } else {
    outer.problems()->Add(outer.PathOf("genericDatabase"), "is required");
  }
  outer.Finish();
}

// messaging/identities/logs: the fields directly.
void ReadFlatType(ObjectReader& root, DatabaseType type, Migration& m) {
  const char* key = DatabaseTypeName(type);
  const Json* object = root.Object(key);
  if (object == nullptr) return;
  ObjectReader reader(*object, root.PathOf(key), root.problems());
  DatabaseConfig db;
  db.type = type;
  std::string db_ref, space_ref;
  ReadLegacyFields(reader, &db, &db_ref, &space_ref);
  reader.Finish();
  AddDatabase(m, std::move(db), std::move(db_ref), std::move(space_ref), reader.path());
}

void ReadRuntime(ObjectReader& root, Migration& m) {
  const Json* object = root.Object("runtime");
  if (object == nullptr) return;
  ObjectReader outer(*object, root.PathOf("runtime"), root.problems());
  if (const Json* list = outer.Array("tenantDatabases")) {
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string path = IndexPath(outer.PathOf("tenantDatabases"), i);
      ObjectReader reader((*list)[i], path, outer.problems());
      DatabaseConfig db;
      db.type = DatabaseType::kRuntime;
      db.tier = Tier::kTenant;
      std::string db_ref, space_ref;
      reader.String("tenantId", &db.tenant_id);
      reader.String("analyticsDbName", &db.analytics_db_name);
      ReadLegacyFields(reader, &db, &db_ref, &space_ref);
      reader.Finish();
      AddDatabase(m, std::move(db), std::move(db_ref), std::move(space_ref), path);
    }
  }
  outer.Finish();
}

// Merge the connections of `from` into `into`; a name defined twice is a problem.
template <typename Map>
void MergeConnections(const Map& from, Map& into, const char* kind, Problems* problems) {
  for (const auto& [name, connection] : from) {
    if (!into.emplace(name, connection).second) {
      problems->Add(std::string("connections.") + kind + "." + name,
                    "is defined both in the config and in the connections file");
    }
  }
}

// Parse new-form {"connections": {...}} text; `what` names its source in messages.
Result<Config> ParseConnections(const Json& connections, const std::string& what) {
  Json wrapper = Json::object();
  wrapper["connections"] = connections;
  XRONOX_ASSIGN_OR_RETURN(std::string text, DumpJson(wrapper));
  Result<Config> parsed = config_internal::ParseConfigJsonUnvalidated(text);
  if (!parsed.ok()) return Status(parsed.status().code(), what + ": " + parsed.status().message());
  return parsed;
}

Status ReadConnectionsFile(const std::string& text, Config* out) {
  Result<Json> json = ParseJsonStrict(text);
  if (!json.ok()) return InvalidArgument("connections file: " + json.status().message());
  if (!json->is_object()) return InvalidArgument("connections file: must be a JSON object");
  std::vector<std::string> extra;
  for (const auto& [key, unused] : json->items()) {
    if (key != "connections") extra.push_back("'" + key + "'");
  }
  if (!extra.empty()) {
    std::string names;
    for (const auto& e : extra) names += (names.empty() ? "" : ", ") + e;
    return InvalidArgument("connections file: must hold only \"connections\"; unknown key(s) " +
                           names);
  }
  auto it = json->find("connections");
  if (it == json->end()) return InvalidArgument("connections file: missing \"connections\"");
  XRONOX_ASSIGN_OR_RETURN(*out, ParseConnections(*it, "connections file"));
  return Status::Ok();
}

// Bind each database's dbConnRef/spaceConnRef to the defined connection of that name; refs
// with no definition are collected.
void BindRefs(Migration& m, std::map<std::string, std::vector<std::string>>* missing) {
  const Config& c = m.config;
  for (size_t i = 0; i < c.databases.size(); ++i) {
    DatabaseConfig& db = m.config.databases[i];
    const auto& [db_ref, space_ref] = m.refs[i];
    const std::string& path = m.paths[i];
    if (db_ref.empty()) {
      // Reported by validation ("needs a hot store"); note the old key.
      m.warnings.push_back(path + ": no dbConnRef (a hot store is required)");
    } else if (c.mongo_connections.count(db_ref)) {
      db.mongo_ref = db_ref;
    } else if (c.sqlite_connections.count(db_ref)) {
      db.sqlite_ref = db_ref;
    } else {
      (*missing)[db_ref].push_back(JoinPath(path, "dbConnRef"));
    }
    if (space_ref.empty()) continue;
    if (c.s3_connections.count(space_ref)) {
      db.s3_ref = space_ref;
    } else if (c.folder_connections.count(space_ref)) {
      db.folder_ref = space_ref;
    } else {
      (*missing)[space_ref].push_back(JoinPath(path, "spaceConnRef"));
    }
  }
}

// Runtime is always versioned: give each runtime database a versions bucket, or say it keeps
// its versions in the hot store.
void AddRuntimeVersioning(Migration& m) {
  for (size_t i = 0; i < m.config.databases.size(); ++i) {
    DatabaseConfig& db = m.config.databases[i];
    if (db.type != DatabaseType::kRuntime) continue;
    db.enable_versioning = true;
    const std::string who = m.paths[i] + " (tenant '" + db.tenant_id + "')";
    if (!HasObjectStore(db)) {
      m.warnings.push_back(who +
                           ": no object store (spaceConnRef), so versions are kept in the hot "
                           "store only; add spaceConnRef and versionsBucket to move payloads "
                           "and versions to an object store");
      continue;
    }
    if (!db.buckets.versions.empty()) continue;
    if (!ResolveBucket(m.config, db, BucketKind::kVersions).empty()) {
      m.warnings.push_back(who +
                           ": no versionsBucket; versions use the s3 connection's default "
                           "versions bucket '" +
                           ResolveBucket(m.config, db, BucketKind::kVersions) + "'");
      continue;
    }
    const std::string& records = db.buckets.records;
    if (records.empty()) {
      m.warnings.push_back(who +
                           ": no versionsBucket and no recordsBucket to derive one from; "
                           "set versionsBucket");
      continue;
    }
    const std::string suffix = "records";
    std::string stem = records;
    if (stem.size() > suffix.size() &&
        stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0) {
      stem.resize(stem.size() - suffix.size());
      db.buckets.versions = stem + "versions";
    } else {
      db.buckets.versions = records + "-versions";
    }
    m.warnings.push_back(who + ": added versionsBucket '" + db.buckets.versions +
                         "' (derived from recordsBucket; runtime is always versioned); "
                         "create the bucket before use");
  }
}

std::string MissingRefsMessage(const std::map<std::string, std::vector<std::string>>& missing) {
  std::string text = "legacy config: " + std::to_string(missing.size()) +
                     " connection ref(s) need connection definitions (add a \"connections\" "
                     "object in the new form, or pass a connections file):";
  for (const auto& [ref, uses] : missing) {
    const bool hot = uses.front().ends_with("dbConnRef");
    text +=
        "\n  '" + ref + "' (define it under " +
        (hot ? "connections.mongo or connections.sqlite" : "connections.s3 or connections.folder") +
        ") used by ";
    for (size_t i = 0; i < uses.size(); ++i) text += (i ? ", " : "") + uses[i];
  }
  return text;
}

}  // namespace

Result<MigrationResult> MigrateLegacyConfig(const std::string& json_text,
                                            const std::string& connections_json) {
  Result<Json> json = ParseJsonStrict(json_text);
  if (!json.ok()) return InvalidArgument("legacy config: " + json.status().message());
  Problems problems;
  Migration m;
  ObjectReader root(*json, "", &problems);
  if (const Json* connections = root.Object("connections")) {
    Result<Config> parsed = ParseConnections(*connections, "legacy config");
    if (!parsed.ok()) return parsed.status();
    m.config = std::move(parsed).value();
  }
  ReadGenericType(root, DatabaseType::kKnowledge, m);
  ReadGenericType(root, DatabaseType::kMetadata, m);
  ReadRuntime(root, m);
  ReadFlatType(root, DatabaseType::kMessaging, m);
  ReadFlatType(root, DatabaseType::kIdentities, m);
  ReadFlatType(root, DatabaseType::kLogs, m);
  root.Finish();
  if (!connections_json.empty()) {
    Config file;
    XRONOX_RETURN_IF_ERROR(ReadConnectionsFile(connections_json, &file));
    MergeConnections(file.mongo_connections, m.config.mongo_connections, "mongo", &problems);
    MergeConnections(file.s3_connections, m.config.s3_connections, "s3", &problems);
    MergeConnections(file.sqlite_connections, m.config.sqlite_connections, "sqlite", &problems);
    MergeConnections(file.folder_connections, m.config.folder_connections, "folder", &problems);
  }
  XRONOX_RETURN_IF_ERROR(problems.ToStatus("invalid legacy config"));
  if (m.config.databases.empty()) {
    return InvalidArgument(
        "legacy config: no databases (expected knowledge, metadata, runtime, "
        "messaging, identities or logs)");
  }
  std::map<std::string, std::vector<std::string>> missing;
  BindRefs(m, &missing);
  if (!missing.empty()) return InvalidArgument(MissingRefsMessage(missing));
  AddRuntimeVersioning(m);
  if (Status s = ValidateConfig(m.config); !s.ok()) {
    return Status(s.code(), "migrated config is invalid: " + s.message());
  }
  return MigrationResult{std::move(m.config), std::move(m.warnings)};
}

}  // namespace xronox
