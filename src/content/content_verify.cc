// Verify of content: what crashed or superseded uploads leave in the content bucket.
#include "content/content_service.h"
#include "engine/keys.h"

namespace xronox {

namespace {

// "{id}/{property}/{name}" below the collection's content prefix.
struct BlobName {
  std::string id;
  std::string property;
  std::string name;
};

std::optional<BlobName> ParseBlobKey(const std::string& key, const std::string& prefix) {
  if (!key.starts_with(prefix)) return std::nullopt;
  std::string rest = key.substr(prefix.size());
  size_t first = rest.find('/');
  size_t second = first == std::string::npos ? first : rest.find('/', first + 1);
  if (second == std::string::npos || rest.find('/', second + 1) != std::string::npos) {
    return std::nullopt;
  }
  return BlobName{rest.substr(0, first), rest.substr(first + 1, second - first - 1),
                  rest.substr(second + 1)};
}

class ContentVerifier {
 public:
  ContentVerifier(Engine& engine, const Binding& b, bool repair, VerifyReport& report)
      : engine_(engine), b_(b), repair_(repair), report_(report) {
    cutoff_ = engine.LeaseCutoff();
  }

  Status Run() {
    const std::string& bucket = b_.database.buckets.content;
    const std::string prefix = ContentPrefix(b_);
    XRONOX_ASSIGN_OR_RETURN(auto leftovers, b_.objects->Leftovers(bucket, prefix, cutoff_, false));
    for (const std::string& leftover : leftovers) {
      XRONOX_RETURN_IF_ERROR(Garbage("leftover of an unfinished content write: " + leftover, [&] {
        return b_.objects->Leftovers(bucket, prefix, cutoff_, true).status();
      }));
    }
    std::string continuation;
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(auto page, b_.objects->List(bucket, prefix, continuation, 1000));
      for (const auto& object : page.objects) XRONOX_RETURN_IF_ERROR(CheckBlob(object, prefix));
      if (!page.next) break;
      continuation = *page.next;
    }
    return CheckReferences();
  }

 private:
  // Every content reference of every current record names a stored blob of its size. A
  // record a write is changing right now is left to the engine's verify.
  Status CheckReferences() {
    std::string after;
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(auto heads, b_.hot->ScanHeads(b_.ref, after, 256, {}, false));
      for (const store::HeadRow& head : heads) {
        after = head.id;
        Result<Record> record = engine_.Get(b_, head.id, {});
        if (record.ok()) {
          XRONOX_RETURN_IF_ERROR(CheckRecord(*record));
        } else if (!InFlight(record.status())) {
          return record.status();
        }
      }
      if (heads.size() < 256) return Status::Ok();
    }
  }

  static bool InFlight(const Status& status) {
    return status.code() == StatusCode::kNotFound || status.code() == StatusCode::kConflict ||
           status.code() == StatusCode::kUnavailable;
  }

  Status CheckRecord(const Record& record) {
    if (!record.data.is_object()) return Status::Ok();
    for (auto it = record.data.begin(); it != record.data.end(); ++it) {
      std::optional<ContentInfo> info = ContentInfoFromJson(it.value());
      if (!info) continue;
      std::string key = ContentKey(b_, record.id, it.key(), info->sha256);
      XRONOX_ASSIGN_OR_RETURN(auto stat, b_.objects->Stat(b_.database.buckets.content, key));
      if (stat && stat->size == info->size) continue;
      report_.problems.push_back("record '" + record.id + "' property '" + it.key() +
                                 "' names content " + info->sha256 +
                                 (stat ? " stored with another size" : " that is not stored"));
    }
    return Status::Ok();
  }

  Status CheckBlob(const store::ObjectInfo& object, const std::string& prefix) {
    if (object.modified_at >= cutoff_) return Status::Ok();  // Maybe an upload in flight.
    std::optional<BlobName> blob = ParseBlobKey(object.key, prefix);
    auto remove = [&] { return b_.objects->Delete(b_.database.buckets.content, object.key); };
    if (!blob) return Garbage("unexpected content object " + object.key, remove);
    if (blob->name.starts_with(kContentStagingPrefix)) {
      return Garbage("staged content of an unfinished upload " + object.key, remove);
    }
    // On runtime any version may point at a blob, and history is kept whole: keep them all.
    if (b_.versioned) return Status::Ok();
    Result<Record> record = engine_.Get(b_, blob->id, {});
    if (!record.ok() && record.status().code() != StatusCode::kNotFound) return record.status();
    if (record.ok() && record->data.is_object() && record->data.contains(blob->property)) {
      std::optional<ContentInfo> info = ContentInfoFromJson(record->data[blob->property]);
      if (info && info->sha256 == blob->name) return Status::Ok();
    }
    return Garbage("content blob no record points at " + object.key, remove);
  }

  template <typename Fix>
  Status Garbage(std::string text, Fix fix) {
    return NoteGarbage(report_, repair_, std::move(text), fix);
  }

  Engine& engine_;
  const Binding& b_;
  bool repair_;
  VerifyReport& report_;
  TimestampMicros cutoff_ = 0;
};

}  // namespace

Status ContentService::Verify(const Binding& b, bool repair, VerifyReport& report) {
  if (b.objects == nullptr || b.database.buckets.content.empty()) return Status::Ok();
  return ContentVerifier(engine_, b, repair, report).Run();
}

}  // namespace xronox
