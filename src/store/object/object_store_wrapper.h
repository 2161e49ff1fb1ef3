// ObjectStoreWrapper: an ObjectStore that forwards every call to another one, so that a
// decorator (metrics, tests' fault injection) overrides only what it changes.
// Thread-safety: as safe as the wrapped store.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/object/object_store.h"

namespace xronox::store {

class ObjectStoreWrapper : public ObjectStore {
 public:
  /// Wrap and own `target`.
  explicit ObjectStoreWrapper(std::unique_ptr<ObjectStore> target)
      : owned_(std::move(target)), target_(owned_.get()) {}
  /// Wrap `target` without owning it; it must outlive the wrapper.
  explicit ObjectStoreWrapper(ObjectStore& target) : target_(&target) {}

  /// The wrapped store.
  ObjectStore& target() const { return *target_; }

  bool CreateOnlyIsAtomic() const override { return target_->CreateOnlyIsAtomic(); }
  Status EnsureBucket(const std::string& bucket) override { return target_->EnsureBucket(bucket); }
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             PutMode mode) override {
    return target_->Put(bucket, key, bytes, mode);
  }
  Result<std::string> Get(const std::string& bucket, const std::string& key) override {
    return target_->Get(bucket, key);
  }
  Result<std::optional<ObjectInfo>> Stat(const std::string& bucket,
                                         const std::string& key) override {
    return target_->Stat(bucket, key);
  }
  Status Delete(const std::string& bucket, const std::string& key) override {
    return target_->Delete(bucket, key);
  }
  Result<ListPage> List(const std::string& bucket, const std::string& prefix,
                        const std::string& continuation, int limit) override {
    return target_->List(bucket, prefix, continuation, limit);
  }
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override {
    return target_->Leftovers(bucket, prefix, older_than, remove);
  }
  Result<std::unique_ptr<ObjectWriter>> BeginWrite(const std::string& bucket,
                                                   const std::string& key, PutMode mode) override {
    return target_->BeginWrite(bucket, key, mode);
  }
  Result<std::unique_ptr<ObjectReader>> OpenRead(const std::string& bucket, const std::string& key,
                                                 int64_t offset, int64_t length) override {
    return target_->OpenRead(bucket, key, offset, length);
  }
  Status Copy(const std::string& bucket, const std::string& from, const std::string& to,
              PutMode mode) override {
    return target_->Copy(bucket, from, to, mode);
  }
  Result<std::string> PresignGet(const std::string& bucket, const std::string& key,
                                 int expires_seconds) override {
    return target_->PresignGet(bucket, key, expires_seconds);
  }

 private:
  std::unique_ptr<ObjectStore> owned_;  // Null when borrowed.
  ObjectStore* target_;
};

}  // namespace xronox::store
