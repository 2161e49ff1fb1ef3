#include "common/memory_reserve.h"

#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

namespace xronox {

namespace {

constexpr size_t kMaxBlocks = 8;

// Blocks are mapped with mmap, not malloc: unmapping one returns its address space at once,
// which is what an address-space limit counts (memory freed to malloc may stay mapped).
std::array<std::atomic<void*>, kMaxBlocks> blocks{};
std::atomic<size_t> block_count{0};
std::atomic<size_t> block_size{0};
std::atomic<bool> is_short{false};

void* MapBlock(size_t bytes) {
  void* block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return block == MAP_FAILED ? nullptr : block;
}

// Unmaps one reserve block; false when every block is spent.
bool SpendBlock() {
  for (size_t i = 0; i < block_count.load(); ++i) {
    void* block = blocks[i].exchange(nullptr);
    if (block == nullptr) continue;
    munmap(block, block_size.load());
    is_short.store(true);
    return true;
  }
  return false;
}

// The new-handler: operator new calls it after a failed allocation and retries when it returns.
void OnAllocationFailure() {
  if (!SpendBlock()) throw std::bad_alloc();
}

// Calls `allocate` until it succeeds or no reserve block is left to spend.
template <typename Allocate>
void* AllocateWithReserve(size_t bytes, Allocate allocate) {
  while (true) {
    void* memory = allocate();
    if (memory != nullptr || bytes == 0 || !SpendBlock()) return memory;
  }
}

}  // namespace

Status InstallMemoryReserve(size_t count, size_t bytes) {
  if (count == 0 || count > kMaxBlocks || bytes == 0) {
    return InvalidArgument("memory reserve: 1 to 8 blocks of a non-zero size");
  }
  block_size.store(bytes);
  for (size_t i = 0; i < count; ++i) {
    void* block = MapBlock(bytes);
    if (block == nullptr) return Internal("memory reserve: cannot map a block");
    blocks[i].store(block);
  }
  block_count.store(count);
  std::set_new_handler(&OnAllocationFailure);
  return Status::Ok();
}

bool MemoryIsShort() { return is_short.load(std::memory_order_relaxed); }

bool RearmMemoryReserve() {
  if (!MemoryIsShort()) return true;
  for (size_t i = 0; i < block_count.load(); ++i) {
    if (blocks[i].load() != nullptr) continue;
    void* block = MapBlock(block_size.load());
    if (block == nullptr) return false;
    void* expected = nullptr;
    if (!blocks[i].compare_exchange_strong(expected, block)) munmap(block, block_size.load());
  }
  is_short.store(false);
  // A failure between the loop and the store spent a block again: say so.
  for (size_t i = 0; i < block_count.load(); ++i) {
    if (blocks[i].load() == nullptr) is_short.store(true);
  }
  return !MemoryIsShort();
}

void* ReserveMalloc(size_t bytes) {
  return AllocateWithReserve(bytes, [&] { return std::malloc(bytes); });
}

void* ReserveCalloc(size_t count, size_t bytes) {
  return AllocateWithReserve(count * bytes, [&] { return std::calloc(count, bytes); });
}

void* ReserveRealloc(void* memory, size_t bytes) {
  return AllocateWithReserve(bytes, [&] { return std::realloc(memory, bytes); });
}

void* ReserveAlignedAlloc(size_t alignment, size_t bytes) {
  return AllocateWithReserve(bytes, [&] { return std::aligned_alloc(alignment, bytes); });
}

Status CheckMemory() {
  if (!MemoryIsShort()) return Status::Ok();
  return ResourceExhausted("the server ran short of memory while serving this request; retry")
      .WithReason("out_of_memory");
}

}  // namespace xronox
