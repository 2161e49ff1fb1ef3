// Value types of the public API: records, versions, pages and the options of each call.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace xronox {

using Json = nlohmann::json;

/// Microseconds since the Unix epoch, UTC.
using TimestampMicros = int64_t;

/// The six database types of the seed's matrix.
enum class DatabaseType { kKnowledge, kMetadata, kRuntime, kMessaging, kIdentities, kLogs };

/// Return "knowledge", "metadata", "runtime", "messaging", "identities" or "logs".
const char* DatabaseTypeName(DatabaseType type);
/// Parse a database type name; nullopt when it is not one of the six.
std::optional<DatabaseType> ParseDatabaseType(const std::string& name);

/// Generic (shared) tier or per-tenant tier.
enum class Tier { kGeneric, kTenant };

/// Which collection an operation addresses.
struct Target {
  DatabaseType database_type = DatabaseType::kKnowledge;
  Tier tier = Tier::kGeneric;
  std::string tenant_id;   ///< Required for the tenant tier; empty for generic.
  std::string collection;  ///< Collection name (safe charset, 1-128 bytes).
};

/// "{database type}/{tenant, or _ for the generic tier}/{collection}", as the HTTP routes and
/// the CLI name a collection.
std::string TargetPath(const Target& target);

/// The operation that produced a version.
enum class Operation { kCreate, kUpdate, kDelete, kRestore };
const char* OperationName(Operation op);

/// A record as read: identity, version, payload and audit metadata of its latest write.
struct Record {
  std::string id;
  int64_t version = 0;    ///< 0 for the first version; +1 per write.
  Json data;              ///< The record's JSON object (null when deleted, or with raw_data).
  std::string data_text;  ///< With GetOptions::raw_data: the data as compact JSON text.
  bool deleted = false;
  TimestampMicros created_at = 0;
  TimestampMicros updated_at = 0;
  std::string actor;         ///< Who wrote this version (empty on non-versioned types).
  std::string reason;        ///< Why (empty on non-versioned types).
  std::string on_behalf_of;  ///< For whom the actor wrote it, when it said so; else empty.
};

/// One entry of a record's audit trail, without its payload.
struct VersionInfo {
  int64_t version = 0;
  Operation op = Operation::kCreate;
  std::string actor;
  std::string reason;
  std::string on_behalf_of;  ///< For whom the actor wrote it; empty when not given.
  TimestampMicros at = 0;
  /// What this version changed, as JSON Pointers at any depth ("/address/city"); versions
  /// written before changed fields had depth hold top-level names ("address").
  std::vector<std::string> changed_fields;
  /// Retention removed this version's payload: its audit entry is all that remains, and reading
  /// it (Get with this version, Diff, Restore) answers NotFound with reason payload_removed.
  bool payload_removed = false;
};

/// Options of every write.
struct WriteOptions {
  std::string actor;   ///< Required on runtime writes.
  std::string reason;  ///< Required on runtime writes.
  /// Optional: the party the actor acts for (e.g. the end user behind a service's key). Kept
  /// beside the actor in the audit trail, never in its place.
  std::string on_behalf_of;
  std::optional<int64_t> expected_version;  ///< Fail with FailedPrecondition unless current.
  bool create_only = false;                 ///< Put: fail with AlreadyExists if the id exists.
  std::string idempotency_key;              ///< Retries with the same key return the first result.
  /// Return the written record's data as JSON text in Record::data_text instead of a parsed
  /// copy in Record::data (the HTTP server forwards it without a copy of the parsed body).
  bool raw_data = false;
};

/// Which state of a record Get returns: current (default), a version, or as of a time.
struct GetOptions {
  std::optional<int64_t> version;
  std::optional<TimestampMicros> as_of;  ///< Latest version written at or before this time.
  /// Return the data as JSON text in Record::data_text instead of parsed in Record::data
  /// (saves a parse when the caller only forwards the bytes, as the HTTP server does).
  bool raw_data = false;
  /// Projection: only these fields of the data ("status", "address.city": dotted paths as in
  /// filters; at most kMaxProjectedFields), each where the record has it; empty: all.
  std::vector<std::string> fields;
};

/// At most this many fields in a projection.
inline constexpr size_t kMaxProjectedFields = 100;

struct HistoryOptions {
  int limit = 50;      ///< 1..1000.
  std::string cursor;  ///< Opaque; from the previous page's `next`.
  bool newest_first = true;
};

struct HistoryPage {
  std::vector<VersionInfo> versions;
  std::optional<std::string> next;  ///< Cursor of the next page; nullopt at the end.
};

struct QueryOptions {
  int limit = 100;     ///< 1..1000.
  std::string cursor;  ///< Opaque; from the previous page's `next`.
  /// Return each record's data as JSON text in Record::data_text (as GetOptions::raw_data).
  bool raw_data = false;
  /// Runtime only: match and return the records as they were at this instant (those live then,
  /// in the state they had), instead of now. Indexed properties are not used: each record's
  /// state at the instant is found through the version index, so a page costs the records it
  /// examines, however long their histories.
  std::optional<TimestampMicros> as_of;
  /// Records by id from the largest down (on logs, whose ids carry their append time: newest
  /// first) instead of from the smallest. A `next` cursor goes on in the same direction.
  bool newest_first = false;
  /// Logs only: the entries appended at or after `from` and before `to`, by the millisecond
  /// their ids carry (each entry's id is made when it is appended).
  std::optional<TimestampMicros> from;
  std::optional<TimestampMicros> to;
  /// Projection of each record returned, as GetOptions::fields (the filter still sees it all).
  std::vector<std::string> fields;
};

struct QueryPage {
  std::vector<Record> records;  ///< Ordered by id; deleted records excluded.
  std::optional<std::string> next;
};

/// Result of a write: the record's id, the version it now has, and the record as written.
struct WriteResult {
  std::string id;
  int64_t version = 0;
  bool created = false;  ///< True when this write created the record.
  /// True when a put or update left the data as it was (JSON value equality: key order aside,
  /// numbers by value): no version was made and `version` is the current one.
  bool unchanged = false;
  /// The record as this write left it. On an idempotent replay of a non-versioned write it
  /// is absent when the record has changed since.
  std::optional<Record> record;
  /// Set when the write is committed but its collection's counters could not be updated
  /// after it (a hot store without transactions that failed in between): the counters are
  /// off until `verify --repair` recounts them. Empty otherwise.
  std::string warning;
};

/// At most this many entries per Append call.
inline constexpr int kMaxAppendEntries = 1000;

/// Result of an append: the ids the entries were given, in the entries' order (each id sorts
/// after the one before it: ids carry their append time, and a batch's ids are ordered).
struct AppendResult {
  std::vector<std::string> ids;
  /// As WriteResult::warning: the entries are written but the collection's counters could not
  /// be updated after them. Empty otherwise.
  std::string warning;
};

/// A collection's counters ({c}_counter, or the runtime tenant's analytics database): how many
/// records were created, updated and deleted, and how many are live now. Every write keeps
/// them; a no-op write changes none. Used as a change too (a write's delta; live may fall).
struct CollectionCounts {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  int64_t live = 0;
  bool operator==(const CollectionCounts&) const = default;
  CollectionCounts& operator+=(const CollectionCounts& other) {
    created += other.created;
    updated += other.updated;
    deleted += other.deleted;
    live += other.live;
    return *this;
  }
  bool IsZero() const { return created == 0 && updated == 0 && deleted == 0 && live == 0; }
};

/// The JSON form of a record used by the HTTP API and the CLI:
/// {"id","version","data","deleted"(only when true),"createdAt","updatedAt","actor","reason",
/// "onBehalfOf"(only when set)},
/// times as RFC 3339 UTC with microseconds.
Json RecordToJson(const Record& record);
/// RecordToJson serialized; splices Record::data_text in as is when it is set.
std::string RecordToJsonText(const Record& record);
/// {"version","op","actor","reason","onBehalfOf"(only when set),"at","changedFields",
/// "payloadRemoved"(only when true)}.
Json VersionInfoToJson(const VersionInfo& info);
/// {"created","updated","deleted","live"}.
Json CountsToJson(const CollectionCounts& counts);

/// Findings of a consistency check over a collection or a whole store.
struct VerifyReport {
  int64_t records_checked = 0;
  int64_t versions_checked = 0;
  std::vector<std::string> problems;  ///< Inconsistencies: each fails verification.
  std::vector<std::string> garbage;   ///< Leftovers of unacknowledged writes (not failures).
  int64_t garbage_removed = 0;        ///< With repair: leftovers removed or rolled forward.
  /// The collection's counters as stored and as recounted from its records (equal when the
  /// counters are exact; counters are checked by the engine's verify, not the content one).
  CollectionCounts counters_stored;
  CollectionCounts counters_recounted;
  bool counters_checked = false;   ///< Whether the two fields above were filled.
  bool counters_repaired = false;  ///< With repair: the stored counters were set to the recount.
  /// True when the counters were checked and differ (and were not repaired).
  bool CountersMismatch() const {
    return counters_checked && !counters_repaired && counters_stored != counters_recounted;
  }
  bool ok() const { return problems.empty() && !CountersMismatch(); }
};

}  // namespace xronox
