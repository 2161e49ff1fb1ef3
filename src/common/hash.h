// SHA-256 and HMAC-SHA256 (OpenSSL), and lowercase hex encoding. Thread-safety: pure functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "xronox/status.h"

namespace xronox {

/// Return the lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

/// An incremental SHA-256 over bytes that arrive in pieces (streamed content).
/// Thread-safety: one thread at a time.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  /// Add `bytes` to the hashed stream.
  void Update(std::string_view bytes);
  /// Return the lowercase hex digest of everything added; the hasher then starts over.
  std::string FinishHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Return the raw 32-byte HMAC-SHA256 of `data` under `key`; Internal if OpenSSL fails.
Result<std::string> HmacSha256(std::string_view key, std::string_view data);

/// Return `bytes` as lowercase hex, two characters a byte.
std::string HexEncode(std::string_view bytes);

}  // namespace xronox
