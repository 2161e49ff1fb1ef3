// A reserve of address space held back for the moment an allocation fails, so that a request
// that runs out of memory fails alone instead of ending the process. nlohmann::json allocates
// while it destroys a large value (it flattens the tree onto a vector), so without a reserve a
// failed allocation during the unwinding of a failed request would call std::terminate.
//
// Installed as the new-handler: a failed allocation unmaps one reserve block and is retried,
// and memory counts as short from then on. Work that can stop (parsing a body, diffing,
// filling a page) calls CheckMemory at safe points and fails its request with
// ResourceExhausted (reason "out_of_memory", HTTP 503); the destructors that run meanwhile
// find the address space the block left. Once every block is spent, a failed allocation throws
// std::bad_alloc as usual. RearmMemoryReserve maps spent blocks again when the address space
// allows it (the server tries before each request).
//
// Without InstallMemoryReserve (the library alone, the CLI) memory is never short.
// Thread-safety: every function is safe from any thread.
#pragma once

#include <cstddef>

#include "xronox/status.h"

namespace xronox {

/// Map `blocks` reserve blocks of `block_bytes` each and install the new-handler. Call once,
/// before serving; InvalidArgument for zero sizes, Internal when a block cannot be mapped.
Status InstallMemoryReserve(size_t blocks, size_t block_bytes);
/// True while a reserve block is spent.
bool MemoryIsShort();
/// Map the spent blocks again where the address space allows; true when none is spent.
bool RearmMemoryReserve();
/// ResourceExhausted (reason "out_of_memory") while memory is short; Ok otherwise.
Status CheckMemory();

/// malloc, calloc, realloc and aligned_alloc that, when an allocation fails, spend a reserve
/// block and retry, as the new-handler does for operator new: for C libraries that end the
/// process when an allocation fails (libbson, under the MongoDB client). Null only once every
/// block is spent; without an installed reserve they are the C library's.
void* ReserveMalloc(size_t bytes);
void* ReserveCalloc(size_t count, size_t bytes);
void* ReserveRealloc(void* memory, size_t bytes);
void* ReserveAlignedAlloc(size_t alignment, size_t bytes);

}  // namespace xronox
