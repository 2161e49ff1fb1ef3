#include "store/hot/sqlite/sqlite_error.h"

#include <string>

namespace xronox::store {

namespace {

StatusCode CodeFor(int rc, std::string_view detail) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                 ? StatusCode::kAlreadyExists
                 : StatusCode::kInternal;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kCorruption;
    case SQLITE_FULL:
      return StatusCode::kResourceExhausted;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return StatusCode::kPermissionDenied;
    case SQLITE_ERROR:
      return detail.starts_with("no such table") ? StatusCode::kNotFound : StatusCode::kInternal;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Status SqliteStatus(int rc, sqlite3* db, std::string_view what) {
  // The connection's message is only about `rc` while its error code still matches.
  const char* message = (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff))
                            ? sqlite3_errmsg(db)
                            : sqlite3_errstr(rc);
  std::string detail = message != nullptr ? message : "unknown error";
  StatusCode code = CodeFor(rc, detail);
  std::string text = std::string(what) + ": ";
  if (code == StatusCode::kNotFound) text += "collection does not exist (";
  text += detail;
  if (code == StatusCode::kNotFound) text += ")";
  text += " [sqlite " + std::to_string(rc) + "]";
  return Status(code, std::move(text));
}

}  // namespace xronox::store
