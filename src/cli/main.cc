// xronox: the operators' command-line tool over the public API.
#include <iostream>

#include "cli/cli_context.h"

int main(int argc, char** argv) {
  using namespace xronox::cli;
  CLI::App app{"xronox: inspect, change and verify a Xronox store"};
  app.require_subcommand(1);
  StoreOptions store;
  app.add_option("--data", store.data_dir,
                 "Embedded store directory (as served by xronoxd --data)");
  app.add_option("--config", store.config_file, "Config file (JSON) of any configured store");
  // --data and --config may also follow the subcommand (`xronox verify --data DIR`): an option
  // a subcommand does not know is passed up to the command before it. Set before the
  // subcommands are added, which inherit it.
  app.fallthrough();
  int exit_code = 0;
  AddRecordCommands(app, store, exit_code);
  AddHistoryCommands(app, store, exit_code);
  AddAuditCommands(app, store, exit_code);
  AddAdminCommands(app, store, exit_code);
  AddBackupCommands(app, store, exit_code);
  AddHoldCommands(app, store, exit_code);
  AddRetentionCommands(app, store, exit_code);
  AddOffloadCommands(app, store, exit_code);
  AddListCommand(app, store, exit_code);
  AddAppendCommand(app, store, exit_code);
  AddConfigCommands(app, exit_code);
  AddKeyCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}
