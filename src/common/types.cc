#include "xronox/types.h"

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
    case Operation::kCreate: return "create";
    case Operation::kUpdate: return "update";
    case Operation::kDelete: return "delete";
    case Operation::kRestore: return "restore";
  }
  return "update";
}

}  // namespace xronox
