// Query filters: parsed from JSON data (never code), evaluated on record data, and the part
// on indexed properties pushed down to the hot store. Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "store/hot/hot_store.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// All predicates on one field path; every one must hold.
struct FieldPredicate {
  std::string path;
  std::vector<std::pair<store::Condition::Op, Json>> ops;
};

struct Filter {
  std::vector<FieldPredicate> fields;  ///< Conjunction.
};

/// Parse {"field": value, "a.b": {"$gt": 1, "$lt": 5}, "c": {"$in": [1, 2]}}. Operators:
/// $eq $ne $gt $gte $lt $lte $in; anything else, or a malformed filter, is InvalidArgument.
Result<Filter> ParseFilter(const Json& filter);
/// True when `data` satisfies every predicate.
bool Matches(const Filter& filter, const Json& data);
/// The predicates on `indexed_props` with scalar operands, as hot-store conditions.
std::vector<store::Condition> PushdownConditions(const Filter& filter,
                                                 const std::vector<std::string>& indexed_props);

}  // namespace xronox
