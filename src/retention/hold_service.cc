// Placing, lifting and listing legal holds. Each change is logged before it is made, so the log
// never misses one (a change that then fails, as a lost race, leaves its entry: the log may
// hold an attempt, never lack a change).
#include "retention/hold_service.h"

#include <cstdio>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json_codec.h"
#include "common/names.h"
#include "engine/holds.h"
#include "engine/keys.h"

namespace xronox {

namespace {

// The owner of every hold claim: holds are lifted by whoever has the right, not by their placer.
constexpr const char* kHoldOwner = "legal-hold";
constexpr size_t kMaxActorBytes = 1024;
constexpr size_t kMaxReasonBytes = 4096;

Status CheckAudit(const WriteOptions& audit) {
  if (audit.actor.empty() || audit.reason.empty()) {
    return InvalidArgument("placing or lifting a legal hold needs an actor and a reason")
        .WithReason("audit_required");
  }
  if (audit.actor.size() > kMaxActorBytes || audit.on_behalf_of.size() > kMaxActorBytes ||
      audit.reason.size() > kMaxReasonBytes) {
    return InvalidArgument(
        "actor and on-behalf-of are limited to 1024 bytes each and reason to 4096 bytes");
  }
  return Status::Ok();
}

// The claim key of the hold `scope` names on `b` (and `id`), after checking that `id` is given
// exactly for record holds.
Result<std::string> HoldKeyFor(const Binding& b, HoldScope scope, const std::string& id) {
  if (scope == HoldScope::kRecord) {
    XRONOX_RETURN_IF_ERROR(ValidateRecordId(id));
  } else if (!id.empty()) {
    return InvalidArgument("a record id is given only for a record hold")
        .WithReason("invalid_body");
  }
  return HoldKey(b, scope, id);
}

Result<LegalHold> HoldFromJson(const Json& json) {
  std::optional<HoldScope> scope = ParseHoldScope(json.value("scope", ""));
  std::optional<TimestampMicros> at = ParseRfc3339(json.value("placedAt", ""));
  if (!scope || !at) return Corruption("a stored legal hold is damaged");
  return LegalHold{*scope,
                   json.value("collection", ""),
                   json.value("id", ""),
                   json.value("actor", ""),
                   json.value("reason", ""),
                   json.value("onBehalfOf", ""),
                   *at};
}

Result<std::vector<store::ClaimRow>> ListHoldClaims(const Binding& b, const std::string& prefix) {
  auto claims = b.hot->ListClaims(HoldsRef(b), prefix);
  if (!claims.ok() && claims.status().code() == StatusCode::kNotFound) {
    return std::vector<store::ClaimRow>();
  }
  return claims;
}

}  // namespace

const char* HoldScopeName(HoldScope scope) {
  switch (scope) {
    case HoldScope::kDatabase:
      return "database";
    case HoldScope::kCollection:
      return "collection";
    case HoldScope::kRecord:
      return "record";
  }
  return "collection";
}

std::optional<HoldScope> ParseHoldScope(const std::string& name) {
  for (HoldScope scope : {HoldScope::kDatabase, HoldScope::kCollection, HoldScope::kRecord}) {
    if (name == HoldScopeName(scope)) return scope;
  }
  return std::nullopt;
}

Json LegalHoldToJson(const LegalHold& hold) {
  Json json = {{"scope", HoldScopeName(hold.scope)}};
  if (hold.scope != HoldScope::kDatabase) json["collection"] = hold.collection;
  if (hold.scope == HoldScope::kRecord) json["id"] = hold.id;
  json["actor"] = hold.actor;
  json["reason"] = hold.reason;
  if (!hold.on_behalf_of.empty()) json["onBehalfOf"] = hold.on_behalf_of;
  json["placedAt"] = FormatRfc3339(hold.placed_at);
  return json;
}

Json HoldEventToJson(const HoldEvent& event) {
  Json json = {{"action", event.placed ? "place" : "lift"},
               {"hold", LegalHoldToJson(event.hold)},
               {"actor", event.actor},
               {"reason", event.reason}};
  if (!event.on_behalf_of.empty()) json["onBehalfOf"] = event.on_behalf_of;
  json["at"] = FormatRfc3339(event.at);
  return json;
}

Status HoldService::AppendLog(const Binding& b, bool placed, const LegalHold& hold,
                              const WriteOptions& audit, TimestampMicros at) {
  HoldEvent event{placed, hold, audit.actor, audit.reason, audit.on_behalf_of, at};
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%020lld", static_cast<long long>(at));
  store::ClaimRow row{kHoldLogPrefix + std::string(stamp) + ":" + RandomHex(6), kHoldOwner, at,
                      HoldEventToJson(event).dump()};
  return b.hot->InsertClaim(HoldsRef(b), row);
}

Result<LegalHold> HoldService::Place(const Binding& b, HoldScope scope, const std::string& id,
                                     const WriteOptions& audit) {
  XRONOX_RETURN_IF_ERROR(CheckAudit(audit));
  XRONOX_ASSIGN_OR_RETURN(std::string key, HoldKeyFor(b, scope, id));
  XRONOX_RETURN_IF_ERROR(b.hot->EnsureCollection(HoldsRef(b), {}));
  XRONOX_ASSIGN_OR_RETURN(auto held, FindHoldClaim(b, key));
  auto exists = [&] {
    return AlreadyExists(HoldSubject(b, scope, id) + " is already under legal hold")
        .WithReason("hold_exists");
  };
  if (held) return exists();
  const TimestampMicros now = engine_.clock()->NowMicros();
  LegalHold hold{scope,        scope == HoldScope::kDatabase ? "" : b.ref.collection,
                 id,           audit.actor,
                 audit.reason, audit.on_behalf_of,
                 now};
  XRONOX_RETURN_IF_ERROR(AppendLog(b, /*placed=*/true, hold, audit, now));
  Status inserted = b.hot->InsertClaim(
      HoldsRef(b), store::ClaimRow{key, kHoldOwner, now, LegalHoldToJson(hold).dump()});
  if (inserted.code() == StatusCode::kAlreadyExists) return exists();
  XRONOX_RETURN_IF_ERROR(inserted);
  return hold;
}

Result<LegalHold> HoldService::Lift(const Binding& b, HoldScope scope, const std::string& id,
                                    const WriteOptions& audit) {
  XRONOX_RETURN_IF_ERROR(CheckAudit(audit));
  XRONOX_ASSIGN_OR_RETURN(std::string key, HoldKeyFor(b, scope, id));
  XRONOX_ASSIGN_OR_RETURN(auto held, FindHoldClaim(b, key));
  if (!held) {
    return NotFound("no legal hold on " + HoldSubject(b, scope, id)).WithReason("no_hold");
  }
  XRONOX_ASSIGN_OR_RETURN(Json body, ParseJsonObject(held->body, "legal hold"));
  XRONOX_ASSIGN_OR_RETURN(LegalHold hold, HoldFromJson(body));
  XRONOX_RETURN_IF_ERROR(AppendLog(b, /*placed=*/false, hold, audit, engine_.clock()->NowMicros()));
  XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(HoldsRef(b), key, kHoldOwner));
  return hold;
}

Result<std::vector<LegalHold>> HoldService::List(const Binding& b) {
  XRONOX_ASSIGN_OR_RETURN(auto claims, ListHoldClaims(b, kHoldKeyPrefix));
  std::vector<LegalHold> holds;
  for (const store::ClaimRow& claim : claims) {
    XRONOX_ASSIGN_OR_RETURN(Json body, ParseJsonObject(claim.body, "legal hold"));
    XRONOX_ASSIGN_OR_RETURN(LegalHold hold, HoldFromJson(body));
    holds.push_back(std::move(hold));
  }
  return holds;
}

Result<std::vector<HoldEvent>> HoldService::Log(const Binding& b) {
  XRONOX_ASSIGN_OR_RETURN(auto claims, ListHoldClaims(b, kHoldLogPrefix));
  std::vector<HoldEvent> events;
  for (const store::ClaimRow& claim : claims) {
    XRONOX_ASSIGN_OR_RETURN(Json body, ParseJsonObject(claim.body, "hold log entry"));
    std::optional<TimestampMicros> at = ParseRfc3339(body.value("at", ""));
    if (!at || !body["hold"].is_object()) return Corruption("a hold log entry is damaged");
    XRONOX_ASSIGN_OR_RETURN(LegalHold hold, HoldFromJson(body["hold"]));
    events.push_back(HoldEvent{body.value("action", "") == "place", std::move(hold),
                               body.value("actor", ""), body.value("reason", ""),
                               body.value("onBehalfOf", ""), *at});
  }
  return events;
}

}  // namespace xronox
