// Natural keys: the claim of a record's natural-key values, and upsert by them
// (docs/formats/natural-keys.md).
//
// A write whose data holds values the record did not hold before inserts their claim before it
// commits, and keeps it across its lost races; a write that fails drops the claim it inserted.
// Once committed, the claim of the values the record no longer holds is released. A claim
// whose holder is live with those values refuses the write (Conflict, natural_key_taken); a
// claim younger than the claim lease whose holder does not hold the values is a write in flight,
// waited for; an older one is stale (its writer died, or its record moved on) and is deleted by
// the next writer, whose unique insert then decides.
#include "engine/natural_keys.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "common/hash.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/version_object.h"

namespace xronox {

namespace {

constexpr int kMaxClaimAttempts = 64;
// Longest a write waits for another write that holds the same values and has not committed.
constexpr auto kPendingWait = std::chrono::seconds(2);

// A number as the value it is: an integral double becomes an integer, so 1 and 1.0 are one key.
Json CanonicalNumber(const Json& value) {
  if (!value.is_number_float()) return value;
  double number = value.get<double>();
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (std::floor(number) == number && std::fabs(number) <= kExactIntegers) {
    return static_cast<int64_t>(number);
  }
  return value;
}

// Waits between looks at a claim whose write is in flight: 1 ms doubling to 64 ms, until
// kPendingWait has passed since the first look.
class PendingWait {
 public:
  bool Wait() {
    auto now = std::chrono::steady_clock::now();
    if (now - started_ > kPendingWait) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms_));
    pause_ms_ = std::min(pause_ms_ * 2, 64);
    return true;
  }

 private:
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  int pause_ms_ = 1;
};

std::string PathsText(const std::vector<std::string>& paths) {
  std::string text;
  for (const std::string& path : paths) text += (text.empty() ? "" : ", ") + path;
  return text;
}

Status NaturalKeyBusy(const Binding& b) {
  return Unavailable("another write of the same natural-key values (" + PathsText(b.natural_keys) +
                     ") has not finished; retry")
      .WithReason("natural_key_busy");
}

}  // namespace

Result<std::string> NaturalKeyClaimKey(const std::vector<std::string>& paths, const Json& data) {
  Json values = Json::array();
  for (const std::string& path : paths) {
    const Json* value = FindPath(data, path);
    if (value == nullptr || !(value->is_string() || value->is_number() || value->is_boolean())) {
      return InvalidArgument("natural key '" + path +
                             "' must be present and hold a string, number or boolean")
          .WithReason("invalid_natural_key");
    }
    values.push_back(CanonicalNumber(*value));
  }
  return kNaturalKeyClaimPrefix + Sha256Hex(values.dump());
}

std::string NaturalKeyClaimBody(const std::string& id) { return Json{{"id", id}}.dump(); }

std::string NaturalKeyHolderId(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("id") || !parsed["id"].is_string()) return "";
  return parsed["id"].get<std::string>();
}

Status PlanNaturalKeys(const Binding& b, const Json& before, Engine::Plan& plan) {
  if (b.natural_keys.empty()) return Status::Ok();
  std::string before_key;
  if (before.is_object()) {
    auto key = NaturalKeyClaimKey(b.natural_keys, before);
    if (key.ok()) before_key = *key;  // Data written before the keys were configured: none.
  }
  std::string after_key;
  if (!plan.deleted) {
    XRONOX_ASSIGN_OR_RETURN(after_key, NaturalKeyClaimKey(b.natural_keys, plan.Data()));
  }
  if (after_key != before_key) {
    plan.natural_key = after_key;
    plan.released_natural_key = before_key;
  }
  return Status::Ok();
}

Result<Engine::NaturalKeyHolder> Engine::HolderOf(const Binding& b, const store::ClaimRow& claim) {
  NaturalKeyHolder holder{NaturalKeyHolderId(claim.body), NaturalKeyHolder::kStale};
  std::optional<store::HeadRow> head;
  if (!holder.id.empty()) {
    XRONOX_ASSIGN_OR_RETURN(head, GetWholeHead(b, holder.id));
  }
  if (head && !head->deleted) {
    XRONOX_ASSIGN_OR_RETURN(Json data, ReadCurrentData(b, *head));
    auto key = NaturalKeyClaimKey(b.natural_keys, data);
    if (key.ok() && *key == claim.key) {
      holder.state = NaturalKeyHolder::kLive;
      return holder;
    }
  }
  if (!LeaseExpired(claim.at)) holder.state = NaturalKeyHolder::kPending;
  return holder;
}

Status Engine::HoldNaturalKey(const Binding& b, const Plan& plan, HeldNaturalKey& held) {
  if (held.key == plan.natural_key) return Status::Ok();
  DropNaturalKey(b, held);
  if (plan.natural_key.empty()) return Status::Ok();
  store::ClaimRow claim{plan.natural_key, held.owner, 0, NaturalKeyClaimBody(plan.id)};
  PendingWait pending;
  for (int attempt = 0; attempt < kMaxClaimAttempts; ++attempt) {
    claim.at = clock_->NowMicros();
    Status inserted = b.hot->InsertClaim(b.ref, claim);
    if (inserted.ok()) {
      held.key = claim.key;
      return Status::Ok();
    }
    if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
    XRONOX_ASSIGN_OR_RETURN(std::optional<store::ClaimRow> taken,
                            b.hot->GetClaim(b.ref, claim.key));
    if (!taken) continue;  // Released since the insert: try again.
    XRONOX_ASSIGN_OR_RETURN(NaturalKeyHolder holder, HolderOf(b, *taken));
    // The record itself holds the values now: this write planned from an older head.
    if (holder.state == NaturalKeyHolder::kLive && holder.id == plan.id) {
      return LostRace("record '" + plan.id + "' has changed; re-read");
    }
    if (holder.state == NaturalKeyHolder::kLive) {
      return Conflict("record '" + holder.id + "' already has these values of the natural keys (" +
                      PathsText(b.natural_keys) + ")")
          .WithReason(kNaturalKeyTaken);
    }
    if (holder.state == NaturalKeyHolder::kPending) {
      if (!pending.Wait()) return NaturalKeyBusy(b);
      continue;
    }
    XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, taken->key, taken->owner));
  }
  return NaturalKeyBusy(b);
}

void Engine::DropNaturalKey(const Binding& b, HeldNaturalKey& held) {
  if (held.key.empty()) return;
  // A claim left behind is stale once its lease ends, and the next writer deletes it.
  (void)b.hot->DeleteClaim(b.ref, held.key, held.owner);
  held.key.clear();
}

void Engine::ReleaseNaturalKey(const Binding& b, const Plan& plan) {
  if (plan.released_natural_key.empty()) return;
  auto claim = b.hot->GetClaim(b.ref, plan.released_natural_key);
  // Left behind on an error, the claim is stale (its record no longer holds the values) and the
  // next writer of the values deletes it.
  if (!claim.ok() || !*claim || NaturalKeyHolderId((*claim)->body) != plan.id) return;
  (void)b.hot->DeleteClaim(b.ref, (*claim)->key, (*claim)->owner);
}

Status Engine::ReclaimNaturalKey(const Binding& b, const store::HeadRow& head,
                                 RebuildReport& report) {
  if (b.natural_keys.empty()) return Status::Ok();
  XRONOX_ASSIGN_OR_RETURN(Json data, ReadCurrentData(b, head));
  auto key = NaturalKeyClaimKey(b.natural_keys, data);
  if (!key.ok()) return Status::Ok();  // Written before the keys were configured.
  store::ClaimRow claim{*key, RandomHex(8), clock_->NowMicros(), NaturalKeyClaimBody(head.id)};
  Status inserted = b.hot->InsertClaim(b.ref, claim);
  if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
  XRONOX_ASSIGN_OR_RETURN(auto taken, b.hot->GetClaim(b.ref, *key));
  std::string holder = taken ? NaturalKeyHolderId(taken->body) : "";
  if (holder != head.id) {
    report.problems.push_back("record '" + head.id + "' holds the natural-key values of record '" +
                              holder + "'; change one of them");
  }
  return Status::Ok();
}

Result<WriteResult> Engine::Upsert(const Binding& b, const Json& data,
                                   const WriteOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckUpsert(b, data, options));
  XRONOX_ASSIGN_OR_RETURN(std::string key, NaturalKeyClaimKey(b.natural_keys, data));
  WriteIntent merge{WriteIntent::Kind::kMerge, data};
  PendingWait pending;
  for (int attempt = 0; attempt < kMaxClaimAttempts; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(std::optional<store::ClaimRow> claim, b.hot->GetClaim(b.ref, key));
    if (!claim) {
      WriteIntent create{WriteIntent::Kind::kCreate, data};
      create.generated_id = true;
      auto created = Write(b, NewRecordId(clock_->NowMicros()), create, options);
      if (!created.ok() && created.status().reason() == kNaturalKeyTaken) continue;
      return created;
    }
    XRONOX_ASSIGN_OR_RETURN(NaturalKeyHolder holder, HolderOf(b, *claim));
    if (holder.state == NaturalKeyHolder::kLive) {
      auto merged = Write(b, holder.id, merge, options);
      // The record was deleted, or moved to other values, since: look again.
      if (!merged.ok() && (merged.status().code() == StatusCode::kNotFound ||
                           merged.status().reason() == "record_deleted")) {
        continue;
      }
      return merged;
    }
    if (holder.state == NaturalKeyHolder::kPending) {
      if (!pending.Wait()) return NaturalKeyBusy(b);
      continue;
    }
    XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, claim->key, claim->owner));
  }
  return NaturalKeyBusy(b);
}

Status Engine::CheckUpsert(const Binding& b, const Json& data, const WriteOptions& options) {
  if (b.natural_keys.empty()) {
    return InvalidArgument("collection '" + b.ref.collection +
                           "' has no naturalKeys in its collection map; upsert matches by them")
        .WithReason("no_natural_keys");
  }
  if (b.append_only) {
    return NotSupported("logs are append-only: an upsert may update a record")
        .WithReason("append_only");
  }
  if (!options.idempotency_key.empty() || options.expected_version || options.create_only) {
    return InvalidArgument(
        "upsert takes no idempotency key, expected version or create-only: a repeated upsert "
        "finds its record and merges the same data");
  }
  if (!data.is_object()) return InvalidArgument("record data must be a JSON object");
  return Status::Ok();
}

}  // namespace xronox
