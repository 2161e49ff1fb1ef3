#include "store/object/s3/uri_encode.h"

namespace xronox::store::s3 {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Hand-written rather than curl_easy_escape: that one leaves no choice over '/', and this
// component must not depend on a CURL handle to compute a signature.
std::string Encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view text) { return Encode(text, false); }

std::string UriEncodePath(std::string_view path) { return Encode(path, true); }

}  // namespace xronox::store::s3
