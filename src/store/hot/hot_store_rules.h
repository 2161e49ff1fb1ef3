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

}  // namespace xronox::store
