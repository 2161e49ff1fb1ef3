// Shared state of the xronox CLI: the opened store and the target named on the command line.
// Thread-safety: single-threaded (one command per process).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "xronox/xronox.h"

namespace xronox::cli {

/// Global options: where the store is.
struct StoreOptions {
  std::string data_dir;     ///< --data: the embedded store that `xronoxd --data` serves.
  std::string config_file;  ///< --config: any configured store.
};

/// Positional <db> <tenant> <collection> [id] of record commands.
struct TargetArgs {
  std::string db;
  std::string tenant;
  std::string collection;
  std::string id;
};

/// Open the store named by the global options.
Result<std::unique_ptr<Xronox>> OpenStore(const StoreOptions& options);
/// Build a Target from positional arguments ("_" tenant: the generic tier).
Result<Target> MakeTarget(const TargetArgs& args);
/// Every (type, tier, tenant) that has a database in the store: configured generic databases,
/// and the tenants of each tenant-tier type. `db` and `tenant` (when not empty) narrow it.
Result<std::vector<Target>> ListDatabaseTargets(Xronox& store, const std::string& db,
                                                const std::string& tenant);
/// Every collection of the databases ListDatabaseTargets gives, as targets; `collection` (when
/// not empty) keeps only collections of that name.
Result<std::vector<Target>> ListCollectionTargets(Xronox& store, const std::string& db,
                                                  const std::string& tenant,
                                                  const std::string& collection);
/// Open the store and bind the target's collection.
Result<Collection> OpenCollection(const StoreOptions& options, const TargetArgs& args);
/// Add <db> <tenant> <collection> (and <id> when with_id) positionals to a command.
void AddTargetArgs(CLI::App& command, TargetArgs& args, bool with_id);
/// Write options from the audit flags (--actor, --reason) and --if-version.
WriteOptions AuditedWrite(const std::string& actor, const std::string& reason,
                          std::optional<int64_t> if_version);
/// Set `time` from option `flag`'s text when it was given (an RFC 3339 time; InvalidArgument
/// naming the flag otherwise); leave it unset when the text is empty.
Status ParseTime(const std::string& text, const char* flag, std::optional<TimestampMicros>& time);
/// Print a status as "error: ..." on stderr; return the exit code for it (1).
int Fail(const Status& status);

/// Register each command group on the app; each sets the command's callback.
void AddRecordCommands(CLI::App& app, StoreOptions& store, int& exit_code);
void AddHistoryCommands(CLI::App& app, StoreOptions& store, int& exit_code);
void AddAuditCommands(CLI::App& app, StoreOptions& store, int& exit_code);
void AddAdminCommands(CLI::App& app, StoreOptions& store, int& exit_code);
/// Register `backup create|list|verify|restore|prune` and `restore-collection`.
void AddBackupCommands(CLI::App& app, StoreOptions& store, int& exit_code);
/// Register `retention run`.
void AddRetentionCommands(CLI::App& app, StoreOptions& store, int& exit_code);
/// Register `offload run`.
void AddOffloadCommands(CLI::App& app, StoreOptions& store, int& exit_code);
/// Register `hold place|lift|list|log` (legal holds).
void AddHoldCommands(CLI::App& app, StoreOptions& store, int& exit_code);
/// Register `ls` (databases, tenants, collections, records).
void AddAppendCommand(CLI::App& app, StoreOptions& store, int& exit_code);
void AddListCommand(CLI::App& app, StoreOptions& store, int& exit_code);
/// Register `config migrate` (works without --data/--config: it opens no store).
void AddConfigCommands(CLI::App& app, int& exit_code);
/// Register `keys new` (opens no store).
void AddKeyCommands(CLI::App& app, int& exit_code);

}  // namespace xronox::cli
