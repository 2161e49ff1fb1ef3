// WeakCreateObjectStore: a real object store (folder, memory) whose create-only Put behaves as
// an S3 service that checks If-None-Match without locking the key (versitygw v1.7.0): a Stat,
// then an overwriting Put, so two concurrent creates of one key can both succeed. It reports
// CreateOnlyIsAtomic() == false, so the engine takes its claimed commit path. This is not a
// mock: every byte goes to the wrapped backend; only the guarantee is weakened, on purpose,
// so that the claimed path is proven on every backend without the test services.
// Thread-safety: as the wrapped store.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "store/object/object_store.h"

namespace xronox::testing {

class WeakCreateObjectStore final : public store::ObjectStore {
 public:
  explicit WeakCreateObjectStore(std::unique_ptr<store::ObjectStore> inner)
      : inner_(std::move(inner)) {}

  bool CreateOnlyIsAtomic() const override { return false; }

  /// While set, every Put fails with Unavailable, as when the service is down.
  void SetPutsFail(bool fail) { puts_fail_ = fail; }

  Status EnsureBucket(const std::string& bucket) override { return inner_->EnsureBucket(bucket); }
  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             store::PutMode mode) override {
    if (puts_fail_) return Unavailable("put " + bucket + "/" + key + ": service stopped");
    if (mode == store::PutMode::kCreateOnly) {
      XRONOX_ASSIGN_OR_RETURN(auto info, inner_->Stat(bucket, key));
      if (info) return AlreadyExists("put " + bucket + "/" + key + ": object exists");
      std::this_thread::yield();  // Widen the window a racing creator can slip through.
    }
    return inner_->Put(bucket, key, bytes, store::PutMode::kOverwrite);
  }
  Result<std::string> Get(const std::string& bucket, const std::string& key) override {
    return inner_->Get(bucket, key);
  }
  Result<std::optional<store::ObjectInfo>> Stat(const std::string& bucket,
                                                const std::string& key) override {
    return inner_->Stat(bucket, key);
  }
  Status Delete(const std::string& bucket, const std::string& key) override {
    return inner_->Delete(bucket, key);
  }
  Result<store::ListPage> List(const std::string& bucket, const std::string& prefix,
                               const std::string& continuation, int limit) override {
    return inner_->List(bucket, prefix, continuation, limit);
  }
  Result<std::vector<std::string>> Leftovers(const std::string& bucket, const std::string& prefix,
                                             TimestampMicros older_than, bool remove) override {
    return inner_->Leftovers(bucket, prefix, older_than, remove);
  }

 private:
  std::unique_ptr<store::ObjectStore> inner_;
  std::atomic<bool> puts_fail_{false};
};

}  // namespace xronox::testing
