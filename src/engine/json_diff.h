// RFC 6902 JSON Patch between two JSON values, under a budget: a diff of two large arrays
// whose every element differs is one operation per element, far more memory than either
// version; past the budget the diff stops and says so instead.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>

#include "common/names.h"  // EscapePointer.
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// Most work one diff may produce.
struct DiffBudget {
  size_t max_operations = 10000;             ///< Patch operations.
  size_t max_value_nodes = size_t{1} << 20;  ///< JSON values copied into add/replace operations.
};

/// The patch that turns `before` into `after`: objects compared key by key, arrays index by
/// index (extra elements removed from the end first, new ones appended), a replace where the
/// types differ. ResourceExhausted with reason "diff_too_large" past `budget`.
Result<Json> DiffJson(const Json& before, const Json& after, const DiffBudget& budget = {});

}  // namespace xronox
