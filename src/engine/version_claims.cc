// The runtime write protocol on object stores whose create-only Put is not atomic (S3
// services that check If-None-Match without locking the key; docs/formats/write-protocol.md).
//
// The commit point moves into the hot store: a claim "ver:{id}:v{n}" whose body is the complete
// version object. Its insert is guarded by a unique index, so of two writers on base version
// n-1 only one holds it. The holder then writes versions/{c}/{id}/v{n}.json, indexes the
// version and releases the claim. Anyone who finds the claim (a writer that lost the insert,
// verify --repair) can finish the same steps with the same bytes, so a writer that dies after
// the claim never leaves a half-visible version, and no other bytes can reach the key: a claim
// is released only after its version is indexed, and a writer that claims an indexed version
// (it planned from a stale head) finds the object already there and backs off.
#include "common/fault_point.h"
#include "common/hash.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/keys.h"

namespace xronox {

Status Engine::CommitVersionedClaimed(const Binding& b, const Plan& plan,
                                      const std::string& bytes) {
  std::string what = "version " + std::to_string(plan.version) + " of '" + plan.id + "'";
  store::ClaimRow claim{VersionClaimKey(plan.id, plan.version), RandomHex(8), clock_->NowMicros(),
                        bytes};
  Status claimed = b.hot->InsertClaim(b.ref, claim);
  if (claimed.code() == StatusCode::kAlreadyExists) {
    XRONOX_RETURN_IF_ERROR(RollForward(b, plan.id).status());
    return LostRace(what + " was taken");
  }
  XRONOX_RETURN_IF_ERROR(claimed);
  FaultPoint("version_claimed");
  std::string key = VersionKey(b, plan.id, plan.version);
  Status put = b.objects->Put(b.database.buckets.versions, key, bytes, store::PutMode::kCreateOnly);
  if (put.code() == StatusCode::kAlreadyExists) {
    XRONOX_ASSIGN_OR_RETURN(std::string existing, b.objects->Get(b.database.buckets.versions, key));
    if (existing != bytes) {
      // The version was committed and its claim released before this writer claimed it again
      // (or a writer on an atomic path left it unindexed): finish it, then retry.
      XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, claim.key, claim.owner));
      XRONOX_RETURN_IF_ERROR(RollForward(b, plan.id).status());
      return LostRace(what + " was taken");
    }
    put = Status::Ok();  // A roll-forward of this claim wrote the same bytes.
  }
  if (!put.ok()) {
    // The claim stays: it holds the version, which the next writer or verify --repair finishes.
    return Status(put.code(), what + " is not acknowledged (it may still complete from its " +
                                  "claim): " + put.message());
  }
  FaultPoint("version_object_written");
  XRONOX_RETURN_IF_ERROR(IndexVersion(b, plan, key, Sha256Hex(bytes)));
  // The version is complete. A release that fails leaves a claim that the next roll-forward
  // or verify reports and removes; it does not undo the write.
  (void)b.hot->DeleteClaim(b.ref, claim.key, claim.owner);
  return Status::Ok();
}

Result<std::optional<store::ClaimRow>> Engine::PendingVersionClaim(const Binding& b,
                                                                   const std::string& id,
                                                                   int64_t version) {
  if (b.objects->CreateOnlyIsAtomic()) return std::optional<store::ClaimRow>();
  return b.hot->GetClaim(b.ref, VersionClaimKey(id, version));
}

}  // namespace xronox
