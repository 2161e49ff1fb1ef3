// Whether a directory's file system compares names without letter case (macOS and Windows by
// default, ext4 and tmpfs with casefold). Keys differ by case (record ids such as "Order-1" and
// "order-1", content properties), so on such a file system two keys would be one file: the
// folder store refuses to open there (docs/formats/names.md).
// Thread-safety: pure function of the directory.
#pragma once

#include <string>

#include "xronox/status.h"

namespace xronox::store {

/// Name of the probe file FoldsLetterCase creates (and removes) in the directory.
inline constexpr char kCaseProbeName[] = ".xronox-case-Probe";
/// The name a case-folding file system would resolve to the probe file.
inline constexpr char kCaseProbeVariant[] = ".xronox-case-pROBE";

/// True when `dir_fd` (the directory at `path`, for messages) resolves kCaseProbeVariant to
/// the kCaseProbeName it has just created: its names compare without case.
Result<bool> FoldsLetterCase(int dir_fd, const std::string& path);

}  // namespace xronox::store
