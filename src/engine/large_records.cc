// Non-versioned records whose payload exceeds the inline limit live in
// records/{c}/{id}/current.json. That object is overwritten in place, so every writer that
// touches it holds the per-record claim "write:{id}", whose body is the head it will commit.
// A crash after the overwrite is rolled forward from the claim (the object's hash matches
// the claim); a crash before it leaves a claim that expires after the lease. On hot stores
// whose conditional writes are not atomic, every update of a non-versioned record takes the
// same claim, so that no two conditional head writes from one base race.
#include <chrono>
#include <thread>

#include "common/fault_point.h"
#include "common/hash.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/head_json.h"
#include "engine/keys.h"
#include "engine/offload_pack.h"

namespace xronox {

namespace {

void Backoff() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

}  // namespace

Status Engine::CommitLargePlain(const Binding& b, const std::optional<store::HeadRow>& head,
                                const store::HeadRow& next, std::string_view object_text,
                                std::string* warning) {
  std::optional<int64_t> base = head ? std::optional<int64_t>(head->version) : std::nullopt;
  store::ClaimRow claim{
      LargeWriteClaimKey(next.id), RandomHex(8), clock_->NowMicros(),
      Json{{"head", HeadRowToJson(next)}, {"base", base ? Json(*base) : Json()}}.dump()};
  Status claimed = b.hot->InsertClaim(b.ref, claim);
  if (claimed.code() == StatusCode::kAlreadyExists) {
    XRONOX_RETURN_IF_ERROR(RecoverLargeClaim(b, next.id));
    Backoff();
    return LostRace("record '" + next.id + "' is being written");
  }
  XRONOX_RETURN_IF_ERROR(claimed);
  FaultPoint("plain_claimed");
  auto release = [&]() { return b.hot->DeleteClaim(b.ref, claim.key, claim.owner); };
  // Holding the claim, the head may still have moved (inline writers take no claim).
  XRONOX_ASSIGN_OR_RETURN(auto now_head, b.hot->GetHead(b.ref, next.id));
  if ((now_head ? std::optional<int64_t>(now_head->version) : std::nullopt) != base) {
    XRONOX_RETURN_IF_ERROR(release());
    return LostRace("record '" + next.id + "' changed during the write");
  }
  const std::string& bucket = b.database.buckets.records;
  if (!object_text.empty()) {
    Status put =
        b.objects->Put(bucket, RecordKey(b, next.id), object_text, store::PutMode::kOverwrite);
    if (!put.ok()) {
      XRONOX_RETURN_IF_ERROR(release());
      return put;
    }
    FaultPoint("plain_object_written");
  }
  Status written = b.hot->WriteHead(b.ref, next, base);
  bool written_here = written.ok();  // Else its roll-forward counts it.
  if (written.code() == StatusCode::kConflict || written.code() == StatusCode::kAlreadyExists) {
    // A reader may have rolled this very write forward from the claim.
    XRONOX_ASSIGN_OR_RETURN(auto after, b.hot->GetHead(b.ref, next.id));
    bool ours = after && after->version == next.version && after->payload_hash == next.payload_hash;
    if (!ours) {
      XRONOX_RETURN_IF_ERROR(release());
      return LostRace("record '" + next.id + "' changed during the write");
    }
    written = Status::Ok();
  }
  XRONOX_RETURN_IF_ERROR(written);
  if (written_here) *warning = CountAfterHead(b, next);
  FaultPoint("plain_head_written");
  if (next.payload_key.empty() && head && !head->payload_key.empty()) {
    XRONOX_RETURN_IF_ERROR(b.objects->Delete(bucket, head->payload_key));
  }
  return release();
}

Status Engine::RecoverLargeClaim(const Binding& b, const std::string& id) {
  XRONOX_ASSIGN_OR_RETURN(auto claim, b.hot->GetClaim(b.ref, LargeWriteClaimKey(id)));
  if (!claim) return Status::Ok();
  Json body = Json::parse(claim->body, nullptr, false);
  if (!body.is_object() || !body.contains("head")) {
    return Corruption("write claim of '" + id + "' is malformed");
  }
  XRONOX_ASSIGN_OR_RETURN(store::HeadRow next, HeadRowFromJson(body["head"]));
  std::optional<int64_t> base;
  if (body["base"].is_number_integer()) base = body["base"].get<int64_t>();
  XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, id));
  // Once the head left the claim's base, its owner's conditional write can no longer apply:
  // the claim is finished (written) or dead (overtaken by a writer that took no claim).
  bool at_base = (head ? std::optional<int64_t>(head->version) : std::nullopt) == base;
  if (at_base) {
    XRONOX_ASSIGN_OR_RETURN(bool object_written, ClaimedObjectWritten(b, next));
    bool stale = LeaseExpired(claim->at);
    // Where conditional head writes are not atomic only the claim's owner writes the head
    // until the lease runs out (see RollForwardNext).
    if (object_written && (stale || b.hot->ConditionalWritesAreAtomic())) {
      // The object already holds the claimed state: committing it is the only consistent end.
      Status written = b.hot->WriteHead(b.ref, next, base);
      if (written.ok()) XRONOX_RETURN_IF_ERROR(CountRolledForward(b, next));
      if (!written.ok() && written.code() != StatusCode::kConflict &&
          written.code() != StatusCode::kAlreadyExists) {
        return written;
      }
    } else if (!stale) {
      return Status::Ok();  // Its owner is still at work.
    }
  } else if (!b.hot->ConditionalWritesAreAtomic() && !LeaseExpired(claim->at)) {
    // Its owner wrote the head and is about to release the claim. Where a claim's delete is not
    // atomic (a read of its owner, then a delete by key), removing it for the owner would let
    // the owner's own late release remove the claim of the next writer, and two writers would
    // then update one head from the same base: the owner releases it, or the lease runs out.
    return Status::Ok();
  }
  return b.hot->DeleteClaim(b.ref, claim->key, claim->owner);
}

Result<bool> Engine::ClaimedObjectWritten(const Binding& b, const store::HeadRow& next) {
  // An offload's claim points into a part, which holds no head until the head is written.
  if (next.payload_key.empty() || IsOffloadPointer(next.payload_key)) return false;
  auto bytes = b.objects->Get(b.database.buckets.records, next.payload_key);
  if (!bytes.ok() && bytes.status().code() != StatusCode::kNotFound) return bytes.status();
  return bytes.ok() && Sha256Hex(*bytes) == next.payload_hash;
}

}  // namespace xronox
