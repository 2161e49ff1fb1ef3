// What an open Xronox holds, shared by its Collections: the router, the engine and the
// services built on the engine.
// Thread-safety: every member is safe from many threads.
#pragma once

#include <memory>

#include "backup/backup_service.h"
#include "content/content_service.h"
#include "engine/engine.h"
#include "router/router.h"

namespace xronox {

struct XronoxState {
  std::unique_ptr<Router> router;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<ContentService> content;  // Borrows the engine.
  std::unique_ptr<BackupService> backups;   // Borrows the engine.
};

}  // namespace xronox
