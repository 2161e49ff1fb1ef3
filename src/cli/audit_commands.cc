// blame: the version that last set each field of a runtime record; versions: the versions of a
// runtime collection or tenant by actor, time or field (docs/audit.md).
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output_format.h"

namespace xronox::cli {

namespace {

struct BlameArgs {
  TargetArgs target;
  int max_versions = BlameOptions{}.max_versions;
  std::string format;
};

int RunBlame(const StoreOptions& store, const BlameArgs& args) {
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  BlameOptions options;
  options.max_versions = args.max_versions;
  auto report = collection->Blame(args.target.id, options);
  if (!report.ok()) return Fail(report.status());
  Json json = BlameReportToJson(*report);
  std::string table = RenderObjects({"path", "version", "at", "actor", "reason"}, json["fields"]);
  for (const std::string& path : report->unattributed) {
    table += path + ": not attributed (" + report->stopped + ")\n";
  }
  table += std::to_string(report->versions_read) + " versions read\n";
  PrintAs(ResolveFormat(args.format), json, table);
  return 0;
}

struct VersionsArgs {
  std::string db;
  std::string tenant;
  std::string collection;  // Empty: every collection of the tenant.
  VersionQuery query;
  std::string from;
  std::string to;
  std::string format;
};

// One page of the collection's versions, or of the tenant's when no collection is named.
Result<VersionsPage> QueryVersions(const StoreOptions& store, const VersionsArgs& args) {
  if (!args.collection.empty()) {
    XRONOX_ASSIGN_OR_RETURN(Collection collection,
                            OpenCollection(store, {args.db, args.tenant, args.collection, ""}));
    return collection.Versions(args.query);
  }
  if (args.db != "runtime") {
    return InvalidArgument("versions are kept by runtime only, not by '" + args.db + "'");
  }
  XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<Xronox> opened, OpenStore(store));
  return opened->TenantVersions(args.tenant, args.query);
}

int RunVersions(const StoreOptions& store, VersionsArgs args) {
  for (Status parsed : {ParseTime(args.from, "--from", args.query.from),
                        ParseTime(args.to, "--to", args.query.to)}) {
    if (!parsed.ok()) return Fail(parsed);
  }
  Result<VersionsPage> page = QueryVersions(store, args);
  if (!page.ok()) return Fail(page.status());
  Json json = VersionsPageToJson(*page);
  std::string table =
      RenderObjects({"at", "collection", "id", "version", "op", "actor", "reason", "changedFields"},
                    json["versions"]);
  if (page->next) table += "next page: --cursor " + *page->next + "\n";
  PrintAs(ResolveFormat(args.format), json, table);
  return 0;
}

}  // namespace

void AddAuditCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  auto b = std::make_shared<BlameArgs>();
  CLI::App* blame = app.add_subcommand(
      "blame", "Print the version, actor, time and reason that last set each field (runtime)");
  AddTargetArgs(*blame, b->target, true);
  blame->add_option("--max-versions", b->max_versions, "Most versions to read (1-100000)")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxBlameVersions));
  AddFormatOption(*blame, b->format);
  blame->callback([&store, &exit_code, b] { exit_code = RunBlame(store, *b); });

  auto v = std::make_shared<VersionsArgs>();
  CLI::App* versions = app.add_subcommand(
      "versions",
      "Print the versions of a runtime collection, or of every collection of a tenant, newest "
      "first: by actor, time range or changed field");
  versions->add_option("db", v->db, "Database type (runtime)")->required();
  versions->add_option("tenant", v->tenant, "Tenant id")->required();
  versions->add_option("collection", v->collection, "Collection (omit: every collection)");
  versions->add_option("--actor", v->query.actor, "Only versions this actor wrote");
  versions->add_option("--from", v->from, "RFC 3339 time: versions written then or later");
  versions->add_option("--to", v->to, "RFC 3339 time: versions written before it");
  versions->add_option("--field", v->query.field,
                       "Only versions that changed this field or one inside it (/a/b or a.b)");
  versions->add_option("--limit", v->query.limit, "Versions per page (1-1000)")
      ->capture_default_str();
  versions->add_option("--cursor", v->query.cursor, "The next page, as printed after the last");
  AddFormatOption(*versions, v->format);
  versions->callback([&store, &exit_code, v] { exit_code = RunVersions(store, *v); });
}

}  // namespace xronox::cli
