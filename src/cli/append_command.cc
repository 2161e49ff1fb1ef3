// append: JSON lines (one entry per line, from a file or stdin) become new records of an
// unversioned collection, in batches of up to kMaxAppendEntries (Collection::Append), so that a
// log file loads at bulk speed (docs/formats/logs.md).
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/cli_context.h"
#include "common/json_codec.h"

namespace xronox::cli {

namespace {

// A line longer than this is refused; a batch is sent once its lines hold this many bytes.
constexpr size_t kMaxLineBytes = size_t{16} << 20;

struct AppendArgs {
  TargetArgs target;
  std::string file = "-";
  std::string actor;
  std::string reason;
};

struct AppendProgress {
  int64_t appended = 0;
  std::string first_id;
  std::string last_id;
};

// Append one batch; prints progress on stderr once more than one batch was sent.
Status SendBatch(Collection& collection, std::vector<Json>& batch, const WriteOptions& options,
                 AppendProgress& progress) {
  if (batch.empty()) return Status::Ok();
  size_t count = batch.size();
  Result<AppendResult> result = collection.Append(std::move(batch), options);
  batch.clear();
  if (!result.ok()) return result.status();
  if (!result->warning.empty()) std::cerr << "warning: " << result->warning << "\n";
  if (progress.first_id.empty()) progress.first_id = result->ids.front();
  progress.last_id = result->ids.back();
  progress.appended += static_cast<int64_t>(count);
  if (progress.appended > kMaxAppendEntries) {
    std::cerr << "appended " << progress.appended << " entries" << std::endl;
  }
  return Status::Ok();
}

Status AppendLines(std::istream& in, Collection& collection, const WriteOptions& options,
                   AppendProgress& progress) {
  std::vector<Json> batch;
  size_t batch_bytes = 0;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.size() > kMaxLineBytes) {
      return InvalidArgument("line " + std::to_string(number) + " is longer than 16 MiB");
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Result<Json> entry = ParseJsonObject(line, "entry");
    if (!entry.ok()) {
      return InvalidArgument("line " + std::to_string(number) + ": " + entry.status().message());
    }
    batch.push_back(std::move(entry).value());
    batch_bytes += line.size();
    if (batch.size() == static_cast<size_t>(kMaxAppendEntries) || batch_bytes >= kMaxLineBytes) {
      XRONOX_RETURN_IF_ERROR(SendBatch(collection, batch, options, progress));
      batch_bytes = 0;
    }
  }
  if (in.bad()) return Unavailable("reading the entries failed");
  return SendBatch(collection, batch, options, progress);
}

int RunAppend(const StoreOptions& store, const AppendArgs& args) {
  std::ifstream file;
  if (args.file != "-") {
    file.open(args.file, std::ios::binary);
    if (!file) return Fail(NotFound("cannot read " + args.file));
  }
  std::istream& in = args.file == "-" ? std::cin : file;
  auto collection = OpenCollection(store, args.target);
  if (!collection.ok()) return Fail(collection.status());
  AppendProgress progress;
  Status appended =
      AppendLines(in, *collection, AuditedWrite(args.actor, args.reason, std::nullopt), progress);
  Json answer = {{"appended", progress.appended}};
  if (!progress.first_id.empty()) {
    answer["first"] = progress.first_id;
    answer["last"] = progress.last_id;
  }
  std::cout << answer.dump() << "\n";
  // Batches sent before a failure stay appended; the line numbers say where to resume.
  return appended.ok() ? 0 : Fail(appended);
}

}  // namespace

void AddAppendCommand(CLI::App& app, StoreOptions& store, int& exit_code) {
  auto args = std::make_shared<AppendArgs>();
  CLI::App* append = app.add_subcommand(
      "append",
      "Append JSON lines (one entry per line) as new records with time-ordered ids, in batches "
      "of up to 1000 (logs, and every type but runtime)");
  AddTargetArgs(*append, args->target, false);
  append->add_option("--file", args->file, "Read the entries from this file (default -: stdin)")
      ->capture_default_str();
  append->add_option("--actor", args->actor, "Who writes");
  append->add_option("--reason", args->reason, "Why");
  append->callback([&store, &exit_code, args] { exit_code = RunAppend(store, *args); });
}

}  // namespace xronox::cli
