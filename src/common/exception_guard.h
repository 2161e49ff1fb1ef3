// The exception barrier of the public API: library calls run their work through
// GuardExceptions so that no exception (a failed allocation, a JSON library error) leaves
// the library; the server and the CLI keep their own catch-all points.
// Thread-safety: pure function.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "xronox/status.h"

namespace xronox {

/// Run `fn` (returning Status or Result<T>), turning an exception into ResourceExhausted
/// (allocation) or Internal.
template <typename Fn>
auto GuardExceptions(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return ResourceExhausted("out of memory").WithReason("out_of_memory");
  } catch (const std::exception& e) {
    return Internal(std::string("unexpected error: ") + e.what());
  }
}

}  // namespace xronox
