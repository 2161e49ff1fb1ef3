// Object keys of the storage layout (DESIGN section 4; docs/formats/object-keys.md).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "router/binding.h"

namespace xronox {

/// "{records}/{c}/{id}/current.json"
std::string RecordKey(const Binding& binding, const std::string& id);
/// "{versions}/{c}/{id}/v{n}.json"
std::string VersionKey(const Binding& binding, const std::string& id, int64_t version);
/// "{versions}/{c}/" : every version object of the collection.
std::string VersionsPrefix(const Binding& binding);
/// "{records}/{c}/" : every record object of the collection.
std::string RecordsPrefix(const Binding& binding);

}  // namespace xronox
