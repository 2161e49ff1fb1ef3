// How the shape of a MongoDB filter changes the cost of one find, replace or delete on a
// MongoDB-wire server: the production benchmark's evidence for where FerretDB v1 spends time.
// Thread-safety: one benchmark thread; it opens its own client pool.
#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "bench/latency_samples.h"
#include "bench/production_fixture.h"

namespace xronox::bench {

/// Fill collection "<run>_raw".filters with `docs` documents, then per iteration time, on the
/// last of them: a find, a replace and a delete whose filter is `_id` alone, and the same with a
/// second field (`version`, `owner`), as MongoHotStore sends them. Samples go to
/// `name` + ".find_id", ".find_id_version", ".replace_id", ".replace_id_version", ".delete_id",
/// ".delete_id_owner".
void RunFilterShapes(benchmark::State& state, const std::string& name, const Fixture& f,
                     LatencySamples& samples, int docs);

}  // namespace xronox::bench
