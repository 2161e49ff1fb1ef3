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

#include "store/object/object_store_wrapper.h"

namespace xronox::testing {

class WeakCreateObjectStore final : public store::ObjectStoreWrapper {
 public:
  explicit WeakCreateObjectStore(std::unique_ptr<store::ObjectStore> inner)
      : ObjectStoreWrapper(std::move(inner)) {}

  bool CreateOnlyIsAtomic() const override { return false; }

  /// While set, every Put fails with Unavailable, as when the service is down.
  void SetPutsFail(bool fail) { puts_fail_ = fail; }

  Status Put(const std::string& bucket, const std::string& key, std::string_view bytes,
             store::PutMode mode) override {
    if (puts_fail_) return Unavailable("put " + bucket + "/" + key + ": service stopped");
    if (mode == store::PutMode::kCreateOnly) {
      XRONOX_ASSIGN_OR_RETURN(auto info, target().Stat(bucket, key));
      if (info) return AlreadyExists("put " + bucket + "/" + key + ": object exists");
      std::this_thread::yield();  // Widen the window a racing creator can slip through.
    }
    return target().Put(bucket, key, bytes, store::PutMode::kOverwrite);
  }
  // Streamed writes and copies go through the weakened Put too: the contract's defaults buffer
  // the object and Put it (copies: Get, then Put).
  Result<std::unique_ptr<store::ObjectWriter>> BeginWrite(const std::string& bucket,
                                                          const std::string& key,
                                                          store::PutMode mode) override {
    return ObjectStore::BeginWrite(bucket, key, mode);
  }
  Status Copy(const std::string& bucket, const std::string& from, const std::string& to,
              store::PutMode mode) override {
    return ObjectStore::Copy(bucket, from, to, mode);
  }

 private:
  std::atomic<bool> puts_fail_{false};
};

}  // namespace xronox::testing
