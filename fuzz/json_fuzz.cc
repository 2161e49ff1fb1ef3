// Fuzzes the strict JSON reader: ParseJsonStrict and ParseJsonObject on arbitrary bytes. A value
// that parses must serialize, and the serialization must parse back to an equal value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/json_codec.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "json_fuzz: %s; input %zu bytes\n", what, input.size());
  std::abort();
}

void CheckRoundTrip(const xronox::Json& value, std::string_view input) {
  xronox::Result<std::string> dumped = xronox::DumpJson(value);
  if (!dumped.ok()) Fail("DumpJson failed on a parsed value", input);
  xronox::Result<xronox::Json> reparsed = xronox::ParseJsonStrict(*dumped);
  if (!reparsed.ok()) Fail("the dump of a parsed value does not parse", input);
  if (!(*reparsed == value)) Fail("re-parsing the dump gives a different value", input);
  xronox::Result<std::string> redumped = xronox::DumpJson(*reparsed);
  if (!redumped.ok() || *redumped != *dumped) Fail("the dump is not stable", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  xronox::Result<xronox::Json> parsed = xronox::ParseJsonStrict(input);
  if (parsed.ok()) CheckRoundTrip(*parsed, input);
  xronox::Result<xronox::Json> object = xronox::ParseJsonObject(input, "fuzz input");
  if (object.ok()) {
    if (!object->is_object()) Fail("ParseJsonObject accepted a non-object", input);
    if (!parsed.ok()) Fail("ParseJsonObject accepted what ParseJsonStrict refused", input);
    CheckRoundTrip(*object, input);
  }
  return 0;
}
