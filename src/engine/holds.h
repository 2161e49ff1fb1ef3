// Legal holds as stored (docs/formats/holds.md): the lookups shared by the engine's check before
// every delete and by the service that places, lifts and lists holds.
// Thread-safety: pure functions over the hot store, safe from many threads.
#pragma once

#include <optional>
#include <string>

#include "router/binding.h"
#include "xronox/retention.h"

namespace xronox {

/// The claim key of the hold of `scope` on `b` (`id`: the record, for kRecord only).
std::string HoldKey(const Binding& b, HoldScope scope, const std::string& id);
/// What that hold covers, as messages name it: "database runtime/acme", "collection
/// runtime/acme/orders", "record 'o-1' of runtime/acme/orders".
std::string HoldSubject(const Binding& b, HoldScope scope, const std::string& id);
/// The hold claim under `key` in `b`'s database, if one is in force. The holds collection does
/// not exist until the first hold is placed there: its NotFound means no hold.
Result<std::optional<store::ClaimRow>> FindHoldClaim(const Binding& b, const std::string& key);
/// Conflict (reason legal_hold) naming the hold and its actor and reason when the hold of
/// `scope` is in force; Ok otherwise.
Status CheckHold(const Binding& b, HoldScope scope, const std::string& id);

}  // namespace xronox
