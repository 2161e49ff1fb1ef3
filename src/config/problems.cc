#include "config/problems.h"

namespace xronox::config_internal {

void Problems::Add(const std::string& path, const std::string& rule) {
  lines_.push_back(path.empty() ? rule : path + ": " + rule);
}

Status Problems::ToStatus(const std::string& what) const {
  if (lines_.empty()) return Status::Ok();
  std::string message = what + " (" + std::to_string(lines_.size()) +
                        (lines_.size() == 1 ? " problem):" : " problems):");
  for (const std::string& line : lines_) message += "\n  " + line;
  return InvalidArgument(std::move(message));
}

std::string JoinPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string IndexPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace xronox::config_internal
