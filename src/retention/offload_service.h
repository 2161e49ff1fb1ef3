// Offload runs (docs/formats/offload.md): the records of a collection whose map enables
// s3Offload, not changed for olderThan days, move from the hot store into parts in the object
// store, and read as before.
// Thread-safety: safe from many threads; a run that moves anything holds the collection's
// offload lease, so one run at a time across processes works on a collection.
#pragma once

#include "engine/engine.h"
#include "xronox/retention.h"

namespace xronox {

class OffloadService {
 public:
  explicit OffloadService(Engine& engine) : engine_(engine) {}

  /// Offload `b`'s old records now. FailedPrecondition (reason no_offload) when its collection
  /// map does not enable s3Offload and no older_than_days is given; NotSupported on runtime;
  /// Conflict (reason job_running) while another run works on the collection.
  Result<OffloadReport> Run(const Binding& b, const OffloadOptions& options);
  /// The FailedPrecondition of Run; Ok when `b` may be offloaded with `options`.
  static Status CheckPolicy(const Binding& b, const OffloadOptions& options);

 private:
  Engine& engine_;
};

}  // namespace xronox
