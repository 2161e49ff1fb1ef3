// Projection of a record's data onto some of its fields (GetOptions::fields,
// QueryOptions::fields, `?fields=` over HTTP): dotted paths as filters and indexed properties
// name them ("status", "address.city"); each field the data has is copied to the same path of an
// otherwise empty object, and a field the data lacks is left out.
// Thread-safety: pure functions.
#pragma once

#include <string>
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

}  // namespace xronox
