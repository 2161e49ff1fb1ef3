#include "store/object/s3/s3_object_store.h"

#include <algorithm>
#include <charconv>

#include "common/names.h"
#include "common/s3_storage_classes.h"
#include "store/object/object_key.h"
#include "store/object/s3/s3_errors.h"
#include "store/object/s3/s3_multipart.h"
#include "store/object/s3/s3_transport.h"
#include "store/object/s3/s3_xml.h"

namespace xronox::store {

using s3::S3Request;
using s3::S3Response;

namespace {

Status ErrorOf(const std::string& operation, const S3Response& response) {
  return s3::ErrorStatusOf(operation, response);
}

bool IsSuccess(const S3Response& response) { return response.Succeeded(); }

Status ValidateStorageClass(const std::string& storage_class) {
  if (storage_class.empty() || IsS3StorageClass(storage_class)) return Status::Ok();
  std::string shown = storage_class.substr(0, 64);
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return InvalidArgument("s3 storage class '" + shown + "' is not one of " + S3StorageClassList());
}

// A key prefix is only compared with keys, never sent, but it appears in messages.
Status ValidateKeyPrefix(const std::string& key_prefix) {
  if (key_prefix.size() > kMaxObjectKeyBytes) {
    return InvalidArgument("key prefix is longer than 1024 bytes");
  }
  for (char c : key_prefix) {
    if (object_key_internal::IsControl(c)) {
      return InvalidArgument("key prefix holds a NUL or control byte");
    }
  }
  return Status::Ok();
}

Status ValidateMultipartOptions(const S3Options& options) {
  const std::string range = std::to_string(kS3MinPartBytes) + ".." + std::to_string(kS3MaxPutBytes);
  if (options.multipart_threshold_bytes < kS3MinPartBytes ||
      options.multipart_threshold_bytes > kS3MaxPutBytes) {
    return InvalidArgument("s3 multipart_threshold_bytes " +
                           std::to_string(options.multipart_threshold_bytes) + " is outside " +
                           range);
  }
  if (options.multipart_part_bytes < kS3MinPartBytes ||
      options.multipart_part_bytes > kS3MaxPutBytes) {
    return InvalidArgument("s3 multipart_part_bytes " +
                           std::to_string(options.multipart_part_bytes) + " is outside " + range);
  }
  if (options.copy_threshold_bytes < kS3MinPartBytes ||
      options.copy_threshold_bytes > kS3MaxPutBytes) {
    return InvalidArgument("s3 copy_threshold_bytes " +
                           std::to_string(options.copy_threshold_bytes) + " is outside " + range);
  }
  return Status::Ok();
}

}  // namespace

Status S3ObjectStore::ValidateBucketAndKey(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketName(bucket));
  return ValidateObjectKey(key);
}

S3ObjectStore::S3ObjectStore(std::unique_ptr<s3::S3Transport> transport, const S3Options& options)
    : transport_(std::move(transport)),
      region_(options.region),
      multipart_threshold_(options.multipart_threshold_bytes),
      part_bytes_(options.multipart_part_bytes),
      copy_threshold_(options.copy_threshold_bytes) {}

S3ObjectStore::~S3ObjectStore() = default;

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(S3Options options) {
  XRONOX_RETURN_IF_ERROR(ValidateMultipartOptions(options));
  XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<s3::S3Transport> transport,
                          s3::S3Transport::Open(options));
  return std::unique_ptr<S3ObjectStore>(new S3ObjectStore(std::move(transport), options));
}

Status S3ObjectStore::EnsureBucket(const std::string& bucket) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketName(bucket));
  const std::string operation = "create bucket " + bucket;
  // Outside us-east-1, S3 wants the region named in the body (and refuses it inside).
  const std::string body =
      region_ == "us-east-1"
          ? std::string()
          : "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<LocationConstraint>" +
                region_ + "</LocationConstraint></CreateBucketConfiguration>";
  XRONOX_ASSIGN_OR_RETURN(S3Response response,
                          transport_->Send(S3Request{"PUT", bucket, "", {}, {}, body}, operation));
  if (IsSuccess(response) || response.s3_code == "BucketAlreadyOwnedByYou") return Status::Ok();
  return ErrorOf(operation, response);
}

Status S3ObjectStore::Put(const std::string& bucket, const std::string& key, std::string_view bytes,
                          PutMode mode) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  Headers headers = WriteHeaders(bucket, key);
  if (static_cast<int64_t>(bytes.size()) > multipart_threshold_) {
    return PutMultipart(bucket, key, bytes, mode, headers);
  }
  return PutSingle(bucket, key, bytes, mode, headers);
}

S3ObjectStore::Headers S3ObjectStore::WriteHeaders(const std::string& bucket,
                                                   const std::string& key) const {
  std::string storage_class = StorageClassFor(bucket, key);
  if (storage_class.empty()) return {};
  return {{"x-amz-storage-class", std::move(storage_class)}};
}

Status S3ObjectStore::PutSingle(const std::string& bucket, const std::string& key,
                                std::string_view bytes, PutMode mode, const Headers& headers) {
  const std::string operation = "put " + bucket + "/" + key;
  S3Request request{"PUT", bucket, key, {}, headers, bytes};
  if (mode == PutMode::kCreateOnly) {
    if (conditional_put_unsupported_.load()) {
      return PutCreateOnlyByProbe(bucket, key, bytes, headers);
    }
    request.headers.emplace_back("If-None-Match", "*");
  }
  XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_->Send(request, operation));
  if (IsSuccess(response)) return Status::Ok();
  if (mode == PutMode::kCreateOnly &&
      (response.http_status == 501 || response.s3_code == "NotImplemented")) {
    conditional_put_unsupported_.store(true);
    return PutCreateOnlyByProbe(bucket, key, bytes, headers);
  }
  Status status = ErrorOf(operation, response);
  if (status.code() == StatusCode::kAlreadyExists) {
    // A create-only PUT retried after a lost answer may meet its own first attempt; the
    // engine's claim path (docs/formats/write-protocol.md) treats that like any lost race.
    return AlreadyExists(operation + ": object already exists (" + status.message() + ")");
  }
  return status;
}

// Fallback for services that refuse "If-None-Match: *" on PUT. NOT atomic: two writers can
// both see no object and both write, the later one winning. Version objects stay safe only
// because the engine's claim path (a unique insert in the hot store,
// docs/formats/write-protocol.md) admits one writer per version before any object is written.
Status S3ObjectStore::PutCreateOnlyByProbe(const std::string& bucket, const std::string& key,
                                           std::string_view bytes, const Headers& headers) {
  XRONOX_ASSIGN_OR_RETURN(std::optional<ObjectInfo> existing, Stat(bucket, key));
  const std::string operation = "put " + bucket + "/" + key;
  if (existing) return AlreadyExists(operation + ": object already exists");
  XRONOX_ASSIGN_OR_RETURN(
      S3Response response,
      transport_->Send(S3Request{"PUT", bucket, key, {}, headers, bytes}, operation));
  return IsSuccess(response) ? Status::Ok() : ErrorOf(operation, response);
}

Result<std::string> S3ObjectStore::Get(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  const std::string operation = "get " + bucket + "/" + key;
  XRONOX_ASSIGN_OR_RETURN(S3Response response,
                          transport_->Send(S3Request{"GET", bucket, key, {}, {}, ""}, operation));
  if (response.http_status == 200) return std::move(response.body);
  return ErrorOf(operation, response);
}

Result<std::optional<ObjectInfo>> S3ObjectStore::Stat(const std::string& bucket,
                                                      const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  const std::string operation = "stat " + bucket + "/" + key;
  XRONOX_ASSIGN_OR_RETURN(S3Response response,
                          transport_->Send(S3Request{"HEAD", bucket, key, {}, {}, ""}, operation));
  // A HEAD answer has no body, so a missing bucket and a missing key look the same: absent.
  if (response.http_status == 404) return std::optional<ObjectInfo>();
  if (response.http_status != 200) return ErrorOf(operation, response);
  ObjectInfo info{key, 0, 0};
  std::string length = response.Header("content-length");
  auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), info.size);
  if (error != std::errc() || end != length.data() + length.size()) {
    return Internal(operation + ": bad Content-Length '" + length + "'");
  }
  std::optional<TimestampMicros> modified = s3::ParseHttpDate(response.Header("last-modified"));
  if (!modified) {
    return Internal(operation + ": bad Last-Modified '" + response.Header("last-modified") + "'");
  }
  info.modified_at = *modified;
  return std::optional<ObjectInfo>(std::move(info));
}

Status S3ObjectStore::Delete(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  const std::string operation = "delete " + bucket + "/" + key;
  XRONOX_ASSIGN_OR_RETURN(
      S3Response response,
      transport_->Send(S3Request{"DELETE", bucket, key, {}, {}, ""}, operation));
  if (IsSuccess(response) || response.http_status == 404) return Status::Ok();
  return ErrorOf(operation, response);
}

Result<s3::S3ObjectList> S3ObjectStore::ListOnce(const std::string& bucket,
                                                 const std::string& prefix,
                                                 const std::string& start_after, int max_keys) {
  const std::string operation = "list " + bucket + "/" + prefix + "*";
  S3Request request{"GET", bucket, "", {{"list-type", "2"}}, {}, ""};
  request.query.emplace_back("max-keys", std::to_string(max_keys));
  if (!prefix.empty()) request.query.emplace_back("prefix", prefix);
  if (!start_after.empty()) request.query.emplace_back("start-after", start_after);
  XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_->Send(request, operation));
  if (response.s3_code == "NoSuchBucket") return s3::S3ObjectList{};
  if (response.http_status != 200) return ErrorOf(operation, response);
  Result<s3::S3ObjectList> parsed = s3::ParseListObjectsV2(response.body);
  if (!parsed.ok()) return Internal(operation + ": " + parsed.status().message());
  return parsed;
}

Result<ListPage> S3ObjectStore::List(const std::string& bucket, const std::string& prefix,
                                     const std::string& continuation, int limit) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketName(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateListLimit(limit));
  ListPage page;
  std::string start_after = continuation;
  // S3 may return a short page that is still truncated; keep asking until the page is full
  // or the listing ends, so that `next` is set exactly when keys remain (as on every backend).
  while (true) {
    int wanted = limit - static_cast<int>(page.objects.size());
    XRONOX_ASSIGN_OR_RETURN(s3::S3ObjectList part, ListOnce(bucket, prefix, start_after, wanted));
    size_t taken = std::min(part.objects.size(), static_cast<size_t>(wanted));
    for (size_t i = 0; i < taken; ++i) page.objects.push_back(std::move(part.objects[i]));
    // A service that sent more than max-keys still leaves keys for the next page.
    bool more = part.truncated || taken < part.objects.size();
    if (!more) return page;
    if (part.objects.empty()) {
      return Internal("list " + bucket + "/" + prefix + "*: the service answered an empty page " +
                      "that it says is truncated");
    }
    if (static_cast<int>(page.objects.size()) == limit) {
      page.next = page.objects.back().key;
      return page;
    }
    start_after = page.objects.back().key;
  }
}

Result<std::vector<std::string>> S3ObjectStore::Leftovers(const std::string& bucket,
                                                          const std::string& prefix,
                                                          TimestampMicros older_than, bool remove) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketName(bucket));
  const std::string operation = "list multipart uploads " + bucket + "/" + prefix + "*";
  std::vector<std::string> found;
  std::string key_marker, upload_id_marker;
  for (int pages = 0; pages < 100000; ++pages) {
    S3Request request{"GET", bucket, "", {{"uploads", ""}}, {}, ""};
    if (!prefix.empty()) request.query.emplace_back("prefix", prefix);
    if (!key_marker.empty()) request.query.emplace_back("key-marker", key_marker);
    if (!upload_id_marker.empty()) request.query.emplace_back("upload-id-marker", upload_id_marker);
    XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_->Send(request, operation));
    if (response.s3_code == "NoSuchBucket") return found;
    // A service without multipart uploads can have no unfinished ones.
    if (response.http_status == 501 || response.s3_code == "NotImplemented") return found;
    if (response.http_status != 200) return ErrorOf(operation, response);
    Result<s3::S3UploadList> list = s3::ParseListMultipartUploads(response.body);
    if (!list.ok()) return Internal(operation + ": " + list.status().message());
    for (const s3::S3Upload& upload : list->uploads) {
      if (upload.initiated >= older_than || !upload.key.starts_with(prefix)) continue;
      if (remove) {
        XRONOX_RETURN_IF_ERROR(
            s3::AbortMultipartUpload(*transport_, bucket, upload.key, upload.upload_id));
      }
      found.push_back(bucket + "/" + upload.key + " (multipart upload " + upload.upload_id + ")");
    }
    if (!list->truncated || list->next_key_marker.empty()) return found;
    key_marker = list->next_key_marker;
    upload_id_marker = list->next_upload_id_marker;
  }
  return Internal(operation + ": the service kept answering truncated pages");
}

Result<std::string> S3ObjectStore::PresignGet(const std::string& bucket, const std::string& key,
                                              int expires_seconds) {
  return Presign("GET", bucket, key, expires_seconds);
}

Result<std::string> S3ObjectStore::PresignPut(const std::string& bucket, const std::string& key,
                                              int expires_seconds) {
  return Presign("PUT", bucket, key, expires_seconds);
}

Result<std::string> S3ObjectStore::Presign(const std::string& method, const std::string& bucket,
                                           const std::string& key, int expires_seconds) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  // The signer's errors already start "presign '<METHOD> <host>/<path>'".
  return transport_->Presign(S3Request{method, bucket, key, {}, {}, ""}, expires_seconds);
}

Status S3ObjectStore::SetStorageClass(const std::string& bucket, const std::string& key_prefix,
                                      const std::string& storage_class) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketName(bucket));
  const std::string target = "set storage class of bucket " + bucket + ", key prefix " +
                             object_key_internal::Printable(key_prefix);
  Status valid = ValidateKeyPrefix(key_prefix);
  if (valid.ok()) valid = ValidateStorageClass(storage_class);
  if (!valid.ok()) return InvalidArgument(target + ": " + valid.message());
  std::unique_lock lock(storage_classes_mutex_);
  storage_classes_[bucket][key_prefix] = storage_class;
  return Status::Ok();
}

std::string S3ObjectStore::StorageClassFor(const std::string& bucket,
                                           const std::string& key) const {
  std::shared_lock lock(storage_classes_mutex_);
  auto found = storage_classes_.find(bucket);
  if (found == storage_classes_.end()) return std::string();
  // A bucket holds a few prefixes (one per kind of object), so a scan is enough.
  const std::pair<const std::string, std::string>* longest = nullptr;
  for (const auto& entry : found->second) {
    if (key.starts_with(entry.first) &&
        (longest == nullptr || entry.first.size() > longest->first.size())) {
      longest = &entry;
    }
  }
  return longest != nullptr ? longest->second : std::string();
}

Status S3ObjectStore::DeleteBucket(const std::string& bucket) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketName(bucket));
  const std::string operation = "delete bucket " + bucket;
  XRONOX_ASSIGN_OR_RETURN(S3Response response,
                          transport_->Send(S3Request{"DELETE", bucket, "", {}, {}, ""}, operation));
  if (IsSuccess(response) || response.http_status == 404) return Status::Ok();
  return ErrorOf(operation, response);
}

}  // namespace xronox::store
