// Audit questions over runtime history (docs/audit.md): field blame, the version that last set
// each field of a record, as `git blame` gives the commit of each line; and version queries
// across records, the versions an actor wrote, or written in a time range, or touching a field.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xronox/types.h"

namespace xronox {

/// Highest BlameOptions::max_versions accepted.
inline constexpr int kMaxBlameVersions = 100000;

struct BlameOptions {
  /// Most versions whose payload one blame reads, the current one included (1..100000); past
  /// it the fields not yet attributed are listed as such, with `stopped` "max_versions".
  int max_versions = 1000;
};

/// The version that last set one field: `path` is a JSON Pointer (RFC 6901) to a leaf of the
/// record's current data (a scalar, or an empty object or array), and the rest says who wrote
/// that version, when, how and why.
struct FieldBlame {
  std::string path;
  int64_t version = 0;
  Operation op = Operation::kCreate;
  std::string actor;
  std::string reason;
  std::string on_behalf_of;
  TimestampMicros at = 0;
};

struct BlameReport {
  std::string id;
  int64_t version = 0;             ///< The current version, whose fields are blamed.
  std::vector<FieldBlame> fields;  ///< In the order of the data's leaves (object keys sorted).
  /// Leaves that no version read could be given to, because the walk stopped first.
  std::vector<std::string> unattributed;
  int64_t versions_read = 0;  ///< Payloads read, the current one included.
  /// Why leaves stayed unattributed: empty when none did; "max_versions"; or "payload_removed"
  /// (retention removed the payload of the version before the oldest one read).
  std::string stopped;
};

/// {"id","version","fields":[{"path","version","op","actor","reason","at"[,"onBehalfOf"]}],
/// "unattributed","versionsRead","stopped"} (stopped null when complete; times RFC 3339).
Json BlameReportToJson(const BlameReport& report);

/// Most versions one audit page holds.
inline constexpr int kMaxVersionsPage = 1000;

/// A version query (Collection::Versions, Xronox::TenantVersions): the versions that match every
/// condition given, newest first, a page at a time. Each page costs the versions it returns
/// (per collection queried), not the collections' whole history.
struct VersionQuery {
  std::string actor;                    ///< Written by this actor (exactly); empty: any.
  std::optional<TimestampMicros> from;  ///< Written at or after this instant.
  std::optional<TimestampMicros> to;    ///< Written before this instant.
  /// Changed this field or one inside it: a JSON Pointer ("/address") or a dotted path
  /// ("address.city"); empty: any.
  std::string field;
  int limit = 100;     ///< 1..kMaxVersionsPage.
  std::string cursor;  ///< From the previous page's `next`.
};

/// One version a query found: its record and its audit entry.
struct AuditedVersion {
  std::string collection;
  std::string id;
  VersionInfo info;
};

struct VersionsPage {
  std::vector<AuditedVersion> versions;
  std::optional<std::string> next;  ///< Cursor of the next page; nullopt at the end.
};

/// {"versions":[{"collection","id","version","op","actor","reason","at","changedFields"
/// [,"onBehalfOf"]}],"next":<cursor or null>} (times RFC 3339).
Json VersionsPageToJson(const VersionsPage& page);

}  // namespace xronox
