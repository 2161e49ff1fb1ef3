// Content uploads: hash while streaming, store the blob under its hash, then write the record.
#include "common/hash.h"
#include "common/ids.h"
#include "content/content_service.h"
#include "engine/keys.h"

namespace xronox {

namespace {

constexpr const char* kDefaultContentType = "application/octet-stream";

// Up to ContentOptions::buffer_bytes the bytes stay in memory and go straight to their final
// key at Finish. Past that they stream into a staging object (the object store's writer
// bounds its own buffer), which Finish copies to the final key inside the store and removes.
class Upload final : public ContentUpload {
 public:
  Upload(ContentService& service, std::shared_ptr<const Binding> b,
         std::shared_ptr<const void> keep_alive, std::string bucket, std::string id,
         std::string property, ContentUploadOptions options)
      : service_(service),
        b_(std::move(b)),
        keep_alive_(std::move(keep_alive)),
        bucket_(std::move(bucket)),
        id_(std::move(id)),
        property_(std::move(property)),
        options_(std::move(options)) {}

  ~Upload() override {
    if (staging_) (void)staging_->Abort();
  }

  // Write and Finish are called by users of the public API directly, so, like every entry
  // point of the library, they let no exception out.
  Status Write(std::string_view bytes) override {
    return GuardExceptions([&] { return WriteUnguarded(bytes); });
  }

  Result<WriteResult> Finish() override {
    return GuardExceptions([&] { return FinishUnguarded(); });
  }

  int64_t size() const override { return size_; }

 private:
  Status WriteUnguarded(std::string_view bytes) {
    if (done_) return FailedPrecondition("write content: the upload is finished");
    hasher_.Update(bytes);
    size_ += static_cast<int64_t>(bytes.size());
    if (staging_) return staging_->Write(bytes);
    buffer_.append(bytes);
    if (static_cast<int64_t>(buffer_.size()) <= service_.options().buffer_bytes) {
      return Status::Ok();
    }
    return StartStaging();
  }

  Result<WriteResult> FinishUnguarded() {
    if (done_) return FailedPrecondition("finish content: the upload is finished");
    done_ = true;
    ContentInfo info{hasher_.FinishHex(), size_,
                     options_.content_type.empty() ? kDefaultContentType : options_.content_type};
    const std::string key = ContentKey(*b_, id_, property_, info.sha256);
    XRONOX_RETURN_IF_ERROR(staging_ ? StoreStaged(key) : StoreBuffered(key));
    return service_.RecordContent(*b_, id_, property_, info, options_.write);
  }

  store::ObjectStore& objects() const { return *b_->objects; }

  Status StartStaging() {
    staging_key_ = ContentStagingKey(*b_, id_, property_, RandomHex(8));
    XRONOX_ASSIGN_OR_RETURN(
        staging_, objects().BeginWrite(bucket_, staging_key_, store::PutMode::kCreateOnly));
    Status written = staging_->Write(buffer_);
    std::string().swap(buffer_);
    return written;
  }

  // Identical bytes already stored for this property are not written again.
  Status StoreBuffered(const std::string& key) {
    XRONOX_ASSIGN_OR_RETURN(std::optional<store::ObjectInfo> existing,
                            objects().Stat(bucket_, key));
    if (existing) return Status::Ok();
    Status put = objects().Put(bucket_, key, buffer_, store::PutMode::kCreateOnly);
    std::string().swap(buffer_);
    return put.code() == StatusCode::kAlreadyExists ? Status::Ok() : put;
  }

  Status StoreStaged(const std::string& key) {
    std::unique_ptr<store::ObjectWriter> staging = std::move(staging_);
    XRONOX_RETURN_IF_ERROR(staging->Commit());
    XRONOX_ASSIGN_OR_RETURN(std::optional<store::ObjectInfo> existing,
                            objects().Stat(bucket_, key));
    Status copied = existing
                        ? Status::Ok()
                        : objects().Copy(bucket_, staging_key_, key, store::PutMode::kCreateOnly);
    if (copied.code() == StatusCode::kAlreadyExists) copied = Status::Ok();
    // The staging object goes either way; if that fails, verify --repair finds it.
    Status removed = objects().Delete(bucket_, staging_key_);
    XRONOX_RETURN_IF_ERROR(copied);
    return removed;
  }

  ContentService& service_;
  std::shared_ptr<const Binding> b_;
  std::shared_ptr<const void> keep_alive_;  // Keeps the engine and stores open.
  std::string bucket_;
  std::string id_;
  std::string property_;
  ContentUploadOptions options_;
  Sha256 hasher_;
  std::string buffer_;
  std::string staging_key_;
  std::unique_ptr<store::ObjectWriter> staging_;
  int64_t size_ = 0;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<ContentUpload>> ContentService::Begin(std::shared_ptr<const Binding> b,
                                                             std::shared_ptr<const void> keep_alive,
                                                             const std::string& id,
                                                             const std::string& property,
                                                             const ContentUploadOptions& options) {
  XRONOX_RETURN_IF_ERROR(ValidateContentProperty(property));
  XRONOX_ASSIGN_OR_RETURN(std::string bucket, ContentBucket(*b));
  // Fail before any byte is sent rather than after a long upload.
  if (b->versioned && (options.write.actor.empty() || options.write.reason.empty())) {
    return InvalidArgument("runtime writes need an actor and a reason")
        .WithReason("audit_required");
  }
  XRONOX_ASSIGN_OR_RETURN(Record current, engine_.Get(*b, id, {}));
  if (current.deleted) return NotFound("record '" + id + "' is deleted");
  return std::unique_ptr<ContentUpload>(new Upload(*this, std::move(b), std::move(keep_alive),
                                                   std::move(bucket), id, property, options));
}

}  // namespace xronox
