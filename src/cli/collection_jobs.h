// What `retention run` and `offload run` share: open the store, run the job on each collection
// of the selection in turn, leave out the collections it does not apply to (no policy) unless
// one collection was named, hand each report on, and stop at the first failure.
#pragma once

#include <functional>
#include <string>

#include "cli/cli_context.h"

namespace xronox::cli {

/// --db, --tenant and --collection of a job command (empty: every one).
struct CollectionSelection {
  std::string db;
  std::string tenant;
  std::string collection;
};

/// The exit code: 0 when every selected collection ran, else that of the first failure.
/// `not_applicable` says whether a refusal only means the job does not apply to the collection.
template <typename Report>
int RunOverCollections(const StoreOptions& options, const CollectionSelection& selection,
                       const std::function<Result<Report>(Collection&)>& run,
                       const std::function<bool(const Status&)>& not_applicable,
                       const std::function<void(const Target&, const Report&)>& done) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto targets =
      ListCollectionTargets(**store, selection.db, selection.tenant, selection.collection);
  if (!targets.ok()) return Fail(targets.status());
  for (const Target& target : *targets) {
    auto collection = (*store)->With(target);
    if (!collection.ok()) return Fail(collection.status());
    Result<Report> report = run(*collection);
    if (!report.ok() && selection.collection.empty() && not_applicable(report.status())) continue;
    if (!report.ok()) return Fail(report.status());
    done(target, *report);
  }
  return 0;
}

}  // namespace xronox::cli
