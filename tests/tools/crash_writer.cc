// crash_writer: writes to a store in a loop and prints one line per acknowledged write, flushed
// before the next write starts, so a parent that kills it with SIGKILL (or that arms a fault
// point with XRONOX_FAULT_STOP) knows exactly which writes were acknowledged.
//
// Usage:
//   xronox_crash_writer DATA_DIR SEED
//       Embedded store under DATA_DIR (claim lease 1 s); random puts on runtime crash/ledger and
//       knowledge facts, forever (the same as --data DATA_DIR --seed SEED --mode mixed).
//   xronox_crash_writer (--config FILE | --data DIR) [--mode MODE] [--seed N] [--tenant T]
//                       [--records K] [--count N] [--seconds S] [--large-every M]
//       --config: a JSON config file (its engine.claimLeaseSeconds applies); --data: an embedded
//       store (lease 1 s). Stops after N acknowledged writes (--count, default unlimited) or S
//       seconds (--seconds, default unlimited) and exits 0.
// Modes:
//   mixed      random puts on runtime records r0..r4 and knowledge records r0..r4.
//   race       read, then write with WriteOptions::expected_version (If-Match) on runtime records
//              r0..r{K-1}; create_only when the record does not exist yet. A lost race
//              (FailedPrecondition, AlreadyExists) is counted, not printed.
//   runtime    puts on runtime records r0..r{K-1} in turn.
//   knowledge  puts on knowledge records r0..r{K-1} in turn.
// --large-every M pads every M-th write past 16 KiB (0: never; mixed: one in five at random).
// Targets: runtime tenant T (default "crash") collection "ledger"; knowledge collection "facts".
//
// Output lines:
//   "TRY <type> <id> <sha256 of the data's JSON>" before each write (not in mixed mode)
//   "ACK <type> <id> <version> <sha256 of the data's JSON>" after each acknowledged write
// Exit: 0 when done, 1 on an unexpected error (on stderr), 2 on bad usage.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "common/hash.h"
#include "xronox/xronox.h"

using namespace xronox;

namespace {

struct Args {
  std::string data_dir;
  std::string config_file;
  std::string mode = "mixed";
  int seed = 0;
  std::string tenant = "crash";
  int records = 5;
  long count = -1;      // -1: unlimited.
  double seconds = -1;  // < 0: unlimited.
  int large_every = 0;
};

struct Writer {
  Collection runtime;
  Collection knowledge;
  std::mt19937 rng;
  int seed = 0;
  long acknowledged = 0;
  long conflicts = 0;
};

bool ParseFlag(Args& args, const std::string& flag, const char* value) {
  if (flag == "--config")
    args.config_file = value;
  else if (flag == "--data")
    args.data_dir = value;
  else if (flag == "--mode")
    args.mode = value;
  else if (flag == "--seed")
    args.seed = std::atoi(value);
  else if (flag == "--tenant")
    args.tenant = value;
  else if (flag == "--records")
    args.records = std::atoi(value);
  else if (flag == "--count")
    args.count = std::atol(value);
  else if (flag == "--seconds")
    args.seconds = std::atof(value);
  else if (flag == "--large-every")
    args.large_every = std::atoi(value);
  else
    return false;
  return true;
}

std::optional<Args> ParseArgs(int argc, char** argv) {
  Args args;
  if (argc == 3 && argv[1][0] != '-') {
    args.data_dir = argv[1];
    args.seed = std::atoi(argv[2]);
    return args;
  }
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc || !ParseFlag(args, argv[i], argv[i + 1])) return std::nullopt;
  }
  bool one_store = args.data_dir.empty() != args.config_file.empty();
  bool known_mode = args.mode == "mixed" || args.mode == "race" || args.mode == "runtime" ||
                    args.mode == "knowledge";
  if (!one_store || !known_mode || args.records < 1) return std::nullopt;
  return args;
}

Result<Config> LoadStoreConfig(const Args& args) {
  if (!args.config_file.empty()) return LoadConfigFile(args.config_file);
  XRONOX_ASSIGN_OR_RETURN(Config config, CreateEmbeddedConfig(args.data_dir));
  config.engine.claim_lease_seconds = 1;
  return config;
}

Json MakeData(Writer& w, int seq, bool large) {
  Json data = {{"writer", w.seed}, {"seq", seq}, {"n", static_cast<int>(w.rng() % 1000)}};
  if (large) data["pad"] = std::string(20000 + w.rng() % 5000, 'a' + seq % 26);
  return data;
}

WriteOptions Audit(const Writer& w) {
  WriteOptions options;
  options.actor = "writer-" + std::to_string(w.seed);
  options.reason = "crash test";
  return options;
}

void PrintLine(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

// Writes once; retries while the record is blocked: a killed writer's claim holds it until
// the lease runs out (and a run of lost races also answers Unavailable).
Result<WriteResult> PutRetrying(Collection& c, const std::string& id, const Json& data,
                                const WriteOptions& options) {
  auto written = c.Put(id, data, options);
  for (int retry = 0; retry < 100 && written.status().code() == StatusCode::kUnavailable; ++retry) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    written = c.Put(id, data, options);
  }
  return written;
}

void PrintAck(const char* type, const std::string& id, int64_t version, const Json& data) {
  PrintLine(std::string("ACK ") + type + " " + id + " " + std::to_string(version) + " " +
            Sha256Hex(data.dump()) + "\n");
}

bool Report(const Status& status, const std::string& id) {
  std::fprintf(stderr, "write of '%s' failed: %s\n", id.c_str(), status.ToString().c_str());
  return false;
}

// One put of `id`; `announce` prints the TRY line first.
bool PutOne(Writer& w, bool runtime, const std::string& id, const Json& data, bool announce) {
  const char* type = runtime ? "runtime" : "knowledge";
  if (announce)
    PrintLine(std::string("TRY ") + type + " " + id + " " + Sha256Hex(data.dump()) + "\n");
  auto written = PutRetrying(runtime ? w.runtime : w.knowledge, id, data, Audit(w));
  if (!written.ok()) return Report(written.status(), id);
  PrintAck(type, id, written->version, data);
  ++w.acknowledged;
  return true;
}

bool MixedStep(Writer& w, int seq) {
  bool runtime = w.rng() % 2 == 0;
  std::string id = "r" + std::to_string(w.rng() % 5);
  Json data = MakeData(w, seq, w.rng() % 5 == 0);
  return PutOne(w, runtime, id, data, /*announce=*/false);
}

bool IsLostRace(const Status& s) {
  return s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kAlreadyExists;
}

// Read, then write on top of what was read: at most one of several racing writers wins each
// version.
bool RaceStep(Writer& w, const Args& args, int seq) {
  std::string id = "r" + std::to_string(w.rng() % args.records);
  WriteOptions options = Audit(w);
  auto current = w.runtime.Get(id);
  if (current.ok()) {
    options.expected_version = current->version;
  } else if (current.status().code() == StatusCode::kNotFound) {
    options.create_only = true;
  } else if (current.status().code() == StatusCode::kUnavailable) {
    ++w.conflicts;  // Being rewritten: read again later.
    return true;
  } else {
    return Report(current.status(), id);
  }
  Json data = MakeData(w, seq, args.large_every > 0 && seq % args.large_every == 0);
  PrintLine("TRY runtime " + id + " " + Sha256Hex(data.dump()) + "\n");
  auto written = w.runtime.Put(id, data, options);
  if (!written.ok() &&
      (IsLostRace(written.status()) || written.status().code() == StatusCode::kUnavailable)) {
    ++w.conflicts;
    return true;
  }
  if (!written.ok()) return Report(written.status(), id);
  PrintAck("runtime", id, written->version, data);
  ++w.acknowledged;
  return true;
}

bool Step(Writer& w, const Args& args, int seq) {
  if (args.mode == "mixed") return MixedStep(w, seq);
  if (args.mode == "race") return RaceStep(w, args, seq);
  std::string id = "r" + std::to_string(seq % args.records);
  Json data = MakeData(w, seq, args.large_every > 0 && seq % args.large_every == 0);
  return PutOne(w, args.mode == "runtime", id, data, /*announce=*/true);
}

int Run(const Args& args, Writer& w) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (int seq = 0; seq < 1'000'000; ++seq) {
    if (args.count >= 0 && w.acknowledged >= args.count) break;
    if (args.seconds >= 0 && elapsed() >= args.seconds) break;
    if (!Step(w, args, seq)) return 1;
  }
  std::fprintf(stderr, "done: %ld acknowledged, %ld conflicts\n", w.acknowledged, w.conflicts);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Args> args = ParseArgs(argc, argv);
  if (!args) {
    std::fprintf(stderr,
                 "usage: %s DATA_DIR SEED\n"
                 "       %s (--config FILE | --data DIR) [--mode mixed|race|runtime|knowledge]\n"
                 "          [--seed N] [--tenant T] [--records K] [--count N] [--seconds S]\n"
                 "          [--large-every M]\n",
                 argv[0], argv[0]);
    return 2;
  }
  auto config = LoadStoreConfig(*args);
  if (!config.ok()) {
    std::fprintf(stderr, "config: %s\n", config.status().ToString().c_str());
    return 1;
  }
  auto store = Xronox::Open(*config);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  auto runtime = (*store)->With({DatabaseType::kRuntime, Tier::kTenant, args->tenant, "ledger"});
  auto knowledge = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "facts"});
  if (!runtime.ok() || !knowledge.ok()) {
    Status failed = runtime.ok() ? knowledge.status() : runtime.status();
    std::fprintf(stderr, "bind: %s\n", failed.ToString().c_str());
    return 1;
  }
  Writer writer{*runtime, *knowledge, std::mt19937(args->seed), args->seed};
  return Run(*args, writer);
}
