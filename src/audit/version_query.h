// Version queries (docs/audit.md): the versions of one runtime collection, or of every
// collection of a tenant, that an actor wrote, or written in a time range, or that touched a
// field, newest first. Each collection answers from its version index through
// HotStore::ScanVersions; the pages of several collections are merged by time.
// Thread-safety: stateless; safe from many threads.
#pragma once

#include <vector>

#include "engine/engine.h"
#include "xronox/audit.h"

namespace xronox {

/// Whether `query` can run on `b`'s collection, before anything is read: NotSupported (reason
/// not_versioned) unless runtime; InvalidArgument (reason invalid_query) for a limit out of
/// range, from later than to, a malformed field or cursor; InvalidArgument (reason
/// hidden_field) for a field among the collection's hidden fields.
Status CheckVersionQuery(const Binding& b, const VersionQuery& query);

/// One page of the versions of the collections of `bindings` (one collection, or every
/// collection of a tenant) that match `query`, newest first: by time, then collection, id and
/// version, each descending. Reads at most limit + 1 versions per collection. Hidden fields
/// are left out of each version's changed fields.
Result<VersionsPage> QueryVersions(const std::vector<const Binding*>& bindings,
                                   const VersionQuery& query);

}  // namespace xronox
