// Object keys of the storage layout (docs/formats/storage-layout.md).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "router/binding.h"

namespace xronox {

/// "{records}/{c}/{id}/current.json"
std::string RecordKey(const Binding& binding, const std::string& id);
/// "{versions}/{c}/{id}/v{n}.json"
std::string VersionKey(const Binding& binding, const std::string& id, int64_t version);
/// "{versions}/{c}/{id}/v{n}.skeleton.json": the audit skeleton left in place of a version object
/// whose payload retention removed (docs/formats/retention.md).
std::string SkeletonKey(const Binding& binding, const std::string& id, int64_t version);
/// The last key segment of a skeleton ends with this.
inline constexpr const char* kSkeletonSuffix = ".skeleton.json";
/// "{versions}/{c}/" : every version object of the collection.
std::string VersionsPrefix(const Binding& binding);
/// "{records}/{c}/" : every record object of the collection.
std::string RecordsPrefix(const Binding& binding);
/// "{records}/{c}/.offload/" : the parts of offloaded records (docs/formats/offload.md); no
/// record id starts with '.', so no record's key falls under it.
std::string OffloadPrefix(const Binding& binding);
/// "{records}/{c}/.offload/{part}.xpk" : one part ({part} is "{YYYY-MM-DD}/{name}").
std::string OffloadPartKey(const Binding& binding, const std::string& part);
/// "{records}/{c}/.offload/{part}.index.json" : the index of one part.
std::string OffloadIndexKey(const Binding& binding, const std::string& part);
inline constexpr const char* kOffloadPartSuffix = ".xpk";
inline constexpr const char* kOffloadIndexSuffix = ".index.json";
/// "{content}/{c}/" : every content blob of the collection.
std::string ContentPrefix(const Binding& binding);
/// "{content}/{c}/{id}/{property}/{sha256}" : the blob of one content property.
std::string ContentKey(const Binding& binding, const std::string& id, const std::string& property,
                       const std::string& sha256);
/// "{content}/{c}/{id}/{property}/staging-{name}" : an upload whose hash is not known yet.
std::string ContentStagingKey(const Binding& binding, const std::string& id,
                              const std::string& property, const std::string& name);
/// The last key segment of a staging object starts with this.
inline constexpr const char* kContentStagingPrefix = "staging-";

// Claim keys of {c}_locks (docs/formats/storage-layout.md), the hot store's keys beside the
// object keys above.

// Legal holds (docs/formats/holds.md): claims in a collection of their own in each database.

/// The collection of a database that keeps its legal holds and their log (reserved: collection
/// names starting with "_xronox" are refused to users).
inline constexpr const char* kHoldsCollection = "_xronox_holds";
/// The holds collection of `b`'s database.
store::CollectionRef HoldsRef(const Binding& b);
/// Prefix of every hold key; of every hold log entry's key.
inline constexpr const char* kHoldKeyPrefix = "hold:";
inline constexpr const char* kHoldLogPrefix = "holdlog:";
/// "hold:database", "hold:collection:{c}", "hold:record:{c}:{id}".
std::string DatabaseHoldKey();
std::string CollectionHoldKey(const std::string& collection);
std::string RecordHoldKey(const std::string& collection, const std::string& id);

/// Prefix of LargeWriteClaimKey: "write:{id}".
inline constexpr const char* kLargeWriteClaimPrefix = "write:";
/// Prefix of VersionClaimKey: "ver:{id}:v{n}".
inline constexpr const char* kVersionClaimPrefix = "ver:";
/// Prefix of AgedHistoryKey: "aged:{id}".
inline constexpr const char* kAgedHistoryPrefix = "aged:";
/// Guards a large non-versioned record's object while it is rewritten.
std::string LargeWriteClaimKey(const std::string& id);
/// Holds version `version` of `id` until it is indexed (claimed commits).
std::string VersionClaimKey(const std::string& id, int64_t version);
/// Runtime: the versions of `id` whose payloads retention removed (docs/formats/retention.md).
std::string AgedHistoryKey(const std::string& id);
/// "idk:{first 32 hex of sha256(actor)}:{key}": each actor's own idempotency key space.
std::string IdempotencyClaimKey(const std::string& actor, const std::string& key);
/// "idem:{key}": the shared idempotency key space of earlier releases (read, never written).
std::string LegacyIdempotencyClaimKey(const std::string& key);

}  // namespace xronox
