// Percent-encoding by the rules S3's Signature Version 4 signs with.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace xronox::store::s3 {

/// Percent-encode every byte of `text` except the unreserved A-Z a-z 0-9 - . _ ~, with
/// uppercase hex ("a b/c" -> "a%20b%2Fc"); UTF-8 is encoded byte by byte. Use for query
/// parameter names and values.
std::string UriEncode(std::string_view text);

/// Percent-encode `path` like UriEncode but keep '/' ("/bkt/a b" -> "/bkt/a%20b"). S3 signs
/// the path encoded exactly once: pass the raw key, never an already encoded one.
std::string UriEncodePath(std::string_view path);

}  // namespace xronox::store::s3
