// Validation of names that come from outside: record ids, tenant ids, collection and
// database names, property paths. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xronox/status.h"

namespace xronox {

/// Longest accepted id, tenant id, collection or database name, in bytes.
inline constexpr size_t kMaxNameBytes = 128;

/// A record id: 1-128 bytes of [A-Za-z0-9_.:-], not starting with '.'.
Status ValidateRecordId(const std::string& id);
/// A tenant id: 1-128 bytes of [A-Za-z0-9_-].
Status ValidateTenantId(const std::string& tenant);
/// A collection name: 1-128 bytes of [A-Za-z0-9_-], starting with a letter, digit or '_'.
Status ValidateCollectionName(const std::string& collection);
/// Collection names starting with this are the store's own (legal holds: "_xronox_holds"):
/// refused to users and left out of listings.
inline constexpr const char* kReservedPrefix = "_xronox";
/// True for a name starting with kReservedPrefix.
inline bool IsReservedCollectionName(const std::string& collection) {
  return collection.rfind(kReservedPrefix, 0) == 0;
}
/// A hot-store database name: 1-200 bytes of [A-Za-z0-9_-] (MongoDB allows at most 63).
Status ValidateDatabaseName(const std::string& db_name);
/// An S3 bucket name: 3-63 bytes of [a-z0-9.-], starting and ending with a letter or digit.
Status ValidateBucketName(const std::string& bucket);
/// A local-folder bucket (a directory name): 1-255 bytes of [A-Za-z0-9_.-], not starting
/// with '.'.
Status ValidateFolderBucketName(const std::string& bucket);
/// A property path: dot-separated segments of 1-128 bytes, none starting with '$'.
Status ValidatePropertyPath(const std::string& path);
/// A key as a JSON Pointer reference token (RFC 6901): '~' written "~0" and '/' "~1".
std::string EscapePointer(const std::string& key);

/// True when property paths `a` and `b` name the same field or one lies inside the other
/// ("a.b" and "a", "a.b" and "a.b.c"; not "a.b" and "a.bc").
bool PropertyPathsOverlap(std::string_view a, std::string_view b);

/// Return `c` with an ASCII capital letter made small; any other byte as it is.
inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Return true when `a` and `b` are equal but for the letter case of ASCII letters.
bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);

/// The groups of two or more of `names` that are equal but for ASCII letter case, each sorted,
/// in the order of their lowercase form.
std::vector<std::vector<std::string>> CaseCollisions(const std::vector<std::string>& names);

}  // namespace xronox
