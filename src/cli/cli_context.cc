#include "cli/cli_context.h"

#include <iostream>

#include "common/clock.h"

namespace xronox::cli {

Result<std::unique_ptr<Xronox>> OpenStore(const StoreOptions& options) {
  if (options.data_dir.empty() == options.config_file.empty()) {
    return InvalidArgument("give exactly one of --data DIR or --config FILE");
  }
  Result<Config> config = options.data_dir.empty() ? LoadConfigFile(options.config_file)
                                                   : CreateEmbeddedConfig(options.data_dir);
  if (!config.ok()) return config.status();
  for (const std::string& warning : ConfigFieldsNotActedOn(*config)) {
    std::cerr << "warning: configuration: " << warning << "\n";
  }
  return Xronox::Open(*config);
}

Result<Target> MakeTarget(const TargetArgs& args) {
  auto type = ParseDatabaseType(args.db);
  if (!type) {
    return InvalidArgument("unknown database type '" + args.db +
                           "' (knowledge, metadata, runtime, messaging, identities, logs)");
  }
  Target target;
  target.database_type = *type;
  target.tier = args.tenant == "_" ? Tier::kGeneric : Tier::kTenant;
  target.tenant_id = args.tenant == "_" ? "" : args.tenant;
  target.collection = args.collection;
  return target;
}

Result<std::vector<Target>> ListDatabaseTargets(Xronox& store, const std::string& db,
                                                const std::string& tenant) {
  std::optional<DatabaseType> type;
  if (!db.empty()) {
    type = ParseDatabaseType(db);
    if (!type) return std::vector<Target>{};  // No database of an unknown type.
  }
  return store.ListDatabaseTargets(type, tenant);
}

Result<std::vector<Target>> ListCollectionTargets(Xronox& store, const std::string& db,
                                                  const std::string& tenant,
                                                  const std::string& collection) {
  XRONOX_ASSIGN_OR_RETURN(std::vector<Target> databases, ListDatabaseTargets(store, db, tenant));
  std::vector<Target> targets;
  for (Target target : databases) {
    XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> names, store.ListCollections(target));
    for (const std::string& name : names) {
      if (!collection.empty() && name != collection) continue;
      target.collection = name;
      targets.push_back(target);
    }
  }
  return targets;
}

Result<Collection> OpenCollection(const StoreOptions& options, const TargetArgs& args) {
  XRONOX_ASSIGN_OR_RETURN(Target target, MakeTarget(args));
  XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<Xronox> store, OpenStore(options));
  return store->With(target);  // The collection keeps the store open.
}

void AddTargetArgs(CLI::App& command, TargetArgs& args, bool with_id) {
  command.add_option("db", args.db, "Database type: knowledge, metadata, runtime, ...")->required();
  command.add_option("tenant", args.tenant, "Tenant id, or _ for the generic tier")->required();
  command.add_option("collection", args.collection, "Collection name")->required();
  if (with_id) command.add_option("id", args.id, "Record id")->required();
}

WriteOptions AuditedWrite(const std::string& actor, const std::string& reason,
                          std::optional<int64_t> if_version) {
  WriteOptions options;
  options.actor = actor;
  options.reason = reason;
  options.expected_version = if_version;
  return options;
}

int Fail(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return 1;
}

Status ParseTime(const std::string& text, const char* flag, std::optional<TimestampMicros>& time) {
  if (text.empty()) return Status::Ok();
  time = ParseRfc3339(text);
  if (!time) return InvalidArgument(std::string(flag) + " needs an RFC 3339 time");
  return Status::Ok();
}

}  // namespace xronox::cli
