// Content in backups (with_content): the blobs a backed-up record references are copied into
// the backup's run folder under their SHA-256, once each; verify re-hashes them, and a restore
// copies them back for records whose collection no longer holds them.
#include "backup/backup_service.h"
#include "common/hash.h"
#include "engine/keys.h"

namespace xronox {

namespace {

constexpr size_t kCopyChunkBytes = size_t{1} << 20;

}  // namespace

std::string BackupBlobKey(const std::string& folder, const std::string& sha256) {
  return folder + "content/" + sha256;
}

std::vector<std::pair<std::string, ContentInfo>> ContentReferences(const Json& data) {
  std::vector<std::pair<std::string, ContentInfo>> references;
  if (!data.is_object()) return references;
  for (const auto& [property, value] : data.items()) {
    if (std::optional<ContentInfo> info = ContentInfoFromJson(value)) {
      references.emplace_back(property, std::move(*info));
    }
  }
  return references;
}

Result<int64_t> CopyObject(store::ObjectStore& from, const std::string& from_bucket,
                           const std::string& from_key, store::ObjectStore& to,
                           const std::string& to_bucket, const std::string& to_key) {
  XRONOX_ASSIGN_OR_RETURN(auto reader, from.OpenRead(from_bucket, from_key, 0, -1));
  XRONOX_ASSIGN_OR_RETURN(auto writer,
                          to.BeginWrite(to_bucket, to_key, store::PutMode::kCreateOnly));
  std::string chunk;
  while (true) {
    XRONOX_RETURN_IF_ERROR(reader->Read(kCopyChunkBytes, &chunk));
    if (chunk.empty()) break;
    XRONOX_RETURN_IF_ERROR(writer->Write(chunk));
  }
  int64_t size = writer->size();
  Status committed = writer->Commit();
  if (committed.code() == StatusCode::kAlreadyExists) return int64_t{0};
  XRONOX_RETURN_IF_ERROR(committed);
  return size;
}

Status BackUpContent(const Binding& b, const std::string& folder, const Record& record,
                     BackupManifest& manifest) {
  if (record.data_text.find("\"$content\"") == std::string::npos) return Status::Ok();
  Json data = Json::parse(record.data_text, nullptr, /*allow_exceptions=*/false);
  for (const auto& [property, info] : ContentReferences(data)) {
    std::string to_key = BackupBlobKey(folder, info.sha256);
    XRONOX_ASSIGN_OR_RETURN(auto copied, b.objects->Stat(b.database.buckets.backups, to_key));
    if (copied) continue;
    Result<int64_t> bytes = CopyObject(*b.objects, b.database.buckets.content,
                                       ContentKey(b, record.id, property, info.sha256), *b.objects,
                                       b.database.buckets.backups, to_key);
    if (bytes.status().code() == StatusCode::kNotFound) {
      return Corruption("record '" + record.id + "' references content of '" +
                        property.substr(0, 64) + "' (sha256 " + info.sha256 +
                        ") that is not stored: run verify");
    }
    XRONOX_RETURN_IF_ERROR(bytes.status());
    if (*bytes == 0) continue;
    ++manifest.content_blobs;
    manifest.content_bytes += *bytes;
  }
  return Status::Ok();
}

Status CheckBlobs(const Binding& b, const std::string& folder, const BackupManifest& m,
                  std::vector<std::string>* problems) {
  const std::string& bucket = b.database.buckets.backups;
  const std::string prefix = BackupBlobKey(folder, "");
  int64_t blobs = 0, bytes = 0;
  XRONOX_RETURN_IF_ERROR(ForEachBackupObject(b, prefix, [&](const store::ObjectInfo& object) {
    XRONOX_ASSIGN_OR_RETURN(auto reader, b.objects->OpenRead(bucket, object.key, 0, -1));
    Sha256 hash;
    std::string chunk;
    while (true) {
      XRONOX_RETURN_IF_ERROR(reader->Read(kCopyChunkBytes, &chunk));
      if (chunk.empty()) break;
      hash.Update(chunk);
      bytes += static_cast<int64_t>(chunk.size());
    }
    ++blobs;
    std::string name = object.key.substr(prefix.size());
    if (hash.FinishHex() != name) problems->push_back("content " + name + " is damaged");
    return Status::Ok();
  }));
  if (blobs != m.content_blobs || bytes != m.content_bytes) {
    problems->push_back("the backup holds " + std::to_string(blobs) + " content blobs of " +
                        std::to_string(bytes) + " bytes, the manifest says " +
                        std::to_string(m.content_blobs) + " of " + std::to_string(m.content_bytes));
  }
  return Status::Ok();
}

}  // namespace xronox
