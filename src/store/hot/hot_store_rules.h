// Rules every HotStore backend shares: argument checks, the stored form of `indexed`, and the
// reference meaning of a Condition, so that every backend and the engine's re-check agree on
// which heads match.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "store/hot/hot_store.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::store {

/// Check the database and collection names of `ref`; InvalidArgument names the bad one.
Status ValidateCollectionRef(const CollectionRef& ref);

/// Refuse `ref` when one of `databases` (the stored database names) or of `collections` (those
/// of `ref.db`) differs from its database or collection name only in ASCII letter case:
/// InvalidArgument with reason "name_case_conflict". Some layers compare names without case
/// (SQLite table names, MongoDB database names, case-folding file systems) and others with
/// case (API-key scopes, caches, S3 keys), so two such names would be one place in some layers
/// and two in others (docs/formats/names.md).
Status CheckNameCase(const CollectionRef& ref, const std::vector<std::string>& databases,
                     const std::vector<std::string>& collections);

/// Return the name of one of a collection's stores: StoreName(ref, "_head") is "db.c_head".
std::string StoreName(const CollectionRef& ref, const char* suffix);

/// Return the AlreadyExists status of inserting a head whose id is taken.
Status HeadExists(const std::string& table, const std::string& id);
/// Ok for a versioned ref; InvalidArgument naming `operation` for one that keeps no version
/// index (every backend refuses version writes there; version reads find nothing).
Status RequireVersioned(const CollectionRef& ref, const char* operation);
/// Return the NotFound status of replacing a head that does not exist.
Status HeadNotFound(const std::string& table, const std::string& id, int64_t expected_version);
/// Return the Conflict status (reason "version_mismatch", naming the current version) of
/// replacing a head whose version is not the expected one.
Status HeadConflict(const std::string& table, const std::string& id, int64_t expected_version,
                    int64_t current_version);

/// Check a page size: InvalidArgument unless positive.
Status ValidateLimit(int limit, const char* operation);

/// Return counter `name`'s `value` plus `delta`; ResourceExhausted when it would overflow.
Result<int64_t> AddToCounter(const std::string& table, const std::string& name, int64_t value,
                             int64_t delta);

/// Names of the record counters' rows in {c}_counter, in CollectionCounts' field order.
inline constexpr const char* kCountNames[] = {"records.created", "records.updated",
                                              "records.deleted", "records.live"};
/// CollectionCounts' fields in kCountNames' order.
inline constexpr int64_t CollectionCounts::*kCountFields[] = {
    &CollectionCounts::created, &CollectionCounts::updated, &CollectionCounts::deleted,
    &CollectionCounts::live};

/// `counts` plus `delta`, field by field; ResourceExhausted when a field would overflow.
Result<CollectionCounts> SumCounts(const std::string& table, const CollectionCounts& counts,
                                   const CollectionCounts& delta);

/// Check an indexed property path: a valid property path without '"' (backends quote it).
Status ValidateIndexedPath(const std::string& path);

/// A head's `indexed` value, parsed and in the canonical text every backend stores.
struct IndexedValues {
  Json values;       ///< A JSON object keyed by property path.
  std::string text;  ///< Compact JSON with sorted keys; "{}" for an empty input.
};

/// Parse a head's `indexed` text ("" means {}); InvalidArgument unless it is a JSON object.
Result<IndexedValues> ParseIndexed(const std::string& indexed);

/// Check that every condition is well formed: a valid path; a scalar value for kEq and kNe;
/// a boolean, number or string for the range operators; an array of scalars for kIn.
Status ValidateConditions(const std::vector<Condition>& conditions);

/// Return true when `indexed` (a JSON object keyed by property path) satisfies `condition`.
///
/// The reference semantics; a backend may push conditions down loosely but never drops a
/// head this function accepts. An absent property counts as null. Values fall into classes
/// (null, boolean, number, string, other); values of different classes are neither equal
/// nor ordered. kEq: same class and equal (numbers by value: 1 == 1.0). kNe: not kEq (an
/// absent property matches kNe "x"). kGt/kGte/kLt/kLte: same class, compared as numbers,
/// bytewise for strings, false < true for booleans; null never matches. kIn: kEq with any
/// element (an empty array matches nothing). Expects ValidateConditions to have passed.
bool MatchesCondition(const Condition& condition, const Json& indexed);

/// Return true when `indexed` satisfies every condition (true for none).
bool MatchesConditions(const std::vector<Condition>& conditions, const Json& indexed);

/// Most field keys one version is indexed under (VersionFieldKeys); a version that changed
/// more is found by its first ones only.
inline constexpr size_t kMaxVersionFieldKeys = 256;

/// The keys a version is found under by VersionFilter::field, from its `changed_fields` (a JSON
/// array of JSON Pointers, or of top-level names in versions of older writes, which become
/// "/{name}"): each changed field and every field around it ("/a/b" gives "/a" and "/a/b"), and
/// each changed field as itself, "=" and the pointer ("=/a/b"). Sorted, each once, at most
/// kMaxVersionFieldKeys. Malformed text gives none.
std::vector<std::string> VersionFieldKeys(const std::string& changed_fields);

/// The keys whose versions changed `field` (a JSON Pointer): `field` itself (it, or a field
/// inside it, changed) and "=" and each field around it (that field was replaced whole, as a
/// create sets every field): "/a/b/c" gives "/a/b/c", "=/a" and "=/a/b".
std::vector<std::string> FieldQueryKeys(const std::string& field);

/// InvalidArgument unless `filter` is well formed: `field` empty or a JSON Pointer of 1-1024
/// bytes, `from` and `to` not negative and `from` <= `to` when both are set.
Status ValidateVersionFilter(const VersionFilter& filter);

/// The reference semantics of ScanVersions: true when `row` matches `filter` (its field keys
/// computed with VersionFieldKeys) and, with `after`, comes after it in the scan's order.
bool VersionMatches(const VersionFilter& filter, const std::optional<VersionPosition>& after,
                    const VersionRow& row);

/// True when `a` comes before `b` in the scan's order (newer first: time, id, version
/// descending).
bool VersionScanOrder(const VersionRow& a, const VersionRow& b);

/// `rows` (the pages of several ranges) in the scan's order, each version once, at most `limit`.
std::vector<VersionRow> MergeVersionPages(std::vector<VersionRow> rows, int limit);

}  // namespace xronox::store
