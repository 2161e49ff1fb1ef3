// Audit questions through the public API (docs/audit.md).
#include "audit/blame.h"
#include "common/exception_guard.h"
#include "xronox/xronox.h"
#include "xronox/xronox_state.h"

namespace xronox {

Result<BlameReport> Collection::Blame(const std::string& id, const BlameOptions& options) {
  return GuardExceptions([&]() -> Result<BlameReport> {
    XRONOX_RETURN_IF_ERROR(CheckBlame(*binding_, options));
    XRONOX_RETURN_IF_ERROR(NeedExisting(id));
    return BlameRecord(*state_->engine, *binding_, id, options);
  });
}

}  // namespace xronox
