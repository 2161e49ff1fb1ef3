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
#include "engine/keys.h"

namespace xronox {

namespace {

Json HeadToJson(const store::HeadRow& h) {
  return {{"id", h.id},
          {"version", h.version},
          {"deleted", h.deleted},
          {"data", h.data},
          {"payloadKey", h.payload_key},
          {"payloadHash", h.payload_hash},
          {"createdAt", h.created_at},
          {"updatedAt", h.updated_at},
          {"actor", h.actor},
          {"reason", h.reason},
          {"onBehalfOf", h.on_behalf_of},
          {"indexed", h.indexed},
          {"tally", {h.tally.created, h.tally.updated, h.tally.deleted}},
          {"countsDelta",
           {h.counts_delta.created, h.counts_delta.updated, h.counts_delta.deleted,
            h.counts_delta.live}}};
}

Result<store::HeadRow> HeadFromJson(const Json& j) {
  try {
    store::HeadRow h;
    h.id = j.at("id").get<std::string>();
    h.version = j.at("version").get<int64_t>();
    h.deleted = j.at("deleted").get<bool>();
    h.data = j.at("data").get<std::string>();
    h.payload_key = j.at("payloadKey").get<std::string>();
    h.payload_hash = j.at("payloadHash").get<std::string>();
    h.created_at = j.at("createdAt").get<int64_t>();
    h.updated_at = j.at("updatedAt").get<int64_t>();
    h.actor = j.at("actor").get<std::string>();
    h.reason = j.at("reason").get<std::string>();
    h.on_behalf_of = j.value("onBehalfOf", "");
    h.indexed = j.at("indexed").get<std::string>();
    // Absent from claims written before heads kept tallies: unknown tally, no counts.
    auto tally = j.value("tally", std::vector<int64_t>{-1, 0, 0});
    auto delta = j.value("countsDelta", std::vector<int64_t>{0, 0, 0, 0});
    if (tally.size() != 3 || delta.size() != 4) return Corruption("malformed write claim counts");
    h.tally = {tally[0], tally[1], tally[2]};
    h.counts_delta = {delta[0], delta[1], delta[2], delta[3]};
    return h;
  } catch (const Json::exception& e) {
    return Corruption(std::string("malformed write claim: ") + e.what());
  }
}

void Backoff() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

}  // namespace

Status Engine::CommitLargePlain(const Binding& b, const std::optional<store::HeadRow>& head,
                                const store::HeadRow& next, std::string_view object_text,
                                std::string* warning) {
  std::optional<int64_t> base = head ? std::optional<int64_t>(head->version) : std::nullopt;
  store::ClaimRow claim{
      LargeWriteClaimKey(next.id), RandomHex(8), clock_->NowMicros(),
      Json{{"head", HeadToJson(next)}, {"base", base ? Json(*base) : Json()}}.dump()};
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
  XRONOX_ASSIGN_OR_RETURN(store::HeadRow next, HeadFromJson(body["head"]));
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
  if (next.payload_key.empty()) return false;
  auto bytes = b.objects->Get(b.database.buckets.records, next.payload_key);
  if (!bytes.ok() && bytes.status().code() != StatusCode::kNotFound) return bytes.status();
  return bytes.ok() && Sha256Hex(*bytes) == next.payload_hash;
}

}  // namespace xronox
