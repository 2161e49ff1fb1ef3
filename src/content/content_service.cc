// Reading, deleting and presigning content, and the record write that points at a blob.
#include "content/content_service.h"

#include "common/names.h"
#include "engine/keys.h"

namespace xronox {

namespace {

// Reads a blob's range, from a reader of the object store.
class BlobReader final : public ContentReader {
 public:
  BlobReader(ContentInfo info, int64_t version, int64_t offset, int64_t length,
             std::unique_ptr<store::ObjectReader> reader)
      : info_(std::move(info)),
        version_(version),
        offset_(offset),
        length_(length),
        reader_(std::move(reader)) {}

  const ContentInfo& info() const override { return info_; }
  int64_t record_version() const override { return version_; }
  int64_t offset() const override { return offset_; }
  int64_t length() const override { return length_; }
  Status Read(size_t max_bytes, std::string* out) override {
    if (max_bytes == 0) return InvalidArgument("read content: max_bytes must be positive");
    return GuardExceptions([&] { return reader_->Read(max_bytes, out); });
  }

 private:
  ContentInfo info_;
  int64_t version_;
  int64_t offset_;
  int64_t length_;
  std::unique_ptr<store::ObjectReader> reader_;
};

WriteIntent MergeIntent(Json patch) {
  WriteIntent intent;
  intent.kind = WriteIntent::Kind::kMerge;
  intent.body = std::move(patch);
  intent.sets_content = true;
  return intent;
}

}  // namespace

Status ValidateContentProperty(const std::string& property) {
  // The collection-name rules: a safe key segment, and no '.' so that it is a top-level field.
  Status valid = ValidateCollectionName(property);
  if (valid.ok()) return valid;
  return InvalidArgument("content property '" + property.substr(0, 64) +
                         "' must be 1-128 bytes of [A-Za-z0-9_-], not starting with '-'");
}

Result<std::string> ContentBucket(const Binding& b) {
  if (b.objects == nullptr || b.database.buckets.content.empty()) {
    return NotSupported("database '" + b.ref.db + "' has no content bucket");
  }
  return b.database.buckets.content;
}

Result<ContentInfo> ContentService::ContentAt(const Binding& b, const std::string& id,
                                              const std::string& property,
                                              const ContentReadOptions& options, int64_t* version) {
  XRONOX_RETURN_IF_ERROR(ValidateContentProperty(property));
  GetOptions get;
  get.version = options.version;
  get.as_of = options.as_of;
  XRONOX_ASSIGN_OR_RETURN(Record record, engine_.Get(b, id, get));
  *version = record.version;
  const std::string what = "content '" + property + "' of record '" + id + "' at version " +
                           std::to_string(record.version);
  if (record.deleted || !record.data.is_object() || !record.data.contains(property)) {
    return NotFound(what + ": the record has no such content").WithReason("content_not_found");
  }
  std::optional<ContentInfo> info = ContentInfoFromJson(record.data[property]);
  if (!info) {
    return NotFound(what + ": the property holds no content reference")
        .WithReason("content_not_found");
  }
  return *info;
}

Result<std::unique_ptr<ContentReader>> ContentService::Open(const Binding& b, const std::string& id,
                                                            const std::string& property,
                                                            const ContentReadOptions& options) {
  XRONOX_ASSIGN_OR_RETURN(std::string bucket, ContentBucket(b));
  int64_t version = 0;
  XRONOX_ASSIGN_OR_RETURN(ContentInfo info, ContentAt(b, id, property, options, &version));
  if (options.offset < 0 || options.offset > info.size ||
      (options.offset == info.size && info.size > 0)) {
    return InvalidArgument("read content '" + property + "' of record '" + id + "': range start " +
                           std::to_string(options.offset) + " is outside its " +
                           std::to_string(info.size) + " bytes")
        .WithReason("range_not_satisfiable");
  }
  const std::string key = ContentKey(b, id, property, info.sha256);
  Result<std::unique_ptr<store::ObjectReader>> reader =
      b.objects->OpenRead(bucket, key, options.offset, options.length);
  if (reader.status().code() == StatusCode::kNotFound) {
    return Corruption("read content '" + property + "' of record '" + id + "': its blob " + key +
                      " is missing from bucket " + bucket);
  }
  XRONOX_RETURN_IF_ERROR(reader.status());
  if ((*reader)->object_size() != info.size) {
    return Corruption("read content '" + property + "' of record '" + id + "': blob " + key +
                      " holds " + std::to_string((*reader)->object_size()) +
                      " bytes, the record says " + std::to_string(info.size));
  }
  int64_t available = info.size - options.offset;
  int64_t length = options.length < 0 ? available : std::min(options.length, available);
  return std::unique_ptr<ContentReader>(
      new BlobReader(std::move(info), version, options.offset, length, std::move(*reader)));
}

Result<std::string> ContentService::Presign(const Binding& b, const std::string& id,
                                            const std::string& property,
                                            const ContentReadOptions& options,
                                            int expires_seconds) {
  XRONOX_ASSIGN_OR_RETURN(std::string bucket, ContentBucket(b));
  int64_t version = 0;
  XRONOX_ASSIGN_OR_RETURN(ContentInfo info, ContentAt(b, id, property, options, &version));
  return b.objects->PresignGet(bucket, ContentKey(b, id, property, info.sha256), expires_seconds);
}

Result<WriteResult> ContentService::RecordContent(const Binding& b, const std::string& id,
                                                  const std::string& property,
                                                  const ContentInfo& info,
                                                  const WriteOptions& options) {
  XRONOX_ASSIGN_OR_RETURN(Record current, engine_.Get(b, id, {}));
  Json patch = {{property, ContentInfoToJson(info)}};
  std::optional<ContentInfo> old;
  if (current.data.is_object() && current.data.contains(property)) {
    const Json& value = current.data[property];
    old = ContentInfoFromJson(value);
    // A merge patch keeps fields it does not name: clear whatever else the property held.
    if (value.is_object()) {
      for (const auto& [field, ignored] : value.items()) {
        if (field != "$content") patch[property][field] = nullptr;
      }
    }
  }
  XRONOX_ASSIGN_OR_RETURN(WriteResult written,
                          engine_.Write(b, id, MergeIntent(std::move(patch)), options));
  if (!b.versioned && old && old->sha256 != info.sha256) {
    XRONOX_RETURN_IF_ERROR(DeleteReplacedBlob(b, id, property, old->sha256));
  }
  return written;
}

Result<WriteResult> ContentService::Delete(const Binding& b, const std::string& id,
                                           const std::string& property,
                                           const WriteOptions& options) {
  XRONOX_RETURN_IF_ERROR(ContentBucket(b).status());
  int64_t version = 0;
  XRONOX_ASSIGN_OR_RETURN(ContentInfo info, ContentAt(b, id, property, {}, &version));
  XRONOX_ASSIGN_OR_RETURN(WriteResult written,
                          engine_.Write(b, id, MergeIntent(Json{{property, nullptr}}), options));
  if (!b.versioned) XRONOX_RETURN_IF_ERROR(DeleteReplacedBlob(b, id, property, info.sha256));
  return written;
}

// Runs after the record write committed, so a failure here leaves an unreferenced blob that
// verify reports; it is returned so that the caller knows the space was not freed.
Status ContentService::DeleteReplacedBlob(const Binding& b, const std::string& id,
                                          const std::string& property, const std::string& sha256) {
  Result<Record> now = engine_.Get(b, id, {});
  if (now.ok() && now->data.is_object() && now->data.contains(property)) {
    std::optional<ContentInfo> info = ContentInfoFromJson(now->data[property]);
    if (info && info->sha256 == sha256) return Status::Ok();  // Uploaded again meanwhile.
  } else if (!now.ok() && now.status().code() != StatusCode::kNotFound) {
    return now.status();
  }
  return b.objects->Delete(b.database.buckets.content, ContentKey(b, id, property, sha256));
}

}  // namespace xronox
