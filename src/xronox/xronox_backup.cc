// Backups through the public API: each call binds the collection with its keys scoped (from
// the owner markers), since a collection's backups outlive it in the hot store. And the
// restore of a runtime collection to an instant, from its own history.
#include "common/exception_guard.h"
#include "router/key_scopes.h"
#include "xronox/xronox.h"
#include "xronox/xronox_state.h"

namespace xronox {

Result<BackupManifest> Collection::Backup(const BackupOptions& options) {
  return GuardExceptions([&]() -> Result<BackupManifest> {
    XRONOX_RETURN_IF_ERROR(CheckBackupsKept(*binding_));
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (!exists) return NotFound("collection " + TargetPath(target_) + " does not exist");
    return state_->backups->Create(*binding_, options);
  });
}

Result<BackupList> Collection::ListBackups() {
  return GuardExceptions([&]() -> Result<BackupList> {
    XRONOX_RETURN_IF_ERROR(CheckBackupsKept(*binding_));
    XRONOX_ASSIGN_OR_RETURN(auto scoped, state_->router->ScopedKeys(binding_));
    return state_->backups->List(*scoped);
  });
}

Result<BackupCheck> Collection::VerifyBackup(const std::string& backup_id) {
  return GuardExceptions([&]() -> Result<BackupCheck> {
    XRONOX_RETURN_IF_ERROR(CheckBackupsKept(*binding_));
    XRONOX_ASSIGN_OR_RETURN(auto scoped, state_->router->ScopedKeys(binding_));
    return state_->backups->Verify(*scoped, backup_id);
  });
}

Result<PruneReport> Collection::PruneBackups(const PruneOptions& options) {
  return GuardExceptions([&]() -> Result<PruneReport> {
    XRONOX_RETURN_IF_ERROR(CheckBackupsKept(*binding_));
    XRONOX_ASSIGN_OR_RETURN(auto scoped, state_->router->ScopedKeys(binding_));
    return state_->backups->Prune(*scoped, options);
  });
}

Result<RestoreReport> Collection::RestoreBackup(const BackupSource& source,
                                                const RestoreOptions& options) {
  return GuardExceptions([&]() -> Result<RestoreReport> {
    XRONOX_RETURN_IF_ERROR(CheckBackupsKept(*binding_));
    XRONOX_ASSIGN_OR_RETURN(auto from, state_->router->Bind(source.target));
    XRONOX_RETURN_IF_ERROR(CheckBackupsKept(*from));
    XRONOX_ASSIGN_OR_RETURN(from, state_->router->ScopedKeys(from));
    bool exists = true;
    if (options.dry_run) {
      XRONOX_ASSIGN_OR_RETURN(exists, Exists());
      if (!exists) {
        XRONOX_ASSIGN_OR_RETURN(binding_, state_->router->ScopedKeys(binding_));
      }
    } else {
      XRONOX_RETURN_IF_ERROR(PrepareWrite());
    }
    return state_->backups->Restore(*from, source.backup_id, *binding_, options, exists);
  });
}

Result<AsOfRestoreReport> Collection::RestoreAsOf(const AsOfRestoreOptions& options) {
  return GuardExceptions([&]() -> Result<AsOfRestoreReport> {
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (!exists) return NotFound("collection " + TargetPath(target_) + " does not exist");
    return state_->engine->RestoreAsOf(*binding_, options);
  });
}

Result<RebuildReport> Collection::Rebuild() {
  return GuardExceptions([&]() -> Result<RebuildReport> {
    if (binding_->versioned) {
      XRONOX_RETURN_IF_ERROR(PrepareWrite());
    } else {
      XRONOX_ASSIGN_OR_RETURN(binding_, state_->router->ScopedKeys(binding_));
    }
    return state_->engine->Rebuild(*binding_);
  });
}

Result<std::vector<std::string>> Xronox::ListStoredCollections(const Target& target) {
  return GuardExceptions([&]() -> Result<std::vector<std::string>> {
    Target probe = target;
    probe.collection = "_probe";
    XRONOX_ASSIGN_OR_RETURN(auto binding, state_->router->Bind(probe));
    XRONOX_ASSIGN_OR_RETURN(binding, state_->router->ScopedKeys(binding));
    const bool versioned = binding->versioned;
    return ListCollectionFolders(
        *binding->objects,
        versioned ? binding->database.buckets.versions : binding->database.buckets.records,
        versioned ? binding->prefixes.versions : binding->prefixes.records, 1000);
  });
}

Result<std::vector<std::string>> Xronox::ListBackedUpCollections(const Target& target) {
  return GuardExceptions([&]() -> Result<std::vector<std::string>> {
    Target probe = target;
    probe.collection = "_probe";
    XRONOX_ASSIGN_OR_RETURN(auto binding, state_->router->Bind(probe));
    XRONOX_RETURN_IF_ERROR(CheckBackupsKept(*binding));
    XRONOX_ASSIGN_OR_RETURN(binding, state_->router->ScopedKeys(binding));
    return state_->backups->Collections(*binding);
  });
}

}  // namespace xronox
