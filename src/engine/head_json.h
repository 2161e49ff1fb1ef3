// A head row as JSON: the body of a large record's write claim ("write:{id}") and an offloaded
// record's entry in its pack (docs/formats/offload.md).
// Thread-safety: pure functions.
#pragma once

#include "store/hot/hot_store.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// {"id","version","deleted","data","payloadKey","payloadHash","createdAt","updatedAt","actor",
/// "reason","onBehalfOf","indexed","tally":[c,u,d],"countsDelta":[c,u,d,l]}.
Json HeadRowToJson(const store::HeadRow& head);
/// The head HeadRowToJson wrote; Corruption when a field is missing or of another type.
Result<store::HeadRow> HeadRowFromJson(const Json& json);

}  // namespace xronox
