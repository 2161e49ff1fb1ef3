// get, put and upsert.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_context.h"
#include "cli/output_format.h"
#include "common/clock.h"
#include "common/json_codec.h"

namespace xronox::cli {

namespace {

struct GetArgs {
  TargetArgs target;
  std::optional<int64_t> version;
  std::string as_of;
  std::vector<std::string> fields;
  bool include_hidden = false;
  std::string format;
};

struct PutArgs {
  TargetArgs target;
  std::string json;
  std::string file;
  std::string actor;
  std::string reason;
  std::optional<int64_t> if_version;
  bool create_only = false;
  bool merge = false;
  bool enrich = false;
};

Result<std::string> ReadBody(const PutArgs& args) {
  if (args.json.empty() == args.file.empty()) {
    return InvalidArgument("give the record as a JSON argument or with --file (- for stdin)");
  }
  if (!args.json.empty()) return args.json;
  std::stringstream buffer;
  if (args.file == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(args.file, std::ios::binary);
    if (!in) return NotFound("cannot read " + args.file);
    buffer << in.rdbuf();
  }
  return buffer.str();
}

int RunGet(const StoreOptions& store, const GetArgs& args) {
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  GetOptions options;
  options.version = args.version;
  options.fields = args.fields;
  if (!args.as_of.empty()) {
    options.as_of = ParseRfc3339(args.as_of);
    if (!options.as_of) return Fail(InvalidArgument("--as-of needs an RFC 3339 time"));
  }
  if (args.include_hidden) *collection = collection->RevealingHidden();
  auto record = collection->Get(args.target.id, options);
  if (!record.ok()) return Fail(record.status());
  const Json json = RecordToJson(*record);
  PrintAs(ResolveFormat(args.format), json, RenderFields(json));
  return 0;
}

// Read the body, open the collection and run `write` on them; print {"id", "version",
// "created"} and "unchanged": true when no version was made.
template <typename Write>
int RunWrite(const StoreOptions& store, const PutArgs& args, Write write) {
  auto text = ReadBody(args);
  if (!text.ok()) return Fail(text.status());
  auto body = ParseJsonObject(*text, "record");
  if (!body.ok()) return Fail(body.status());
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  Result<WriteResult> written = write(*collection, std::move(*body));
  if (!written.ok()) return Fail(written.status());
  Json answer = {{"id", written->id}, {"version", written->version}, {"created", written->created}};
  if (written->unchanged) answer["unchanged"] = true;
  std::cout << answer.dump() << "\n";
  return 0;
}

int RunPut(const StoreOptions& store, const PutArgs& args) {
  WriteOptions options = AuditedWrite(args.actor, args.reason, args.if_version);
  options.create_only = args.create_only;
  return RunWrite(store, args, [&](Collection& collection, Json body) {
    const std::string& id = args.target.id;
    return args.merge    ? collection.Update(id, std::move(body), options)
           : args.enrich ? collection.Enrich(id, std::move(body), options)
                         : collection.Put(id, std::move(body), options);
  });
}

// The record's data, created or merged into the record with the same natural-key values.
int RunUpsert(const StoreOptions& store, const PutArgs& args) {
  WriteOptions options = AuditedWrite(args.actor, args.reason, std::nullopt);
  return RunWrite(store, args, [&](Collection& collection, Json body) {
    return collection.Upsert(std::move(body), options);
  });
}

}  // namespace

void AddRecordCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  auto get_args = std::make_shared<GetArgs>();
  CLI::App* get =
      app.add_subcommand("get", "Print a record: current, at a version, or as of a time");
  AddTargetArgs(*get, get_args->target, true);
  get->add_option("--version", get_args->version, "Version number to read (runtime)");
  get->add_option("--as-of", get_args->as_of, "RFC 3339 time: the version current then (runtime)");
  get->add_option("--fields", get_args->fields,
                  "Only these fields of the data (dotted paths, comma-separated)")
      ->delimiter(',');
  get->add_flag("--include-hidden", get_args->include_hidden,
                "Show the collection's hiddenFields too (left out otherwise)");
  AddFormatOption(*get, get_args->format);
  get->callback([&store, &exit_code, get_args] { exit_code = RunGet(store, *get_args); });

  auto put_args = std::make_shared<PutArgs>();
  CLI::App* put = app.add_subcommand(
      "put", "Create or replace a record (--merge: merge patch; --enrich: add, arrays united)");
  AddTargetArgs(*put, put_args->target, true);
  put->add_option("json", put_args->json, "The record as a JSON object");
  put->add_option("--file", put_args->file, "Read the record from a file (- for stdin)");
  put->add_option("--actor", put_args->actor, "Who writes (required on runtime)");
  put->add_option("--reason", put_args->reason, "Why (required on runtime)");
  put->add_option("--if-version", put_args->if_version, "Fail unless this is the current version");
  put->add_flag("--create-only", put_args->create_only, "Fail if the record exists");
  CLI::Option* merge =
      put->add_flag("--merge", put_args->merge, "Merge the JSON into the record (RFC 7396)");
  put->add_flag("--enrich", put_args->enrich,
                "Add the JSON to the record: objects merged at every depth, arrays gain what they "
                "lack, nothing removed")
      ->excludes(merge);
  put->callback([&store, &exit_code, put_args] { exit_code = RunPut(store, *put_args); });

  auto upsert_args = std::make_shared<PutArgs>();
  CLI::App* upsert = app.add_subcommand(
      "upsert",
      "Create a record, or merge it into the record with the same natural-key values "
      "(collectionMaps.{c}.naturalKeys)");
  AddTargetArgs(*upsert, upsert_args->target, false);
  upsert->add_option("json", upsert_args->json, "The record as a JSON object");
  upsert->add_option("--file", upsert_args->file, "Read the record from a file (- for stdin)");
  upsert->add_option("--actor", upsert_args->actor, "Who writes (required on runtime)");
  upsert->add_option("--reason", upsert_args->reason, "Why (required on runtime)");
  upsert->callback(
      [&store, &exit_code, upsert_args] { exit_code = RunUpsert(store, *upsert_args); });
}

}  // namespace xronox::cli
