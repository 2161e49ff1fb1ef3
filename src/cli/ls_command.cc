// ls: look around a store without knowing ids, level by level: databases, a type's tenants, a
// database's collections, a collection's records (with --where, --limit and paging). counters:
// a collection's counters.
#include <iostream>
#include <memory>

#include "cli/cli_context.h"
#include "cli/output_format.h"
#include "common/clock.h"
#include "common/json_codec.h"

namespace xronox::cli {

namespace {

struct ListArgs {
  TargetArgs target;  // Each positional optional here.
  std::string where;
  int limit = 100;
  std::string cursor;
  std::string as_of;
  bool newest_first = false;
  std::vector<std::string> fields;
  bool include_hidden = false;
  std::string from;
  std::string to;
  std::string format;
};

std::string TenantOf(const Target& target) {
  return target.tier == Tier::kTenant ? target.tenant_id : "_";
}

int ListDatabases(Xronox& store, const ListArgs& args, OutputFormat format) {
  auto targets = ListDatabaseTargets(store, args.target.db, "");
  if (!targets.ok()) return Fail(targets.status());
  Json databases = Json::array();
  for (const Target& target : *targets) {
    databases.push_back(
        {{"db", DatabaseTypeName(target.database_type)}, {"tenant", TenantOf(target)}});
  }
  PrintAs(format, {{"databases", databases}}, RenderObjects({"db", "tenant"}, databases));
  return 0;
}

int ListCollections(Xronox& store, const ListArgs& args, OutputFormat format) {
  auto target = MakeTarget(args.target);
  if (!target.ok()) return Fail(target.status());
  auto names = store.ListCollections(*target);
  if (!names.ok()) return Fail(names.status());
  Json rows = Json::array();
  for (const std::string& name : *names) rows.push_back({{"collection", name}});
  PrintAs(format, {{"collections", *names}}, RenderObjects({"collection"}, rows));
  return 0;
}

int ListRecords(Xronox& store, const ListArgs& args, OutputFormat format) {
  auto target = MakeTarget(args.target);
  if (!target.ok()) return Fail(target.status());
  auto filter = args.where.empty() ? Result<Json>(Json::object())
                                   : ParseJsonObject(args.where, "--where filter");
  if (!filter.ok()) return Fail(filter.status());
  auto collection = store.With(*target);
  if (!collection.ok()) return Fail(collection.status());
  QueryOptions options;
  options.limit = args.limit;
  options.cursor = args.cursor;
  options.newest_first = args.newest_first;
  options.fields = args.fields;
  for (Status parsed :
       {ParseTime(args.as_of, "--as-of", options.as_of),
        ParseTime(args.from, "--from", options.from), ParseTime(args.to, "--to", options.to)}) {
    if (!parsed.ok()) return Fail(parsed);
  }
  if (args.include_hidden) *collection = collection->RevealingHidden();
  auto page = collection->Query(*filter, options);
  if (!page.ok()) return Fail(page.status());
  Json records = Json::array();
  for (const Record& record : page->records) records.push_back(RecordToJson(record));
  const Json next = page->next ? Json(*page->next) : Json();
  std::string table = RenderObjects({"id", "version", "updatedAt", "data"}, records);
  if (page->next) table += "next page: --cursor " + *page->next + "\n";
  PrintAs(format, {{"records", records}, {"next", next}}, table);
  return 0;
}

int RunList(const StoreOptions& options, const ListArgs& args) {
  const OutputFormat format = ResolveFormat(args.format);
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  if (!args.target.db.empty() && !ParseDatabaseType(args.target.db)) {
    return Fail(MakeTarget(args.target).status());
  }
  if (args.target.tenant.empty()) return ListDatabases(**store, args, format);
  if (args.target.collection.empty()) return ListCollections(**store, args, format);
  return ListRecords(**store, args, format);
}

struct CountersArgs {
  TargetArgs target;
  std::string format;
};

int RunCounters(const StoreOptions& store, const CountersArgs& args) {
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  auto counts = collection->Counters();
  if (!counts.ok()) return Fail(counts.status());
  Json json = CountsToJson(*counts);
  PrintAs(ResolveFormat(args.format), json,
          RenderObjects({"created", "updated", "deleted", "live"}, Json::array({json})));
  return 0;
}

}  // namespace

void AddListCommand(CLI::App& app, StoreOptions& store, int& exit_code) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* ls = app.add_subcommand(
      "ls",
      "List what the store holds: databases (no argument, or a type), a database's collections "
      "(type and tenant), a collection's records (type, tenant and collection)");
  ls->add_option("db", args->target.db, "Database type: knowledge, metadata, runtime, ...");
  ls->add_option("tenant", args->target.tenant, "Tenant id, or _ for the generic tier");
  ls->add_option("collection", args->target.collection, "Collection name");
  ls->add_option("--where", args->where,
                 "Records matching a filter, e.g. '{\"status\":\"paid\"}' or "
                 "'{\"total\":{\"$gt\":10}}' (indexed properties, as the query route)");
  ls->add_option("--limit", args->limit, "Records per page, 1-1000 (default 100)");
  ls->add_option("--cursor", args->cursor, "The next page, as printed after the previous one");
  ls->add_option("--as-of", args->as_of,
                 "RFC 3339 time: the records as they were then (runtime collections)");
  ls->add_flag("--newest-first", args->newest_first,
               "Records by id from the largest (on logs: the newest entries first)");
  ls->add_option("--from", args->from,
                 "Logs: RFC 3339 time, the entries appended then or later (by their ids)");
  ls->add_option("--to", args->to, "Logs: RFC 3339 time, the entries appended before it");
  ls->add_option("--fields", args->fields,
                 "Only these fields of each record's data (dotted paths, comma-separated)")
      ->delimiter(',');
  ls->add_flag("--include-hidden", args->include_hidden,
               "Show the collection's hiddenFields too (left out otherwise)");
  AddFormatOption(*ls, args->format);
  ls->callback([&store, &exit_code, args] { exit_code = RunList(store, *args); });

  auto c = std::make_shared<CountersArgs>();
  CLI::App* counters = app.add_subcommand(
      "counters",
      "Print a collection's counters: records created, updated and deleted, and live records "
      "now (verify recounts them)");
  AddTargetArgs(*counters, c->target, false);
  AddFormatOption(*counters, c->format);
  counters->callback([&store, &exit_code, c] { exit_code = RunCounters(store, *c); });
}

}  // namespace xronox::cli
