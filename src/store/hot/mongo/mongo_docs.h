// The BSON form of hot-store rows in MongoDB (docs/formats/mongo-layout.md): building documents
// and filters, and reading rows back.
// Thread-safety: pure functions.
#pragma once

#include <mongoc/mongoc.h>

#include <optional>
#include <string>
#include <vector>

#include "store/hot/hot_store.h"

namespace xronox::store {

/// Return `path` as a field name of the head's `idx` sub-document: '%' becomes "%25" and '.'
/// becomes "%2E", so that MongoDB does not read the dots as nesting.
std::string EscapeIndexedPath(const std::string& path);

/// Append a UTF-8 string field (embedded NULs kept).
void AppendString(bson_t* doc, const char* key, const std::string& value);

/// Fill `doc` with the head document: `indexed_text` is the canonical `indexed` text and
/// `indexed_values` its parsed object, from which the `idx` sub-document (escaped path ->
/// BSON value, non-null scalars only) is built.
void BuildHeadDoc(bson_t* doc, const HeadRow& head, const std::string& indexed_text,
                  const Json& indexed_values);
/// A version document: the row's fields, and `fields`, the keys ScanVersions finds it under by
/// field (VersionFieldKeys of its changed fields).
void BuildVersionDoc(bson_t* doc, const VersionRow& version);
/// Append `fields`: the array of VersionFieldKeys(changed_fields).
void AppendVersionFields(bson_t* doc, const std::string& changed_fields);
void BuildClaimDoc(bson_t* doc, const ClaimRow& claim);

HeadRow ReadHeadDoc(const bson_t* doc);
VersionRow ReadVersionDoc(const bson_t* doc);
ClaimRow ReadClaimDoc(const bson_t* doc);

/// The UTF-8 string at `key`, or "" when absent or of another type.
std::string StringField(const bson_t* doc, const char* key);
/// The int64 at `key` (int32, int64 or double in the document), or nullopt.
std::optional<int64_t> Int64Field(const bson_t* doc, const char* key);

/// Fill `filter` with ScanHeads' server-side filter: _id in the range, not deleted unless
/// include_deleted, and the conditions that can be pushed down exactly or loosely (never
/// dropping a head that MatchesConditions accepts). Returns true when every condition was
/// pushed down (the caller re-checks with MatchesConditions either way).
bool BuildScanFilter(bson_t* filter, const IdRange& range, const std::vector<Condition>& conditions,
                     bool include_deleted);

}  // namespace xronox::store
