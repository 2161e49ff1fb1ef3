// Streamed writes (multipart past one part), ranged reads and server-side copies of the S3
// store.
#include <optional>

#include "common/names.h"
#include "store/object/object_key.h"
#include "store/object/s3/s3_multipart.h"
#include "store/object/s3/s3_object_store.h"
#include "store/object/s3/s3_transport.h"
#include "store/object/s3/s3_xml.h"

namespace xronox::store {

using s3::MultipartUpload;
using s3::S3Request;
using s3::S3Response;

namespace {

// Serves a range with one ranged GET per Read.
class RangeReader final : public ObjectReader {
 public:
  RangeReader(s3::S3Transport& transport, std::string bucket, std::string key, int64_t size,
              int64_t offset, int64_t length)
      : transport_(transport),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        size_(size),
        pos_(offset),
        end_(offset + length) {}

  Status Read(size_t max_bytes, std::string* out) override {
    int64_t want = std::min<int64_t>(end_ - pos_, static_cast<int64_t>(max_bytes));
    out->clear();
    if (want <= 0) return Status::Ok();
    const std::string operation = "read " + bucket_ + "/" + key_;
    S3Request request{"GET", bucket_, key_, {}, {}, ""};
    request.headers.emplace_back(
        "Range", "bytes=" + std::to_string(pos_) + "-" + std::to_string(pos_ + want - 1));
    XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_.Send(request, operation));
    bool whole = response.http_status == 200 && pos_ == 0;
    if (response.http_status != 206 && !whole) return s3::ErrorStatusOf(operation, response);
    if (whole) response.body.resize(std::min<size_t>(response.body.size(), want));
    if (static_cast<int64_t>(response.body.size()) != want) {
      return Unavailable(operation + ": asked for " + std::to_string(want) + " bytes at " +
                         std::to_string(pos_) + ", got " + std::to_string(response.body.size()));
    }
    *out = std::move(response.body);
    pos_ += want;
    return Status::Ok();
  }
  int64_t object_size() const override { return size_; }

 private:
  s3::S3Transport& transport_;  // Borrowed from the store, which outlives its readers.
  std::string bucket_;
  std::string key_;
  int64_t size_;
  int64_t pos_;
  int64_t end_;
};

}  // namespace

// Keeps at most one part in memory: a full part is uploaded before more bytes are taken.
class S3ObjectStore::Writer final : public ObjectWriter {
 public:
  Writer(S3ObjectStore& store, std::string bucket, std::string key, PutMode mode, Headers headers)
      : store_(store),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        mode_(mode),
        headers_(std::move(headers)) {}
  ~Writer() override { (void)Abort(); }

  Status Write(std::string_view bytes) override {
    if (done_) return FailedPrecondition("write " + Target() + ": writer is finished");
    size_ += static_cast<int64_t>(bytes.size());
    while (!bytes.empty()) {
      size_t room = static_cast<size_t>(store_.part_bytes_) - buffer_.size();
      size_t take = std::min(room, bytes.size());
      buffer_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (buffer_.size() == static_cast<size_t>(store_.part_bytes_)) {
        Status sent = SendPart();
        if (!sent.ok()) return Fail(std::move(sent));
      }
    }
    return Status::Ok();
  }

  Status Commit() override {
    if (done_) return FailedPrecondition("commit " + Target() + ": writer is finished");
    if (!upload_) {
      done_ = true;
      Status put = store_.Put(bucket_, key_, buffer_, mode_);
      std::string().swap(buffer_);
      return put;
    }
    if (!buffer_.empty()) {
      Status sent = SendPart();
      if (!sent.ok()) return Fail(std::move(sent));
    }
    done_ = true;
    Status completed = mode_ == PutMode::kCreateOnly
                           ? store_.CompleteCreateOnly(*upload_, bucket_, key_)
                           : upload_->Complete({});
    if (!completed.ok()) return Fail(std::move(completed));
    upload_.reset();
    return Status::Ok();
  }

  Status Abort() override {
    done_ = true;
    std::string().swap(buffer_);
    if (!upload_) return Status::Ok();
    Status aborted = upload_->Abort();
    upload_.reset();
    return aborted;
  }

  int64_t size() const override { return size_; }

 private:
  std::string Target() const { return bucket_ + "/" + key_; }

  Status SendPart() {
    if (!upload_) {
      if (mode_ == PutMode::kCreateOnly) {
        // Spares uploading every part of an object whose key is taken (Complete still checks).
        XRONOX_ASSIGN_OR_RETURN(std::optional<ObjectInfo> existing, store_.Stat(bucket_, key_));
        if (existing) return AlreadyExists("put " + Target() + ": object already exists");
      }
      XRONOX_ASSIGN_OR_RETURN(MultipartUpload started,
                              MultipartUpload::Start(*store_.transport_, bucket_, key_, headers_));
      upload_.emplace(std::move(started));
    }
    XRONOX_RETURN_IF_ERROR(upload_->UploadNextPart(buffer_));
    buffer_.clear();
    return Status::Ok();
  }

  Status Fail(Status failure) {
    Status aborted = Abort();
    if (aborted.ok()) return failure;
    return Status(failure.code(), failure.message() + "; aborting the multipart upload failed " +
                                      "too (" + aborted.message() + "): Leftovers reports it");
  }

  S3ObjectStore& store_;
  std::string bucket_;
  std::string key_;
  PutMode mode_;
  Headers headers_;
  std::string buffer_;
  std::optional<MultipartUpload> upload_;
  int64_t size_ = 0;
  bool done_ = false;
};

Result<std::unique_ptr<ObjectWriter>> S3ObjectStore::BeginWrite(const std::string& bucket,
                                                                const std::string& key,
                                                                PutMode mode) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  return std::unique_ptr<ObjectWriter>(
      new Writer(*this, bucket, key, mode, WriteHeaders(bucket, key)));
}

Result<std::unique_ptr<ObjectReader>> S3ObjectStore::OpenRead(const std::string& bucket,
                                                              const std::string& key,
                                                              int64_t offset, int64_t length) {
  XRONOX_ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, Stat(bucket, key));
  if (!info) return NotFound("read " + bucket + "/" + key + ": no such object");
  XRONOX_ASSIGN_OR_RETURN(int64_t clamped,
                          ClampRange("read " + bucket + "/" + key, info->size, offset, length));
  return std::unique_ptr<ObjectReader>(
      new RangeReader(*transport_, bucket, key, info->size, offset, clamped));
}

Status S3ObjectStore::Copy(const std::string& bucket, const std::string& from,
                           const std::string& to, PutMode mode) {
  XRONOX_RETURN_IF_ERROR(ValidateObjectKey(to));
  const std::string operation = "copy " + bucket + "/" + from + " to " + to;
  XRONOX_ASSIGN_OR_RETURN(std::optional<ObjectInfo> source, Stat(bucket, from));
  if (!source) return NotFound(operation + ": no such object");
  if (mode == PutMode::kCreateOnly) {
    XRONOX_ASSIGN_OR_RETURN(std::optional<ObjectInfo> existing, Stat(bucket, to));
    if (existing) return AlreadyExists(operation + ": object already exists");
  }
  Headers headers = WriteHeaders(bucket, to);
  if (source->size > copy_threshold_) {
    return CopyMultipart(bucket, from, to, source->size, headers);
  }
  S3Request request{"PUT", bucket, to, {}, headers, ""};
  request.headers.emplace_back("x-amz-copy-source", s3::CopySource(bucket, from));
  XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_->Send(request, operation));
  if (!response.Succeeded()) return s3::ErrorStatusOf(operation, response);
  // Like CompleteMultipartUpload, a copy may answer 200 and report its failure in the body.
  if (!s3::ParseCopyResultETag(response.body, "CopyObjectResult").ok()) {
    return s3::ErrorStatusOf(operation, response);
  }
  return Status::Ok();
}

Status S3ObjectStore::CopyMultipart(const std::string& bucket, const std::string& from,
                                    const std::string& to, int64_t size, const Headers& headers) {
  XRONOX_ASSIGN_OR_RETURN(MultipartUpload upload,
                          MultipartUpload::Start(*transport_, bucket, to, headers));
  int64_t part = s3::MultipartPartBytes(size, copy_threshold_);
  Status status = Status::Ok();
  for (int64_t first = 0; first < size && status.ok(); first += part) {
    status = upload.CopyNextPart(from, first, std::min(size, first + part) - 1);
  }
  if (status.ok()) status = upload.Complete({});
  if (status.ok()) return status;
  Status aborted = upload.Abort();
  if (aborted.ok()) return status;
  return Status(status.code(), status.message() + "; aborting multipart upload " +
                                   upload.upload_id() + " failed too (" + aborted.message() + ")");
}

}  // namespace xronox::store
