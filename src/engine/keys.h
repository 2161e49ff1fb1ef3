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
/// "{versions}/{c}/" : every version object of the collection.
std::string VersionsPrefix(const Binding& binding);
/// "{records}/{c}/" : every record object of the collection.
std::string RecordsPrefix(const Binding& binding);
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

/// Prefix of LargeWriteClaimKey: "write:{id}".
inline constexpr const char* kLargeWriteClaimPrefix = "write:";
/// Prefix of VersionClaimKey: "ver:{id}:v{n}".
inline constexpr const char* kVersionClaimPrefix = "ver:";
/// Guards a large non-versioned record's object while it is rewritten.
std::string LargeWriteClaimKey(const std::string& id);
/// Holds version `version` of `id` until it is indexed (claimed commits).
std::string VersionClaimKey(const std::string& id, int64_t version);
/// "idk:{first 32 hex of sha256(actor)}:{key}": each actor's own idempotency key space.
std::string IdempotencyClaimKey(const std::string& actor, const std::string& key);
/// "idem:{key}": the shared idempotency key space of earlier releases (read, never written).
std::string LegacyIdempotencyClaimKey(const std::string& key);

}  // namespace xronox
