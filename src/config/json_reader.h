// Strict reading of a JSON object into config fields: wrong types and unknown keys are
// reported with their path, never skipped. Thread-safety: not for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/problems.h"
#include "xronox/config.h"
#include "xronox/types.h"

namespace xronox::config_internal {

/// Reads the members of one JSON object; each getter leaves `out` unchanged when the key is
/// absent and reports a problem when it has the wrong type.
class ObjectReader {
 public:
  /// Start reading `value` found at `path`; a non-object is reported and reads as empty.
  ObjectReader(const Json& value, std::string path, Problems* problems);

  const std::string& path() const { return path_; }
  Problems* problems() const { return problems_; }
  /// Return `path.key`.
  std::string PathOf(const std::string& key) const { return JoinPath(path_, key); }

  void String(const char* key, std::string* out);
  void OptionalString(const char* key, std::optional<std::string>* out);
  void Bool(const char* key, bool* out);
  void OptionalBool(const char* key, std::optional<bool>* out);
  void Int64(const char* key, int64_t* out);
  void Int(const char* key, int* out);
  void StringArray(const char* key, std::vector<std::string>* out);
  /// Return the member `key` when present and a JSON object, else nullptr (reported when it
  /// has another type).
  const Json* Object(const char* key);
  /// As Object, for a JSON array.
  const Json* Array(const char* key);

  /// Report every member no getter asked for, naming the key and its path.
  void Finish();

 private:
  const Json* Take(const char* key);
  void WrongType(const std::string& key, const char* expected, const Json& got);

  const Json& value_;
  std::string path_;
  Problems* problems_;
  std::set<std::string> taken_;
};

/// Parse new-form config JSON (as ParseConfigJson) without validating it.
Result<Config> ParseConfigJsonUnvalidated(const std::string& text);

}  // namespace xronox::config_internal
