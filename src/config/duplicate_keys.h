// Duplicate object keys in JSON text: a parser keeps only the last one, so a config file that
// repeats a key would silently lose a setting. Thread-safety: pure function.
#pragma once

#include <string_view>

#include "config/problems.h"

namespace xronox::config_internal {

/// Report every key that appears twice in one object of `text` (valid JSON), with its path.
void FindDuplicateKeys(std::string_view text, Problems* problems);

}  // namespace xronox::config_internal
