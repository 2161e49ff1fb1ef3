// Retention runs (docs/formats/retention.md): a logs collection's records older than its
// policy's days are deleted; a runtime collection's version payloads past its policy (by age or
// count) are removed, their audit skeletons kept; what a legal hold covers stays.
// Thread-safety: safe from many threads; a run that removes anything holds the collection's
// retention lease, so one run at a time across processes works on a collection.
#pragma once

#include "engine/engine.h"
#include "xronox/retention.h"

namespace xronox {

class RetentionService {
 public:
  explicit RetentionService(Engine& engine) : engine_(engine) {}

  /// Apply `b`'s retention policy now. FailedPrecondition (reason no_retention) when it has
  /// none; NotSupported on types that keep their records until deleted; Conflict (reason
  /// job_running) while another run works on the collection.
  Result<RetentionReport> Run(const Binding& b, const RetentionOptions& options);
  /// The FailedPrecondition of Run for a binding without a policy by age; Ok otherwise.
  static Status CheckPolicy(const Binding& b);

 private:
  Status Expire(const Binding& b, const std::function<Status()>& keep_alive,
                RetentionReport& report);
  Status AgeHistory(const Binding& b, const std::function<Status()>& keep_alive,
                    RetentionReport& report);

  Engine& engine_;
};

}  // namespace xronox
