// Short-hands for building write intents in engine tests.
#pragma once

#include "engine/engine.h"

namespace xronox::testing {

inline WriteIntent MakeIntent(WriteIntent::Kind kind, Json body = nullptr, int64_t restore = 0) {
  WriteIntent intent;
  intent.kind = kind;
  intent.body = std::move(body);
  intent.restore_version = restore;
  return intent;
}

}  // namespace xronox::testing
