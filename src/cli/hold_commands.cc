// hold place | lift | list | log (docs/formats/holds.md): legal holds on a database (no
// collection named), a collection, or a record (collection and id named).
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output_format.h"

namespace xronox::cli {

namespace {

struct HoldArgs {
  TargetArgs target;  // Collection and id optional: they choose the scope.
  std::string actor, reason;
  std::string format;
};

HoldScope ScopeOf(const TargetArgs& target) {
  if (target.collection.empty()) return HoldScope::kDatabase;
  return target.id.empty() ? HoldScope::kCollection : HoldScope::kRecord;
}

// The collection to work through: the one named, or any for a database hold.
Result<Collection> HoldCollection(const StoreOptions& options, const HoldArgs& args) {
  TargetArgs bound = args.target;
  if (bound.collection.empty()) bound.collection = "_probe";
  return OpenCollection(options, bound);
}

int RunPlaceOrLift(const StoreOptions& options, const HoldArgs& args, bool place) {
  auto collection = HoldCollection(options, args);
  if (!collection.ok()) return Fail(collection.status());
  WriteOptions audit = AuditedWrite(args.actor, args.reason, std::nullopt);
  auto hold = place ? collection->PlaceHold(ScopeOf(args.target), args.target.id, audit)
                    : collection->LiftHold(ScopeOf(args.target), args.target.id, audit);
  if (!hold.ok()) return Fail(hold.status());
  Json json = LegalHoldToJson(*hold);
  PrintAs(ResolveFormat(args.format), json,
          std::string(place ? "placed" : "lifted") + " a legal hold on " +
              HoldScopeName(hold->scope) + " " + json.dump() + "\n");
  return 0;
}

int RunList(const StoreOptions& options, const HoldArgs& args) {
  auto collection = HoldCollection(options, args);
  if (!collection.ok()) return Fail(collection.status());
  auto holds = collection->ListHolds();
  if (!holds.ok()) return Fail(holds.status());
  Json list = Json::array();
  for (const LegalHold& hold : *holds) list.push_back(LegalHoldToJson(hold));
  PrintAs(ResolveFormat(args.format), {{"holds", list}},
          RenderObjects({"scope", "collection", "id", "actor", "reason", "placedAt"}, list));
  return 0;
}

int RunLog(const StoreOptions& options, const HoldArgs& args) {
  auto collection = HoldCollection(options, args);
  if (!collection.ok()) return Fail(collection.status());
  auto events = collection->HoldLog();
  if (!events.ok()) return Fail(events.status());
  Json list = Json::array(), rows = Json::array();
  for (const HoldEvent& event : *events) {
    Json json = HoldEventToJson(event);
    list.push_back(json);
    rows.push_back({{"at", json["at"]},
                    {"action", json["action"]},
                    {"scope", json["hold"]["scope"]},
                    {"collection", json["hold"].value("collection", "")},
                    {"id", json["hold"].value("id", "")},
                    {"actor", json["actor"]},
                    {"reason", json["reason"]}});
  }
  PrintAs(ResolveFormat(args.format), {{"events", list}},
          RenderObjects({"at", "action", "scope", "collection", "id", "actor", "reason"}, rows));
  return 0;
}

void AddHoldTarget(CLI::App& command, HoldArgs& args, bool with_collection) {
  command.add_option("db", args.target.db, "Database type")->required();
  command.add_option("tenant", args.target.tenant, "Tenant id, or _ for the generic tier")
      ->required();
  if (!with_collection) return;
  command.add_option("collection", args.target.collection,
                     "Collection (none: the whole database, on runtime the tenant)");
  command.add_option("id", args.target.id, "Record id (a record hold)");
}

}  // namespace

void AddHoldCommands(CLI::App& app, StoreOptions& store, int& exit_code) {
  CLI::App* hold = app.add_subcommand(
      "hold",
      "Legal holds: nothing a hold covers is deleted (deletes, restores, prune, retention)");
  hold->require_subcommand(1);
  for (bool place : {true, false}) {
    auto args = std::make_shared<HoldArgs>();
    CLI::App* command = hold->add_subcommand(
        place ? "place" : "lift",
        place ? "Place a hold on a database, a collection or a record (audited)"
              : "Lift a hold (audited)");
    AddHoldTarget(*command, *args, /*with_collection=*/true);
    command->add_option("--actor", args->actor, "Who places or lifts it")->required();
    command->add_option("--reason", args->reason, "Why")->required();
    AddFormatOption(*command, args->format);
    command->callback(
        [&store, &exit_code, args, place] { exit_code = RunPlaceOrLift(store, *args, place); });
  }
  auto l = std::make_shared<HoldArgs>();
  CLI::App* list = hold->add_subcommand("list", "The holds in force on a database");
  AddHoldTarget(*list, *l, /*with_collection=*/false);
  AddFormatOption(*list, l->format);
  list->callback([&store, &exit_code, l] { exit_code = RunList(store, *l); });
  auto g = std::make_shared<HoldArgs>();
  CLI::App* log = hold->add_subcommand("log", "Every hold placed and lifted on a database");
  AddHoldTarget(*log, *g, /*with_collection=*/false);
  AddFormatOption(*log, g->format);
  log->callback([&store, &exit_code, g] { exit_code = RunLog(store, *g); });
}

}  // namespace xronox::cli
