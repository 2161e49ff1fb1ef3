// Racing writer processes on MongoDB + S3 (docs/formats/write-protocol.md: no lost update).
// Four xronox_crash_writer processes read a few shared runtime records and write on top of
// what they read with an expected version (If-Match semantics) for a few seconds, while the
// test verifies the store again and again (it may find writes in flight, never a problem).
// Afterwards each record's versions form a gap-free chain 0..n, each acknowledged
// (id, version) was won by exactly one writer, every acknowledged version reads back with the
// data its writer sent, no version holds data nobody tried to write, and verify finds no
// problem.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "common/hash.h"
#include "integration/fault_support.h"

namespace xronox::testing {
namespace {

constexpr int kWriters = 4;
constexpr int kRecords = 3;
constexpr const char* kTenant = "crash";
constexpr int kWriteSeconds = 2;

struct RaceRun {
  std::vector<WriterLine> acks;
  std::set<std::string> tried;  // Hashes of every write attempted (TRY lines).
  long conflicts = 0;
};

// Starts the writers; they stop after kWriteSeconds.
std::vector<pid_t> StartWriters(const std::string& config_file, const std::string& dir) {
  std::vector<pid_t> pids;
  for (int i = 0; i < kWriters; ++i) {
    std::vector<std::string> args{"--config",      config_file,
                                  "--mode",        "race",
                                  "--seed",        std::to_string(i + 1),
                                  "--records",     std::to_string(kRecords),
                                  "--seconds",     std::to_string(kWriteSeconds),
                                  "--tenant",      kTenant,
                                  "--large-every", "7"};
    std::string out = dir + "/writer" + std::to_string(i);
    pids.push_back(SpawnProcess(XRONOX_CRASH_WRITER_BINARY, args, {}, out, out + ".err"));
  }
  return pids;
}

// Verifies again and again while the writers run: a store under load is consistent at every
// instant, so verify may find garbage (writes in flight) but never a problem.
void VerifyWhileWriting(Collection& c) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(kWriteSeconds);
  std::set<std::string> problems;
  int runs = 0;
  for (; std::chrono::steady_clock::now() < end; ++runs) {
    auto report = c.Verify(/*repair=*/false);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    problems.insert(report->problems.begin(), report->problems.end());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Leave the writers room.
  }
  std::cout << "verify ran " << runs << " times during the writes\n";
  for (const std::string& problem : problems) {
    ADD_FAILURE() << "verify during the writes: " << problem;
  }
}

// Waits for the writers and gathers their lines; a writer that fails fails the test.
RaceRun FinishWriters(const std::vector<pid_t>& pids, const std::string& dir) {
  RaceRun run;
  for (int i = 0; i < kWriters; ++i) {
    ProcessEnd end = WaitForEnd(pids[i], std::chrono::seconds(60));
    std::string out = dir + "/writer" + std::to_string(i);
    std::string err = ReadTextFile(out + ".err");
    EXPECT_TRUE(end.finished && end.exit_code == 0)
        << "writer " << i << " " << end.Describe() << "; stderr: " << err;
    size_t done = err.rfind("acknowledged, ");
    if (done != std::string::npos) run.conflicts += std::atol(err.c_str() + done + 14);
    for (const WriterLine& line : ReadWriterLines(out)) {
      if (line.tag == "ACK") run.acks.push_back(line);
      if (line.tag == "TRY") run.tried.insert(line.hash);
    }
  }
  return run;
}

// The versions of `id`, oldest first, through every page of its history.
std::vector<int64_t> AllVersions(Collection& c, const std::string& id) {
  std::vector<int64_t> versions;
  HistoryOptions options;
  options.newest_first = false;
  options.limit = 100;
  while (true) {
    auto page = c.History(id, options);
    EXPECT_TRUE(page.ok()) << id << ": " << page.status().ToString();
    if (!page.ok()) return versions;
    for (const VersionInfo& info : page->versions) versions.push_back(info.version);
    if (!page->next) return versions;
    options.cursor = *page->next;
  }
}

// The data hash of every stored version, by (record, version).
using StoredHashes = std::map<std::pair<std::string, int64_t>, std::string>;

void ExpectGapFreeAndTried(Collection& c, const std::string& id, const RaceRun& run,
                           StoredHashes& stored) {
  std::vector<int64_t> versions = AllVersions(c, id);
  for (size_t i = 0; i < versions.size(); ++i) {
    ASSERT_EQ(versions[i], static_cast<int64_t>(i)) << id << ": the version chain has a gap";
    GetOptions at;
    at.version = versions[i];
    auto record = c.Get(id, at);
    ASSERT_TRUE(record.ok()) << id << " v" << i << ": " << record.status().ToString();
    std::string hash = Sha256Hex(record->data.dump());
    EXPECT_TRUE(run.tried.count(hash)) << id << " v" << i << " holds data no writer tried";
    stored[{id, versions[i]}] = hash;
  }
  auto head = c.Get(id);
  if (!versions.empty()) {
    ASSERT_TRUE(head.ok()) << id << ": " << head.status().ToString();
    EXPECT_EQ(head->version, versions.back()) << id << ": head is not the latest version";
  }
}

void ExpectAcksWonOnce(const RaceRun& run, const StoredHashes& stored) {
  std::map<std::pair<std::string, int64_t>, int> winners;
  for (const WriterLine& ack : run.acks) {
    int wins = ++winners[{ack.id, ack.version}];
    EXPECT_EQ(wins, 1) << ack.id << " v" << ack.version << " acknowledged to two writers";
    auto it = stored.find({ack.id, ack.version});
    ASSERT_TRUE(it != stored.end()) << ack.id << " v" << ack.version << " acknowledged, not stored";
    EXPECT_EQ(it->second, ack.hash)
        << ack.id << " v" << ack.version << " reads back other data than its writer sent";
  }
}

TEST(FaultRaceTest, RacingWriterProcessesEachVersionHasOneWinner) {
  XRONOX_REQUIRE_MONGO_AND_S3();
  TempDir dir;
  ServiceStore services;
  std::string config_file = services.WriteConfigFile(dir.path());
  // Bind first: it creates the collections, which FerretDB v1.24.2 cannot do from several
  // connections at once (it panics on concurrent createIndexes and drops the connections).
  auto store = services.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto ledger = (*store)->With({DatabaseType::kRuntime, Tier::kTenant, kTenant, "ledger"});
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  ASSERT_TRUE((*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "facts"}).ok());
  std::vector<pid_t> pids = StartWriters(config_file, dir.path());
  VerifyWhileWriting(*ledger);
  RaceRun run = FinishWriters(pids, dir.path());
  std::cout << "acknowledged writes: " << run.acks.size() << ", lost races: " << run.conflicts
            << "\n";
  ASSERT_GE(run.acks.size(), 20u) << "the writers won too few writes to test anything";
  EXPECT_GT(run.conflicts, 0) << "no writer ever lost a race: the test did not race";

  StoredHashes stored;
  for (int i = 0; i < kRecords; ++i) {
    ExpectGapFreeAndTried(*ledger, "r" + std::to_string(i), run, stored);
  }
  ExpectAcksWonOnce(run, stored);

  auto report = ledger->Verify(/*repair=*/false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const std::string& problem : report->problems) ADD_FAILURE() << "verify: " << problem;
  for (const std::string& garbage : report->garbage) std::cout << "garbage: " << garbage << "\n";
}

}  // namespace
}  // namespace xronox::testing
