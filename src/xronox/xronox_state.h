// What an open Xronox holds, shared by its Collections: the router, the engine and the
// services built on the engine.
// Thread-safety: every member is safe from many threads.
#pragma once

#include <atomic>
#include <memory>

#include "backup/backup_service.h"
#include "content/content_service.h"
#include "engine/engine.h"
#include "retention/hold_service.h"
#include "retention/offload_service.h"
#include "retention/retention_service.h"
#include "router/router.h"

namespace xronox {

struct XronoxState {
  std::unique_ptr<Router> router;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<ContentService> content;      // Borrows the engine.
  std::unique_ptr<BackupService> backups;       // Borrows the engine.
  std::unique_ptr<HoldService> holds;           // Borrows the engine.
  std::unique_ptr<RetentionService> retention;  // Borrows the engine.
  // Retention runs (not dry) and what they removed and kept, for BackendMetrics.
  std::atomic<uint64_t> retention_runs{0};
  std::atomic<uint64_t> retention_removed{0};
  std::atomic<uint64_t> retention_held{0};
  std::atomic<uint64_t> retention_versions_removed{0};
  std::unique_ptr<OffloadService> offload;  // Borrows the engine.
  // Offload runs (not dry) and what they moved, for BackendMetrics.
  std::atomic<uint64_t> offload_runs{0};
  std::atomic<uint64_t> offload_moved{0};
  std::atomic<uint64_t> offload_bytes_freed{0};
};

}  // namespace xronox
