#include "engine/offload_pack.h"

#include <zstd.h>

#include "common/decimal.h"
#include "engine/head_json.h"
#include "engine/keys.h"

namespace xronox {

namespace {

// Entries are small (a record up to the inline limit) and read one at a time: each is its own
// frame so that a ranged read of one decompresses alone.
constexpr int kEntryLevel = 3;
// An entry holds an inline record: its head as JSON is far below this.
constexpr size_t kMaxEntryBytes = size_t{4} << 20;

}  // namespace

std::string FormatOffloadPointer(const OffloadPointer& pointer) {
  return std::string(kOffloadPointerStart) + pointer.part + "#" + std::to_string(pointer.offset) +
         "+" + std::to_string(pointer.length);
}

std::optional<OffloadPointer> ParseOffloadPointer(std::string_view payload_key) {
  if (!IsOffloadPointer(payload_key)) return std::nullopt;
  std::string_view rest = payload_key.substr(kOffloadPointerStart.size());
  size_t hash = rest.rfind('#');
  if (hash == std::string_view::npos || hash == 0) return std::nullopt;
  std::string_view range = rest.substr(hash + 1);
  size_t plus = range.find('+');
  if (plus == std::string_view::npos) return std::nullopt;
  std::optional<int64_t> offset = ParseNonNegativeDecimal(range.substr(0, plus));
  std::optional<int64_t> length = ParseNonNegativeDecimal(range.substr(plus + 1));
  if (!offset || !length || *length == 0) return std::nullopt;
  return OffloadPointer{std::string(rest.substr(0, hash)), *offset, *length};
}

std::string OffloadPartOfKey(const std::string& key, const std::string& offload_prefix) {
  if (!key.starts_with(offload_prefix)) return "";
  std::string rest = key.substr(offload_prefix.size());
  for (std::string_view suffix : {kOffloadPartSuffix, kOffloadIndexSuffix}) {
    if (rest.ends_with(suffix)) return rest.substr(0, rest.size() - suffix.size());
  }
  return "";
}

Result<std::string> EncodeOffloadEntry(const store::HeadRow& head) {
  std::string json = HeadRowToJson(head).dump();
  std::string out(ZSTD_compressBound(json.size()), '\0');
  ZSTD_CCtx* context = ZSTD_createCCtx();
  if (context == nullptr) return ResourceExhausted("no memory for a zstd context");
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, kEntryLevel);
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  size_t size = ZSTD_compress2(context, out.data(), out.size(), json.data(), json.size());
  ZSTD_freeCCtx(context);
  if (ZSTD_isError(size)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(size));
  out.resize(size);
  return out;
}

Result<store::HeadRow> DecodeOffloadEntry(std::string_view entry) {
  unsigned long long size = ZSTD_getFrameContentSize(entry.data(), entry.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxEntryBytes) {
    return Corruption("offload entry is not one zstd frame of a known size");
  }
  if (ZSTD_findFrameCompressedSize(entry.data(), entry.size()) != entry.size()) {
    return Corruption("offload entry is not exactly one zstd frame");
  }
  std::string json(static_cast<size_t>(size), '\0');
  size_t got = ZSTD_decompress(json.data(), json.size(), entry.data(), entry.size());
  if (ZSTD_isError(got) || got != json.size()) {
    return Corruption(std::string("offload entry does not decompress: ") +
                      (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short"));
  }
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return Corruption("offload entry is not a JSON object");
  return HeadRowFromJson(parsed);
}

Result<store::HeadRow> OffloadEntryHead(const store::HeadRow& head, std::string_view entry) {
  XRONOX_ASSIGN_OR_RETURN(store::HeadRow whole, DecodeOffloadEntry(entry));
  if (whole.id != head.id || whole.version != head.version) {
    return Corruption("offload entry of '" + head.id + "' holds another record or version");
  }
  return whole;
}

store::HeadRow OffloadedHead(const store::HeadRow& full, const OffloadPointer& pointer) {
  store::HeadRow head;
  head.id = full.id;
  head.version = full.version;
  head.deleted = full.deleted;
  head.payload_key = FormatOffloadPointer(pointer);
  head.created_at = full.created_at;
  head.updated_at = full.updated_at;
  head.indexed = full.indexed;
  head.tally = full.tally;
  return head;
}

int64_t OffloadedBytes(const store::HeadRow& full) {
  return static_cast<int64_t>(full.data.size() + full.payload_hash.size() + full.actor.size() +
                              full.reason.size() + full.on_behalf_of.size());
}

}  // namespace xronox
