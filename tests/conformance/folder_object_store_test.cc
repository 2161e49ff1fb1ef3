// What only the folder ObjectStore promises: its files on disk, temp files, confinement to
// the root, persistence, and crash safety. The shared contract is in
// object_store_conformance_test.cc.

#include "store/object/fs/folder_object_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "conformance/object_store_test_util.h"
#include "store/object/fs/errno_status.h"

namespace xronox::store {
namespace {

namespace fs = std::filesystem;
using object_store_test::FilesBelow;
using object_store_test::HasCode;
using object_store_test::IsOk;
using object_store_test::ScopedTempDir;

constexpr char kBucket[] = "bkt";
constexpr TimestampMicros kHour = 3600LL * 1'000'000;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

void SetMtime(const fs::path& path, TimestampMicros micros) {
  timespec times[2];
  times[0].tv_sec = times[1].tv_sec = micros / 1'000'000;
  times[0].tv_nsec = times[1].tv_nsec = (micros % 1'000'000) * 1000;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

bool HasTempFile(const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    if (fs::path(file).filename().string().starts_with(".xronox-tmp")) return true;
  }
  return false;
}

class FolderObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "root";
    Reopen();
    ASSERT_TRUE(IsOk(store_->EnsureBucket(kBucket)));
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<FolderObjectStore>> opened = FolderObjectStore::Open(root_.string());
    ASSERT_TRUE(IsOk(opened.status()));
    store_ = std::move(opened).value();
  }

  Status Put(const std::string& key, const std::string& bytes, PutMode mode = PutMode::kOverwrite) {
    return store_->Put(kBucket, key, bytes, mode);
  }

  std::vector<std::string> ListKeys() {
    Result<ListPage> page = store_->List(kBucket, "", "", 1000);
    EXPECT_TRUE(IsOk(page.status()));
    std::vector<std::string> keys;
    if (page.ok()) {
      for (const ObjectInfo& info : page->objects) keys.push_back(info.key);
    }
    return keys;
  }

  ScopedTempDir tmp_;
  fs::path root_;
  std::unique_ptr<FolderObjectStore> store_;
};

TEST_F(FolderObjectStoreTest, OpenCreatesMissingRootAndRefusesAFile) {
  fs::path nested = tmp_.path() / "x" / "y" / "z";
  Result<std::unique_ptr<FolderObjectStore>> opened = FolderObjectStore::Open(nested.string());
  ASSERT_TRUE(IsOk(opened.status()));
  EXPECT_TRUE(fs::is_directory(nested));
  WriteFile(tmp_.path() / "plain-file", "not a directory");
  EXPECT_FALSE(FolderObjectStore::Open((tmp_.path() / "plain-file").string()).ok());
  EXPECT_TRUE(HasCode(FolderObjectStore::Open("").status(), StatusCode::kInvalidArgument));
}

// Keys differ by letter case (record ids "Order-1" and "order-1", collections "Orders" and
// "orders"): on a case-sensitive file system they are separate files, and the probe Open
// makes leaves nothing behind.
TEST_F(FolderObjectStoreTest, KeysThatDifferOnlyInCaseAreSeparateFiles) {
  const std::vector<std::string> keys = {
      "records/orders/Order-1/current.json", "records/orders/order-1/current.json",
      "records/Orders/order-1/current.json", "content/orders/o/Scan/blob"};
  for (const std::string& key : keys) ASSERT_TRUE(IsOk(Put(key, key)));
  for (const std::string& key : keys) {
    Result<std::string> got = store_->Get(kBucket, key);
    ASSERT_TRUE(IsOk(got.status())) << key;
    EXPECT_EQ(*got, key);
  }
  EXPECT_EQ(ListKeys().size(), keys.size());
  EXPECT_FALSE(fs::exists(root_ / ".xronox-case-Probe"));
}

// A file system that folds case (macOS, Windows, ext4 or tmpfs with casefold) resolves the
// probe's other-case name to the probe itself. None can be mounted here, so a second name for
// the same file (a hard link) stands in for what such a file system shows: Open refuses it.
TEST_F(FolderObjectStoreTest, OpenRefusesAFileSystemThatFoldsCase) {
  fs::path folding = tmp_.path() / "folding";
  fs::create_directories(folding);
  WriteFile(folding / ".xronox-case-Probe", "");
  fs::create_hard_link(folding / ".xronox-case-Probe", folding / ".xronox-case-pROBE");
  Result<std::unique_ptr<FolderObjectStore>> opened = FolderObjectStore::Open(folding.string());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(opened.status().message().find("compares names without letter case"), std::string::npos)
      << opened.status().ToString();
  // Two distinct files under the two names are what a case-sensitive one shows.
  fs::remove(folding / ".xronox-case-pROBE");
  WriteFile(folding / ".xronox-case-pROBE", "");
  EXPECT_TRUE(IsOk(FolderObjectStore::Open(folding.string()).status()));
}

TEST_F(FolderObjectStoreTest, ObjectsAreFilesUnderTheBucketDirectory) {
  ASSERT_TRUE(IsOk(Put("records/users/u1/current.json", "{\"a\":1}")));
  EXPECT_EQ(ReadFile(root_ / kBucket / "records" / "users" / "u1" / "current.json"), "{\"a\":1}");
  EXPECT_EQ(FilesBelow(root_), (std::vector<std::string>{"bkt/records/users/u1/current.json"}));
}

TEST_F(FolderObjectStoreTest, NoTempFilesRemainAfterWritesThatSucceedOrFail) {
  ASSERT_TRUE(IsOk(Put("v/1.json", "one", PutMode::kCreateOnly)));
  EXPECT_FALSE(Put("v/1.json", "again", PutMode::kCreateOnly).ok());
  ASSERT_TRUE(IsOk(Put("v/1.json", "replaced")));
  ASSERT_TRUE(IsOk(Put("deep/a/b/c/d", std::string(1 << 20, 'x'))));
  EXPECT_FALSE(Put("deep/a", "over a folder").ok());
  EXPECT_FALSE(Put("deep/a", "over a folder", PutMode::kCreateOnly).ok());
  EXPECT_FALSE(Put("v/1.json/under", "under an object").ok());
  std::vector<std::string> files = FilesBelow(root_);
  EXPECT_FALSE(HasTempFile(files)) << ::testing::PrintToString(files);
  EXPECT_EQ(files, (std::vector<std::string>{"bkt/deep/a/b/c/d", "bkt/v/1.json"}));
}

TEST_F(FolderObjectStoreTest, StrayTempFilesAreInvisibleAndSweptByAge) {
  ASSERT_TRUE(IsOk(Put("b/object", "real")));
  TimestampMicros now = SystemClock::Default()->NowMicros();
  WriteFile(root_ / kBucket / ".xronox-tmp-old1", "partial");
  WriteFile(root_ / kBucket / "a" / ".xronox-tmp-old2", "partial");
  WriteFile(root_ / kBucket / "b" / ".xronox-tmp-fresh", "in flight");
  SetMtime(root_ / kBucket / ".xronox-tmp-old1", now - 2 * kHour);
  SetMtime(root_ / kBucket / "a" / ".xronox-tmp-old2", now - 3 * kHour);

  EXPECT_EQ(ListKeys(), (std::vector<std::string>{"b/object"}));
  EXPECT_TRUE(
      HasCode(store_->Get(kBucket, ".xronox-tmp-old1").status(), StatusCode::kInvalidArgument));
  Result<std::vector<std::string>> stray = store_->Leftovers(kBucket, "", now - kHour, false);
  ASSERT_TRUE(IsOk(stray.status()));
  EXPECT_EQ(*stray, (std::vector<std::string>{"bkt/.xronox-tmp-old1", "bkt/a/.xronox-tmp-old2"}));
  EXPECT_EQ(FilesBelow(root_).size(), 4u) << "listing must not remove anything";

  stray = store_->Leftovers(kBucket, "", now - kHour, true);
  ASSERT_TRUE(IsOk(stray.status()));
  EXPECT_EQ(stray->size(), 2u);
  EXPECT_EQ(FilesBelow(root_),
            (std::vector<std::string>{"bkt/b/.xronox-tmp-fresh", "bkt/b/object"}));
  EXPECT_FALSE(fs::exists(root_ / kBucket / "a")) << "a folder left empty is removed";

  stray = store_->Leftovers(kBucket, "", now + kHour, true);
  ASSERT_TRUE(IsOk(stray.status()));
  EXPECT_EQ(*stray, (std::vector<std::string>{"bkt/b/.xronox-tmp-fresh"}));
  EXPECT_EQ(FilesBelow(root_), (std::vector<std::string>{"bkt/b/object"}));
  EXPECT_EQ(ReadFile(root_ / kBucket / "b" / "object"), "real");
}

TEST_F(FolderObjectStoreTest, LeftoversAreScopedToBucketAndPrefix) {
  ASSERT_TRUE(IsOk(store_->EnsureBucket("other")));
  ASSERT_TRUE(IsOk(Put("versions/orders/r1/v0.json", "v0")));
  ASSERT_TRUE(IsOk(Put("versions/order/r2/v0.json", "v0")));
  TimestampMicros now = SystemClock::Default()->NowMicros();
  const std::vector<std::string> planted = {
      "bkt/versions/orders/r1/.xronox-tmp-a1",    // The collection's, old.
      "bkt/versions/orders/r9/.xronox-tmp-a2",    // The collection's, old, alone in its folder.
      "bkt/versions/orders/.xronox-tmp-a3",       // The collection's, old.
      "bkt/versions/orders/r1/.xronox-tmp-new",   // The collection's, in flight.
      "bkt/versions/order/r2/.xronox-tmp-b1",     // Another collection whose name is a prefix.
      "bkt/versions/.xronox-tmp-b2",              // Above every collection.
      "other/versions/orders/r1/.xronox-tmp-c1",  // Another bucket.
  };
  for (const std::string& file : planted) {
    WriteFile(root_ / file, "partial");
    if (!file.ends_with("-new")) SetMtime(root_ / file, now - 2 * kHour);
  }
  auto leftovers = [&](const std::string& bucket, const std::string& prefix,
                       TimestampMicros older_than, bool remove) {
    Result<std::vector<std::string>> found = store_->Leftovers(bucket, prefix, older_than, remove);
    EXPECT_TRUE(IsOk(found.status())) << bucket << " " << prefix;
    return found.ok() ? *found : std::vector<std::string>{"<failed>"};
  };
  const std::vector<std::string> orders = {"bkt/versions/orders/.xronox-tmp-a3",
                                           "bkt/versions/orders/r1/.xronox-tmp-a1",
                                           "bkt/versions/orders/r9/.xronox-tmp-a2"};
  EXPECT_EQ(leftovers(kBucket, "versions/orders/", now - kHour, false), orders);
  EXPECT_EQ(leftovers(kBucket, "versions/orders", now - kHour, false), orders);  // Mid-segment.
  EXPECT_EQ(leftovers(kBucket, "versions/orders/r1/", now - kHour, false),
            (std::vector<std::string>{"bkt/versions/orders/r1/.xronox-tmp-a1"}));
  EXPECT_EQ(leftovers(kBucket, "versions/order/", now - kHour, false),
            (std::vector<std::string>{"bkt/versions/order/r2/.xronox-tmp-b1"}));
  EXPECT_EQ(leftovers(kBucket, "versions/ord", now - kHour, false).size(), 4u);
  EXPECT_EQ(leftovers(kBucket, "", now - kHour, false).size(), 5u);
  EXPECT_EQ(leftovers("other", "versions/orders/", now - kHour, false),
            (std::vector<std::string>{"other/versions/orders/r1/.xronox-tmp-c1"}));
  EXPECT_TRUE(leftovers(kBucket, "versions/missing/", now + kHour, false).empty());
  EXPECT_TRUE(leftovers("no-such-bucket", "", now + kHour, false).empty());
  EXPECT_TRUE(leftovers(kBucket, "../other/", now + kHour, true).empty()) << "escaped the bucket";
  EXPECT_EQ(FilesBelow(root_).size(), planted.size() + 2) << "listing must not remove anything";

  EXPECT_EQ(leftovers(kBucket, "versions/orders/", now - kHour, true), orders);
  EXPECT_TRUE(leftovers(kBucket, "versions/orders/", now - kHour, false).empty());
  EXPECT_FALSE(fs::exists(root_ / kBucket / "versions" / "orders" / "r9"))
      << "a folder left empty is removed";
  EXPECT_EQ(leftovers(kBucket, "versions/orders/", now + kHour, true),
            (std::vector<std::string>{"bkt/versions/orders/r1/.xronox-tmp-new"}));
  EXPECT_EQ(FilesBelow(root_), (std::vector<std::string>{
                                   "bkt/versions/.xronox-tmp-b2",
                                   "bkt/versions/order/r2/.xronox-tmp-b1",
                                   "bkt/versions/order/r2/v0.json",
                                   "bkt/versions/orders/r1/v0.json",
                                   "other/versions/orders/r1/.xronox-tmp-c1",
                               }));
  EXPECT_EQ(store_->Get(kBucket, "versions/orders/r1/v0.json").value(), "v0");
}

TEST_F(FolderObjectStoreTest, KeysAndBucketsCannotEscapeTheRoot) {
  WriteFile(tmp_.path() / "victim", "precious");
  for (const std::string key : {"../victim", "../../victim", "a/../../victim", "../../../victim",
                                "./../victim", "../root2/x"}) {
    SCOPED_TRACE(key);
    EXPECT_TRUE(HasCode(Put(key, "pwned"), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(Put(key, "pwned", PutMode::kCreateOnly), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Get(kBucket, key).status(), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Delete(kBucket, key), StatusCode::kInvalidArgument));
  }
  for (const std::string bucket : {"..", "../victim", "../root2", "."}) {
    SCOPED_TRACE(bucket);
    EXPECT_TRUE(HasCode(store_->EnsureBucket(bucket), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Put(bucket, "victim", "pwned", PutMode::kOverwrite),
                        StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store_->Delete(bucket, "victim"), StatusCode::kInvalidArgument));
  }
  EXPECT_EQ(ReadFile(tmp_.path() / "victim"), "precious");
  EXPECT_EQ(FilesBelow(tmp_.path()), (std::vector<std::string>{"victim"}));
  std::set<std::string> top;
  for (const auto& entry : fs::directory_iterator(tmp_.path())) {
    top.insert(entry.path().filename().string());
  }
  EXPECT_EQ(top, (std::set<std::string>{"root", "victim"}));
}

TEST_F(FolderObjectStoreTest, SymlinksBelowABucketAreNeverFollowed) {
  fs::path elsewhere = tmp_.path() / "elsewhere";
  WriteFile(elsewhere / "secret", "outside");
  WriteFile(tmp_.path() / "victim", "precious");
  fs::create_directory_symlink(elsewhere, root_ / kBucket / "link");
  fs::create_symlink(tmp_.path() / "victim", root_ / kBucket / "flink");

  EXPECT_TRUE(HasCode(store_->Get(kBucket, "link/secret").status(), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->Get(kBucket, "flink").status(), StatusCode::kNotFound));
  Result<std::optional<ObjectInfo>> info = store_->Stat(kBucket, "link/secret");
  ASSERT_TRUE(IsOk(info.status()));
  EXPECT_FALSE(info->has_value());
  EXPECT_TRUE(ListKeys().empty());
  EXPECT_FALSE(Put("link/new", "x").ok());
  EXPECT_FALSE(fs::exists(elsewhere / "new"));
  EXPECT_TRUE(IsOk(store_->Delete(kBucket, "link/secret")));
  EXPECT_EQ(ReadFile(elsewhere / "secret"), "outside");
  EXPECT_FALSE(Put("flink", "x", PutMode::kCreateOnly).ok());
  // Overwrite replaces the link itself, never the file it points to.
  ASSERT_TRUE(IsOk(Put("flink", "replaced")));
  EXPECT_EQ(ReadFile(tmp_.path() / "victim"), "precious");
  EXPECT_FALSE(fs::is_symlink(root_ / kBucket / "flink"));
  EXPECT_EQ(store_->Get(kBucket, "flink").value(), "replaced");
}

TEST_F(FolderObjectStoreTest, BucketDirectoryMayBeASymlinkPlacedByAnOperator) {
  fs::path disk2 = tmp_.path() / "disk2";
  fs::create_directories(disk2);
  fs::create_directory_symlink(disk2, root_ / "linked");
  ASSERT_TRUE(IsOk(store_->EnsureBucket("linked")));
  ASSERT_TRUE(IsOk(store_->Put("linked", "a/b", "on disk2", PutMode::kOverwrite)));
  EXPECT_EQ(ReadFile(disk2 / "a" / "b"), "on disk2");
  EXPECT_EQ(store_->Get("linked", "a/b").value(), "on disk2");
}

TEST_F(FolderObjectStoreTest, DataPersistsAcrossReopen) {
  ASSERT_TRUE(IsOk(Put("versions/c/r1/v0.json", "v0", PutMode::kCreateOnly)));
  ASSERT_TRUE(IsOk(Put("records/c/r1/current.json", "head")));
  Reopen();
  EXPECT_EQ(store_->Get(kBucket, "versions/c/r1/v0.json").value(), "v0");
  EXPECT_EQ(store_->Get(kBucket, "records/c/r1/current.json").value(), "head");
  EXPECT_EQ(ListKeys(),
            (std::vector<std::string>{"records/c/r1/current.json", "versions/c/r1/v0.json"}));
  EXPECT_TRUE(HasCode(Put("versions/c/r1/v0.json", "other", PutMode::kCreateOnly),
                      StatusCode::kAlreadyExists));
}

TEST_F(FolderObjectStoreTest, DeleteRemovesFoldersThatBecameEmpty) {
  ASSERT_TRUE(IsOk(Put("a/b/c/d", "deep")));
  ASSERT_TRUE(IsOk(Put("a/x", "sibling")));
  ASSERT_TRUE(IsOk(store_->Delete(kBucket, "a/b/c/d")));
  EXPECT_FALSE(fs::exists(root_ / kBucket / "a" / "b"));
  EXPECT_TRUE(fs::exists(root_ / kBucket / "a" / "x"));
  ASSERT_TRUE(IsOk(store_->Delete(kBucket, "a/x")));
  EXPECT_FALSE(fs::exists(root_ / kBucket / "a"));
  EXPECT_TRUE(fs::is_directory(root_ / kBucket)) << "the bucket directory stays";
}

// Runs a child process that overwrites "swap" with `a` or `b` and creates "once/<round>/<i>"
// with `c` in a loop, and SIGKILLs it right after it announces its `writes`-th write.
void RunWriterAndKillIt(const fs::path& root, int round, int writes, const std::string& a,
                        const std::string& b, const std::string& c) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    auto child = FolderObjectStore::Open(root.string());
    if (!child.ok()) ::_exit(2);
    for (int i = 0; i < 100000; ++i) {
      // Announce each write before it starts, so that the kill lands inside one.
      if (::write(pipe_fds[1], "x", 1) != 1) ::_exit(3);
      if (!(*child)->Put(kBucket, "swap", i % 2 == 0 ? a : b, PutMode::kOverwrite).ok()) {
        ::_exit(4);
      }
      if (::write(pipe_fds[1], "x", 1) != 1) ::_exit(3);
      std::string once = "once/" + std::to_string(round) + "/" + std::to_string(i);
      if (!(*child)->Put(kBucket, once, c, PutMode::kCreateOnly).ok()) ::_exit(5);
    }
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  char byte;
  for (int seen = 0; seen < writes; ++seen) {
    ASSERT_EQ(::read(pipe_fds[0], &byte, 1), 1) << "writer stopped early";
  }
  ::kill(pid, SIGKILL);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
  ::close(pipe_fds[0]);
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "writer exited with " << WEXITSTATUS(wait_status);
}

// Kills a writer process inside its writes: every key must then hold a whole object that
// was written, and anything else on disk must be a temp file the sweep removes.
TEST_F(FolderObjectStoreTest, KilledWriterLeavesWholeObjectsOrStrayTempFiles) {
  const std::string a(1 << 20, 'A');
  const std::string b((1 << 20) + 512, 'B');
  const std::string c(256 << 10, 'C');
  for (int round = 0; round < 12; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    RunWriterAndKillIt(root_, round, 2 + round, a, b, c);
    Reopen();
    std::string swap = store_->Get(kBucket, "swap").value();
    EXPECT_TRUE(swap == a || swap == b) << "torn object of " << swap.size() << " bytes";
    std::vector<std::string> keys = ListKeys();
    for (const std::string& key : keys) {
      if (key == "swap") continue;
      ASSERT_TRUE(key.starts_with("once/")) << key;
      EXPECT_TRUE(store_->Get(kBucket, key).value() == c) << "torn object " << key;
    }
    Result<std::vector<std::string>> swept =
        store_->Leftovers(kBucket, "", SystemClock::Default()->NowMicros() + kHour, true);
    ASSERT_TRUE(IsOk(swept.status()));
    std::vector<std::string> files = FilesBelow(root_);
    EXPECT_FALSE(HasTempFile(files));
    EXPECT_EQ(files.size(), keys.size()) << "files that are neither objects nor temp files";
  }
}

TEST(FolderObjectStoreErrnoTest, MapsErrnoToCodesAndNamesOperationAndPath) {
  struct Case {
    int err;
    StatusCode code;
  };
  for (const Case& c :
       {Case{ENOENT, StatusCode::kNotFound}, Case{EEXIST, StatusCode::kAlreadyExists},
        Case{ENOSPC, StatusCode::kResourceExhausted}, Case{EDQUOT, StatusCode::kResourceExhausted},
        Case{EACCES, StatusCode::kPermissionDenied}, Case{EPERM, StatusCode::kPermissionDenied},
        Case{EROFS, StatusCode::kPermissionDenied}, Case{ENOTDIR, StatusCode::kFailedPrecondition},
        Case{EISDIR, StatusCode::kFailedPrecondition}, Case{EIO, StatusCode::kInternal}}) {
    Status status = ErrnoStatus(c.err, "rename", "/data/bkt/key");
    EXPECT_TRUE(HasCode(status, c.code)) << c.err;
    EXPECT_TRUE(status.message().starts_with("rename '/data/bkt/key': ")) << status.message();
    EXPECT_NE(status.message().find("errno " + std::to_string(c.err)), std::string::npos);
  }
}

}  // namespace
}  // namespace xronox::store
