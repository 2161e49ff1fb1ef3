#include "common/fault_point.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

namespace xronox {

#ifdef XRONOX_FAULT_POINTS

namespace {

struct FaultStop {
  std::string name;  ///< Empty: no fault point is armed.
  long pass = 1;     ///< Which pass of `name` kills (1-based).
};

FaultStop ParseFaultStop() {
  const char* text = std::getenv("XRONOX_FAULT_STOP");
  FaultStop stop;
  if (text == nullptr) return stop;
  std::string spec = text;
  size_t colon = spec.find(':');
  stop.name = spec.substr(0, colon);
  if (colon != std::string::npos) stop.pass = std::strtol(spec.c_str() + colon + 1, nullptr, 10);
  if (stop.pass < 1) stop.pass = 1;
  return stop;
}

}  // namespace

bool FaultPointsEnabled() { return true; }

void FaultPoint(std::string_view name) {
  static const FaultStop kStop = ParseFaultStop();
  static std::atomic<long> passes{0};
  if (kStop.name.empty() || name != kStop.name) return;
  if (passes.fetch_add(1) + 1 == kStop.pass) std::raise(SIGKILL);
}

#else

bool FaultPointsEnabled() { return false; }

#endif

}  // namespace xronox
