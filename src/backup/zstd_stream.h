// Streamed zstd compression into an object and decompression out of one, each with bounded
// buffers whatever the object's size (libzstd's streaming API), and the SHA-256 of the stored
// (compressed) bytes as they pass.
// Thread-safety: one thread at a time per object.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "store/object/object_store.h"
#include "xronox/status.h"

namespace xronox {

/// Compresses what is written to it into one object.
class ZstdObjectWriter {
 public:
  /// Write into `out`, compressing at zstd `level`.
  ZstdObjectWriter(std::unique_ptr<store::ObjectWriter> out, int level);
  ~ZstdObjectWriter();
  ZstdObjectWriter(const ZstdObjectWriter&) = delete;
  ZstdObjectWriter& operator=(const ZstdObjectWriter&) = delete;

  /// Compress `bytes` and pass on what the compressor has ready.
  Status Write(std::string_view bytes);
  /// End the frame and commit the object; nothing may be written after.
  Status Finish();

  int64_t raw_bytes() const { return raw_bytes_; }
  int64_t stored_bytes() const { return stored_bytes_; }
  /// After Finish: lowercase hex SHA-256 of the stored (compressed) bytes.
  const std::string& stored_sha256() const { return stored_sha256_; }

 private:
  // Run the compressor over `input` with `mode` (a ZSTD_EndDirective), writing its output.
  Status Compress(std::string_view input, int mode);

  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::unique_ptr<store::ObjectWriter> out_;
  std::string buffer_;  // The compressor's output, ZSTD_CStreamOutSize() bytes.
  Sha256 hash_;
  int64_t raw_bytes_ = 0;
  int64_t stored_bytes_ = 0;
  std::string stored_sha256_;
};

/// Decompresses one object and hands it out line by line.
class ZstdLineReader {
 public:
  /// Read from `in`; a line longer than `max_line_bytes` is an error.
  ZstdLineReader(std::unique_ptr<store::ObjectReader> in, size_t max_line_bytes);
  ~ZstdLineReader();
  ZstdLineReader(const ZstdLineReader&) = delete;
  ZstdLineReader& operator=(const ZstdLineReader&) = delete;

  /// The next line without its '\n'; nullopt at the end of the object. Corruption when the
  /// stored bytes are not a whole zstd frame, or the last line has no '\n'.
  Result<std::optional<std::string>> NextLine();

  int64_t raw_bytes() const { return raw_bytes_; }
  int64_t stored_bytes() const { return stored_bytes_; }
  /// At the end: lowercase hex SHA-256 of the stored bytes read.
  const std::string& stored_sha256() const { return stored_sha256_; }

 private:
  // Decompress more into `pending_`; false at the end of the stored bytes.
  Result<bool> Refill();

  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::unique_ptr<store::ObjectReader> in_;
  size_t max_line_bytes_;
  std::string input_;     // Stored bytes not yet decompressed.
  size_t input_pos_ = 0;  // First byte of `input_` not yet consumed.
  std::string pending_;   // Decompressed bytes not yet handed out.
  size_t pending_pos_ = 0;
  bool frame_done_ = true;  // The last frame decompressed so far is complete.
  bool input_done_ = false;
  bool output_full_ = false;  // The last decompression filled its output buffer.
  Sha256 hash_;
  int64_t raw_bytes_ = 0;
  int64_t stored_bytes_ = 0;
  std::string stored_sha256_;
};

}  // namespace xronox
