// Audit questions through the public API (docs/audit.md).
#include "audit/blame.h"
#include "audit/version_query.h"
#include "common/exception_guard.h"
#include "common/names.h"
#include "router/router.h"
#include "xronox/xronox.h"
#include "xronox/xronox_state.h"

namespace xronox {

Result<BlameReport> Collection::Blame(const std::string& id, const BlameOptions& options) {
  return GuardExceptions([&]() -> Result<BlameReport> {
    XRONOX_RETURN_IF_ERROR(CheckBlame(*binding_, options));
    XRONOX_RETURN_IF_ERROR(NeedExisting(id));
    return BlameRecord(*state_->engine, *binding_, id, options);
  });
}

Result<VersionsPage> Collection::Versions(const VersionQuery& query) {
  return GuardExceptions([&]() -> Result<VersionsPage> {
    XRONOX_RETURN_IF_ERROR(CheckVersionQuery(*binding_, query));
    XRONOX_ASSIGN_OR_RETURN(bool exists, Exists());
    if (!exists) return VersionsPage{};
    return QueryVersions({binding_.get()}, query);
  });
}

Result<VersionsPage> Xronox::TenantVersions(const std::string& tenant, const VersionQuery& query) {
  return GuardExceptions([&]() -> Result<VersionsPage> {
    Target target{DatabaseType::kRuntime, Tier::kTenant, tenant, ""};
    XRONOX_ASSIGN_OR_RETURN(std::vector<std::string> collections,
                            state_->router->ListCollections(target));
    std::vector<std::shared_ptr<const Binding>> owned;
    std::vector<const Binding*> bindings;
    for (const std::string& collection : collections) {
      if (IsReservedCollectionName(collection)) continue;  // The holds and their log.
      target.collection = collection;
      XRONOX_ASSIGN_OR_RETURN(std::shared_ptr<const Binding> binding, state_->router->Bind(target));
      owned.push_back(binding);
      bindings.push_back(binding.get());
    }
    if (bindings.empty()) {
      // Nothing to read: the query is still checked, as on a collection.
      target.collection = "any";
      XRONOX_ASSIGN_OR_RETURN(std::shared_ptr<const Binding> unread, state_->router->Bind(target));
      XRONOX_RETURN_IF_ERROR(CheckVersionQuery(*unread, query));
      return VersionsPage{};
    }
    return QueryVersions(bindings, query);
  });
}

}  // namespace xronox
