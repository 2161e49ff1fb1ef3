#include "common/names.h"

#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace xronox {

namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Quotes a name for an error message without echoing control bytes.
std::string Printable(const std::string& name) {
  std::string out;
  for (char c : name.substr(0, 64)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  if (name.size() > 64) out += "...";
  return "'" + out + "'";
}

Status CheckName(const std::string& what, const std::string& name, size_t max_bytes,
                 std::string_view extra_chars) {
  if (name.empty()) return InvalidArgument(what + " must not be empty");
  if (name.size() > max_bytes) {
    return InvalidArgument(what + " " + Printable(name) + " is longer than " +
                           std::to_string(max_bytes) + " bytes");
  }
  for (char c : name) {
    if (!IsAlnum(c) && extra_chars.find(c) == std::string_view::npos) {
      return InvalidArgument(what + " " + Printable(name) + " may only hold letters, digits and '" +
                             std::string(extra_chars) + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateRecordId(const std::string& id) {
  XRONOX_RETURN_IF_ERROR(CheckName("record id", id, kMaxNameBytes, "_.:-"));
  if (id[0] == '.')
    return InvalidArgument("record id " + Printable(id) + " must not start with '.'");
  return Status::Ok();
}

Status ValidateTenantId(const std::string& tenant) {
  return CheckName("tenant id", tenant, kMaxNameBytes, "_-");
}

Status ValidateCollectionName(const std::string& collection) {
  XRONOX_RETURN_IF_ERROR(CheckName("collection name", collection, kMaxNameBytes, "_-"));
  if (collection[0] == '-') {
    return InvalidArgument("collection name " + Printable(collection) + " must not start with '-'");
  }
  return Status::Ok();
}

Status ValidateDatabaseName(const std::string& db_name) {
  return CheckName("database name", db_name, 200, "_-");
}

Status ValidateFolderBucketName(const std::string& bucket) {
  XRONOX_RETURN_IF_ERROR(CheckName("bucket name", bucket, 255, "_.-"));
  if (bucket[0] == '.')
    return InvalidArgument("bucket name " + Printable(bucket) + " must not start with '.'");
  return Status::Ok();
}

Status ValidateBucketName(const std::string& bucket) {
  XRONOX_RETURN_IF_ERROR(CheckName("bucket name", bucket, 63, ".-"));
  for (char c : bucket) {
    if (c >= 'A' && c <= 'Z') {
      return InvalidArgument("bucket name " + Printable(bucket) + " must be lowercase");
    }
  }
  if (bucket.size() < 3 || !IsAlnum(bucket.front()) || !IsAlnum(bucket.back())) {
    return InvalidArgument("bucket name " + Printable(bucket) +
                           " must be 3-63 bytes and start and end with a letter or digit");
  }
  return Status::Ok();
}

Status ValidatePropertyPath(const std::string& path) {
  if (path.empty()) return InvalidArgument("property path must not be empty");
  size_t start = 0;
  while (true) {
    size_t end = path.find('.', start);
    std::string segment = path.substr(start, end == std::string::npos ? end : end - start);
    if (segment.empty() || segment.size() > kMaxNameBytes || segment[0] == '$') {
      return InvalidArgument("property path " + Printable(path) +
                             " needs dot-separated names of 1-128 bytes not starting with '$'");
    }
    for (char c : segment) {
      if (static_cast<unsigned char>(c) < 0x20) {
        return InvalidArgument("property path " + Printable(path) + " holds a control byte");
      }
    }
    if (end == std::string::npos) return Status::Ok();
    start = end + 1;
  }
}

std::string EscapePointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool PropertyPathsOverlap(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return b.substr(0, a.size()) == a && (b.size() == a.size() || b[a.size()] == '.');
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::vector<std::vector<std::string>> CaseCollisions(const std::vector<std::string>& names) {
  std::map<std::string, std::set<std::string>> by_folded;
  for (const std::string& name : names) {
    std::string folded = name;
    for (char& c : folded) c = AsciiLower(c);
    by_folded[folded].insert(name);
  }
  std::vector<std::vector<std::string>> groups;
  for (const auto& [folded, group] : by_folded) {
    if (group.size() > 1) groups.emplace_back(group.begin(), group.end());
  }
  return groups;
}

}  // namespace xronox
