// Rebuilding a collection's hot-store rows from the object store, the source of truth of
// runtime history: every record's version objects ({versions}/{c}/{id}/v{n}.json, or the
// skeletons of those whose payloads retention removed) are indexed again in order, as a
// roll-forward indexes a version whose writer died, which re-creates the head, the version index
// and the counters. Records of the other types have no history: a hot store that lost them lost
// them, and only their large payloads' objects remain to be named.
#include <algorithm>

#include "common/decimal.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/keys.h"
#include "engine/offload_pack.h"

namespace xronox {

namespace {

constexpr int kRebuildListPage = 1000;
constexpr size_t kNamedUnrecoverable = 100;

// The version number of a version object's key rest "{id}/v{n}.json"; -1 for any other key.
int64_t VersionOfKey(const std::string& rest, size_t slash) {
  const std::string name = rest.substr(slash + 1);
  if (name.size() < 7 || name[0] != 'v' || name.compare(name.size() - 5, 5, ".json") != 0) {
    return -1;
  }
  std::optional<int64_t> n = ParseNonNegativeDecimal(name.substr(1, name.size() - 6));
  return n ? *n : -1;
}

}  // namespace

Result<bool> Engine::RollForwardSkeleton(const Binding& b, const std::string& id,
                                         const std::optional<store::HeadRow>& head, int64_t next) {
  XRONOX_ASSIGN_OR_RETURN(std::optional<VersionSkeleton> skeleton, ReadSkeleton(b, id, next));
  if (!skeleton) return false;
  const VersionObject& object = skeleton->object;
  if (object.id != id || object.version != next ||
      object.prev_hash != (head ? head->entry_hash : "")) {
    return Corruption("version skeleton " + SkeletonKey(b, id, next) +
                      " does not continue the chain of '" + id + "'");
  }
  XRONOX_RETURN_IF_ERROR(IndexRolledVersion(b, head, object, VersionKey(b, id, next),
                                            skeleton->entry_hash, &*skeleton));
  XRONOX_ASSIGN_OR_RETURN(AgedMark mark, ReadAgedMark(b, id));
  if (mark.through >= next) return true;
  XRONOX_RETURN_IF_ERROR(WriteAgedMark(b, id, {next, next, /*removing=*/false, mark.stored}));
  return true;
}

// Index `id`'s versions in order; a version object past where the chain stops (a gap, or one
// that does not continue it) is a problem: the record is rebuilt up to the break.
Status Engine::RebuildRecord(const Binding& b, const std::string& id, int64_t last_version,
                             RebuildReport& report) {
  Result<int> rolled = RollForward(b, id, /*rebuilding=*/true);
  std::string problem;
  if (!rolled.ok() && rolled.status().code() == StatusCode::kCorruption) {
    problem = rolled.status().message().substr(0, 300);
  } else {
    XRONOX_RETURN_IF_ERROR(rolled.status());
    report.versions += *rolled;
  }
  XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, id));
  const int64_t reached = head ? head->version : -1;
  if (problem.empty() && reached < last_version) {
    problem = "record '" + id + "' has version objects up to v" + std::to_string(last_version) +
              " but its chain stops at v" + std::to_string(reached) + " (v" +
              std::to_string(reached + 1) + " is missing)";
  }
  if (!problem.empty()) report.problems.push_back(problem + "; rebuilt up to the break");
  if (head) ++report.records;
  if (head && !head->deleted) XRONOX_RETURN_IF_ERROR(ReclaimNaturalKey(b, *head, report));
  return Status::Ok();
}

Result<RebuildReport> Engine::Rebuild(const Binding& b) {
  RebuildReport report;
  report.versioned = b.versioned;
  const std::string& bucket =
      b.versioned ? b.database.buckets.versions : b.database.buckets.records;
  const std::string prefix = b.versioned ? VersionsPrefix(b) : RecordsPrefix(b);
  std::string continuation, id;
  int64_t last_version = -1;  // Of `id`, among its objects listed so far.
  // Called once all of `id`'s objects are listed (they are next to each other, in key order).
  auto finish = [&]() -> Status {
    if (id.empty()) return Status::Ok();
    if (b.versioned) return RebuildRecord(b, id, last_version, report);
    auto head = b.hot->GetHead(b.ref, id);  // NotFound: the collection is gone too.
    if (!head.ok() && head.status().code() != StatusCode::kNotFound) return head.status();
    if (head.ok() && head->has_value()) return Status::Ok();  // Still in the hot store.
    ++report.unrecoverable;
    if (report.unrecoverable_ids.size() < kNamedUnrecoverable)
      report.unrecoverable_ids.push_back(id);
    return Status::Ok();
  };
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(store::ListPage page,
                            b.objects->List(bucket, prefix, continuation, kRebuildListPage));
    for (const store::ObjectInfo& object : page.objects) {
      std::string rest = object.key.substr(prefix.size());
      // Offload parts are no record's object (they sort first: '.' before any id character).
      if (rest.starts_with(kOffloadPointerStart)) continue;
      size_t slash = rest.find('/');
      if (slash == std::string::npos || slash == 0) continue;
      if (rest.compare(0, slash, id) != 0) {
        XRONOX_RETURN_IF_ERROR(finish());
        id = rest.substr(0, slash);
        last_version = -1;
      }
      last_version = std::max(last_version, VersionOfKey(rest, slash));
    }
    if (!page.next) break;
    continuation = *page.next;
  }
  XRONOX_RETURN_IF_ERROR(finish());
  return report;
}

}  // namespace xronox
