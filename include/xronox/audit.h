// Audit questions over a runtime record's history (docs/audit.md): field blame, the version
// that last set each field of a record, as `git blame` gives the commit of each line.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
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

}  // namespace xronox
