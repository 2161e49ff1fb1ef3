// crash_writer: writes to an embedded store in a loop and prints one line per acknowledged
// write, flushed before the next write starts, so a parent that kills it with SIGKILL knows
// exactly which writes were acknowledged.
//
// Usage: xronox_crash_writer DATA_DIR SEED
// Output lines: "ACK <type> <id> <version> <sha256 of the data's JSON>"
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include "common/hash.h"
#include "xronox/xronox.h"

using namespace xronox;

namespace {

Json MakeData(std::mt19937& rng, int seed, int seq) {
  Json data = {{"writer", seed}, {"seq", seq}, {"n", static_cast<int>(rng() % 1000)}};
  if (rng() % 5 == 0) data["pad"] = std::string(20000 + rng() % 5000, 'a' + seq % 26);
  return data;
}

bool WriteOne(Collection& c, const char* type, std::mt19937& rng, int seed, int seq) {
  std::string id = "r" + std::to_string(rng() % 5);
  Json data = MakeData(rng, seed, seq);
  WriteOptions options;
  options.actor = "writer-" + std::to_string(seed);
  options.reason = "crash test";
  auto written = c.Put(id, data, options);
  // A killed writer's claim blocks its record until the lease (1 s here) runs out.
  for (int retry = 0; retry < 50 && written.status().code() == StatusCode::kUnavailable; ++retry) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    written = c.Put(id, data, options);
  }
  if (!written.ok()) {
    std::fprintf(stderr, "write failed: %s\n", written.status().ToString().c_str());
    return false;
  }
  std::printf("ACK %s %s %lld %s\n", type, id.c_str(), static_cast<long long>(written->version),
              Sha256Hex(data.dump()).c_str());
  std::fflush(stdout);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR SEED\n", argv[0]);
    return 2;
  }
  int seed = std::stoi(argv[2]);
  auto config = CreateEmbeddedConfig(argv[1]);
  if (!config.ok()) return 1;
  config->engine.claim_lease_seconds = 1;
  auto store = Xronox::Open(*config);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  auto runtime = (*store)->With({DatabaseType::kRuntime, Tier::kTenant, "crash", "ledger"});
  auto knowledge = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "facts"});
  if (!runtime.ok() || !knowledge.ok()) return 1;
  std::mt19937 rng(seed);
  for (int seq = 0; seq < 1'000'000; ++seq) {
    bool ok = (rng() % 2 == 0) ? WriteOne(*runtime, "runtime", rng, seed, seq)
                               : WriteOne(*knowledge, "knowledge", rng, seed, seq);
    if (!ok) return 1;
  }
  return 0;
}
