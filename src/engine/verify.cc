// Verify: every head, version row, version object and hash chain agree, and the collection's
// counters equal a recount of its heads' tallies. Leftovers of writes
// that were never acknowledged (unindexed version objects, stale claims, unreferenced record
// objects) are garbage, reported apart from problems; repair rolls complete versions forward
// and removes the rest.
#include <set>

#include "common/decimal.h"
#include "common/hash.h"
#include "common/json_codec.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/keys.h"
#include "engine/offload_pack.h"
#include "jobs/job_lease.h"

namespace xronox {

namespace {

constexpr int kPage = 500;

std::string Where(const std::string& id, int64_t version) {
  return "record '" + id + "' v" + std::to_string(version) + ": ";
}

// Compares a version row with the object it indexes; returns what differs.
std::string RowMismatch(const store::VersionRow& row, const VersionObject& o) {
  if (o.id != row.id || o.version != row.version) return "object names another record/version";
  if (OperationName(o.op) != row.op || o.actor != row.actor || o.reason != row.reason ||
      o.on_behalf_of != row.on_behalf_of || o.at != row.at || o.deleted != row.deleted) {
    return "index entry differs from the version object";
  }
  if (o.prev_hash != row.prev_hash) return "index entry's previous hash differs from the object";
  if (Json(o.changed_fields).dump() != row.changed_fields) {
    return "index entry's changed fields differ from the version object";
  }
  if (o.idempotency_key != row.idempotency_key) {
    return "index entry's idempotency key differs from the version object";
  }
  return "";
}

// Splits "{prefix}{id}/v{n}{suffix}" into id and n.
bool ParseVersionKey(const std::string& key, const std::string& prefix, std::string& id,
                     int64_t& version, std::string_view suffix = ".json") {
  if (!key.starts_with(prefix) || !key.ends_with(suffix)) return false;
  std::string rest = key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
  size_t slash = rest.rfind("/v");
  if (slash == std::string::npos || slash == 0 || slash + 2 >= rest.size()) return false;
  id = rest.substr(0, slash);
  std::optional<int64_t> parsed = ParseNonNegativeDecimal(std::string_view(rest).substr(slash + 2));
  if (!parsed) return false;
  version = *parsed;
  return true;
}

}  // namespace

class Verifier {
 public:
  Verifier(Engine& engine, const Binding& b, bool repair, VerifyReport& report)
      : engine_(engine), b_(b), repair_(repair), report_(report) {}

  Status CheckHeads() {
    std::string after;
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(auto heads, b_.hot->ScanHeads(b_.ref, after, kPage, {}, true));
      for (const auto& head : heads) {
        ++report_.records_checked;
        AddToRecount(head);
        XRONOX_RETURN_IF_ERROR(b_.versioned ? CheckChain(head) : CheckPlain(head));
        after = head.id;
      }
      if (static_cast<int>(heads.size()) < kPage) return Status::Ok();
    }
  }

  Status CheckChain(const store::HeadRow& head) {
    std::optional<int64_t> after;
    int64_t expected = 0;
    std::string prev;
    std::optional<VersionObject> last;
    XRONOX_ASSIGN_OR_RETURN(AgedMark mark, ReadAgedMark(b_, head.id));
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(
          auto rows, b_.hot->ListVersions(b_.ref, head.id, after, kPage, store::Order::kAscending));
      for (const auto& row : rows) {
        ++report_.versions_checked;
        if (row.version <= mark.through && row.version == expected) {
          XRONOX_ASSIGN_OR_RETURN(bool whole, CheckAgedRow(row, prev, last));
          if (!whole) return Status::Ok();
        } else if (!CheckRow(row, expected, prev, last)) {
          return Status::Ok();
        }
        prev = row.entry_hash;
        after = expected = row.version + 1;
      }
      if (static_cast<int>(rows.size()) < kPage) break;
    }
    return CheckHeadAgainstChain(head, expected - 1, prev, last);
  }

  bool CheckRow(const store::VersionRow& row, int64_t expected, const std::string& prev,
                std::optional<VersionObject>& last) {
    if (row.version != expected) {
      return Problem(Where(row.id, expected) + "missing from the version index (gap)");
    }
    if (row.prev_hash != prev) {
      return Problem(Where(row.id, row.version) + "previous hash breaks the chain");
    }
    auto object = engine_.ReadVersionForVerify(b_, row);
    if (!object.ok()) return Problem(Where(row.id, row.version) + object.status().message());
    if (object->prev_hash != prev) {
      return Problem(Where(row.id, row.version) + "object's previous hash breaks the chain");
    }
    std::string mismatch = RowMismatch(row, *object);
    if (!mismatch.empty()) return Problem(Where(row.id, row.version) + mismatch);
    last = std::move(object).value();
    return true;
  }

  // A version whose payload retention removed: its skeleton stands for the object (same audit
  // fields, the hash the chain links) and the object itself is gone.
  Result<bool> CheckAgedRow(const store::VersionRow& row, const std::string& prev,
                            std::optional<VersionObject>& last) {
    const std::string where = Where(row.id, row.version);
    if (row.prev_hash != prev) return Problem(where + "previous hash breaks the chain");
    auto read = ReadSkeleton(b_, row.id, row.version);
    if (!read.ok() && read.status().code() != StatusCode::kCorruption) return read.status();
    if (!read.ok()) return Problem(where + read.status().message());
    if (!*read) return Problem(where + "payload removed by retention, and its skeleton too");
    VersionSkeleton& skeleton = **read;
    std::string mismatch = RowMismatch(row, skeleton.object);
    if (mismatch.empty() && skeleton.entry_hash != row.entry_hash) {
      mismatch = "skeleton's entry hash differs from the index entry";
    }
    if (!mismatch.empty()) return Problem(where + mismatch);
    XRONOX_ASSIGN_OR_RETURN(auto still,
                            b_.objects->Stat(b_.database.buckets.versions, row.payload_key));
    if (still) {
      XRONOX_RETURN_IF_ERROR(Garbage(where + "payload past retention still stored", [&] {
        return b_.objects->Delete(b_.database.buckets.versions, row.payload_key);
      }));
    }
    last = std::move(skeleton.object);
    return true;
  }

  Status CheckHeadAgainstChain(const store::HeadRow& head, int64_t last_version,
                               const std::string& last_hash,
                               const std::optional<VersionObject>& last) {
    std::string where = "record '" + head.id + "' head: ";
    if (!last) return Status::Ok();  // Problems were reported while walking the chain.
    if (head.version < last_version) return CheckHeadBehind(head, last_version, last_hash, last);
    if (head.version != last_version || head.entry_hash != last_hash) {
      Problem(where + "does not point at the latest indexed version");
      return Status::Ok();
    }
    if (head.deleted != last->deleted) Problem(where + "deleted flag differs from its version");
    if (!head.deleted) {
      XRONOX_ASSIGN_OR_RETURN(std::string text, DumpJson(last->data));
      if (Sha256Hex(text) != head.payload_hash) Problem(where + "payload hash differs");
      if (!head.data.empty() && head.data != text) Problem(where + "inline data differs");
    }
    return Status::Ok();
  }

  // The chain is complete past the head: a commit in flight (verify read the head before its
  // version row appeared), or one whose writer died between the version row and the head on a
  // hot store without transactions. Repair finishes it.
  Status CheckHeadBehind(const store::HeadRow& head, int64_t last_version,
                         const std::string& last_hash, const std::optional<VersionObject>& last) {
    XRONOX_ASSIGN_OR_RETURN(auto now, b_.hot->GetHead(b_.ref, head.id));
    if (now && now->version == last_version) {
      return CheckHeadAgainstChain(*now, last_version, last_hash, last);
    }
    // Past the rows read: more commits landed meanwhile; the next verify checks them.
    if (now && now->version > last_version) return Status::Ok();
    if (InFlight(last->at)) return Status::Ok();  // Its writer is still at work.
    return Garbage("record '" + head.id + "' head: behind its latest indexed version v" +
                       std::to_string(last_version) + " (an unfinished commit)",
                   [&]() -> Status {
                     auto rolled = engine_.RollForwardForVerify(b_, head.id);
                     if (!rolled.ok())
                       Problem("record '" + head.id + "': " + rolled.status().message());
                     return Status::Ok();
                   });
  }

  Status CheckPlain(const store::HeadRow& stored) {
    if (stored.deleted) return Status::Ok();
    std::string where = "record '" + stored.id + "': ";
    XRONOX_ASSIGN_OR_RETURN(std::optional<store::HeadRow> whole, CheckOffloaded(stored));
    if (!whole) return Status::Ok();
    const store::HeadRow& head = *whole;
    std::string text = head.data;
    if (!head.payload_key.empty()) {
      auto bytes = b_.objects->Get(b_.database.buckets.records, head.payload_key);
      if (!bytes.ok()) return Problem(where + bytes.status().message()), Status::Ok();
      text = *bytes;
    }
    if (Sha256Hex(text) != head.payload_hash) {
      XRONOX_ASSIGN_OR_RETURN(auto claim, b_.hot->GetClaim(b_.ref, LargeWriteClaimKey(head.id)));
      if (claim)
        return Garbage(where + "unfinished write",
                       [&] { return engine_.RecoverLargeClaimForVerify(b_, head.id); });
      Problem(where + "payload does not match its hash");
    }
    return Status::Ok();
  }

  // An offloaded record's entry must hold the head it replaced: returns that head (nullopt after
  // a problem), or `stored` itself when it is not offloaded.
  Result<std::optional<store::HeadRow>> CheckOffloaded(const store::HeadRow& stored) {
    std::optional<OffloadPointer> pointer = ParseOffloadPointer(stored.payload_key);
    if (!pointer) return std::optional<store::HeadRow>(stored);
    offload_parts_.insert(pointer->part);
    const std::string where = "record '" + stored.id + "': ";
    Result<store::HeadRow> whole = EntryOf(stored, *pointer);
    const std::optional<store::HeadRow> none;
    if (IsLostRace(whole.status())) return none;  // Written anew meanwhile.
    if (!whole.ok()) return Problem(where + whole.status().message()), none;
    store::RecordTally kept = TallyOf(stored), entry = TallyOf(*whole);
    if (whole->indexed != stored.indexed || whole->created_at != stored.created_at ||
        whole->updated_at != stored.updated_at || entry.created != kept.created ||
        entry.updated != kept.updated || entry.deleted != kept.deleted) {
      return Problem(where + "offloaded head differs from its entry"), none;
    }
    return std::optional<store::HeadRow>(std::move(whole).value());
  }

  // The whole head of an offloaded record, from its part read whole once for all the records
  // in it that come next (heads are scanned in id order, which is mostly the order they were
  // packed in); a part gone since it was read is read again through the engine.
  Result<store::HeadRow> EntryOf(const store::HeadRow& stored, const OffloadPointer& pointer) {
    if (pointer.part != part_name_) {
      part_name_.clear();
      auto bytes = b_.objects->Get(b_.database.buckets.records, OffloadPartKey(b_, pointer.part));
      if (!bytes.ok()) return engine_.WholeHead(b_, stored);
      part_bytes_ = std::move(bytes).value();
      part_name_ = pointer.part;
    }
    if (pointer.offset > static_cast<int64_t>(part_bytes_.size()) ||
        pointer.length > static_cast<int64_t>(part_bytes_.size()) - pointer.offset) {
      return Corruption("offload part of '" + stored.id + "' ends before its entry");
    }
    return OffloadEntryHead(stored, std::string_view(part_bytes_)
                                        .substr(static_cast<size_t>(pointer.offset),
                                                static_cast<size_t>(pointer.length)));
  }

  // Parts that no head points into, older than the lease, while no offload run holds the
  // collection's lease: a killed run's, or those whose records were all written again since.
  Status CheckOffloadParts() {
    XRONOX_ASSIGN_OR_RETURN(auto lease,
                            b_.hot->GetClaim(b_.ref, std::string(kJobLeasePrefix) + kOffloadJob));
    if (lease && !JobLease::Expired(*lease, engine_.clock()->NowMicros())) return Status::Ok();
    TimestampMicros cutoff = engine_.LeaseCutoff();
    for (const store::ObjectInfo& object : offload_objects_) {
      if (offload_parts_.contains(OffloadPartOfKey(object.key, offload_prefix_))) continue;
      if (object.modified_at >= cutoff) continue;
      XRONOX_RETURN_IF_ERROR(
          Garbage("offload part object no record points into: " + object.key,
                  [&] { return b_.objects->Delete(b_.database.buckets.records, object.key); }));
    }
    return Status::Ok();
  }

  Status CheckClaims() {
    XRONOX_ASSIGN_OR_RETURN(auto claims, b_.hot->ListClaims(b_.ref, ""));
    TimestampMicros cutoff = engine_.LeaseCutoff();
    for (const auto& claim : claims) {
      if (claim.key.starts_with(kVersionClaimPrefix)) {
        XRONOX_RETURN_IF_ERROR(CheckVersionClaim(claim, cutoff));
        continue;
      }
      if (claim.key.starts_with(kAgedHistoryPrefix)) continue;  // Permanent: checked per record.
      if (claim.key.starts_with(kJobLeasePrefix)) {
        if (!JobLease::Expired(claim, engine_.clock()->NowMicros())) continue;
      } else if (IsDoneIdempotencyClaim(claim.body) || claim.at >= cutoff) {
        continue;
      }
      std::string id = claim.key.substr(claim.key.find(':') + 1);
      XRONOX_RETURN_IF_ERROR(Garbage("stale claim '" + claim.key + "'", [&] {
        if (claim.key.starts_with(kLargeWriteClaimPrefix))
          return engine_.RecoverLargeClaimForVerify(b_, id);
        return b_.hot->DeleteClaim(b_.ref, claim.key, claim.owner);
      }));
    }
    return Status::Ok();
  }

  // A claimed commit (version_claims.cc) older than the lease: its owner died or lost the
  // network. Repair finishes it from the claim, which holds the whole version object.
  Status CheckVersionClaim(const store::ClaimRow& claim, TimestampMicros cutoff) {
    if (claim.at >= cutoff) return Status::Ok();
    auto object = DecodeVersionObject(claim.body);
    if (!object.ok())
      return Problem("claim '" + claim.key + "': " + object.status().message()), Status::Ok();
    std::string id = object->id;
    return Garbage("unfinished version claim '" + claim.key + "'", [&]() -> Status {
      auto rolled = engine_.RollForwardForVerify(b_, id);
      if (!rolled.ok()) Problem("record '" + id + "': " + rolled.status().message());
      XRONOX_ASSIGN_OR_RETURN(auto row, b_.hot->GetVersion(b_.ref, id, object->version));
      // Indexed now (or before: a claim its owner failed to release): the claim is spent.
      if (row) return b_.hot->DeleteClaim(b_.ref, claim.key, claim.owner);
      return Status::Ok();
    });
  }

  Status CheckVersionObjects() {
    std::string prefix = VersionsPrefix(b_);
    std::string continuation;
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(
          auto page, b_.objects->List(b_.database.buckets.versions, prefix, continuation, 1000));
      for (const auto& object : page.objects) XRONOX_RETURN_IF_ERROR(CheckVersionObject(object));
      if (!page.next) return Status::Ok();
      continuation = *page.next;
    }
  }

  // Temp files of crashed object writes (S3: unfinished uploads) under this collection.
  Status CheckLeftovers() {
    TimestampMicros cutoff = engine_.LeaseCutoff();
    std::pair<const std::string*, std::string> places[] = {
        {&b_.database.buckets.records, RecordsPrefix(b_)},
        {&b_.database.buckets.versions, VersionsPrefix(b_)}};
    for (const auto& place : places) {
      // Named variables, not a structured binding: clang 14 cannot capture bindings in lambdas.
      const std::string* bucket = place.first;
      const std::string& prefix = place.second;
      if (bucket->empty()) continue;
      XRONOX_ASSIGN_OR_RETURN(auto found, b_.objects->Leftovers(*bucket, prefix, cutoff, false));
      for (const auto& leftover : found) {
        XRONOX_RETURN_IF_ERROR(Garbage("leftover of an unfinished object write: " + leftover, [&] {
          return b_.objects->Leftovers(*bucket, prefix, cutoff, true).status();
        }));
      }
    }
    return Status::Ok();
  }

  // Non-versioned: records/{c}/{id}/current.json must be the payload of its head.
  Status CheckRecordObjects() {
    std::string prefix = RecordsPrefix(b_);
    std::string continuation;
    TimestampMicros cutoff = engine_.LeaseCutoff();
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(
          auto page, b_.objects->List(b_.database.buckets.records, prefix, continuation, 1000));
      for (const auto& object : page.objects) {
        XRONOX_RETURN_IF_ERROR(CheckRecordObject(object, prefix, cutoff));
      }
      if (!page.next) return Status::Ok();
      continuation = *page.next;
    }
  }

  Status CheckRecordObject(const store::ObjectInfo& object, const std::string& prefix,
                           TimestampMicros cutoff) {
    if (object.key.starts_with(offload_prefix_)) {
      offload_objects_.push_back(object);  // Checked once the heads say which are in use.
      return Status::Ok();
    }
    const std::string suffix = "/current.json";
    std::string id;
    if (object.key.ends_with(suffix) && object.key.size() > prefix.size() + suffix.size()) {
      id = object.key.substr(prefix.size(), object.key.size() - prefix.size() - suffix.size());
    }
    if (!id.empty()) {
      XRONOX_ASSIGN_OR_RETURN(auto head, b_.hot->GetHead(b_.ref, id));
      if (head && head->payload_key == object.key) return Status::Ok();
      XRONOX_ASSIGN_OR_RETURN(auto claim, b_.hot->GetClaim(b_.ref, LargeWriteClaimKey(id)));
      if (claim) return Status::Ok();  // A write in progress (stale claims are handled apart).
    }
    if (object.modified_at >= cutoff) return Status::Ok();  // Maybe a write in flight.
    return Garbage("unreferenced record object " + object.key,
                   [&] { return b_.objects->Delete(b_.database.buckets.records, object.key); });
  }

  Status CheckVersionObject(const store::ObjectInfo& object) {
    std::string id;
    int64_t version = 0;
    if (ParseVersionKey(object.key, VersionsPrefix(b_), id, version, kSkeletonSuffix)) {
      // Retention writes skeletons of indexed versions only (checked with their chain).
      XRONOX_ASSIGN_OR_RETURN(auto row, b_.hot->GetVersion(b_.ref, id, version));
      if (!row) Problem("skeleton " + object.key + " of a version missing from the index");
      return Status::Ok();
    }
    if (!ParseVersionKey(object.key, VersionsPrefix(b_), id, version)) {
      return Garbage("unexpected object " + object.key,
                     [&] { return b_.objects->Delete(b_.database.buckets.versions, object.key); });
    }
    XRONOX_ASSIGN_OR_RETURN(auto row, b_.hot->GetVersion(b_.ref, id, version));
    if (row) return Status::Ok();
    XRONOX_ASSIGN_OR_RETURN(bool in_flight, VersionObjectInFlight(object.key));
    if (in_flight) return Status::Ok();
    return Garbage("unindexed version object " + object.key, [&]() -> Status {
      auto rolled = engine_.RollForwardForVerify(b_, id);
      if (!rolled.ok()) Problem("record '" + id + "': " + rolled.status().message());
      return Status::Ok();
    });
  }

  // Compare the stored counters with the recount of the heads. `before` was read before the
  // heads were scanned: when the counters moved meanwhile, writes were in flight and the two
  // cannot be compared (nor repaired) in this run.
  Status CheckCounters(const CollectionCounts& before) {
    XRONOX_ASSIGN_OR_RETURN(CollectionCounts after, b_.hot->GetCounts(b_.ref));
    if (after != before) return Status::Ok();
    report_.counters_checked = true;
    report_.counters_stored = after;
    report_.counters_recounted = recount_;
    if (after == recount_ || !repair_) return Status::Ok();
    XRONOX_RETURN_IF_ERROR(b_.hot->SetCounts(b_.ref, recount_));
    report_.counters_repaired = true;
    return Status::Ok();
  }

  // An unindexed version object whose writer may still index it (by its own clock's `at`).
  Result<bool> VersionObjectInFlight(const std::string& key) {
    if (b_.hot->ConditionalWritesAreAtomic()) return false;
    auto bytes = b_.objects->Get(b_.database.buckets.versions, key);
    if (!bytes.ok() && bytes.status().code() == StatusCode::kNotFound) return false;
    XRONOX_RETURN_IF_ERROR(bytes.status());
    auto object = DecodeVersionObject(*bytes);
    return object.ok() && InFlight(object->at);
  }

 private:
  // Where only a version's own writer may finish it before the lease runs out (hot stores
  // without atomic conditional writes), work begun at `started` may still be in flight.
  bool InFlight(TimestampMicros started) const {
    return !b_.hot->ConditionalWritesAreAtomic() && !engine_.LeaseExpired(started);
  }

  void AddToRecount(const store::HeadRow& head) {
    store::RecordTally tally = TallyOf(head);
    recount_.created += tally.created;
    recount_.updated += tally.updated;
    recount_.deleted += tally.deleted;
    recount_.live += head.deleted ? 0 : 1;
  }

  bool Problem(std::string text) {
    report_.problems.push_back(std::move(text));
    return false;
  }

  template <typename Fix>
  Status Garbage(std::string text, Fix fix) {
    return NoteGarbage(report_, repair_, std::move(text), fix);
  }

  Engine& engine_;
  const Binding& b_;
  bool repair_;
  VerifyReport& report_;
  CollectionCounts recount_;                        // Of the heads scanned so far.
  std::set<std::string> offload_parts_;             // Parts the heads scanned point into.
  std::string part_name_, part_bytes_;              // The offload part read last, whole.
  std::vector<store::ObjectInfo> offload_objects_;  // Under the offload prefix, as listed.
  const std::string offload_prefix_ = OffloadPrefix(b_);
};

Result<VerifyReport> Engine::Verify(const Binding& b, bool repair) {
  VerifyReport report;
  Verifier verifier(*this, b, repair, report);
  XRONOX_RETURN_IF_ERROR(verifier.CheckClaims());
  if (b.versioned && b.objects) XRONOX_RETURN_IF_ERROR(verifier.CheckVersionObjects());
  if (!b.versioned && b.objects) XRONOX_RETURN_IF_ERROR(verifier.CheckRecordObjects());
  if (b.objects) XRONOX_RETURN_IF_ERROR(verifier.CheckLeftovers());
  XRONOX_ASSIGN_OR_RETURN(CollectionCounts counts_before, b.hot->GetCounts(b.ref));
  XRONOX_RETURN_IF_ERROR(verifier.CheckHeads());
  XRONOX_RETURN_IF_ERROR(verifier.CheckCounters(counts_before));
  if (!b.versioned && b.objects) XRONOX_RETURN_IF_ERROR(verifier.CheckOffloadParts());
  return report;
}

}  // namespace xronox
