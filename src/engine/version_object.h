// The immutable version object stored at versions/{c}/{id}/v{n}.json (runtime), and the
// values derived from record data: changed fields, indexed properties.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// Format tag of version objects; docs/formats/storage-layout.md ("Version object").
inline constexpr const char* kVersionObjectFormat = "xronox.version/1";

struct VersionObject {
  std::string collection;
  std::string id;
  int64_t version = 0;
  Operation op = Operation::kCreate;
  std::string actor;
  std::string reason;
  std::string on_behalf_of;  ///< Written only when set, so older objects keep their bytes.
  TimestampMicros at = 0;
  std::vector<std::string> changed_fields;
  bool deleted = false;
  Json data;              ///< The record's state after this version (null when deleted).
  std::string prev_hash;  ///< sha256 hex of the previous version object; empty for v0.
  std::string idempotency_key;
};

/// Serialize; the exact bytes are hashed into the chain.
Result<std::string> EncodeVersionObject(const VersionObject& object);
/// Serialize with `data_text` (DumpJson of the data, or "null" when deleted) as the data,
/// ignoring `object.data`: the same bytes as EncodeVersionObject, without a copy of the data.
Result<std::string> EncodeVersionObject(const VersionObject& object, std::string_view data_text);
/// Parse and check the shape; Corruption when the bytes are not a version object.
Result<VersionObject> DecodeVersionObject(std::string_view bytes);

/// Format tag of the audit skeleton that replaces a version object whose payload retention
/// removed; docs/formats/retention.md ("Version skeleton").
inline constexpr const char* kSkeletonFormat = "xronox.version-skeleton/1";

/// What remains of a version whose payload retention removed: its audit entry (the version
/// object's every field but the data) and the hashes that keep the chain checkable.
struct VersionSkeleton {
  VersionObject object;      ///< Data null (and `deleted` as the version had it).
  std::string entry_hash;    ///< sha256 hex of the removed version object's bytes.
  std::string payload_hash;  ///< sha256 hex of the removed data's JSON text.
  TimestampMicros removed_at = 0;
};

Result<std::string> EncodeSkeleton(const VersionSkeleton& skeleton);
/// Parse and check the shape; Corruption when the bytes are not a skeleton.
Result<VersionSkeleton> DecodeSkeleton(std::string_view bytes);

/// What a version changed, as JSON Pointers (RFC 6901), sorted: objects are compared key by key
/// at every depth, and a key added or removed, or any other value that differs (a scalar, an
/// array, a value of another kind), is named by its own path ("/address/city", "/tags"). A
/// create names each top-level key of its data, a delete each of the data it removes; a content
/// reference ({"$content": ...}) that changes is named whole. Versions
/// written before changed fields had depth hold top-level names instead ("status").
std::vector<std::string> ChangedFields(const Json& before, const Json& after);
/// The value at a dotted path, or nullptr when absent.
const Json* FindPath(const Json& data, const std::string& path);
/// {"path": scalar} for each indexed path that holds a scalar in `data`.
Json ExtractIndexed(const Json& data, const std::vector<std::string>& indexed_props);
/// Parse an operation name written by OperationName.
std::optional<Operation> ParseOperation(const std::string& name);

}  // namespace xronox
