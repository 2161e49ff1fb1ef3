#include "server/http_types.h"

namespace xronox::server {

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    char x = Lower(a[i]);
    char y = Lower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return !CaseInsensitiveLess()(a, b) && !CaseInsensitiveLess()(b, a);
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
