// Natural keys (collectionMaps.{c}.naturalKeys; docs/formats/natural-keys.md): property paths
// whose values together name at most one live record of a collection. Each combination in use
// is a claim "nk:{sha256 of the values}" in {c}_locks whose body names the record that holds it;
// the claim's unique insert is the only mutual exclusion, as for every other claim.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// Prefix of every natural-key claim.
inline constexpr const char* kNaturalKeyClaimPrefix = "nk:";
/// Reason of the Conflict a write gets when another live record holds its natural-key values.
inline constexpr const char* kNaturalKeyTaken = "natural_key_taken";

/// The claim key of `data`'s values at `paths`: "nk:" and the SHA-256 of the JSON array of the
/// values, numbers by value (1 and 1.0 are one value). InvalidArgument (reason
/// invalid_natural_key) when a path is missing or holds no string, number or boolean.
Result<std::string> NaturalKeyClaimKey(const std::vector<std::string>& paths, const Json& data);

/// The claim body that names record `id`, and the id a claim body names ("" when malformed).
std::string NaturalKeyClaimBody(const std::string& id);
std::string NaturalKeyHolderId(const std::string& body);

}  // namespace xronox
