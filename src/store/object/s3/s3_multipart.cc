#include "store/object/s3/s3_multipart.h"

#include <algorithm>

#include "store/object/s3/s3_errors.h"
#include "store/object/s3/s3_object_store.h"
#include "store/object/s3/uri_encode.h"

namespace xronox::store {

namespace s3 {

int64_t MultipartPartBytes(int64_t total_bytes, int64_t part_bytes) {
  if (total_bytes <= part_bytes * kS3MaxParts) return part_bytes;
  constexpr int64_t kMiB = int64_t{1} << 20;
  int64_t needed = (total_bytes + kS3MaxParts - 1) / kS3MaxParts;
  return (needed + kMiB - 1) / kMiB * kMiB;
}

std::string CopySource(const std::string& bucket, const std::string& key) {
  return "/" + bucket + "/" + UriEncodePath(key);
}

Status AbortMultipartUpload(S3Transport& transport, const std::string& bucket,
                            const std::string& key, const std::string& upload_id) {
  const std::string operation = "abort multipart upload " + bucket + "/" + key;
  XRONOX_ASSIGN_OR_RETURN(
      S3Response response,
      transport.Send(S3Request{"DELETE", bucket, key, {{"uploadId", upload_id}}, {}, ""},
                     operation));
  if (response.Succeeded() || response.http_status == 404) return Status::Ok();
  return ErrorStatusOf(operation, response);
}

Result<MultipartUpload> MultipartUpload::Start(S3Transport& transport, std::string bucket,
                                               std::string key, const NameValues& headers) {
  const std::string operation = "create multipart upload " + bucket + "/" + key;
  XRONOX_ASSIGN_OR_RETURN(
      S3Response response,
      transport.Send(S3Request{"POST", bucket, key, {{"uploads", ""}}, headers, ""}, operation));
  if (!response.Succeeded()) return ErrorStatusOf(operation, response);
  Result<std::string> upload_id = ParseInitiateMultipartUpload(response.body);
  if (!upload_id.ok()) return Internal(operation + ": " + upload_id.status().message());
  return MultipartUpload(transport, std::move(bucket), std::move(key), std::move(*upload_id));
}

Status MultipartUpload::UploadNextPart(std::string_view bytes) {
  if (parts() >= kS3MaxParts) {
    return InvalidArgument("upload part " + Target() + ": more than " +
                           std::to_string(kS3MaxParts) + " parts");
  }
  const int number = parts() + 1;
  const std::string operation = "upload part " + std::to_string(number) + " of " + Target();
  S3Request request{"PUT", bucket_, key_, {{"partNumber", std::to_string(number)}}, {}, bytes};
  request.query.emplace_back("uploadId", upload_id_);
  XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_->Send(request, operation));
  if (!response.Succeeded()) return ErrorStatusOf(operation, response);
  std::string etag = response.Header("etag");
  if (etag.empty()) return Internal(operation + ": the service answered without an ETag");
  parts_.push_back(S3CompletedPart{number, std::move(etag)});
  return Status::Ok();
}

Status MultipartUpload::CopyNextPart(const std::string& source_key, int64_t first, int64_t last) {
  if (parts() >= kS3MaxParts) {
    return InvalidArgument("copy part " + Target() + ": more than " + std::to_string(kS3MaxParts) +
                           " parts");
  }
  const int number = parts() + 1;
  const std::string operation = "copy part " + std::to_string(number) + " of " + bucket_ + "/" +
                                source_key + " to " + Target();
  S3Request request{"PUT", bucket_, key_, {{"partNumber", std::to_string(number)}}, {}, ""};
  request.query.emplace_back("uploadId", upload_id_);
  request.headers.emplace_back("x-amz-copy-source", CopySource(bucket_, source_key));
  request.headers.emplace_back("x-amz-copy-source-range",
                               "bytes=" + std::to_string(first) + "-" + std::to_string(last));
  XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_->Send(request, operation));
  if (!response.Succeeded()) return ErrorStatusOf(operation, response);
  Result<std::string> etag = ParseCopyResultETag(response.body, "CopyPartResult");
  if (!etag.ok()) return ErrorStatusOf(operation, response);
  parts_.push_back(S3CompletedPart{number, std::move(*etag)});
  return Status::Ok();
}

Status MultipartUpload::Complete(const NameValues& headers) {
  const std::string operation = "complete multipart upload " + Target();
  const std::string body = CompleteMultipartUploadXml(parts_);
  S3Request request{"POST", bucket_, key_, {{"uploadId", upload_id_}}, headers, body};
  XRONOX_ASSIGN_OR_RETURN(S3Response response, transport_->Send(request, operation));
  if (response.s3_code == "NoSuchUpload") {
    return Unavailable(operation + ": the service no longer knows upload " + upload_id_ +
                       " (completed by an attempt whose answer was lost, or aborted): the " +
                       "object may or may not have been written");
  }
  if (!response.Succeeded()) return ErrorStatusOf(operation, response);
  // S3 may answer 200 and still fail: the error is then in the body (it sends the status
  // line before it knows the outcome, to keep a long completion's connection alive).
  if (ParseS3Error(response.body).ok()) return ErrorStatusOf(operation, response);
  return Status::Ok();
}

Status MultipartUpload::Abort() {
  return AbortMultipartUpload(*transport_, bucket_, key_, upload_id_);
}

}  // namespace s3

using s3::MultipartUpload;
using s3::NameValues;

namespace {

// Aborts `upload` after `failure` and returns `failure`, noting when the abort failed too (the
// upload then stays until Leftovers removes it).
Status AbortAfter(Status failure, MultipartUpload& upload) {
  Status aborted = upload.Abort();
  if (aborted.ok()) return failure;
  return Status(failure.code(), failure.message() + "; aborting multipart upload " +
                                    upload.upload_id() + " failed too (" + aborted.message() +
                                    "): Leftovers reports it until it is removed");
}

Status UploadParts(MultipartUpload& upload, std::string_view bytes, int64_t part_bytes) {
  const size_t size =
      static_cast<size_t>(s3::MultipartPartBytes(static_cast<int64_t>(bytes.size()), part_bytes));
  for (size_t offset = 0; offset < bytes.size(); offset += size) {
    XRONOX_RETURN_IF_ERROR(upload.UploadNextPart(bytes.substr(offset, size)));
  }
  return Status::Ok();
}

}  // namespace

Status S3ObjectStore::PutMultipart(const std::string& bucket, const std::string& key,
                                   std::string_view bytes, PutMode mode,
                                   const NameValues& headers) {
  const std::string operation = "put " + bucket + "/" + key;
  if (mode == PutMode::kCreateOnly) {
    // Not the guard (Complete's If-None-Match is), but it spares uploading every part of an
    // object whose key is already taken.
    XRONOX_ASSIGN_OR_RETURN(std::optional<ObjectInfo> existing, Stat(bucket, key));
    if (existing) return AlreadyExists(operation + ": object already exists");
  }
  XRONOX_ASSIGN_OR_RETURN(MultipartUpload upload,
                          MultipartUpload::Start(*transport_, bucket, key, headers));
  Status status = UploadParts(upload, bytes, part_bytes_);
  if (status.ok()) {
    status = mode == PutMode::kCreateOnly ? CompleteCreateOnly(upload, bucket, key)
                                          : upload.Complete({});
  }
  return status.ok() ? status : AbortAfter(std::move(status), upload);
}

// Completes with "If-None-Match: *", which AWS S3 (since 2024) and versitygw v1.7.0 check: 412
// when the key exists. (versitygw reads the key's attributes before its rename, as on PUT, so
// whether a concurrent writer can slip in between is not something to rely on; hence
// CreateOnlyIsAtomic() is false.) Where the service refuses the header (501 NotImplemented),
// this falls back like PutCreateOnlyByProbe: a HEAD, then an unconditional completion of the
// still-open upload, which is NOT atomic; the engine's claim path (docs/formats/write-protocol.md)
// admits one writer per immutable key before any object is written.
Status S3ObjectStore::CompleteCreateOnly(MultipartUpload& upload, const std::string& bucket,
                                         const std::string& key) {
  const std::string operation = "put " + bucket + "/" + key;
  if (!conditional_complete_unsupported_.load()) {
    Status status = upload.Complete({{"If-None-Match", "*"}});
    if (status.code() == StatusCode::kAlreadyExists) {
      return AlreadyExists(operation + ": object already exists (" + status.message() + ")");
    }
    if (status.code() != StatusCode::kNotSupported) return status;
    conditional_complete_unsupported_.store(true);
  }
  XRONOX_ASSIGN_OR_RETURN(std::optional<ObjectInfo> existing, Stat(bucket, key));
  if (existing) return AlreadyExists(operation + ": object already exists");
  return upload.Complete({});
}

}  // namespace xronox::store
