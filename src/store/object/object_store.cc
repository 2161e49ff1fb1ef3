// Default streaming operations of the ObjectStore contract, for backends that hold each object
// in memory anyway (memory, MongoDB); the folder and S3 stores override them.
#include "store/object/object_store.h"

#include <algorithm>

namespace xronox::store {

namespace {

// Serves a range of an object read whole.
class StringObjectReader final : public ObjectReader {
 public:
  StringObjectReader(std::string bytes, int64_t offset, int64_t length)
      : bytes_(std::move(bytes)), position_(offset), end_(offset + length) {}

  Status Read(size_t max_bytes, std::string* out) override {
    size_t n = static_cast<size_t>(std::min<int64_t>(end_ - position_, max_bytes));
    out->assign(bytes_, static_cast<size_t>(position_), n);
    position_ += static_cast<int64_t>(n);
    return Status::Ok();
  }
  int64_t object_size() const override { return static_cast<int64_t>(bytes_.size()); }

 private:
  std::string bytes_;
  int64_t position_;
  int64_t end_;
};

}  // namespace

Result<int64_t> ClampRange(const std::string& what, int64_t size, int64_t offset, int64_t length) {
  if (offset < 0 || offset > size) {
    return InvalidArgument(what + ": range starts at " + std::to_string(offset) +
                           ", outside the object's " + std::to_string(size) + " bytes");
  }
  int64_t available = size - offset;
  return length < 0 ? available : std::min(length, available);
}

Status BufferedObjectWriter::Write(std::string_view bytes) {
  if (done_) return FailedPrecondition("write " + bucket_ + "/" + key_ + ": writer is finished");
  if (check_size_) {
    XRONOX_RETURN_IF_ERROR(check_size_(static_cast<int64_t>(bytes_.size() + bytes.size())));
  }
  bytes_.append(bytes);
  return Status::Ok();
}

Status BufferedObjectWriter::Commit() {
  if (done_) return FailedPrecondition("commit " + bucket_ + "/" + key_ + ": writer is finished");
  done_ = true;
  Status put = store_.Put(bucket_, key_, bytes_, mode_);
  std::string().swap(bytes_);
  return put;
}

Status BufferedObjectWriter::Abort() {
  done_ = true;
  std::string().swap(bytes_);
  return Status::Ok();
}

Result<std::unique_ptr<ObjectWriter>> ObjectStore::BeginWrite(const std::string& bucket,
                                                              const std::string& key,
                                                              PutMode mode) {
  return std::unique_ptr<ObjectWriter>(new BufferedObjectWriter(*this, bucket, key, mode));
}

Result<std::unique_ptr<ObjectReader>> ObjectStore::OpenRead(const std::string& bucket,
                                                            const std::string& key, int64_t offset,
                                                            int64_t length) {
  XRONOX_ASSIGN_OR_RETURN(std::string bytes, Get(bucket, key));
  XRONOX_ASSIGN_OR_RETURN(
      int64_t clamped,
      ClampRange("read " + bucket + "/" + key, static_cast<int64_t>(bytes.size()), offset, length));
  return std::unique_ptr<ObjectReader>(new StringObjectReader(std::move(bytes), offset, clamped));
}

Status ObjectStore::Copy(const std::string& bucket, const std::string& from, const std::string& to,
                         PutMode mode) {
  XRONOX_ASSIGN_OR_RETURN(std::string bytes, Get(bucket, from));
  return Put(bucket, to, bytes, mode);
}

Result<std::string> ObjectStore::PresignGet(const std::string& bucket, const std::string& key,
                                            int /*expires_seconds*/) {
  return NotSupported("presign " + bucket + "/" + key +
                      ": this object store has no presigned URLs (only S3 does)")
      .WithReason("presign_not_supported");
}

}  // namespace xronox::store
