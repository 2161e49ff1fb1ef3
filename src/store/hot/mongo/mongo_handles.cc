#include "store/hot/mongo/mongo_handles.h"

#include <cstdlib>
#include <string_view>

#include "common/memory_reserve.h"

namespace xronox::store {

namespace {

// libmongoc's log, less two warnings that say nothing to an operator and would break the
// server's JSON log lines: the "endSessions" that FerretDB v1 always refuses (a client that used
// sessions sends it when destroyed), and "Falling back to malloc for counters", printed at
// start-up when libmongoc's optional shared-memory statistics are unavailable (nothing here
// reads them).
void LogHandler(mongoc_log_level_t level, const char* domain, const char* message, void* data) {
  std::string_view text(message);
  if (level == MONGOC_LOG_LEVEL_WARNING &&
      (text.find("\"endSessions\"") != std::string_view::npos ||
       text.find("Falling back to malloc for counters") != std::string_view::npos)) {
    return;
  }
  mongoc_log_default_handler(level, domain, message, data);
}

}  // namespace

MongoRuntime& MongoRuntime::Get() {
  static MongoRuntime runtime;
  return runtime;
}

MongoRuntime::MongoRuntime() {
  // libbson (and libmongoc through it) ends the process when an allocation fails; allocating
  // through the memory reserve gives such a failure the reserve's address space first, so that
  // it fails one request (503) instead (common/memory_reserve.h). Set before anything allocates.
  static const bson_mem_vtable_t kReserveBacked = {
      &ReserveMalloc, &ReserveCalloc, &ReserveRealloc, &std::free, &ReserveAlignedAlloc, {}};
  bson_mem_set_vtable(&kReserveBacked);
  // Before mongoc_init, which logs the counters warning.
  mongoc_log_set_handler(LogHandler, nullptr);
  mongoc_init();
}

MongoRuntime::~MongoRuntime() { mongoc_cleanup(); }

}  // namespace xronox::store
