// Enrich: a deep merge that only adds (docs/http-api.md, "Enrich"). Objects merge key by key at
// every depth, an array gains the elements of the patch's array that it lacks (JSON value
// equality: key order aside, numbers by value), and any other value is replaced by the patch's.
// Nothing is ever removed, so a null in the patch is refused: removing is a merge patch's job.
// Thread-safety: pure functions.
#pragma once

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// InvalidArgument unless `patch` is a JSON object without a null at any depth.
Status CheckEnrichPatch(const Json& patch);

/// Merge `patch` (checked by CheckEnrichPatch) into `target` as described above. Array unions
/// cost O((n + m) log n) for arrays of n and m elements.
void EnrichInto(Json& target, const Json& patch);

}  // namespace xronox
