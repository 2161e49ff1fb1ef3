#include "server/transport/http_types.h"

#include "common/names.h"

namespace xronox::server {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    char x = AsciiLower(a[i]);
    char y = AsciiLower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

std::string HeaderValue(const HttpHeaders& headers, std::string_view name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

bool ReadRequestBody(const HttpRequest& request, const BodySink& sink) {
  if (request.read_body) return request.read_body(sink);
  return request.body.empty() || sink(request.body);
}

}  // namespace xronox::server
