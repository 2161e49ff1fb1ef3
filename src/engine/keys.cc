#include "engine/keys.h"

#include "common/hash.h"

namespace xronox {

namespace {

std::string Join(const std::string& prefix, const std::string& rest) {
  return prefix.empty() ? rest : prefix + "/" + rest;
}

}  // namespace

std::string RecordsPrefix(const Binding& b) {
  return Join(b.prefixes.records, b.ref.collection + "/");
}

std::string VersionsPrefix(const Binding& b) {
  return Join(b.prefixes.versions, b.ref.collection + "/");
}

std::string RecordKey(const Binding& b, const std::string& id) {
  return RecordsPrefix(b) + id + "/current.json";
}

std::string VersionKey(const Binding& b, const std::string& id, int64_t version) {
  return VersionsPrefix(b) + id + "/v" + std::to_string(version) + ".json";
}

std::string SkeletonKey(const Binding& b, const std::string& id, int64_t version) {
  return VersionsPrefix(b) + id + "/v" + std::to_string(version) + kSkeletonSuffix;
}

std::string OffloadPrefix(const Binding& b) { return RecordsPrefix(b) + ".offload/"; }

std::string OffloadPartKey(const Binding& b, const std::string& part) {
  return OffloadPrefix(b) + part + kOffloadPartSuffix;
}

std::string OffloadIndexKey(const Binding& b, const std::string& part) {
  return OffloadPrefix(b) + part + kOffloadIndexSuffix;
}

std::string ContentPrefix(const Binding& b) {
  return Join(b.prefixes.content, b.ref.collection + "/");
}

std::string ContentKey(const Binding& b, const std::string& id, const std::string& property,
                       const std::string& sha256) {
  return ContentPrefix(b) + id + "/" + property + "/" + sha256;
}

std::string ContentStagingKey(const Binding& b, const std::string& id, const std::string& property,
                              const std::string& name) {
  return ContentPrefix(b) + id + "/" + property + "/" + kContentStagingPrefix + name;
}

store::CollectionRef HoldsRef(const Binding& b) {
  return {b.ref.db, kHoldsCollection, /*versioned=*/false};
}

std::string DatabaseHoldKey() { return std::string(kHoldKeyPrefix) + "database"; }

std::string CollectionHoldKey(const std::string& collection) {
  return std::string(kHoldKeyPrefix) + "collection:" + collection;
}

std::string RecordHoldKey(const std::string& collection, const std::string& id) {
  return std::string(kHoldKeyPrefix) + "record:" + collection + ":" + id;
}

std::string LargeWriteClaimKey(const std::string& id) { return kLargeWriteClaimPrefix + id; }

std::string AgedHistoryKey(const std::string& id) { return kAgedHistoryPrefix + id; }

std::string VersionClaimKey(const std::string& id, int64_t version) {
  return kVersionClaimPrefix + id + ":v" + std::to_string(version);
}

// A hash keeps the claim key short whatever the actor (up to 1024 bytes); 128 bits of it keep
// two actors' key spaces apart.
std::string IdempotencyClaimKey(const std::string& actor, const std::string& key) {
  return "idk:" + Sha256Hex(actor).substr(0, 32) + ":" + key;
}

std::string LegacyIdempotencyClaimKey(const std::string& key) { return "idem:" + key; }

}  // namespace xronox
