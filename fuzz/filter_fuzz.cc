// Fuzzes query filters: arbitrary bytes through ParseJsonStrict and ParseFilter; a filter that
// parses is evaluated against a few fixed documents and pushed down on a few indexed properties.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_codec.h"
#include "engine/filter.h"

namespace {

const std::vector<xronox::Json>& Documents() {
  static const std::vector<xronox::Json> documents = {
      xronox::Json::object(),
      xronox::Json::parse(R"({"a": 1, "b": {"c": 2.5, "d": "x"}, "e": [1, 2, 3]})"),
      xronox::Json::parse(R"({"a": "1", "b": null, "n": -9223372036854775808, "u":
                              18446744073709551615, "f": 1e300, "t": true})"),
      xronox::Json::parse(R"({"a": {"b": {"c": {"d": [{"e": 1}]}}}, "": 0, "a.b": 1})"),
  };
  return documents;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  xronox::Result<xronox::Json> json = xronox::ParseJsonStrict(input);
  if (!json.ok()) return 0;
  xronox::Result<xronox::Filter> filter = xronox::ParseFilter(*json);
  if (!filter.ok()) return 0;
  for (const xronox::Json& document : Documents()) {
    (void)xronox::Matches(*filter, document);
  }
  (void)xronox::Matches(*filter, *json);
  static const std::vector<std::string> indexed = {"a", "b.c", "n", "u"};
  (void)xronox::PushdownConditions(*filter, indexed);
  return 0;
}
