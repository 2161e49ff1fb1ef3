#include "config/server_config.h"

#include <algorithm>
#include <functional>
#include <set>

#include "common/hash.h"
#include "common/ids.h"
#include "common/names.h"
#include "config/problems.h"

namespace xronox {
namespace config_internal {

namespace {

constexpr size_t kMaxPrincipalBytes = 256;
constexpr const char* kOperations[] = {"read", "write", "admin", "read_hidden", "*"};

ApiKeyScope ReadScope(const Json& value, const std::string& path, Problems* problems) {
  ApiKeyScope scope;
  ObjectReader reader(value, path, problems);
  reader.StringArray("databaseTypes", &scope.database_types);
  reader.StringArray("tenants", &scope.tenants);
  reader.StringArray("operations", &scope.operations);
  reader.Finish();
  return scope;
}

ApiKey ReadKey(const Json& value, const std::string& path, Problems* problems) {
  ApiKey key;
  ObjectReader reader(value, path, problems);
  reader.String("principal", &key.principal);
  reader.String("secretSha256", &key.secret_sha256);
  if (const Json* scopes = reader.Array("scopes")) {
    for (size_t i = 0; i < scopes->size(); ++i) {
      key.scopes.push_back(
          ReadScope((*scopes)[i], IndexPath(reader.PathOf("scopes"), i), problems));
    }
  }
  reader.Finish();
  return key;
}

bool IsLowerHex(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsPrintableText(const std::string& text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Each list must name something; "*" and names are checked one by one.
void CheckList(const std::vector<std::string>& values, const std::string& path,
               const std::function<std::string(const std::string&)>& rule, Problems* problems) {
  if (values.empty()) problems->Add(path, "must list at least one entry (\"*\" for any)");
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == "*") continue;
    std::string broken = rule(values[i]);
    if (!broken.empty()) problems->Add(IndexPath(path, i), broken);
  }
}

void ValidateScope(const ApiKeyScope& scope, const std::string& path, Problems* problems) {
  CheckList(
      scope.database_types, JoinPath(path, "databaseTypes"),
      [](const std::string& name) -> std::string {
        if (ParseDatabaseType(name)) return "";
        return "'" + name +
               "' is not a database type (knowledge, metadata, runtime, "
               "messaging, identities, logs or \"*\")";
      },
      problems);
  CheckList(
      scope.tenants, JoinPath(path, "tenants"),
      [](const std::string& tenant) -> std::string {
        if (tenant == "_") return "";
        Status valid = ValidateTenantId(tenant);
        return valid.ok() ? "" : valid.message();
      },
      problems);
  CheckList(
      scope.operations, JoinPath(path, "operations"),
      [](const std::string& op) -> std::string {
        if (std::find(std::begin(kOperations), std::end(kOperations), op) !=
            std::end(kOperations)) {
          return "";
        }
        return "'" + op + "' is not an operation (read, write, admin, read_hidden or \"*\")";
      },
      problems);
}

void ValidateKey(const ApiKey& key, const std::string& path, Problems* problems) {
  if (key.principal.empty() || key.principal.size() > kMaxPrincipalBytes ||
      !IsPrintableText(key.principal)) {
    problems->Add(JoinPath(path, "principal"),
                  "must be 1-256 bytes of text without control characters");
  }
  if (key.secret_sha256.size() != 64 || !IsLowerHex(key.secret_sha256)) {
    problems->Add(JoinPath(path, "secretSha256"),
                  "must be the 64 lower-case hex digits of the token's SHA-256 (see "
                  "`xronox keys new`), never the token itself");
  }
  if (key.scopes.empty()) problems->Add(JoinPath(path, "scopes"), "must list at least one scope");
  for (size_t i = 0; i < key.scopes.size(); ++i) {
    ValidateScope(key.scopes[i], IndexPath(JoinPath(path, "scopes"), i), problems);
  }
}

Json ScopeToJson(const ApiKeyScope& scope) {
  return Json{{"databaseTypes", scope.database_types},
              {"tenants", scope.tenants},
              {"operations", scope.operations}};
}

}  // namespace

void ReadApiKeys(ObjectReader& reader, std::vector<ApiKey>* keys) {
  const Json* list = reader.Array("apiKeys");
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size(); ++i) {
    keys->push_back(ReadKey((*list)[i], IndexPath(reader.PathOf("apiKeys"), i), reader.problems()));
  }
}

void ReadServerConfig(ObjectReader& root, ServerConfig* server) {
  const Json* object = root.Object("server");
  if (object == nullptr) return;
  ObjectReader reader(*object, root.PathOf("server"), root.problems());
  ReadApiKeys(reader, &server->api_keys);
  reader.Finish();
}

void ValidateApiKeys(const std::vector<ApiKey>& keys, const std::string& path, Problems* problems) {
  std::set<std::string> hashes;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string key_path = IndexPath(path, i);
    ValidateKey(keys[i], key_path, problems);
    if (!keys[i].secret_sha256.empty() && !hashes.insert(keys[i].secret_sha256).second) {
      problems->Add(JoinPath(key_path, "secretSha256"),
                    "is the hash of another key: one token must name one principal");
    }
  }
}

Json ServerConfigToJson(const ServerConfig& server) {
  Json keys = Json::array();
  for (const ApiKey& key : server.api_keys) {
    Json scopes = Json::array();
    for (const ApiKeyScope& scope : key.scopes) scopes.push_back(ScopeToJson(scope));
    keys.push_back(Json{{"principal", key.principal},
                        {"secretSha256", key.secret_sha256},
                        {"scopes", std::move(scopes)}});
  }
  return Json{{"apiKeys", std::move(keys)}};
}

}  // namespace config_internal

std::string HashApiKeyToken(const std::string& token) { return Sha256Hex(token); }

std::string NewApiKeyToken() { return "xrx_" + RandomHex(32); }

}  // namespace xronox
