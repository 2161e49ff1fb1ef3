// history, diff and restore.
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output_format.h"

namespace xronox::cli {

namespace {

struct HistoryArgs {
  TargetArgs target;
  int limit = 50;
  bool oldest_first = false;
  std::string cursor;
  std::string format;
};

struct DiffArgs {
  TargetArgs target;
  int64_t from = 0;
  int64_t to = 0;
  std::string format;
};

struct RestoreArgs {
  TargetArgs target;
  int64_t version = 0;
  std::string actor;
  std::string reason;
  std::optional<int64_t> if_version;
};

int RunHistory(const StoreOptions& store, const HistoryArgs& args) {
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  HistoryOptions options;
  options.limit = args.limit;
  options.cursor = args.cursor;
  options.newest_first = !args.oldest_first;
  auto page = collection->History(args.target.id, options);
  if (!page.ok()) return Fail(page.status());
  Json versions = Json::array();
  for (const auto& info : page->versions) versions.push_back(VersionInfoToJson(info));
  std::string table = RenderObjects(
      {"version", "op", "at", "actor", "reason", "changedFields", "payloadRemoved"}, versions);
  if (page->next) table += "next page: --cursor " + *page->next + "\n";
  PrintAs(ResolveFormat(args.format),
          {{"versions", versions}, {"next", page->next ? Json(*page->next) : Json()}}, table);
  return 0;
}

int RunDiff(const StoreOptions& store, const DiffArgs& args) {
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  auto patch = collection->Diff(args.target.id, args.from, args.to);
  if (!patch.ok()) return Fail(patch.status());
  PrintAs(ResolveFormat(args.format), {{"from", args.from}, {"to", args.to}, {"patch", *patch}},
          RenderObjects({"op", "path", "value", "from"}, *patch));
  return 0;
}

int RunRestore(const StoreOptions& store, const RestoreArgs& args) {
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  WriteOptions options = AuditedWrite(args.actor, args.reason, args.if_version);
  auto written = collection->Restore(args.target.id, args.version, options);
  if (!written.ok()) return Fail(written.status());
  if (!written->record) return Fail(Internal("restore returned no record"));
  std::cout << RecordToJson(*written->record).dump(2) << "\n";
  return 0;
}

}  // namespace

void AddHistoryCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  auto h = std::make_shared<HistoryArgs>();
  CLI::App* history = app.add_subcommand("history", "Print a record's audit trail (runtime)");
  AddTargetArgs(*history, h->target, true);
  history->add_option("--limit", h->limit, "Versions per page (1-1000)")->capture_default_str();
  history->add_option("--cursor", h->cursor, "Continue from a page's `next`");
  history->add_flag("--oldest-first", h->oldest_first, "Oldest version first");
  AddFormatOption(*history, h->format);
  history->callback([&store, &exit_code, h] { exit_code = RunHistory(store, *h); });

  auto d = std::make_shared<DiffArgs>();
  CLI::App* diff =
      app.add_subcommand("diff", "Print the JSON Patch between two versions (runtime)");
  AddTargetArgs(*diff, d->target, true);
  diff->add_option("--from", d->from, "Older version")->required();
  diff->add_option("--to", d->to, "Newer version")->required();
  AddFormatOption(*diff, d->format);
  diff->callback([&store, &exit_code, d] { exit_code = RunDiff(store, *d); });

  auto r = std::make_shared<RestoreArgs>();
  CLI::App* restore =
      app.add_subcommand("restore", "Write a new version equal to an old one (runtime)");
  AddTargetArgs(*restore, r->target, true);
  restore->add_option("--version", r->version, "Version to restore")->required();
  restore->add_option("--actor", r->actor, "Who restores")->required();
  restore->add_option("--reason", r->reason, "Why")->required();
  restore->add_option("--if-version", r->if_version, "Fail unless this is the current version");
  restore->callback([&store, &exit_code, r] { exit_code = RunRestore(store, *r); });
}

}  // namespace xronox::cli
