// ContentService: content blobs of record properties over the engine (docs/formats/content.md). A
// blob is stored once per (record, property, SHA-256) under ContentKey; the record write that
// points at it goes through the engine like any other write, so on runtime it is a version.
// Thread-safety: safe from many threads; it keeps no state of its own beyond the engine.
#pragma once

#include <exception>
#include <memory>
#include <new>
#include <string>

#include "common/exception_guard.h"
#include "engine/engine.h"
#include "router/binding.h"
#include "xronox/content.h"
#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox {

/// Tuning of content uploads.
struct ContentOptions {
  /// Uploads up to this many bytes are hashed in memory and written straight to their final
  /// key; larger ones stream to a staging key first. Default 8 MiB.
  int64_t buffer_bytes = int64_t{8} << 20;
};

class ContentService {
 public:
  ContentService(Engine& engine, ContentOptions options) : engine_(engine), options_(options) {}

  /// Start an upload into `property` of record `id`. `keep_alive` is held by the upload so
  /// that the binding and the engine outlive it.
  Result<std::unique_ptr<ContentUpload>> Begin(std::shared_ptr<const Binding> b,
                                               std::shared_ptr<const void> keep_alive,
                                               const std::string& id, const std::string& property,
                                               const ContentUploadOptions& options);
  Result<std::unique_ptr<ContentReader>> Open(const Binding& b, const std::string& id,
                                              const std::string& property,
                                              const ContentReadOptions& options);
  Result<WriteResult> Delete(const Binding& b, const std::string& id, const std::string& property,
                             const WriteOptions& options);
  Result<std::string> Presign(const Binding& b, const std::string& id, const std::string& property,
                              const ContentReadOptions& options, int expires_seconds);
  /// Add to `report` the collection's staged blobs of crashed uploads, unfinished object writes
  /// under its content prefix and (non-versioned) blobs no record points at, each older than
  /// the claim lease; with `repair`, remove them.
  Status Verify(const Binding& b, bool repair, VerifyReport& report);

  // For the upload (content_upload.cc).
  /// Write the record so that data[property] points at `info` (a merge patch).
  Result<WriteResult> RecordContent(const Binding& b, const std::string& id,
                                    const std::string& property, const ContentInfo& info,
                                    const WriteOptions& options);
  Engine& engine() const { return engine_; }
  const ContentOptions& options() const { return options_; }

 private:
  // Delete the blob `sha256` of a non-versioned record's property unless the record points at
  // it again.
  Status DeleteReplacedBlob(const Binding& b, const std::string& id, const std::string& property,
                            const std::string& sha256);
  Result<ContentInfo> ContentAt(const Binding& b, const std::string& id,
                                const std::string& property, const ContentReadOptions& options,
                                int64_t* version);

  Engine& engine_;
  ContentOptions options_;
};

/// Check a content property name: 1-128 bytes of [A-Za-z0-9_-], not starting with '-'.
Status ValidateContentProperty(const std::string& property);

/// The bucket content of `b` lives in; NotSupported when the database has none.
Result<std::string> ContentBucket(const Binding& b);

}  // namespace xronox
