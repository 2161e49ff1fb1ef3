#include "store/object/memory/memory_object_store.h"

#include "common/names.h"
#include "store/object/object_key.h"

namespace xronox::store {

namespace {

Status ValidateBucketAndKey(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  return ValidateObjectKey(key);
}

}  // namespace

Result<std::unique_ptr<MemoryObjectStore>> MemoryObjectStore::Open(Clock* clock) {
  return std::unique_ptr<MemoryObjectStore>(
      new MemoryObjectStore(clock != nullptr ? clock : SystemClock::Default()));
}

Status MemoryObjectStore::EnsureBucket(const std::string& bucket) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  std::lock_guard lock(mutex_);
  buckets_.try_emplace(bucket);
  return Status::Ok();
}

Status MemoryObjectStore::Put(const std::string& bucket, const std::string& key,
                              std::string_view bytes, PutMode mode) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  Object object{std::string(bytes), clock_->NowMicros()};
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(bucket);
  if (found == buckets_.end()) {
    return NotFound("put " + bucket + "/" + key + ": bucket does not exist; ensure it first");
  }
  if (mode == PutMode::kCreateOnly) {
    if (!found->second.try_emplace(key, std::move(object)).second) {
      return AlreadyExists("put " + bucket + "/" + key + ": object already exists");
    }
    return Status::Ok();
  }
  found->second.insert_or_assign(key, std::move(object));
  return Status::Ok();
}

Result<std::string> MemoryObjectStore::Get(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(bucket);
  if (found != buckets_.end()) {
    auto object = found->second.find(key);
    if (object != found->second.end()) return object->second.bytes;
  }
  return NotFound("get " + bucket + "/" + key + ": no such object");
}

Result<std::optional<ObjectInfo>> MemoryObjectStore::Stat(const std::string& bucket,
                                                          const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(bucket);
  if (found == buckets_.end()) return std::optional<ObjectInfo>();
  auto object = found->second.find(key);
  if (object == found->second.end()) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(ObjectInfo{
      key, static_cast<int64_t>(object->second.bytes.size()), object->second.modified_at});
}

Status MemoryObjectStore::Delete(const std::string& bucket, const std::string& key) {
  XRONOX_RETURN_IF_ERROR(ValidateBucketAndKey(bucket, key));
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(bucket);
  if (found != buckets_.end()) found->second.erase(key);
  return Status::Ok();
}

Result<ListPage> MemoryObjectStore::List(const std::string& bucket, const std::string& prefix,
                                         const std::string& continuation, int limit) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  XRONOX_RETURN_IF_ERROR(ValidateListLimit(limit));
  ListPage page;
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(bucket);
  if (found == buckets_.end()) return page;
  const Bucket& objects = found->second;
  // Start at the later of the prefix and the first key strictly after the continuation.
  auto it = prefix > continuation ? objects.lower_bound(prefix) : objects.upper_bound(continuation);
  for (; it != objects.end() && it->first.starts_with(prefix); ++it) {
    if (static_cast<int>(page.objects.size()) == limit) {
      page.next = page.objects.back().key;
      break;
    }
    page.objects.push_back(ObjectInfo{it->first, static_cast<int64_t>(it->second.bytes.size()),
                                      it->second.modified_at});
  }
  return page;
}

Result<std::vector<std::string>> MemoryObjectStore::Leftovers(const std::string& bucket,
                                                              const std::string& /*prefix*/,
                                                              TimestampMicros /*older_than*/,
                                                              bool /*remove*/) {
  XRONOX_RETURN_IF_ERROR(ValidateFolderBucketName(bucket));
  return std::vector<std::string>();
}

}  // namespace xronox::store
