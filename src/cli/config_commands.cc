// config migrate: turn a v2.4.x raw config into the current config format.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_context.h"
#include "common/json_codec.h"

namespace xronox::cli {

namespace {

struct MigrateArgs {
  std::string in;
  std::string connections;
  std::string out;
};

Result<std::string> ReadText(const std::string& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound(std::string(what) + " '" + path + "': not found or not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof())
    return Unavailable(std::string(what) + " '" + path + "': read failed");
  return text.str();
}

int RunMigrate(const MigrateArgs& args) {
  auto text = ReadText(args.in, "input config");
  if (!text.ok()) return Fail(text.status());
  std::string connections;
  if (!args.connections.empty()) {
    auto read = ReadText(args.connections, "connections file");
    if (!read.ok()) return Fail(read.status());
    connections = std::move(read).value();
  }
  auto migrated = MigrateLegacyConfig(*text, connections);
  if (!migrated.ok()) return Fail(migrated.status());
  for (const std::string& warning : migrated->warnings) std::cerr << "warning: " << warning << "\n";
  // Validated first (DumpJson rejects invalid UTF-8), then written indented for people.
  auto compact = DumpJson(ConfigToJson(migrated->config));
  if (!compact.ok()) return Fail(compact.status());
  const std::string dumped = ConfigToJson(migrated->config).dump(2);
  if (args.out.empty()) {
    std::cout << dumped << "\n";
    return 0;
  }
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  out << dumped << "\n";
  out.close();
  if (!out) return Fail(Unavailable("output file '" + args.out + "': write failed"));
  std::cerr << "wrote " << args.out << "\n";
  return 0;
}

}  // namespace

void AddConfigCommands(CLI::App& app, int& exit_code) {
  CLI::App* config = app.add_subcommand("config", "Work with config files (no store is opened)");
  config->require_subcommand(1);
  auto m = std::make_shared<MigrateArgs>();
  CLI::App* migrate = config->add_subcommand(
      "migrate",
      "Convert a v2.4.x raw config (genericDatabase, tenantDatabases, dbConnRef/spaceConnRef) "
      "to the current JSON format; warnings go to stderr");
  migrate->add_option("--in", m->in, "The v2.4.x config (JSON)")->required();
  migrate->add_option("--connections", m->connections,
                      "New-form JSON holding only \"connections\": definitions of the refs");
  migrate->add_option("--out", m->out, "Write the new config here instead of stdout");
  migrate->callback([&exit_code, m] { exit_code = RunMigrate(*m); });
}

}  // namespace xronox::cli
