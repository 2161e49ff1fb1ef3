// Legal holds as the engine sees them (docs/formats/holds.md): claims in the database's reserved
// holds collection, read before every delete, so that no path (a record delete, the deletes of a
// restore, retention) removes what a hold covers.
#include "engine/engine.h"
#include "engine/keys.h"

namespace xronox {

namespace {

// The hold claim under `key`, if one is in force. The holds collection does not exist until the
// first hold is placed in the database: its NotFound means no hold.
Result<std::optional<store::ClaimRow>> FindHold(const Binding& b, const std::string& key) {
  auto claim = b.hot->GetClaim(HoldsRef(b), key);
  if (!claim.ok() && claim.status().code() == StatusCode::kNotFound) {
    return std::optional<store::ClaimRow>();
  }
  return claim;
}

Status Held(const std::string& what, const store::ClaimRow& claim) {
  Json hold = Json::parse(claim.body, nullptr, /*allow_exceptions=*/false);
  std::string actor = hold.is_object() ? hold.value("actor", "") : "";
  std::string reason = hold.is_object() ? hold.value("reason", "") : "";
  return Conflict(what + " is under legal hold (placed by '" + actor.substr(0, 128) +
                  "': " + reason.substr(0, 256) +
                  "); nothing it covers is deleted until the hold is lifted")
      .WithReason("legal_hold");
}

}  // namespace

Status Engine::CheckNotHeld(const Binding& b, const std::string& id) {
  const std::string database = std::string(DatabaseTypeName(b.target.database_type)) + "/" +
                               (b.target.tier == Tier::kTenant ? b.target.tenant_id : "_");
  std::vector<std::pair<std::string, std::string>> covering = {
      {DatabaseHoldKey(), "database " + database},
      {CollectionHoldKey(b.ref.collection), "collection " + TargetPath(b.target)}};
  if (!id.empty()) {
    covering.emplace_back(RecordHoldKey(b.ref.collection, id),
                          "record '" + id + "' of " + TargetPath(b.target));
  }
  for (const auto& [key, what] : covering) {
    XRONOX_ASSIGN_OR_RETURN(auto hold, FindHold(b, key));
    if (hold) return Held(what, *hold);
  }
  return Status::Ok();
}

}  // namespace xronox
