// The versions of a runtime record whose payloads retention removed (docs/formats/retention.md):
// always a prefix of its history, 0..through, named by one claim per record ("aged:{id}" in
// {c}_locks) so that reads and history learn it in one point read.
// Thread-safety: pure functions over the stores; one retention run per collection writes marks
// (the caller holds its job lease).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/version_object.h"
#include "router/binding.h"
#include "xronox/status.h"

namespace xronox {

/// Reason of the NotFound a read of a version whose payload retention removed returns.
inline constexpr const char* kPayloadRemoved = "payload_removed";

struct AgedMark {
  int64_t through = -1;   ///< Versions 0..through have no payload any more; -1: none.
  int64_t from = 0;       ///< First version of the last step (the one in progress if removing).
  bool removing = false;  ///< The objects of versions from..through may still be stored.
  bool stored = false;    ///< Whether the claim exists (else nothing aged out).
};

/// The mark of `id`; a default AgedMark when none is stored.
Result<AgedMark> ReadAgedMark(const Binding& b, const std::string& id);
/// Store `mark` (inserted when !mark.stored, else replaced).
Status WriteAgedMark(const Binding& b, const std::string& id, const AgedMark& mark);
/// The skeleton of version `version` of `id`; nullopt when none is stored, Corruption when the
/// object is not a skeleton.
Result<std::optional<VersionSkeleton>> ReadSkeleton(const Binding& b, const std::string& id,
                                                    int64_t version);
/// NotFound (reason payload_removed) naming version `version` of `id`.
Status PayloadRemoved(const std::string& id, int64_t version);

}  // namespace xronox
