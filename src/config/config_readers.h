// Readers of the config file's parts shared by its two shapes: the project's own
// (config_json.cc) and the guide's (guide_config.cc).
// Thread-safety: pure functions.
#pragma once

#include "config/json_reader.h"
#include "xronox/config.h"

namespace xronox::config_internal {

/// An S3 connection's fields (endpoint, region, keys, buckets, folderPrefixes, ...).
void ReadS3(ObjectReader& reader, S3Connection* s3);
/// The fields every database object may hold (tenantId, refs, dbName, buckets, ...).
void ReadDatabaseFields(ObjectReader& reader, DatabaseConfig* db);
/// "retention": {"days", "maxPerItem"} of a database or collection map, when present.
void ReadRetention(ObjectReader& reader, std::optional<RetentionPolicy>* out);
/// "collectionMaps": {name: {"indexedProps", "s3Offload", "retention"}}.
void ReadCollectionMaps(ObjectReader& root, Config* config);
/// "engine": {"inlineMaxBytes", "claimLeaseSeconds"}.
void ReadEngine(ObjectReader& root, EngineOptions* engine);

/// True when `root` is written in the guide's shape (dbConnections, spacesConnections,
/// localStorage, genericDatabase, domainsDatabases, dbConnRef or spaceConnRef).
bool IsGuideShape(const Json& root);
/// Read a config in the guide's shape into `config` (problems under the guide's paths).
void ReadGuideConfig(ObjectReader& root, Config* config);

/// Replace every "${NAME}" in every string of `value` with the environment variable NAME;
/// "$${NAME}" stays as the literal "${NAME}". A variable that is not set is a problem naming
/// it (never its value, nor the string around it).
void SubstituteEnvironment(Json& value, const std::string& path, Problems* problems);

/// Runtime databases with enableVersioning and no versionsBucket: the S3 connection's
/// buckets.versions, else recordsBucket with a trailing "-records" made "-versions", else a
/// problem naming the field.
void DefaultVersionsBuckets(Config* config, Problems* problems);

}  // namespace xronox::config_internal
