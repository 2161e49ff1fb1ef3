// The "server" section of a config (API keys of xronoxd): strict reading, validation and
// serialization. Thread-safety: pure functions.
#pragma once

#include "config/json_reader.h"
#include "config/problems.h"
#include "xronox/config.h"

namespace xronox::config_internal {

/// Read the optional "server" member of the root object into `server`.
void ReadServerConfig(ObjectReader& root, ServerConfig* server);
/// Read an "apiKeys" array member of `reader` into `keys`.
void ReadApiKeys(ObjectReader& reader, std::vector<ApiKey>* keys);
/// Check the keys: principals, hash shape, unique hashes, scopes (paths under `path`).
void ValidateApiKeys(const std::vector<ApiKey>& keys, const std::string& path, Problems* problems);
/// {"apiKeys": [...]} with the config's field names; the hashes are not secret.
Json ServerConfigToJson(const ServerConfig& server);

}  // namespace xronox::config_internal
