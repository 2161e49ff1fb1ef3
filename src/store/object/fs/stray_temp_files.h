// Finding and removing the temp files a crashed folder-store write leaves behind.
// Thread-safety: pure functions over the directory they are given; safe beside live writes
// as long as the cut-off time is earlier than any write still in flight.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/object/fs/posix_io.h"

namespace xronox::store {

/// Walk `dir` (whose path relative to the store root is `relative`, e.g. "bucket/a/") without
/// following symlinks, and append to `found` every temp file last modified before
/// `older_than`. When `remove` is set, also unlink each one and the directories that became
/// empty below `dir`. Return how many files were removed.
Result<int64_t> SweepStrayTempFiles(const DirHandle& dir, const std::string& relative,
                                    TimestampMicros older_than, bool remove,
                                    std::vector<std::string>& found);

}  // namespace xronox::store
