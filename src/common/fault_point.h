// Fault points: named instants on the write path where a test can kill the process, to prove
// that a crash there loses no acknowledged write and leaves nothing half-visible.
//
// Armed by the environment variable XRONOX_FAULT_STOP="<name>" (the first pass kills) or
// "<name>:<n>" (the n-th pass kills, n >= 1): the process then sends itself SIGKILL, exactly as
// an operator's kill -9 or a power cut would end it. Builds without XRONOX_FAULT_POINTS (the
// release preset) compile every fault point to nothing.
// Thread-safety: safe from many threads; the pass counter is atomic.
#pragma once

#include <string_view>

namespace xronox {

/// The names of every fault point, in write-path order (tests iterate over them).
inline constexpr std::string_view kFaultPointNames[] = {
    "version_object_created",  // Atomic object stores: the version object exists, unindexed.
    "version_claimed",         // Claimed path: the claim holding the version object exists.
    "version_object_written",  // Claimed path: the object is written, nothing indexed.
    "version_row_inserted",    // Hot store without transactions: version row in, head not.
    "version_indexed",         // Version row and head written; the claim not yet released.
    "plain_claimed",           // Non-versioned claimed write: the claim exists.
    "plain_object_written",    // Non-versioned large write: current.json replaced, head not.
    "plain_head_written",      // Non-versioned claimed write: head written, claim not released.
    // Hot store without transactions: a head is written, its counts not yet added.
    "head_written_counts_pending",
};

/// The fault points of a history retention step (history_retention.cc), in order: skeletons
/// written, the step marked "removing", its version objects deleted (not yet marked done).
inline constexpr std::string_view kHistoryRetentionFaultPoints[] = {
    "history_skeletons_written", "history_marked", "history_payloads_removed"};

/// The fault points of an offload run (offload.cc), in order: a part written, its index
/// written (no head points into it yet), a record's head moved into it (the others not yet).
inline constexpr std::string_view kOffloadFaultPoints[] = {
    "offload_part_written", "offload_index_written", "offload_head_moved"};

/// True when this build honours XRONOX_FAULT_STOP.
bool FaultPointsEnabled();

#ifdef XRONOX_FAULT_POINTS
/// Kill the process with SIGKILL when XRONOX_FAULT_STOP names `name` and its pass count is due.
void FaultPoint(std::string_view name);
#else
inline void FaultPoint(std::string_view) {}
#endif

}  // namespace xronox
