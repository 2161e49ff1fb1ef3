// API keys for tests that run xronoxd with --api-keys: a token per principal, the key's JSON
// for the keys file, and the Authorization header that sends it.
#pragma once

#include <httplib.h>

#include <string>
#include <vector>

#include "xronox/config.h"
#include "xronox/types.h"

namespace xronox::testing {

struct TestKey {
  std::string principal;
  std::string token = NewApiKeyToken();
};

/// The key as an entry of the keys file: one scope of `operations` on `types` x `tenants`.
inline Json KeyJson(const TestKey& key, std::vector<std::string> types,
                    std::vector<std::string> tenants, std::vector<std::string> operations) {
  return {
      {"principal", key.principal},
      {"secretSha256", HashApiKeyToken(key.token)},
      {"scopes", {{{"databaseTypes", types}, {"tenants", tenants}, {"operations", operations}}}}};
}

/// `extra` with the key's Authorization header.
inline httplib::Headers Bearer(const TestKey& key, httplib::Headers extra = {}) {
  extra.emplace("Authorization", "Bearer " + key.token);
  return extra;
}

}  // namespace xronox::testing
