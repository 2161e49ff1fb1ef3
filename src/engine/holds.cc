// Legal holds as the engine sees them (docs/formats/holds.md): claims in the database's reserved
// holds collection, read before every delete, so that no path (a record delete, the deletes of a
// restore, retention) removes what a hold covers.
#include "engine/holds.h"

#include "engine/engine.h"
#include "engine/keys.h"

namespace xronox {

std::string HoldKey(const Binding& b, HoldScope scope, const std::string& id) {
  if (scope == HoldScope::kDatabase) return DatabaseHoldKey();
  if (scope == HoldScope::kCollection) return CollectionHoldKey(b.ref.collection);
  return RecordHoldKey(b.ref.collection, id);
}

std::string HoldSubject(const Binding& b, HoldScope scope, const std::string& id) {
  if (scope == HoldScope::kDatabase) {
    return "database " + std::string(DatabaseTypeName(b.target.database_type)) + "/" +
           (b.target.tier == Tier::kTenant ? b.target.tenant_id : "_");
  }
  if (scope == HoldScope::kCollection) return "collection " + TargetPath(b.target);
  return "record '" + id + "' of " + TargetPath(b.target);
}

Result<std::optional<store::ClaimRow>> FindHoldClaim(const Binding& b, const std::string& key) {
  auto claim = b.hot->GetClaim(HoldsRef(b), key);
  if (!claim.ok() && claim.status().code() == StatusCode::kNotFound) {
    return std::optional<store::ClaimRow>();
  }
  return claim;
}

Status CheckHold(const Binding& b, HoldScope scope, const std::string& id) {
  XRONOX_ASSIGN_OR_RETURN(auto claim, FindHoldClaim(b, HoldKey(b, scope, id)));
  if (!claim) return Status::Ok();
  Json hold = Json::parse(claim->body, nullptr, /*allow_exceptions=*/false);
  std::string actor = hold.is_object() ? hold.value("actor", "") : "";
  std::string reason = hold.is_object() ? hold.value("reason", "") : "";
  return Conflict(HoldSubject(b, scope, id) + " is under legal hold (placed by '" +
                  actor.substr(0, 128) + "': " + reason.substr(0, 256) +
                  "); nothing it covers is deleted until the hold is lifted")
      .WithReason("legal_hold");
}

Status Engine::CheckNotHeld(const Binding& b, const std::string& id) {
  XRONOX_RETURN_IF_ERROR(CheckHold(b, HoldScope::kDatabase, ""));
  XRONOX_RETURN_IF_ERROR(CheckHold(b, HoldScope::kCollection, ""));
  return id.empty() ? Status::Ok() : CheckHold(b, HoldScope::kRecord, id);
}

}  // namespace xronox
