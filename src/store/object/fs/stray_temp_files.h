// Finding and removing the temp files a crashed folder-store write leaves behind.
// Thread-safety: pure functions over the directory they are given; safe beside live writes
// as long as the cut-off time is earlier than any write still in flight.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/object/fs/posix_io.h"

namespace xronox::store {

/// What one sweep looks for, and what it found.
struct StraySweep {
  std::string match;               ///< Report only paths (relative to the root) starting with this.
  TimestampMicros older_than = 0;  ///< Report only files last modified before this.
  bool remove = false;             ///< Also unlink them and the directories left empty.
  std::vector<std::string> found;  ///< Paths relative to the root: "bkt/a/.xronox-tmp-1f".
};

/// Walk `dir` (whose path relative to the store root is `relative`, e.g. "bucket/a/") without
/// following symlinks or entering directories that cannot hold a match, and append to
/// `sweep.found` every temp file it asks for. When `sweep.remove` is set, also unlink each one
/// and the directories that became empty below `dir`. Return how many files were removed.
Result<int64_t> SweepStrayTempFiles(const DirHandle& dir, const std::string& relative,
                                    StraySweep& sweep);

}  // namespace xronox::store
