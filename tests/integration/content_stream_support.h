// Streaming large content through xronoxd without holding it in the test: bytes made on the fly
// from a seed, hashed as they go, and the server's peak memory from /proc.
// Thread-safety: test helpers; each call uses only what it is given.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "common/hash.h"

namespace xronox::testing {

/// Fill `out` with block `block` of the pseudo-random stream `seed` (kPatternBlock bytes).
inline constexpr size_t kPatternBlock = size_t{1} << 20;
inline void PatternBlock(uint64_t seed, uint64_t block, std::string* out) {
  out->resize(kPatternBlock);
  uint64_t x = (seed * 0x9E3779B97F4A7C15ull) ^ (block + 1) * 0xBF58476D1CE4E5B9ull;
  for (size_t i = 0; i < kPatternBlock; i += 8) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64.
    std::memcpy(out->data() + i, &x, 8);
  }
}

/// The SHA-256 of the first `size` bytes of stream `seed`.
inline std::string PatternSha256(uint64_t seed, int64_t size) {
  Sha256 hasher;
  std::string block;
  for (int64_t at = 0; at < size; at += kPatternBlock) {
    PatternBlock(seed, at / kPatternBlock, &block);
    hasher.Update(std::string_view(block).substr(0, std::min<int64_t>(size - at, kPatternBlock)));
  }
  return hasher.FinishHex();
}

/// PUT the first `size` bytes of stream `seed` to `path`, streamed with a Content-Length.
inline httplib::Result StreamPut(httplib::Client& client, const std::string& path, uint64_t seed,
                                 int64_t size, const httplib::Headers& headers) {
  return client.Put(
      path, headers, static_cast<size_t>(size),
      [seed, size](size_t offset, size_t /*length*/, httplib::DataSink& sink) {
        std::string block;
        PatternBlock(seed, offset / kPatternBlock, &block);
        size_t start = offset % kPatternBlock;
        size_t n = std::min<size_t>(kPatternBlock - start, static_cast<size_t>(size) - offset);
        return sink.write(block.data() + start, n);
      },
      "application/octet-stream");
}

/// What a streamed GET received.
struct StreamedGet {
  int status = 0;  ///< 0 when the request failed at the transport level.
  int64_t size = 0;
  std::string sha256;
};

/// GET `path`, hashing the body as it arrives instead of keeping it.
inline StreamedGet StreamGet(httplib::Client& client, const std::string& path) {
  StreamedGet got;
  Sha256 hasher;
  httplib::Result result = client.Get(path, [&](const char* data, size_t size) {
    hasher.Update(std::string_view(data, size));
    got.size += static_cast<int64_t>(size);
    return true;
  });
  if (result) got.status = result->status;
  got.sha256 = hasher.FinishHex();
  return got;
}

/// A field of /proc/`pid`/status given in KiB ("VmHWM", "VmRSS", "VmSize"); -1 if unreadable.
inline int64_t StatusFieldKib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

/// The peak resident set size of process `pid` (VmHWM), in KiB; -1 if unreadable.
inline int64_t PeakRssKib(pid_t pid) { return StatusFieldKib(pid, "VmHWM"); }

}  // namespace xronox::testing
