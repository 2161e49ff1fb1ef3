// Offload (docs/formats/offload.md): the records of a non-versioned collection whose last change
// is older than the cutoff move into part objects of their collection and day, one zstd frame
// per record, and each head keeps a pointer to its entry instead of its data and audit fields.
// A part is written whole (create-only) with its index before any head points into it, and
// each head moves by a conditional write on its version, so a run killed anywhere leaves every
// record either as it was or offloaded, never both nor lost; parts that no head points into
// (a killed run's, or those whose records were all written again) are deleted by the next
// run, which holds the collection's offload lease.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <span>
#include <thread>

#include "common/clock.h"
#include "common/fault_point.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/keys.h"
#include "engine/offload_pack.h"

namespace xronox {

namespace {

constexpr int kOffloadScanPage = 256;
// Heads moved per hot-store call: on SQLite one transaction, short enough that a foreground
// write arriving meanwhile waits little for SQLite's writer lock.
constexpr size_t kMoveBatch = 32;
// The most of the time that moving heads may take, so that foreground writes keep their latency:
// a paced run waits, after each batch, 1/kMaxBusyShare times as long as the batch took. Below 1%
// a run delays fewer writes than the 99th percentile counts (bench/offload_bench.cc).
constexpr double kMaxBusyShare = 0.005;
constexpr int kMaxWholeHeadAttempts = 8;
// Entries hold records small enough to be inline; a pointer past this is damage.
constexpr int64_t kMaxEntryBytes = int64_t{4} << 20;

// Keeps batches of work to per_second items a second and to kMaxBusyShare of the time (no pacing
// when per_second is 0), by the steady clock: pacing is about real time whatever the engine's
// clock says. Start() before a batch waits until it may begin; Done(n) after it sets when the
// next may.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Pacer(int per_second)
      : step_(per_second > 0 ? std::chrono::nanoseconds(1'000'000'000 / per_second)
                             : std::chrono::nanoseconds(0)) {}
  void Start() {
    if (step_.count() == 0) return;
    if (next_ > Clock::now()) std::this_thread::sleep_until(next_);
    started_ = Clock::now();
  }
  void Done(size_t items) {
    if (step_.count() == 0) return;
    auto busy = std::chrono::duration<double>(Clock::now() - started_);
    auto period = std::max<std::chrono::duration<double>>(step_ * static_cast<int64_t>(items),
                                                          busy / kMaxBusyShare);
    next_ = started_ + std::chrono::duration_cast<Clock::duration>(period);
  }

 private:
  std::chrono::nanoseconds step_;
  Clock::time_point started_{};
  Clock::time_point next_{};
};

// A record waiting for its part to be written: the head it will keep, where its entry lies in
// the part, and what moving it frees.
struct PendingMove {
  store::HeadRow kept;
  int64_t offset = 0;
  int64_t length = 0;
  int64_t freed = 0;
};

// The entries of one day's next part.
struct PartBuilder {
  std::string bytes;
  std::vector<PendingMove> moves;
};

}  // namespace

class Engine::Offloader {
 public:
  Offloader(Engine& engine, const Binding& b, const OffloadRunOptions& options,
            OffloadReport& report)
      : engine_(engine),
        b_(b),
        options_(options),
        report_(report),
        pacer_(options.max_records_per_second) {}

  Status Run() {
    std::string after;
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(auto heads,
                              b_.hot->ScanHeads(b_.ref, after, kOffloadScanPage, {}, true));
      for (store::HeadRow& head : heads) {
        after = head.id;
        if (options_.keep_alive) XRONOX_RETURN_IF_ERROR(options_.keep_alive());
        XRONOX_RETURN_IF_ERROR(Consider(std::move(head)));
      }
      if (static_cast<int>(heads.size()) < kOffloadScanPage) break;
    }
    while (!open_.empty()) XRONOX_RETURN_IF_ERROR(FlushDay(open_.begin()->first));
    if (options_.dry_run) return Status::Ok();
    return RemoveUnreferencedParts();
  }

 private:
  Status Consider(store::HeadRow head) {
    ++report_.examined;
    if (auto pointer = ParseOffloadPointer(head.payload_key)) {
      ++report_.already_offloaded;
      referenced_.insert(pointer->part);
      return Status::Ok();
    }
    // Tombstones hold no data; a large record's payload is in the object store already.
    if (head.deleted || !head.payload_key.empty() || head.updated_at >= options_.cutoff) {
      return Status::Ok();
    }
    int64_t freed = OffloadedBytes(head);
    if (options_.dry_run) {
      ++report_.offloaded;
      report_.bytes_freed += freed;
      return Status::Ok();
    }
    XRONOX_ASSIGN_OR_RETURN(std::string entry, EncodeOffloadEntry(head));
    std::string day = FormatDate(head.updated_at);
    PartBuilder& part = open_[day];
    PendingMove move{OffloadedHead(head, {}), static_cast<int64_t>(part.bytes.size()),
                     static_cast<int64_t>(entry.size()), freed};
    part.bytes += entry;
    part.moves.push_back(std::move(move));
    buffered_ += static_cast<int64_t>(entry.size());
    if (static_cast<int64_t>(part.bytes.size()) >= options_.part_max_bytes) return FlushDay(day);
    if (buffered_ >= options_.buffered_max_bytes) return FlushDay(LargestDay());
    return Status::Ok();
  }

  std::string LargestDay() const {
    auto largest = std::max_element(open_.begin(), open_.end(), [](const auto& a, const auto& c) {
      return a.second.bytes.size() < c.second.bytes.size();
    });
    return largest->first;
  }

  // Write the day's part and its index, then move its records' heads.
  Status FlushDay(const std::string& day_key) {
    const std::string day = day_key;  // Callers pass the key in open_, which this erases.
    PartBuilder part = std::move(open_[day]);
    open_.erase(day);
    buffered_ -= static_cast<int64_t>(part.bytes.size());
    if (part.moves.empty()) return Status::Ok();
    XRONOX_ASSIGN_OR_RETURN(std::string name, WritePart(day, part));
    ++report_.parts_written;
    std::span<const PendingMove> moves = part.moves;
    for (size_t start = 0; start < moves.size(); start += kMoveBatch) {
      if (options_.keep_alive) XRONOX_RETURN_IF_ERROR(options_.keep_alive());
      std::span<const PendingMove> batch =
          moves.subspan(start, std::min(kMoveBatch, moves.size() - start));
      pacer_.Start();
      XRONOX_ASSIGN_OR_RETURN(std::vector<bool> moved, MoveHeads(batch, name));
      pacer_.Done(batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        if (!moved[i]) {
          ++report_.skipped;
          continue;
        }
        referenced_.insert(name);
        ++report_.offloaded;
        report_.bytes_freed += batch[i].freed;
        FaultPoint("offload_head_moved");
      }
    }
    return Status::Ok();
  }

  // The part object, then its index, both create-only; returns the part's name.
  Result<std::string> WritePart(const std::string& day, const PartBuilder& part) {
    const std::string& bucket = b_.database.buckets.records;
    while (true) {
      std::string name = day + "/" + RandomHex(4);
      Status put = b_.objects->Put(bucket, OffloadPartKey(b_, name), part.bytes,
                                   store::PutMode::kCreateOnly);
      if (put.code() == StatusCode::kAlreadyExists) continue;  // Another part took the name.
      XRONOX_RETURN_IF_ERROR(put);
      FaultPoint("offload_part_written");
      Json entries = Json::array();
      for (const PendingMove& move : part.moves) {
        entries.push_back({{"id", move.kept.id},
                           {"version", move.kept.version},
                           {"offset", move.offset},
                           {"length", move.length}});
      }
      Json index = {{"format", "xronox.offload-index/1"},
                    {"collection", b_.ref.collection},
                    {"part", name},
                    {"createdAt", FormatRfc3339(engine_.clock()->NowMicros())},
                    {"entries", std::move(entries)}};
      XRONOX_RETURN_IF_ERROR(b_.objects->Put(bucket, OffloadIndexKey(b_, name), index.dump(),
                                             store::PutMode::kCreateOnly));
      FaultPoint("offload_index_written");
      return name;
    }
  }

  // Point each record's head at its entry, if it is still at the version packed; per record,
  // false when a writer moved it first (its entry is then never read).
  Result<std::vector<bool>> MoveHeads(std::span<const PendingMove> moves, const std::string& part) {
    std::vector<store::HeadRow> kept;
    kept.reserve(moves.size());
    for (const PendingMove& move : moves) {
      kept.push_back(move.kept);
      kept.back().payload_key = FormatOffloadPointer({part, move.offset, move.length});
    }
    std::vector<bool> moved;
    if (b_.hot->ConditionalWritesAreAtomic()) {
      XRONOX_ASSIGN_OR_RETURN(std::vector<Status> results, b_.hot->ShrinkHeads(b_.ref, kept));
      for (const Status& result : results) moved.push_back(result.ok());
      return moved;
    }
    for (const store::HeadRow& head : kept) {
      // As every update there: under the record's write claim (large_records.cc).
      store::HeadRow base;
      base.id = head.id;
      base.version = head.version;
      std::string warning;
      Status written = engine_.CommitLargePlain(b_, base, head, {}, &warning);
      if (!written.ok() && !store::IsStaleHeadRefusal(written) && !IsLostRace(written)) {
        return written;
      }
      moved.push_back(written.ok());
    }
    return moved;
  }

  // Delete the parts (and indexes) that no head points into. Only offload runs make heads point
  // into parts, and this run holds the lease, so no head can come to point into one after the
  // scan found none did.
  Status RemoveUnreferencedParts() {
    const std::string& bucket = b_.database.buckets.records;
    const std::string prefix = OffloadPrefix(b_);
    std::string continuation;
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(auto page, b_.objects->List(bucket, prefix, continuation, 1000));
      for (const auto& object : page.objects) {
        std::string part = OffloadPartOfKey(object.key, prefix);
        if (part.empty() || referenced_.contains(part)) continue;
        Status gone = b_.objects->Delete(bucket, object.key);
        if (!gone.ok() && gone.code() != StatusCode::kNotFound) return gone;
        if (object.key.ends_with(kOffloadPartSuffix)) ++report_.parts_removed;
      }
      if (!page.next) return Status::Ok();
      continuation = *page.next;
    }
  }

  Engine& engine_;
  const Binding& b_;
  const OffloadRunOptions& options_;
  OffloadReport& report_;
  Pacer pacer_;
  std::map<std::string, PartBuilder> open_;  // By day: the parts being filled.
  int64_t buffered_ = 0;                     // Entry bytes in open_.
  std::set<std::string> referenced_;         // Parts some head points into.
};

Result<OffloadReport> Engine::Offload(const Binding& b, const OffloadRunOptions& options) {
  // OffloadService::CheckPolicy, the one caller, refuses runtime collections to users first.
  if (b.versioned) return Internal("offload of the versioned collection " + TargetPath(b.target));
  if (b.objects == nullptr) {
    return FailedPrecondition("offload needs an object store; this database has none")
        .WithReason("not_offloadable");
  }
  OffloadReport report;
  report.cutoff = options.cutoff;
  report.dry_run = options.dry_run;
  Offloader offloader(*this, b, options, report);
  XRONOX_RETURN_IF_ERROR(offloader.Run());
  return report;
}

Result<store::HeadRow> Engine::WholeHead(const Binding& b, store::HeadRow head) {
  std::optional<OffloadPointer> pointer = ParseOffloadPointer(head.payload_key);
  if (!pointer) {
    if (IsOffloadPointer(head.payload_key)) {
      return Corruption("head of '" + head.id + "' holds a malformed offload pointer");
    }
    return head;
  }
  if (pointer->length > kMaxEntryBytes) {
    return Corruption("head of '" + head.id + "' points at an entry larger than any offloaded");
  }
  auto reader = b.objects->OpenRead(b.database.buckets.records, OffloadPartKey(b, pointer->part),
                                    pointer->offset, pointer->length);
  if (!reader.ok()) return MissingPayload(b, head, reader.status());
  std::string entry, chunk;
  while (static_cast<int64_t>(entry.size()) < pointer->length) {
    XRONOX_RETURN_IF_ERROR((*reader)->Read(pointer->length - entry.size(), &chunk));
    if (chunk.empty()) break;
    entry += chunk;
  }
  if (static_cast<int64_t>(entry.size()) != pointer->length) {
    return Corruption("offload part of '" + head.id + "' ends before its entry");
  }
  return OffloadEntryHead(head, entry);
}

Result<std::optional<store::HeadRow>> Engine::GetWholeHead(const Binding& b,
                                                           const std::string& id) {
  for (int attempt = 0; attempt < kMaxWholeHeadAttempts; ++attempt) {
    XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, id));
    if (!head || !IsOffloadPointer(head->payload_key)) return head;
    Result<store::HeadRow> whole = WholeHead(b, std::move(*head));
    if (whole.ok()) return std::optional<store::HeadRow>(std::move(whole).value());
    if (!IsLostRace(whole.status())) return whole.status();
  }
  return Unavailable("record '" + id + "' is being rewritten; retry");
}

}  // namespace xronox
