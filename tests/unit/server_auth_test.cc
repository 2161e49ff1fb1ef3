// API keys: the config's "server.apiKeys" (strict parsing, validation, round trip), the
// --api-keys file, and the Authenticator's checks of tokens and scopes.
#include <gtest/gtest.h>

#include <fstream>

#include "server/api/auth.h"
#include "support/temp_dir.h"
#include "xronox/config.h"

namespace xronox {
namespace {

using server::Access;
using server::Authenticator;

const std::string kHashA = HashApiKeyToken("token-a");

Json KeyJson(const std::string& principal, const std::string& hash, Json scope) {
  return {{"principal", principal}, {"secretSha256", hash}, {"scopes", Json::array({scope})}};
}

Json Scope(Json types, Json tenants, Json operations) {
  return {{"databaseTypes", types}, {"tenants", tenants}, {"operations", operations}};
}

Json ConfigWithKeys(Json keys) {
  return {{"connections", {{"sqlite", {{"local", {{"path", "/tmp/x.sqlite"}}}}}}},
          {"server", {{"apiKeys", keys}}}};
}

TEST(ApiKeyConfigTest, ParsesKeysAndRoundTripsThem) {
  Json keys = {KeyJson("billing", kHashA, Scope({"runtime"}, {"acme", "_"}, {"read", "write"}))};
  Result<Config> config = ParseConfigJson(ConfigWithKeys(keys).dump());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->server.api_keys.size(), 1u);
  const ApiKey& key = config->server.api_keys[0];
  EXPECT_EQ(key.principal, "billing");
  EXPECT_EQ(key.secret_sha256, kHashA);
  ASSERT_EQ(key.scopes.size(), 1u);
  EXPECT_EQ(key.scopes[0].tenants, (std::vector<std::string>{"acme", "_"}));
  EXPECT_EQ(ConfigToJson(*config)["server"]["apiKeys"], keys);
}

TEST(ApiKeyConfigTest, EveryProblemIsNamedWithItsPath) {
  Json bad_scope = Scope({"runtime", "cache"}, Json::array(), {"read", "delete"});
  Json keys = {KeyJson("", "NOT-A-HASH", bad_scope),
               KeyJson("a", kHashA, Scope({"*"}, {"*"}, {"*"})),
               KeyJson("b", kHashA, Scope({"*"}, {"bad tenant!"}, {"*"}))};
  Result<Config> config = ParseConfigJson(ConfigWithKeys(keys).dump());
  ASSERT_FALSE(config.ok());
  std::string message = config.status().message();
  for (const char* expected :
       {"server.apiKeys[0].principal", "server.apiKeys[0].secretSha256",
        "server.apiKeys[0].scopes[0].databaseTypes[1]", "server.apiKeys[0].scopes[0].tenants",
        "server.apiKeys[0].scopes[0].operations[1]",
        "server.apiKeys[2].secretSha256: is the hash of another key",
        "server.apiKeys[2].scopes[0].tenants[0]"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << " in:\n" << message;
  }
}

TEST(ApiKeyConfigTest, UnknownKeysAreErrors) {
  Json keys = {KeyJson("a", kHashA, Scope({"*"}, {"*"}, {"*"}))};
  keys[0]["scopes"][0]["typo"] = 1;
  keys[0]["secret"] = "plain";
  Result<Config> config = ParseConfigJson(ConfigWithKeys(keys).dump());
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("server.apiKeys[0].scopes[0].typo"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("server.apiKeys[0].secret"), std::string::npos);
  EXPECT_EQ(config.status().message().find("plain"), std::string::npos);
}

TEST(ApiKeyConfigTest, KeysFileHoldsOnlyKeysAndIsValidated) {
  testing::TempDir dir;
  std::string path = dir.path() + "/keys.json";
  std::ofstream(path) << Json{{"apiKeys", {KeyJson("a", kHashA, Scope({"*"}, {"*"}, {"*"}))}}};
  Result<std::vector<ApiKey>> keys = LoadApiKeysFile(path);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->at(0).principal, "a");
  std::ofstream(path, std::ios::trunc) << Json{{"apiKeys", Json::array()}, {"extra", 1}};
  Result<std::vector<ApiKey>> refused = LoadApiKeysFile(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("extra"), std::string::npos);
  std::ofstream(path, std::ios::trunc) << Json{{"apiKeys", Json::array()}};
  EXPECT_FALSE(LoadApiKeysFile(path).ok()) << "an empty key list would silently disable auth";
  EXPECT_EQ(LoadApiKeysFile(dir.path() + "/absent.json").status().code(), StatusCode::kNotFound);
}

TEST(ApiKeyConfigTest, NewTokensAreRandomAndHashToTheirSecret) {
  std::string a = NewApiKeyToken();
  std::string b = NewApiKeyToken();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 68u);
  EXPECT_EQ(a.rfind("xrx_", 0), 0u);
  EXPECT_EQ(HashApiKeyToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

ApiKey Key(std::string principal, std::string token, std::vector<ApiKeyScope> scopes) {
  return ApiKey{std::move(principal), HashApiKeyToken(token), std::move(scopes)};
}

server::HttpHeaders WithAuthorization(const std::string& value) {
  server::HttpHeaders headers;
  headers["authorization"] = value;
  return headers;
}

TEST(AuthenticatorTest, FindsTheKeyOfAValidBearerTokenOnly) {
  Authenticator auth({Key("a", "token-a", {{{"*"}, {"*"}, {"read"}}})});
  ASSERT_TRUE(auth.enabled());
  Result<const ApiKey*> found = auth.Authenticate(WithAuthorization("Bearer token-a"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ((*found)->principal, "a");
  EXPECT_TRUE(auth.Authenticate(WithAuthorization("BEARER token-a")).ok());
  EXPECT_EQ(auth.Authenticate({}).status().reason(), "missing_credentials");
  for (const char* value : {"Bearer token-b", "Basic token-a", "token-a", "Bearer ", "Bearer"}) {
    Result<const ApiKey*> refused = auth.Authenticate(WithAuthorization(value));
    EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated) << value;
    EXPECT_EQ(refused.status().reason(), "invalid_credentials") << value;
    EXPECT_EQ(refused.status().message().find("token-a"), std::string::npos);
  }
  EXPECT_FALSE(Authenticator({}).enabled());
}

TEST(AuthenticatorTest, ScopesGrantOperationsOnDatabaseTypesAndTenants) {
  ApiKey key = Key(
      "svc", "t",
      {{{"runtime"}, {"acme"}, {"read", "write"}}, {{"knowledge", "metadata"}, {"_"}, {"read"}}});
  EXPECT_TRUE(Authenticator::Authorize(key, Access::kWrite, "runtime", "acme").ok());
  EXPECT_TRUE(Authenticator::Authorize(key, Access::kRead, "metadata", "_").ok());
  Status other_tenant = Authenticator::Authorize(key, Access::kRead, "runtime", "globex");
  EXPECT_EQ(other_tenant.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(other_tenant.reason(), "forbidden");
  EXPECT_NE(other_tenant.message().find("'svc' may not read runtime tenant 'globex'"),
            std::string::npos)
      << other_tenant.message();
  EXPECT_FALSE(Authenticator::Authorize(key, Access::kWrite, "knowledge", "_").ok());
  EXPECT_FALSE(Authenticator::Authorize(key, Access::kAdmin, "runtime", "acme").ok());
  EXPECT_FALSE(Authenticator::Authorize(key, Access::kRead, "runtime", "_").ok());
  EXPECT_FALSE(Authenticator::AuthorizeAnywhere(key, Access::kAdmin).ok());
  ApiKey any = Key("ops", "u", {{{"*"}, {"*"}, {"*"}}});
  EXPECT_TRUE(Authenticator::Authorize(any, Access::kAdmin, "logs", "anyone").ok());
  EXPECT_TRUE(Authenticator::AuthorizeAnywhere(any, Access::kAdmin).ok());
}

}  // namespace
}  // namespace xronox
