#include "store/hot/mongo/mongo_connect.h"

#include <string_view>

#include "common/names.h"
#include "store/hot/mongo/mongo_error.h"
#include "store/hot/mongo/mongo_hot_store.h"

namespace xronox::store {

namespace {

Result<mongoc_read_mode_t> ReadMode(const std::string& name, const std::string& what) {
  if (name == "primary") return MONGOC_READ_PRIMARY;
  if (name == "primaryPreferred") return MONGOC_READ_PRIMARY_PREFERRED;
  if (name == "secondary") return MONGOC_READ_SECONDARY;
  if (name == "secondaryPreferred") return MONGOC_READ_SECONDARY_PREFERRED;
  if (name == "nearest") return MONGOC_READ_NEAREST;
  return InvalidArgument(what + ": unknown read preference '" + name +
                         "' (primary, primaryPreferred, secondary, secondaryPreferred, nearest)");
}

Result<MongoUri> ParseUri(const std::string& uri_text, const MongoOptions& options,
                          const std::string& what) {
  bson_error_t error;
  MongoUri uri(mongoc_uri_new_with_error(uri_text.c_str(), &error));
  if (uri == nullptr) {
    return InvalidArgument(what + ": bad connection string: " + std::string(error.message));
  }
  mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
                                 options.server_selection_timeout_ms);
  mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_CONNECTTIMEOUTMS,
                                 options.server_selection_timeout_ms);
  mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_MAXPOOLSIZE, options.max_pool_size);
  mongoc_uri_set_appname(uri.get(), options.app_name.c_str());
  XRONOX_ASSIGN_OR_RETURN(mongoc_read_mode_t mode, ReadMode(options.read_preference, what));
  MongoReadPrefs prefs(mongoc_read_prefs_new(mode));
  mongoc_uri_set_read_prefs_t(uri.get(), prefs.get());
  return uri;
}

// What the server is: replicated (a replica set member or a mongos: majority writes mean
// something), and whether it is FerretDB (its buildInfo names its own version).
struct ServerFacts {
  bool replicated = false;
  bool ferretdb = false;
};

Result<ServerFacts> AskServer(const mongoc_uri_t* uri, const std::string& what) {
  bson_error_t error;
  MongoClient client(mongoc_client_new_from_uri_with_error(uri, &error));
  if (client == nullptr) return MongoStatus(what, "client", error);
  mongoc_client_set_error_api(client.get(), MONGOC_ERROR_API_VERSION_2);
  Bson hello, reply;
  BSON_APPEND_INT32(hello.get(), "hello", 1);
  if (!mongoc_client_command_simple(client.get(), "admin", hello.get(), nullptr, reply.Reply(),
                                    &error)) {
    return MongoStatus(what + ": hello", "admin", error);
  }
  ServerFacts facts;
  bson_iter_t it;
  facts.replicated = bson_iter_init_find(&it, reply.get(), "setName") ||
                     (bson_iter_init_find(&it, reply.get(), "msg") && BSON_ITER_HOLDS_UTF8(&it) &&
                      std::string_view(bson_iter_utf8(&it, nullptr)) == "isdbgrid");
  Bson build_info, info;
  BSON_APPEND_INT32(build_info.get(), "buildInfo", 1);
  if (!mongoc_client_command_simple(client.get(), "admin", build_info.get(), nullptr, info.Reply(),
                                    &error)) {
    return MongoStatus(what + ": buildInfo", "admin", error);
  }
  facts.ferretdb = bson_iter_init_find(&it, info.get(), "ferretdbVersion");
  return facts;
}

MongoWriteConcern MakeWriteConcern(const MongoOptions& options, bool replicated) {
  MongoWriteConcern wc(mongoc_write_concern_new());
  bool majority = options.write_ack == MongoOptions::WriteAck::kMajority ||
                  (options.write_ack == MongoOptions::WriteAck::kAuto && replicated);
  if (majority) {
    mongoc_write_concern_set_wmajority(wc.get(), options.write_timeout_ms);
  } else {
    mongoc_write_concern_set_w(wc.get(), 1);
    mongoc_write_concern_set_wtimeout_int64(wc.get(), options.write_timeout_ms);
  }
  mongoc_write_concern_set_journal(wc.get(), options.journal);
  return wc;
}

}  // namespace

Status ValidateMongoOptions(const MongoOptions& options, const std::string& what) {
  if (options.write_timeout_ms < 0 || options.server_selection_timeout_ms <= 0 ||
      options.max_pool_size <= 0) {
    return InvalidArgument(what +
                           ": write_timeout_ms must be >= 0, server_selection_timeout_ms and "
                           "max_pool_size > 0");
  }
  if (!options.database_prefix.empty()) {
    return ValidateDatabaseName(options.database_prefix);
  }
  return Status::Ok();
}

Result<OpenedMongoPool> OpenMongoPool(const std::string& uri_text, const MongoOptions& options,
                                      const std::string& what) {
  MongoRuntime::Get();
  XRONOX_RETURN_IF_ERROR(ValidateMongoOptions(options, what));
  XRONOX_ASSIGN_OR_RETURN(MongoUri uri, ParseUri(uri_text, options, what));
  XRONOX_ASSIGN_OR_RETURN(ServerFacts facts, AskServer(uri.get(), what));
  MongoWriteConcern wc = MakeWriteConcern(options, facts.replicated);
  mongoc_uri_set_write_concern(uri.get(), wc.get());
  bson_error_t error;
  MongoPool pool(mongoc_client_pool_new_with_error(uri.get(), &error));
  if (pool == nullptr) return MongoStatus(what, "client pool", error);
  mongoc_client_pool_set_error_api(pool.get(), MONGOC_ERROR_API_VERSION_2);
  bool id_only =
      options.condition_filters == MongoOptions::ConditionFilters::kIdOnly ||
      (options.condition_filters == MongoOptions::ConditionFilters::kAuto && facts.ferretdb);
  return OpenedMongoPool{std::move(pool), std::move(wc), id_only};
}

}  // namespace xronox::store
