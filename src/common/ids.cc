#include "common/ids.h"

#include <openssl/rand.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace xronox {

namespace {

std::vector<unsigned char> RandomBytes(int count) {
  std::vector<unsigned char> bytes(count);
  if (RAND_bytes(bytes.data(), count) != 1) throw std::runtime_error("RAND_bytes failed");
  return bytes;
}

constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

}  // namespace

std::string RecordIdTimePrefix(TimestampMicros at) {
  uint64_t millis = at < 0 ? 0 : static_cast<uint64_t>(at / 1000);
  std::string prefix(10, '0');
  for (int i = 9; i >= 0; --i) {  // 10 characters: 50 bits of milliseconds.
    prefix[i] = kAlphabet[millis & 31];
    millis >>= 5;
  }
  return prefix;
}

std::string NewRecordId(TimestampMicros now) {
  std::string id = RecordIdTimePrefix(now);
  id.resize(26, '0');
  std::vector<unsigned char> random = RandomBytes(10);  // 80 bits: 16 characters.
  uint64_t bits = 0;
  int available = 0;
  size_t next_byte = 0;
  for (int i = 10; i < 26; ++i) {
    if (available < 5) {
      bits = (bits << 8) | random[next_byte++];
      available += 8;
    }
    id[i] = kAlphabet[(bits >> (available - 5)) & 31];
    available -= 5;
  }
  return id;
}

std::string RandomHex(int bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : RandomBytes(bytes)) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string EncodeHexCursor(char kind, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string cursor(1, kind);
  for (unsigned char c : text) {
    cursor += kHex[c >> 4];
    cursor += kHex[c & 15];
  }
  return cursor;
}

std::optional<std::string> DecodeHexCursor(char kind, std::string_view cursor, size_t max_chars) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (cursor.empty() || cursor[0] != kind || cursor.size() % 2 == 0 || cursor.size() > max_chars) {
    return std::nullopt;
  }
  std::string text;
  for (size_t i = 1; i < cursor.size(); i += 2) {
    int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    text += static_cast<char>(hi * 16 + lo);
  }
  return text;
}

}  // namespace xronox
