#include "backup/zstd_stream.h"

#include <zstd.h>

namespace xronox {

namespace {

// Stored bytes read from the object at a time.
constexpr size_t kReadChunkBytes = size_t{1} << 20;

Status ZstdError(const std::string& what, size_t code) {
  return Corruption(what + ": " + ZSTD_getErrorName(code));
}

}  // namespace

struct ZstdObjectWriter::Stream {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ~Stream() { ZSTD_freeCCtx(context); }
};

ZstdObjectWriter::ZstdObjectWriter(std::unique_ptr<store::ObjectWriter> out, int level)
    : stream_(std::make_unique<Stream>()), out_(std::move(out)) {
  ZSTD_CCtx_setParameter(stream_->context, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(stream_->context, ZSTD_c_checksumFlag, 1);
  buffer_.resize(ZSTD_CStreamOutSize());
}

ZstdObjectWriter::~ZstdObjectWriter() = default;

Status ZstdObjectWriter::Compress(std::string_view input, int mode) {
  if (stream_->context == nullptr) return ResourceExhausted("cannot start a zstd compressor");
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  auto directive = static_cast<ZSTD_EndDirective>(mode);
  while (true) {
    ZSTD_outBuffer out{buffer_.data(), buffer_.size(), 0};
    size_t left = ZSTD_compressStream2(stream_->context, &out, &in, directive);
    if (ZSTD_isError(left)) return ZstdError("zstd compression failed", left);
    std::string_view produced(buffer_.data(), out.pos);
    if (!produced.empty()) {
      hash_.Update(produced);
      stored_bytes_ += static_cast<int64_t>(produced.size());
      XRONOX_RETURN_IF_ERROR(out_->Write(produced));
    }
    bool consumed = in.pos == in.size;
    if (directive == ZSTD_e_continue ? consumed : (consumed && left == 0)) return Status::Ok();
  }
}

Status ZstdObjectWriter::Write(std::string_view bytes) {
  raw_bytes_ += static_cast<int64_t>(bytes.size());
  return Compress(bytes, ZSTD_e_continue);
}

Status ZstdObjectWriter::Finish() {
  XRONOX_RETURN_IF_ERROR(Compress({}, ZSTD_e_end));
  stored_sha256_ = hash_.FinishHex();
  return out_->Commit();
}

struct ZstdLineReader::Stream {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  ~Stream() { ZSTD_freeDCtx(context); }
};

ZstdLineReader::ZstdLineReader(std::unique_ptr<store::ObjectReader> in, size_t max_line_bytes)
    : stream_(std::make_unique<Stream>()), in_(std::move(in)), max_line_bytes_(max_line_bytes) {}

ZstdLineReader::~ZstdLineReader() = default;

Result<bool> ZstdLineReader::Refill() {
  if (stream_->context == nullptr) return ResourceExhausted("cannot start a zstd decompressor");
  // A full output buffer may leave decompressed bytes inside the decompressor: flush them
  // before reading more.
  if (input_pos_ == input_.size() && !output_full_) {
    if (input_done_) return false;
    XRONOX_RETURN_IF_ERROR(in_->Read(kReadChunkBytes, &input_));
    input_pos_ = 0;
    if (input_.empty()) {
      input_done_ = true;
      stored_sha256_ = hash_.FinishHex();
      if (!frame_done_) return Corruption("the compressed part ends inside a zstd frame");
      return false;
    }
    hash_.Update(input_);
    stored_bytes_ += static_cast<int64_t>(input_.size());
  }
  pending_.erase(0, pending_pos_);
  pending_pos_ = 0;
  size_t before = pending_.size();
  pending_.resize(before + ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{input_.data(), input_.size(), input_pos_};
  ZSTD_outBuffer out{pending_.data() + before, pending_.size() - before, 0};
  size_t hint = ZSTD_decompressStream(stream_->context, &out, &in);
  pending_.resize(before + out.pos);
  if (ZSTD_isError(hint)) return ZstdError("the compressed part is damaged", hint);
  input_pos_ = in.pos;
  frame_done_ = hint == 0;
  output_full_ = out.pos == out.size;
  raw_bytes_ += static_cast<int64_t>(out.pos);
  return true;
}

Result<std::optional<std::string>> ZstdLineReader::NextLine() {
  size_t searched = pending_pos_;
  while (true) {
    size_t end = pending_.find('\n', searched);
    size_t length = (end == std::string::npos ? pending_.size() : end) - pending_pos_;
    if (length > max_line_bytes_) {
      return ResourceExhausted("a line of the part is longer than " +
                               std::to_string(max_line_bytes_) + " bytes");
    }
    if (end != std::string::npos) {
      std::string line = pending_.substr(pending_pos_, end - pending_pos_);
      pending_pos_ = end + 1;
      return std::optional<std::string>(std::move(line));
    }
    searched = pending_.size() - pending_pos_;  // Offsets shift when Refill compacts.
    XRONOX_ASSIGN_OR_RETURN(bool more, Refill());
    searched += pending_pos_;
    if (!more) {
      if (pending_pos_ < pending_.size()) return Corruption("the part's last line has no newline");
      return std::optional<std::string>();
    }
  }
}

}  // namespace xronox
