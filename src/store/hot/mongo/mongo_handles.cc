#include "store/hot/mongo/mongo_handles.h"

#include <string_view>

namespace xronox::store {

namespace {

// libmongoc's log, less the one warning FerretDB v1 always causes: a client that used sessions
// sends "endSessions" when destroyed, a command FerretDB v1 does not have.
void LogHandler(mongoc_log_level_t level, const char* domain, const char* message, void* data) {
  if (level == MONGOC_LOG_LEVEL_WARNING &&
      std::string_view(message).find("\"endSessions\"") != std::string_view::npos) {
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
  mongoc_init();
  mongoc_log_set_handler(LogHandler, nullptr);
}

MongoRuntime::~MongoRuntime() { mongoc_cleanup(); }

}  // namespace xronox::store
