// Retention runs (docs/formats/retention.md): a collection's records older than its policy's
// days are deleted, unless a legal hold keeps them. Logs only for now (runtime version
// retention is configured but not acted on).
// Thread-safety: safe from many threads; two runs over one collection remove each record once.
#pragma once

#include "engine/engine.h"
#include "xronox/retention.h"

namespace xronox {

class RetentionService {
 public:
  explicit RetentionService(Engine& engine) : engine_(engine) {}

  /// Apply `b`'s retention policy now. FailedPrecondition (reason no_retention) when it has
  /// no policy by age; NotSupported on types whose retention is not acted on.
  Result<RetentionReport> Run(const Binding& b, const RetentionOptions& options);
  /// The FailedPrecondition of Run for a binding without a policy by age; Ok otherwise.
  static Status CheckPolicy(const Binding& b);

 private:
  Engine& engine_;
};

}  // namespace xronox
