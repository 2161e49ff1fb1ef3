// The record shape of a content property (docs/formats/content.md).
#include <cctype>

#include "xronox/content.h"

namespace xronox {

namespace {

bool IsSha256Hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

}  // namespace

Json ContentInfoToJson(const ContentInfo& info) {
  return Json{{"$content",
               {{"sha256", info.sha256}, {"size", info.size}, {"contentType", info.content_type}}}};
}

// Anyone may write a record's data, so a reference is checked before it names a key.
std::optional<ContentInfo> ContentInfoFromJson(const Json& value) {
  if (!value.is_object() || value.size() != 1 || !value.contains("$content")) return std::nullopt;
  const Json& ref = value["$content"];
  if (!ref.is_object()) return std::nullopt;
  auto sha = ref.find("sha256");
  auto size = ref.find("size");
  auto type = ref.find("contentType");
  if (sha == ref.end() || !sha->is_string() || !IsSha256Hex(sha->get<std::string>())) {
    return std::nullopt;
  }
  if (size == ref.end() || !size->is_number_integer() || size->get<int64_t>() < 0) {
    return std::nullopt;
  }
  if (type == ref.end() || !type->is_string()) return std::nullopt;
  return ContentInfo{sha->get<std::string>(), size->get<int64_t>(), type->get<std::string>()};
}

}  // namespace xronox
