// A writer killed with SIGKILL at each fault point of the write path (src/common/fault_point.h;
// docs/formats/write-protocol.md), on MongoDB + S3 and on the embedded pair (SQLite + folder).
//
// For each (backend pair, fault point): a xronox_crash_writer armed with
// XRONOX_FAULT_STOP=<point>:3 writes one record until the third pass of the point kills it
// (two writes acknowledged before). The test checks that it died by SIGKILL (the point was
// reached), that what readers see right after the crash is consistent (every history entry has
// its payload; the head is the last acknowledged write or the dead one, whole), then recovers:
// a second writer writes the same record (finishing or discarding the dead write), and
// verify --repair runs once the claim lease has passed. Afterwards every acknowledged write is
// intact, the dead write is fully visible or not at all, and verify is clean.
// Points that a backend pair cannot reach are skipped with the reason, after a writer armed
// with them finished its writes without dying.
#include <gtest/gtest.h>

#include <map>

#include "common/fault_point.h"
#include "common/hash.h"
#include "integration/fault_support.h"

namespace xronox::testing {
namespace {

constexpr int kFaultPass = 3;
constexpr const char* kRecordId = "r0";
const auto kLease = std::chrono::milliseconds(1200);  // The configured lease (1 s) and a margin.

struct KillCase {
  std::string backend;  // "mongo_s3" or "embedded".
  std::string point;
};
void PrintTo(const KillCase& c, std::ostream* os) { *os << c.backend << " " << c.point; }

// Why `point` cannot be reached on `backend`; empty when it can.
std::string Unreachable(const KillCase& c) {
  if (c.backend == "mongo_s3") {
    if (c.point == "version_object_created") {
      return "S3 has no atomic create-only write (CreateOnlyIsAtomic() is false), so runtime "
             "commits take the claimed path (version_claimed, version_object_written)";
    }
    return "";
  }
  if (c.point == "version_claimed" || c.point == "version_object_written") {
    return "the folder store's create-only write is atomic (O_EXCL), so runtime commits need no "
           "claim";
  }
  if (c.point == "version_row_inserted") {
    return "SQLite writes the version row and the head in one transaction";
  }
  if (c.point == "head_written_counts_pending") {
    return "SQLite adds the counters in the head's transaction";
  }
  return "";
}

// A write in progress when its writer died: if it ever becomes visible, it is `version`.
struct DeadWrite {
  int64_t version = 0;
  std::string hash;
};

// What the writers of one record said, in order: acknowledged writes and the dead ones.
struct Outcome {
  std::vector<WriterLine> acks;
  std::vector<DeadWrite> dead;

  int64_t LastAck() const { return acks.empty() ? -1 : acks.back().version; }
  bool IsDead(int64_t version, const std::string& hash) const {
    for (const DeadWrite& d : dead) {
      if (d.version == version && d.hash == hash) return true;
    }
    return false;
  }
  // Adds one writer's lines; returns how many writes it acknowledged.
  size_t Absorb(const std::string& file) {
    size_t before = acks.size();
    std::string pending;
    for (const WriterLine& line : ReadWriterLines(file)) {
      if (line.tag == "TRY") pending = line.hash;
      if (line.tag == "ACK") acks.push_back(line), pending.clear();
    }
    // Versions grow by one per write: a dead write that became visible took the next one.
    if (!pending.empty()) dead.push_back({LastAck() + 1, pending});
    return acks.size() - before;
  }
};

class FaultKillTest : public ::testing::TestWithParam<KillCase> {
 protected:
  void SetUp() override {
    if (!FaultPointsEnabled()) GTEST_SKIP() << "this build has no fault points (release preset)";
    ASSERT_FALSE(std::string(XRONOX_CRASH_WRITER_BINARY).empty());
    if (GetParam().backend == "mongo_s3") {
      XRONOX_REQUIRE_MONGO_AND_S3();
      services_ = std::make_unique<ServiceStore>();
      store_args_ = {"--config", services_->WriteConfigFile(dir_.path())};
    } else {
      store_args_ = {"--data", dir_.path() + "/data"};
    }
  }

  bool Runtime() const { return GetParam().point.starts_with("version_"); }

  // Runs a writer on kRecordId to its end: `count` writes, or death at `fault` (if not empty).
  ProcessEnd RunWriter(const std::string& fault, int seed, int count, const std::string& out) {
    std::vector<std::string> args = store_args_;
    std::string large_every = GetParam().point == "plain_object_written" ? "1" : "2";
    args.insert(args.end(), {"--mode", Runtime() ? "runtime" : "knowledge", "--records", "1",
                             "--seed", std::to_string(seed), "--count", std::to_string(count),
                             "--large-every", large_every});
    std::vector<std::pair<std::string, std::string>> env;
    if (!fault.empty()) env.emplace_back("XRONOX_FAULT_STOP", fault);
    pid_t pid = SpawnProcess(XRONOX_CRASH_WRITER_BINARY, args, env, out, out + ".err");
    ProcessEnd end = WaitForEnd(pid, std::chrono::seconds(60));
    if (!end.KilledBy(SIGKILL) && end.exit_code != 0) {
      ADD_FAILURE() << "writer " << end.Describe() << "; stderr: " << ReadTextFile(out + ".err");
    }
    return end;
  }

  Result<std::unique_ptr<Xronox>> OpenStore() {
    if (services_) return services_->Open();
    XRONOX_ASSIGN_OR_RETURN(Config config, CreateEmbeddedConfig(dir_.path() + "/data"));
    config.engine.claim_lease_seconds = 1;
    return Xronox::Open(config);
  }

  Result<Collection> Bind(Xronox& store) {
    if (Runtime()) return store.With({DatabaseType::kRuntime, Tier::kTenant, "crash", "ledger"});
    return store.With({DatabaseType::kKnowledge, Tier::kGeneric, "", "facts"});
  }

  // A writer armed with `fault`: it must die by SIGKILL after kFaultPass - 1 acknowledgements.
  void Crash(const std::string& fault, int seed, Outcome& outcome) {
    std::string out = dir_.path() + "/writer" + std::to_string(seed);
    ProcessEnd end = RunWriter(fault, seed, 100, out);
    ASSERT_TRUE(end.KilledBy(SIGKILL)) << "the writer armed with " << fault << " " << end.Describe()
                                       << ": the fault point was not reached";
    size_t before = outcome.dead.size();
    ASSERT_EQ(outcome.Absorb(out), static_cast<size_t>(kFaultPass - 1));
    ASSERT_EQ(outcome.dead.size(), before + 1) << "the writer died outside a write";
  }

  // A writer that must finish two writes of the record.
  void WriteAfter(int seed, Outcome& outcome) {
    std::string out = dir_.path() + "/writer" + std::to_string(seed);
    ASSERT_EQ(RunWriter("", seed, 2, out).exit_code, 0);
    ASSERT_EQ(outcome.Absorb(out), 2u);
  }

  TempDir dir_;
  std::unique_ptr<ServiceStore> services_;
  std::vector<std::string> store_args_;
};

// The hash of `id`'s data at `version` (current when nullopt); "" with a failure if unreadable.
std::string DataHash(Collection& c, std::optional<int64_t> version, int64_t* current = nullptr) {
  GetOptions options;
  options.version = version;
  auto record = c.Get(kRecordId, options);
  EXPECT_TRUE(record.ok()) << kRecordId << (version ? " v" + std::to_string(*version) : "") << ": "
                           << record.status().ToString();
  if (!record.ok()) return "";
  if (current) *current = record->version;
  return Sha256Hex(record->data.dump());
}

// Runtime: every history entry has its payload; each version holds an acknowledged write or,
// right after the last acknowledged one, the dead write; the head is the newest version, or
// (on MongoDB, between the version row and the head) the one before it.
void ExpectRuntimeConsistent(Collection& c, const Outcome& o, bool after_recovery) {
  std::map<int64_t, std::string> acked;
  for (const WriterLine& ack : o.acks) acked[ack.version] = ack.hash;
  HistoryOptions oldest_first;
  oldest_first.limit = 1000;
  oldest_first.newest_first = false;
  auto page = c.History(kRecordId, oldest_first);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  int64_t expected = 0;
  for (const VersionInfo& info : page->versions) {
    ASSERT_EQ(info.version, expected++) << "the version chain has a gap";
    std::string hash = DataHash(c, info.version);
    bool is_acked = acked.count(info.version) && acked[info.version] == hash;
    bool is_dead = o.IsDead(info.version, hash);
    EXPECT_TRUE(is_acked || is_dead) << "v" << info.version << " holds data of no write";
    EXPECT_TRUE(is_acked || !acked.count(info.version))
        << "acknowledged v" << info.version << " was replaced by other data";
  }
  for (const auto& [version, hash] : acked) {
    EXPECT_LT(version, expected) << "acknowledged v" << version << " is missing";
  }
  int64_t current = -1;
  std::string hash = DataHash(c, std::nullopt, &current);
  EXPECT_TRUE(current == expected - 1 || (!after_recovery && current == expected - 2))
      << "head at v" << current << " with " << expected << " versions indexed";
  if (current >= 0 && current < expected) {
    EXPECT_EQ(hash, DataHash(c, current));
  }
}

// Non-versioned: the current state is the last acknowledged write, or the dead one after it,
// whole (before recovery and after: a recovery may finish the dead write). Before recovery a
// read may also be refused as unavailable: where the dead write already overwrote the
// record's object, the old state is gone and the new one may not be committed by a reader
// until the claim's lease has passed.
void ExpectPlainConsistent(Collection& c, const Outcome& o, bool after_recovery) {
  auto record = c.Get(kRecordId);
  if (!after_recovery && record.status().code() == StatusCode::kUnavailable) {
    std::cout << "read right after the crash: " << record.status().ToString() << "\n";
    return;
  }
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  std::string hash = Sha256Hex(record->data.dump());
  const WriterLine& last = o.acks.back();
  if (record->version == last.version) {
    EXPECT_EQ(hash, last.hash) << "the last acknowledged write reads back other data";
  } else {
    EXPECT_TRUE(o.IsDead(record->version, hash))
        << "head at v" << record->version << " holds data of no write";
  }
}

// Verify (and repair); every problem fails the test, and so do counters that differ from
// their recount unless `counters_may_be_off` (a crash between a head and its counts on a hot
// store without transactions, before repair); returns the garbage found.
std::vector<std::string> VerifyNoProblems(Collection& c, bool repair, const std::string& when,
                                          bool counters_may_be_off = false) {
  auto report = c.Verify(repair);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  if (!report.ok()) return {};
  for (const std::string& problem : report->problems) {
    ADD_FAILURE() << "verify" << (repair ? " --repair" : "") << " " << when << ": " << problem;
  }
  EXPECT_TRUE(report->counters_checked) << when;
  if (report->CountersMismatch() && !counters_may_be_off) {
    ADD_FAILURE() << "verify " << when << ": counters "
                  << CountsToJson(report->counters_stored).dump() << ", recounted "
                  << CountsToJson(report->counters_recounted).dump();
  }
  if (report->CountersMismatch()) {
    std::cout << "counters off after the crash: " << CountsToJson(report->counters_stored).dump()
              << ", recounted " << CountsToJson(report->counters_recounted).dump() << "\n";
  }
  return report->garbage;
}

TEST_P(FaultKillTest, WriterKilledAtFaultPointRecovers) {
  const KillCase& c = GetParam();
  std::string fault = c.point + ":" + std::to_string(kFaultPass);
  std::string reason = Unreachable(c);
  if (!reason.empty()) {
    ProcessEnd end = RunWriter(fault, 1, 2 * kFaultPass, dir_.path() + "/unreachable");
    ASSERT_FALSE(end.KilledBy(SIGKILL)) << c.point << " was reached on " << c.backend
                                        << ", which the test holds unreachable: " << reason;
    GTEST_SKIP() << c.point << " is unreachable on " << c.backend << ": " << reason
                 << " (a writer armed with it finished its writes)";
  }
  auto store = OpenStore();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto collection = Bind(**store);
  ASSERT_TRUE(collection.ok()) << collection.status().ToString();
  auto expect_consistent = Runtime() ? ExpectRuntimeConsistent : ExpectPlainConsistent;
  Outcome outcome;

  // Round 1: another writer of the record, at once, meets what the dead one left.
  ASSERT_NO_FATAL_FAILURE(Crash(fault, 1, outcome));
  expect_consistent(*collection, outcome, /*after_recovery=*/false);
  ASSERT_NO_FATAL_FAILURE(WriteAfter(2, outcome));
  expect_consistent(*collection, outcome, /*after_recovery=*/true);

  // Round 2: verify --repair, once the lease has passed, finishes what the dead one left.
  ASSERT_NO_FATAL_FAILURE(Crash(fault, 3, outcome));
  auto died = std::chrono::steady_clock::now();
  expect_consistent(*collection, outcome, /*after_recovery=*/false);
  std::this_thread::sleep_until(died + kLease);
  // A crash leaves garbage (reported, not failed), never a problem (exit 2 from xronox verify).
  bool counts_pending = c.point == "head_written_counts_pending";
  for (const std::string& g :
       VerifyNoProblems(*collection, false, "after the crash", counts_pending)) {
    std::cout << c.backend << " " << c.point << ": garbage after the crash: " << g << "\n";
  }
  VerifyNoProblems(*collection, true, "after the crash", counts_pending);
  expect_consistent(*collection, outcome, /*after_recovery=*/true);
  EXPECT_TRUE(VerifyNoProblems(*collection, false, "after repair").empty())
      << "verify finds garbage after repair";

  ASSERT_NO_FATAL_FAILURE(WriteAfter(4, outcome));
  expect_consistent(*collection, outcome, /*after_recovery=*/true);
  EXPECT_TRUE(VerifyNoProblems(*collection, false, "at the end").empty());
  for (const DeadWrite& d : outcome.dead) {
    bool visible = true;  // Unless an acknowledged write took its version.
    for (const WriterLine& ack : outcome.acks) visible &= ack.version != d.version;
    std::cout << c.backend << " " << c.point << ": the write killed at v" << d.version << " was "
              << (visible ? "finished" : "discarded") << "\n";
  }
}

std::vector<KillCase> AllCases() {
  std::vector<KillCase> cases;
  for (const char* backend : {"mongo_s3", "embedded"}) {
    for (std::string_view point : kFaultPointNames) cases.push_back({backend, std::string(point)});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Points, FaultKillTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<KillCase>& info) {
                           return info.param.backend + "_" + info.param.point;
                         });

}  // namespace
}  // namespace xronox::testing
