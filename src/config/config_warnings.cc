// Settings that a config may hold and that are checked, but that nothing acts on yet: the
// loader's users (xronoxd, the CLI) say so at start-up instead of ignoring them silently.
#include "config/validate_internal.h"
#include "xronox/config.h"

namespace xronox {

std::vector<std::string> ConfigFieldsNotActedOn(const Config& config) {
  std::vector<std::string> warnings;
  for (const auto& [db, path, is_template] : config_internal::ListDatabaseRefs(config)) {
    if (db->capture_deliveries) {
      warnings.push_back(path +
                         ".captureDeliveries is not acted on yet: deliveries are not "
                         "captured");
    }
  }
  return warnings;
}

}  // namespace xronox
