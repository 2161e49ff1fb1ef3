// Fuzzes config loading: ParseConfigJson and MigrateLegacyConfig on arbitrary text. A NUL byte
// splits the input into the legacy config and the separate connections JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "xronox/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  (void)xronox::ParseConfigJson(input);
  (void)xronox::MigrateLegacyConfig(input);
  size_t split = input.find('\0');
  if (split != std::string::npos) {
    (void)xronox::MigrateLegacyConfig(input.substr(0, split), input.substr(split + 1));
  }
  return 0;
}
