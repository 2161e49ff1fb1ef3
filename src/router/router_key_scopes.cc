// The router's side of shared buckets: which key prefix each binding uses (key_scopes.h).
#include <memory>
#include <string>

#include "router/key_scopes.h"
#include "router/router.h"

namespace xronox {

namespace {

KeySpaceUse UseOf(const Config& config, const DatabaseConfig& db, BucketKind kind) {
  const FolderPrefixes* prefixes = ObjectStorePrefixes(config, db);
  return {kind, BucketFor(db, kind), prefixes ? FolderPrefix(*prefixes, kind) : "", OwnerScope(db),
          KeySpaceShared(config, db, kind)};
}

}  // namespace

// Minimal mode keeps each database's objects in its own MongoDB database: nothing is shared
// there, and keys stay the guide's without markers.
Status Router::ScopeKeys(Binding* b, bool record) {
  if (b->own_objects || b->objects == nullptr) {
    b->keys_scoped = true;
    return Status::Ok();
  }
  for (BucketKind kind : kAllBucketKinds) {
    if (BucketFor(b->database, kind).empty()) continue;
    const KeySpaceKey key{b->objects, BucketFor(b->database, kind), OwnerScope(b->database), kind};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto settled = settled_key_prefixes_.find(key);
      if (settled != settled_key_prefixes_.end()) {
        MutableFolderPrefix(b->prefixes, kind) = settled->second;
        continue;
      }
    }
    // Only on a miss: whether the key space is shared takes a pass over the configuration.
    XRONOX_ASSIGN_OR_RETURN(
        ScopedPrefix scoped,
        ResolveKeyScope(*b->objects, UseOf(config_, b->database, kind), record));
    MutableFolderPrefix(b->prefixes, kind) = scoped.key_prefix;
    if (!scoped.settled) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    settled_key_prefixes_.emplace(key, scoped.key_prefix);
  }
  b->keys_scoped = true;
  return Status::Ok();
}

Result<std::shared_ptr<const Binding>> Router::WithKeyScopes(
    const std::shared_ptr<const Binding>& binding, bool record) {
  if (binding->keys_scoped && !record) return binding;
  Binding scoped = *binding;
  XRONOX_RETURN_IF_ERROR(ScopeKeys(&scoped, record));
  return std::make_shared<const Binding>(std::move(scoped));
}

// Only a configuration that would change existing keys stops the start: an object store that
// does not answer yet is the readiness check's business, and every binding checks again.
Status Router::CheckKeyScopes() {
  for (const DatabaseConfig& listed : config_.databases) {
    if (!HasObjectStore(listed)) continue;
    auto db = ResolveDatabase(config_, listed.type, listed.tier,
                              listed.tier == Tier::kTenant ? listed.tenant_id : "");
    if (!db.ok()) continue;
    Binding b;
    b.database = *db;
    XRONOX_RETURN_IF_ERROR(BindObjects(*db, &b));
    Status scoped = ScopeKeys(&b, /*record=*/false);
    if (scoped.code() == StatusCode::kFailedPrecondition) return scoped;
  }
  return Status::Ok();
}

}  // namespace xronox
