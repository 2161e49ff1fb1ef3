// Problems: the config layer collects every violation, then reports them in one Status.
// Thread-safety: a plain value; not for concurrent mutation.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "xronox/status.h"

namespace xronox::config_internal {

/// An ordered list of "<path>: <rule>" lines.
class Problems {
 public:
  /// Record one problem with the field path it concerns (empty path: the whole config).
  void Add(const std::string& path, const std::string& rule);
  bool empty() const { return lines_.empty(); }
  size_t size() const { return lines_.size(); }
  const std::vector<std::string>& lines() const { return lines_; }
  /// Return Ok when empty, else one InvalidArgument: a header naming `what` and the count,
  /// then one problem per line.
  Status ToStatus(const std::string& what) const;

 private:
  std::vector<std::string> lines_;
};

/// Return `parent.key`, or `key` when parent is empty.
std::string JoinPath(const std::string& parent, const std::string& key);
/// Return `parent[index]`.
std::string IndexPath(const std::string& parent, size_t index);

}  // namespace xronox::config_internal
