// Projection of a record's data onto some of its fields, and hidden fields
// (collectionMaps.{c}.hiddenFields; docs/formats/hidden-fields.md) taken out of it.
// Projection (GetOptions::fields,
// QueryOptions::fields, `?fields=` over HTTP): dotted paths as filters and indexed properties
// name them ("status", "address.city"); each field the data has is copied to the same path of an
// otherwise empty object, and a field the data lacks is left out.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// InvalidArgument (reason invalid_query) unless `fields` holds at most kMaxProjectedFields
/// paths, each 1 to 256 bytes of non-empty names joined by '.'.
Status CheckProjection(const std::vector<std::string>& fields);

/// `data` cut down to `fields` (checked); all of it when `fields` is empty.
Json Project(const Json& data, const std::vector<std::string>& fields);

/// Cut a read record down to `fields`, whether its data is parsed or raw text (raw text stays
/// raw); a deleted record is left as it is.
Status ProjectRecord(Record& record, const std::vector<std::string>& fields);

/// Remove the fields at `hidden` (dotted paths, as projections name them) from `data`, where it
/// has them.
void HideFields(Json& data, const std::vector<std::string>& hidden);

/// HideFields on a read record, whether its data is parsed or raw text; a deleted record, or no
/// hidden fields, is left as it is.
Status HideRecordFields(Record& record, const std::vector<std::string>& hidden);

/// True when JSON Pointer `pointer` ("/a/b", RFC 6901) names a field at `hidden` or one inside
/// it; also for a top-level name ("a", what versions before pointers recorded) that is one.
bool IsHiddenPointer(std::string_view pointer, const std::vector<std::string>& hidden);

/// Remove from a version's changed fields (JSON Pointers, or older top-level names) those that
/// IsHiddenPointer finds hidden: history and version queries never name hidden fields.
void HideChangedFields(std::vector<std::string>& changed_fields,
                       const std::vector<std::string>& hidden);

/// InvalidArgument (reason hidden_field) when a filter names a hidden field, or one inside or
/// around it: hidden fields stay out of `where`.
Status CheckFilterNotHidden(const std::vector<std::string>& filter_paths,
                            const std::vector<std::string>& hidden);

}  // namespace xronox
