// Crash safety on the embedded backends: writer processes are killed with SIGKILL at random
// instants, again and again; afterwards every acknowledged write is intact, nothing is
// half-visible, and verify is clean (or clean after --repair).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "common/hash.h"
#include "support/temp_dir.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

struct Ack {
  std::string type, id;
  int64_t version;
  std::string hash;
};

pid_t StartWriter(const std::string& data_dir, int seed, const std::string& out_file) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    std::string seed_text = std::to_string(seed);
    execl(XRONOX_CRASH_WRITER_BINARY, XRONOX_CRASH_WRITER_BINARY, data_dir.c_str(),
          seed_text.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

std::vector<Ack> ReadAcks(const std::string& file) {
  std::ifstream in(file);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Ack> acks;
  std::istringstream lines(content);
  std::string line;
  while (std::getline(lines, line)) {
    if (lines.eof() && !content.ends_with("\n")) break;  // Cut mid-line: not acknowledged.
    std::istringstream fields(line);
    Ack ack;
    std::string tag;
    if (fields >> tag >> ack.type >> ack.id >> ack.version >> ack.hash && tag == "ACK") {
      acks.push_back(ack);
    }
  }
  return acks;
}

void ExpectVerifyClean(Xronox& store, bool repair, int64_t* garbage) {
  for (Target target : {Target{DatabaseType::kRuntime, Tier::kTenant, "crash", "ledger"},
                        Target{DatabaseType::kKnowledge, Tier::kGeneric, "", "facts"}}) {
    auto collection = store.With(target);
    ASSERT_TRUE(collection.ok());
    auto report = collection->Verify(repair);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    for (const auto& problem : report->problems) ADD_FAILURE() << problem;
    // SQLite adds the counters in the head's transaction: exact after any kill, unrepaired.
    EXPECT_TRUE(report->counters_checked);
    EXPECT_EQ(report->counters_stored, report->counters_recounted)
        << target.collection << ": stored " << CountsToJson(report->counters_stored).dump()
        << ", recounted " << CountsToJson(report->counters_recounted).dump();
    EXPECT_GT(report->counters_recounted.created, 0);
    *garbage += report->garbage.size();
  }
}

TEST(CrashTest, KilledWritersLoseNoAcknowledgedWrite) {
  TempDir dir;
  std::string data = dir.path() + "/data";
  std::mt19937 rng(20261125);
  std::vector<Ack> acks;
  constexpr int kRounds = 12;
  for (int round = 0; round < kRounds; ++round) {
    std::string out_a = dir.path() + "/a" + std::to_string(round);
    std::string out_b = dir.path() + "/b" + std::to_string(round);
    pid_t a = StartWriter(data, 2 * round, out_a);
    pid_t b = StartWriter(data, 2 * round + 1, out_b);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 400));
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    for (pid_t pid : {a, b}) {
      int status = 0;
      waitpid(pid, &status, 0);
      // A writer that stopped by itself hit an error other than the kill: that is a failure.
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
          << "writer exited by itself with status " << status;
    }
    for (const auto& file : {out_a, out_b}) {
      auto round_acks = ReadAcks(file);
      acks.insert(acks.end(), round_acks.begin(), round_acks.end());
    }
  }
  ASSERT_GT(acks.size(), 50u) << "writers acknowledged too few writes to test anything";

  auto config = CreateEmbeddedConfig(data);
  ASSERT_TRUE(config.ok());
  auto store = Xronox::Open(*config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto runtime = (*store)->With({DatabaseType::kRuntime, Tier::kTenant, "crash", "ledger"});
  auto knowledge = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "facts"});
  ASSERT_TRUE(runtime.ok() && knowledge.ok());

  std::map<std::string, Ack> latest_knowledge;
  for (const auto& ack : acks) {
    if (ack.type == "runtime") {
      GetOptions at;
      at.version = ack.version;
      auto record = runtime->Get(ack.id, at);
      ASSERT_TRUE(record.ok()) << ack.id << " v" << ack.version << ": "
                               << record.status().ToString();
      EXPECT_EQ(Sha256Hex(record->data.dump()), ack.hash) << ack.id << " v" << ack.version;
    } else if (latest_knowledge[ack.id].version <= ack.version) {
      latest_knowledge[ack.id] = ack;
    }
  }
  for (const auto& [id, ack] : latest_knowledge) {
    auto record = knowledge->Get(id);
    ASSERT_TRUE(record.ok()) << id << ": " << record.status().ToString();
    EXPECT_GE(record->version, ack.version) << id;
    if (record->version == ack.version) {
      EXPECT_EQ(Sha256Hex(record->data.dump()), ack.hash);
    }
  }

  int64_t garbage = 0;
  ExpectVerifyClean(**store, /*repair=*/false, &garbage);
  std::cout << "acknowledged writes: " << acks.size() << ", garbage before repair: " << garbage
            << "\n";
  // Claims left by killed writers are garbage only once their lease expires, so repair here
  // removes what is already recognisable (unindexed versions) and must leave no problem.
  ExpectVerifyClean(**store, /*repair=*/true, &garbage);
}

}  // namespace
}  // namespace xronox::testing
