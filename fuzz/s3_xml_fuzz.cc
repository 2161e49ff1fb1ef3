// Fuzzes the readers of S3's XML answers (errors, ListObjectsV2, ListMultipartUploads) and the
// HTTP date parser on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/object/s3/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace s3 = xronox::store::s3;
  (void)s3::ParseS3Error(input);
  (void)s3::ParseListObjectsV2(input);
  (void)s3::ParseListMultipartUploads(input);
  (void)s3::ParseHttpDate(input);
  return 0;
}
