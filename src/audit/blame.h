// Field blame (docs/audit.md): walks a runtime record's versions from the newest, reading one
// payload per version, and gives each leaf of the current data to the newest version whose
// predecessor held another value there (or none); it stops as soon as every leaf has one.
// Thread-safety: stateless; safe from many threads.
#pragma once

#include <string>

#include "engine/engine.h"
#include "xronox/audit.h"

namespace xronox {

/// Whether a blame can run on `b`'s collection, before anything is read: NotSupported (reason
/// "not_versioned") on the types that keep no history, InvalidArgument for max_versions out of
/// range.
Status CheckBlame(const Binding& b, const BlameOptions& options);

/// The blame of record `id` of `b`'s collection: CheckBlame's errors, NotFound when the record
/// is absent or deleted (as Get).
Result<BlameReport> BlameRecord(Engine& engine, const Binding& b, const std::string& id,
                                const BlameOptions& options);

}  // namespace xronox
