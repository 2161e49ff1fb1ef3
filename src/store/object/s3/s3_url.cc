#include "store/object/s3/s3_url.h"

#include <algorithm>

#include "store/object/s3/uri_encode.h"

namespace xronox::store::s3 {

namespace {

// The host without its ":port" ("[::1]:80" -> "[::1]", "a.b:9000" -> "a.b").
std::string_view HostWithoutPort(std::string_view host_port) {
  if (host_port.starts_with('[')) {
    size_t close = host_port.find(']');
    return close == std::string_view::npos ? host_port : host_port.substr(0, close + 1);
  }
  size_t colon = host_port.rfind(':');
  return colon == std::string_view::npos ? host_port : host_port.substr(0, colon);
}

}  // namespace

bool IsIpLiteralHost(std::string_view host_port) {
  std::string_view host = HostWithoutPort(host_port);
  if (host.starts_with('[')) return true;
  // Resolvers read any all-digit dotted name ("127.1", "10.0.0.1") as an IPv4 address.
  return !host.empty() && std::all_of(host.begin(), host.end(),
                                      [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

Result<S3Endpoint> ParseS3Endpoint(const std::string& endpoint, bool path_style) {
  // Checked first, and never echoed: "user:password@" may be a secret.
  if (endpoint.find('@') != std::string::npos) {
    return InvalidArgument(
        "s3 endpoint must not carry credentials or an '@' (give the keys in the access_key and "
        "secret_key options)");
  }
  S3Endpoint parsed;
  parsed.path_style = path_style;
  for (const char* candidate : {"http", "https"}) {
    if (endpoint.starts_with(std::string(candidate) + "://")) parsed.scheme = candidate;
  }
  if (parsed.scheme.empty()) {
    return InvalidArgument("s3 endpoint '" + endpoint + "' must start with http:// or https://");
  }
  parsed.host = endpoint.substr(parsed.scheme.size() + 3);
  while (!parsed.host.empty() && parsed.host.back() == '/') parsed.host.pop_back();
  if (parsed.host.empty() || parsed.host.find_first_of("/?# \t\r\n") != std::string::npos) {
    return InvalidArgument("s3 endpoint '" + endpoint + "' must be scheme://host[:port]");
  }
  if (!path_style && IsIpLiteralHost(parsed.host)) {
    return InvalidArgument("s3 endpoint '" + endpoint +
                           "': virtual-hosted addressing (path_style = false) puts the bucket "
                           "in the host name, which needs a DNS name, not an IP address; use "
                           "path_style = true or a host name");
  }
  return parsed;
}

S3Target TargetOf(const S3Endpoint& endpoint, const std::string& bucket, const std::string& key) {
  if (bucket.empty()) return {endpoint.host, "/"};
  if (endpoint.path_style) return {endpoint.host, "/" + bucket + (key.empty() ? "" : "/" + key)};
  return {bucket + "." + endpoint.host, "/" + key};
}

std::string UrlOf(const S3Endpoint& endpoint, const S3Target& target, const NameValues& query) {
  std::string url = endpoint.scheme + "://" + target.host + UriEncodePath(target.path);
  if (!query.empty()) url += "?" + CanonicalQueryString(query);
  return url;
}

}  // namespace xronox::store::s3
