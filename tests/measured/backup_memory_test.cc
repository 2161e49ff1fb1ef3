// A backup and a restore of 100,000 records (about 100 MB of record data) on the embedded
// store, each run by the CLI as its own process: the process's peak resident memory stays far
// below the data's size, so neither holds the collection; and a backup killed half-way leaves
// no manifest that claims to be complete, while the next run completes.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <filesystem>
#include <thread>

#include "integration/test_support.h"
#include "support/temp_dir.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

constexpr int kRecords = 100000;
constexpr int64_t kPeakBoundKib = 64 << 10;  // 64 MiB.

struct CliRun {
  int exit_code = -1;
  int64_t peak_kib = 0;
  double seconds = 0;
};

class BackupMemoryTest : public ::testing::Test {
 protected:
  // True once a backup part of the collection is committed in the backups folder.
  bool APartIsWritten() {
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(dir_.path() + "/objects", error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
      if (it->path().filename() == "part-000001.ndjson.zst") return true;
    }
    return false;
  }

  // Runs the CLI on the store; with `kill_after_a_part`, SIGKILL once a part is written.
  CliRun Cli(std::vector<std::string> args, bool kill_after_a_part = false) {
    args.insert(args.begin(), {"--data", dir_.path()});
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      freopen("/dev/null", "w", stdout);
      freopen((dir_.path() + "/cli.err").c_str(), "w", stderr);
      std::vector<char*> argv{const_cast<char*>(XRONOX_CLI_BINARY)};
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(XRONOX_CLI_BINARY, argv.data());
      _exit(127);
    }
    if (kill_after_a_part) {
      for (int i = 0; i < 6000 && !APartIsWritten(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      kill(pid, SIGKILL);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    CliRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    run.peak_kib = usage.ru_maxrss;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
  }

  TempDir dir_;
};

TEST_F(BackupMemoryTest, BackupAndRestoreOfAHundredThousandRecordsRunInBoundedMemory) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "peak memory is measured without sanitizers";
#endif
  std::string filler(900, 'x');
  {
    auto config = CreateEmbeddedConfig(dir_.path());
    ASSERT_TRUE(config.ok());
    auto store = Xronox::Open(*config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto docs = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "docs"});
    ASSERT_TRUE(docs.ok());
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRecords; ++i) {
      auto put = docs->Put("d" + std::to_string(1000000 + i), {{"n", i}, {"text", filler}}, {});
      ASSERT_TRUE(put.ok()) << put.status().ToString();
    }
    std::cout << "[ backup   ] seeded " << kRecords << " records in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s" << std::endl;
  }
  CliRun killed = Cli({"backup", "create", "--collection", "docs"}, /*kill_after_a_part=*/true);
  EXPECT_EQ(killed.exit_code, -SIGKILL) << "the backup finished before it was killed";
  CliRun backup = Cli({"backup", "create", "--collection", "docs"});
  ASSERT_EQ(backup.exit_code, 0);
  CliRun restore = Cli({"backup", "restore", "--collection", "docs", "--exact"});
  ASSERT_EQ(restore.exit_code, 0);
  std::cout << "[ backup   ] " << kRecords << " records (~" << kRecords * 950 / (1 << 20)
            << " MiB): backup " << backup.seconds << " s, peak " << (backup.peak_kib >> 10)
            << " MiB; restore " << restore.seconds << " s, peak " << (restore.peak_kib >> 10)
            << " MiB" << std::endl;
  EXPECT_LT(backup.peak_kib, kPeakBoundKib);
  EXPECT_LT(restore.peak_kib, kPeakBoundKib);

  auto config = CreateEmbeddedConfig(dir_.path());
  auto store = Xronox::Open(*config);
  ASSERT_TRUE(store.ok());
  auto docs = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "docs"});
  ASSERT_TRUE(docs.ok());
  auto list = docs->ListBackups();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->complete.size(), 1u) << "the killed run left a manifest";
  EXPECT_EQ(list->complete[0].records, kRecords);
  EXPECT_EQ(list->incomplete.size(), 1u) << "the killed run is listed as incomplete";
  auto check = docs->VerifyBackup("latest");
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok());
  auto counts = docs->Counters();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->live, kRecords);
}

}  // namespace
}  // namespace xronox::testing
