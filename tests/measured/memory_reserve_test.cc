// The memory reserve under an address-space limit, in a child process each: a failed
// allocation spends a reserve block and is retried, for operator new and for libbson (which
// ends the process when its allocator returns null), so that it fails one request instead.
#include "common/memory_reserve.h"

#include <bson/bson.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <new>

#include "integration/content_stream_support.h"
#include "store/hot/mongo/mongo_handles.h"

namespace xronox::testing {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// Limits this process's address space to what it maps now plus `headroom`.
void LimitAddressSpace(size_t headroom) {
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max =
      static_cast<rlim_t>((StatusFieldKib(getpid(), "VmSize") << 10) + headroom);
  if (setrlimit(RLIMIT_AS, &limit) != 0) std::_Exit(3);
}

// Installs a 64 MiB reserve, leaves 16 MiB of address space, and allocates 48 MiB with
// `allocate`: exit code 0 when it succeeded and memory counts as short, 1 when it failed.
template <typename Allocate>
void AllocatePastTheLimit(Allocate allocate) {
  if (!InstallMemoryReserve(1, 64 * kMiB).ok()) std::_Exit(2);
  store::MongoRuntime::Get();  // Installs libbson's allocator.
  LimitAddressSpace(16 * kMiB);
  bool allocated = allocate(48 * kMiB);
  std::_Exit(allocated && MemoryIsShort() ? 0 : 1);
}

class MemoryReserveTest : public ::testing::Test {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "the sanitizers reserve terabytes of address space: no limit can apply";
#endif
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

TEST_F(MemoryReserveTest, OperatorNewPastTheLimitSpendsTheReserve) {
  EXPECT_EXIT(AllocatePastTheLimit([](size_t bytes) {
                char* memory = new char[bytes];
                memory[bytes - 1] = 1;
                return memory != nullptr;
              }),
              ::testing::ExitedWithCode(0), "");
}

TEST_F(MemoryReserveTest, LibbsonPastTheLimitSpendsTheReserveInsteadOfAborting) {
  EXPECT_EXIT(AllocatePastTheLimit([](size_t bytes) {
                auto* memory = static_cast<char*>(bson_malloc(bytes));
                memory[bytes - 1] = 1;
                return memory != nullptr;
              }),
              ::testing::ExitedWithCode(0), "");
}

// Once the reserve is spent, the C allocators fail as usual (null), and libbson's would end
// the process: the server answers 503 before that by checking memory between requests.
TEST_F(MemoryReserveTest, PastTheReserveTheCAllocatorsReturnNull) {
  EXPECT_EXIT(
      {
        if (!InstallMemoryReserve(1, 8 * kMiB).ok()) std::_Exit(2);
        LimitAddressSpace(16 * kMiB);
        void* memory = ReserveMalloc(64 * kMiB);
        std::_Exit(memory == nullptr && MemoryIsShort() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace xronox::testing
