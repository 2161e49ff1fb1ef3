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

}  // namespace xronox
