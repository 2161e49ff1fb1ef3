// Offloaded records (docs/formats/offload.md): a record whose last change is older than its
// collection's s3Offload.olderThan moves from the hot store into a part object of its
// collection and day. Its head keeps what queries and counters need (id, version, times,
// indexed values, tally) and, in payload_key, a pointer to its entry: the whole head it had,
// compressed. Reading the entry gives that head back, so everything above the store sees the
// record as it was.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/hot/hot_store.h"
#include "xronox/status.h"

namespace xronox {

/// The name of the lease offload runs hold on a collection (job:offload): one run at a time
/// writes parts and deletes those no record points into.
inline constexpr const char* kOffloadJob = "offload";

/// Where an offloaded record's entry lies: part "{YYYY-MM-DD}/{name}", bytes
/// [offset, offset + length).
struct OffloadPointer {
  std::string part;
  int64_t offset = 0;
  int64_t length = 0;
};

/// Every pointer starts with this; no object key does (prefix segments and collection names
/// never start with '.').
inline constexpr std::string_view kOffloadPointerStart = ".offload/";

/// True when a head's payload_key is an offload pointer.
inline bool IsOffloadPointer(std::string_view payload_key) {
  return payload_key.starts_with(kOffloadPointerStart);
}
/// ".offload/{part}#{offset}+{length}".
std::string FormatOffloadPointer(const OffloadPointer& pointer);
/// The pointer in `payload_key`; nullopt when it is not a well-formed one.
std::optional<OffloadPointer> ParseOffloadPointer(std::string_view payload_key);

/// The part "{day}/{name}" of a key under a collection's offload prefix (its part object or its
/// index), or "" for any other key.
std::string OffloadPartOfKey(const std::string& key, const std::string& offload_prefix);

/// One entry: a zstd frame (with its content checksum) of the head as JSON.
Result<std::string> EncodeOffloadEntry(const store::HeadRow& head);
/// The head of an entry; Corruption when the bytes are not one whole, intact entry.
Result<store::HeadRow> DecodeOffloadEntry(std::string_view entry);

/// The whole head that offloaded `head`'s entry holds; Corruption when it is damaged or holds
/// another record or version.
Result<store::HeadRow> OffloadEntryHead(const store::HeadRow& head, std::string_view entry);

/// The head an offloaded record keeps in the hot store: `full`'s id, version, times, indexed
/// values and tally, its pointer in payload_key, nothing else.
store::HeadRow OffloadedHead(const store::HeadRow& full, const OffloadPointer& pointer);

/// The bytes of `full` that offloading it takes out of the hot store.
int64_t OffloadedBytes(const store::HeadRow& full);

}  // namespace xronox
