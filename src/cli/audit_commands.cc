// blame: the version that last set each field of a runtime record (docs/audit.md).
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
}

}  // namespace xronox::cli
