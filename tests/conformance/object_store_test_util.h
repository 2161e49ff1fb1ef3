// Helpers shared by the ObjectStore conformance suite and the folder-store tests.
// Thread-safety: ScopedTempDir is owned by one test; the functions are pure.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "xronox/status.h"

namespace xronox::object_store_test {

/// A fresh empty directory under the system temp directory, removed with its contents.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "xronox-object-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Succeed when `status` is ok; otherwise fail with its text.
inline ::testing::AssertionResult IsOk(const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}

/// Succeed when `status` has `code`; otherwise fail naming both codes.
inline ::testing::AssertionResult HasCode(const Status& status, StatusCode code) {
  if (status.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << StatusCodeName(code) << ", got " << status.ToString();
}

/// Every regular file and symlink below `dir`, as sorted paths relative to it; symlinked
/// directories are not followed.
inline std::vector<std::string> FilesBelow(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_directory() || entry.is_symlink()) {
      files.push_back(entry.path().lexically_relative(dir).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace xronox::object_store_test
