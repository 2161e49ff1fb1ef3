// The guide's config file shape (v2.6): {"dbConnections": {name: {"mongoUri"}},
// "spacesConnections": {name: {S3 fields}}, "databases": {"knowledge": {"genericDatabase",
// "domainsDatabases", "tenantDatabases"}, "metadata": {...}, "runtime": {"tenantDatabases"},
// "messaging": {...}, "identities": {...}, "logs": {...}}, "localStorage": {"basePath",
// "enabled"}, "collectionMaps": {...}}, read into the same Config as the project's own shape
// (docs/formats/config.md, "The guide's shape"). Also ${VAR} substitution and the versions
// bucket default, which apply to both shapes.
#include <cstdlib>
#include <string>

#include "config/config_readers.h"
#include "config/resolve.h"
#include "config/server_config.h"

namespace xronox::config_internal {

namespace {

// The folder connection that "localStorage" becomes.
constexpr char kLocalStorage[] = "localStorage";

constexpr const char* kGuideRootKeys[] = {"dbConnections", "spacesConnections", "localStorage"};
constexpr const char* kGuideDatabaseKeys[] = {"genericDatabase", "domainsDatabases", "dbConnRef",
                                              "spaceConnRef"};

bool HasGuideKey(const Json& value, int depth) {
  if (!value.is_object() || depth > 3) return false;
  for (const char* key : kGuideDatabaseKeys) {
    if (value.contains(key)) return true;
  }
  for (const auto& [key, member] : value.items()) {
    if (member.is_array()) {
      for (const Json& item : member) {
        if (HasGuideKey(item, depth + 1)) return true;
      }
    } else if (HasGuideKey(member, depth + 1)) {
      return true;
    }
  }
  return false;
}

void ReadDbConnections(ObjectReader& root, Config* config) {
  const Json* object = root.Object("dbConnections");
  if (object == nullptr) return;
  for (const auto& [name, value] : object->items()) {
    ObjectReader reader(value, JoinPath(root.PathOf("dbConnections"), name), root.problems());
    MongoConnection mongo;
    reader.String("mongoUri", &mongo.uri);
    if (mongo.uri.empty()) reader.problems()->Add(reader.PathOf("mongoUri"), "is required");
    reader.Finish();
    config->mongo_connections[name] = std::move(mongo);
  }
}

void ReadSpacesConnections(ObjectReader& root, Config* config) {
  const Json* object = root.Object("spacesConnections");
  if (object == nullptr) return;
  for (const auto& [name, value] : object->items()) {
    ObjectReader reader(value, JoinPath(root.PathOf("spacesConnections"), name), root.problems());
    S3Connection s3;
    ReadS3(reader, &s3);
    reader.Finish();
    config->s3_connections[name] = std::move(s3);
  }
}

void ReadLocalStorage(ObjectReader& root, Config* config) {
  const Json* object = root.Object("localStorage");
  if (object == nullptr) return;
  ObjectReader reader(*object, root.PathOf("localStorage"), root.problems());
  std::string base_path;
  bool enabled = false;
  reader.String("basePath", &base_path);
  reader.Bool("enabled", &enabled);
  reader.Finish();
  if (!enabled) return;
  if (base_path.empty()) return reader.problems()->Add(reader.PathOf("basePath"), "is required");
  config->folder_connections[kLocalStorage].path = base_path;
}

// dbConnRef names a dbConnections entry; spaceConnRef a spacesConnections entry. Without one,
// an enabled localStorage keeps the objects.
void BindRefs(ObjectReader& reader, const Config& config, const std::string& db_ref,
              const std::string& space_ref, DatabaseConfig* db) {
  if (!db_ref.empty()) {
    db->mongo_ref = db_ref;
    if (!config.mongo_connections.count(db_ref)) {
      reader.problems()->Add(reader.PathOf("dbConnRef"),
                             "'" + db_ref + "' names no dbConnections entry");
    }
  }
  if (!space_ref.empty()) {
    db->s3_ref = space_ref;
    if (!config.s3_connections.count(space_ref)) {
      reader.problems()->Add(reader.PathOf("spaceConnRef"),
                             "'" + space_ref + "' names no spacesConnections entry");
    }
  } else if (db->s3_ref.empty() && db->folder_ref.empty() &&
             config.folder_connections.count(kLocalStorage)) {
    db->folder_ref = kLocalStorage;
  }
}

DatabaseConfig ReadGuideDatabase(const Json& value, const std::string& path, DatabaseType type,
                                 Tier tier, const Config& config, Problems* problems) {
  ObjectReader reader(value, path, problems);
  DatabaseConfig db;
  db.type = type;
  db.tier = tier;
  std::string db_ref;
  std::string space_ref;
  reader.String("dbConnRef", &db_ref);
  reader.String("spaceConnRef", &space_ref);
  ReadDatabaseFields(reader, &db);
  BindRefs(reader, config, db_ref, space_ref, &db);
  reader.Finish();
  return db;
}

void ReadTenantList(ObjectReader& reader, DatabaseType type, Config* config) {
  const Json* list = reader.Array("tenantDatabases");
  if (list == nullptr) return;
  if (type != DatabaseType::kRuntime && type != DatabaseType::kMessaging && !list->empty()) {
    return reader.problems()->Add(reader.PathOf("tenantDatabases"),
                                  std::string(DatabaseTypeName(type)) +
                                      " is generic tier (shared by tenants): use genericDatabase");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    config->databases.push_back(ReadGuideDatabase((*list)[i],
                                                  IndexPath(reader.PathOf("tenantDatabases"), i),
                                                  type, Tier::kTenant, *config, reader.problems()));
  }
}

// knowledge, metadata: genericDatabase and the lists. messaging, identities, logs: the
// database's fields directly (or a genericDatabase).
void ReadGuideType(ObjectReader& databases, DatabaseType type, Config* config) {
  const char* key = DatabaseTypeName(type);
  const Json* object = databases.Object(key);
  if (object == nullptr) return;
  const std::string path = databases.PathOf(key);
  const bool nested = object->is_object() &&
                      (object->contains("genericDatabase") || object->contains("tenantDatabases") ||
                       object->contains("domainsDatabases") || type == DatabaseType::kRuntime);
  if (!nested) {
    config->databases.push_back(
        ReadGuideDatabase(*object, path, type, Tier::kGeneric, *config, databases.problems()));
    return;
  }
  ObjectReader reader(*object, path, databases.problems());
  if (const Json* generic = reader.Object("genericDatabase")) {
    config->databases.push_back(ReadGuideDatabase(*generic, reader.PathOf("genericDatabase"), type,
                                                  Tier::kGeneric, *config, reader.problems()));
  }
  if (const Json* domains = reader.Array("domainsDatabases"); domains && !domains->empty()) {
    reader.problems()->Add(reader.PathOf("domainsDatabases"),
                           "domain databases are not supported; use genericDatabase");
  }
  ReadTenantList(reader, type, config);
  reader.Finish();
}

void SubstituteString(std::string& text, const std::string& path, Problems* problems) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    if (text.compare(at, 3, "$${") == 0) {  // Escaped: a literal "${".
      out += "${";
      at += 3;
      continue;
    }
    size_t end = text.compare(at, 2, "${") == 0 ? text.find('}', at + 2) : std::string::npos;
    if (end == std::string::npos) {
      out += text[at++];
      continue;
    }
    const std::string name = text.substr(at + 2, end - at - 2);
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    if (value == nullptr) {
      const std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
      problems->Add(path, "environment variable '" + shown + "' is not set");
      return;
    }
    out += value;
    at = end + 1;
  }
  text = std::move(out);
}

}  // namespace

bool IsGuideShape(const Json& root) {
  if (!root.is_object()) return false;
  for (const char* key : kGuideRootKeys) {
    if (root.contains(key)) return true;
  }
  auto databases = root.find("databases");
  return databases != root.end() && HasGuideKey(*databases, 0);
}

void ReadGuideConfig(ObjectReader& root, Config* config) {
  if (root.Object("connections") != nullptr) {
    root.problems()->Add("connections",
                         "a file in the guide's shape (dbConnRef, genericDatabase, ...) names its "
                         "connections under dbConnections and spacesConnections; use one shape");
  }
  ReadDbConnections(root, config);
  ReadSpacesConnections(root, config);
  ReadLocalStorage(root, config);
  if (const Json* object = root.Object("databases")) {
    ObjectReader reader(*object, root.PathOf("databases"), root.problems());
    for (DatabaseType type :
         {DatabaseType::kKnowledge, DatabaseType::kMetadata, DatabaseType::kRuntime,
          DatabaseType::kMessaging, DatabaseType::kIdentities, DatabaseType::kLogs}) {
      ReadGuideType(reader, type, config);
    }
    reader.Finish();
  }
  ReadCollectionMaps(root, config);
  ReadEngine(root, &config->engine);
  ReadServerConfig(root, &config->server);
}

void SubstituteEnvironment(Json& value, const std::string& path, Problems* problems) {
  if (value.is_string()) return SubstituteString(value.get_ref<std::string&>(), path, problems);
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      SubstituteEnvironment(value[i], IndexPath(path, i), problems);
    }
    return;
  }
  if (!value.is_object()) return;
  for (auto& [key, member] : value.items()) {
    SubstituteEnvironment(member, JoinPath(path, key), problems);
  }
}

void DefaultVersionsBuckets(Config* config, Problems* problems) {
  auto fill = [&](DatabaseConfig& db, const std::string& path) {
    if (db.type != DatabaseType::kRuntime || db.enable_versioning != true ||
        !db.buckets.versions.empty() || !HasObjectStore(db)) {
      return;
    }
    if (!ResolveBucket(*config, db, BucketKind::kVersions).empty()) return;  // Connection's.
    const std::string suffix = "-records";
    const std::string& records = db.buckets.records;
    if (records.size() > suffix.size() && records.ends_with(suffix)) {
      db.buckets.versions = records.substr(0, records.size() - suffix.size()) + "-versions";
      return;
    }
    problems->Add(JoinPath(path, "versionsBucket"),
                  "is required with enableVersioning (no connection default, and recordsBucket "
                  "does not end in '-records' to derive it from)");
  };
  for (size_t i = 0; i < config->databases.size(); ++i) {
    DatabaseConfig& db = config->databases[i];
    fill(db, "databases.runtime (tenant '" + db.tenant_id + "')");
  }
  if (config->runtime_tenant_template) {
    fill(*config->runtime_tenant_template, "databases.runtime.tenantTemplate");
  }
}

}  // namespace xronox::config_internal
