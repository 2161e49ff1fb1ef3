// The storage classes S3 defines (the StorageClass values of PutObject in the S3 API
// reference): one list for the config check (a typo is refused when the config loads) and the
// S3 store (which refuses any other class before sending it).
// Thread-safety: constants and pure functions.
#pragma once

#include <string>
#include <string_view>

namespace xronox {

inline constexpr std::string_view kS3StorageClasses[] = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER",  "DEEP_ARCHIVE",       "GLACIER_IR",  "OUTPOSTS",   "EXPRESS_ONEZONE"};

/// True when `storage_class` is one of kS3StorageClasses.
inline bool IsS3StorageClass(std::string_view storage_class) {
  for (std::string_view known : kS3StorageClasses) {
    if (storage_class == known) return true;
  }
  return false;
}

/// "STANDARD, REDUCED_REDUNDANCY, ...": the list for messages.
inline std::string S3StorageClassList() {
  std::string list;
  for (std::string_view known : kS3StorageClasses) {
    list += (list.empty() ? "" : ", ") + std::string(known);
  }
  return list;
}

}  // namespace xronox
