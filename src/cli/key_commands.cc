// keys new: make an API key for xronoxd. The token is printed once; the config keeps only its
// SHA-256, so the command needs no store and writes nothing.
#include <iostream>

#include "cli/cli_context.h"

namespace xronox::cli {

namespace {

struct NewKeyArgs {
  std::string principal;
  std::vector<std::string> database_types{"*"};
  std::vector<std::string> tenants{"*"};
  std::vector<std::string> operations{"read", "write"};
};

int RunNewKey(const NewKeyArgs& args) {
  ApiKey key{args.principal, "", {{args.database_types, args.tenants, args.operations}}};
  std::string token = NewApiKeyToken();
  key.secret_sha256 = HashApiKeyToken(token);
  Config probe;
  probe.server.api_keys.push_back(key);
  // Checked with the config's own rules, so a key printed here is a key the server accepts.
  if (Status valid = ValidateConfig(probe); !valid.ok()) return Fail(valid);
  Json entry = ConfigToJson(probe)["server"]["apiKeys"][0];
  std::cout << Json{{"token", token}, {"apiKey", entry}}.dump(2) << "\n";
  std::cerr << "Give the token to the client once: it cannot be shown again. Add \"apiKey\" to "
               "the config's server.apiKeys (or an --api-keys file) and restart xronoxd.\n";
  return 0;
}

}  // namespace

void AddKeyCommands(CLI::App& app, int& exit_code) {
  CLI::App* keys = app.add_subcommand("keys", "Work with xronoxd API keys (no store is opened)");
  keys->require_subcommand(1);
  auto args = std::make_shared<NewKeyArgs>();
  CLI::App* create = keys->add_subcommand(
      "new", "Print a new token and the config entry (its SHA-256 and scopes) that accepts it");
  create->add_option("--principal", args->principal, "Who the key's holder is (the audit actor)")
      ->required();
  create
      ->add_option("--database-type", args->database_types,
                   "Database types it may use, or \"*\" (repeatable)")
      ->capture_default_str();
  create
      ->add_option("--tenant", args->tenants,
                   "Tenants it may use, \"_\" for the generic tier, or \"*\" (repeatable)")
      ->capture_default_str();
  create->add_option("--operation", args->operations, "read, write, admin or \"*\" (repeatable)")
      ->capture_default_str();
  create->callback([&exit_code, args] { exit_code = RunNewKey(*args); });
}

}  // namespace xronox::cli
