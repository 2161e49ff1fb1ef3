// Where an S3 request goes: the endpoint an S3ObjectStore was opened with, and the Host header,
// path and URL of a request for a bucket and key, in path-style ("host/bucket/key") or
// virtual-hosted ("bucket.host/key") addressing. One place, so that the requests the transport
// sends and the URLs it presigns always agree.
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>

#include "store/object/s3/sigv4.h"
#include "xronox/status.h"

namespace xronox::store::s3 {

/// A checked endpoint.
struct S3Endpoint {
  std::string scheme;      ///< "http" or "https".
  std::string host;        ///< "host[:port]" as sent in the Host header.
  bool path_style = true;  ///< See S3Options::path_style.
};

/// Where one request goes.
struct S3Target {
  std::string host;  ///< Host header: the endpoint's, or "bucket." + it when virtual-hosted.
  std::string path;  ///< Raw (unencoded) path: "/", "/bucket/key" or "/key".
};

/// Check `endpoint` ("scheme://host[:port]", an optional trailing '/'); InvalidArgument when it
/// has another scheme, a path, query, fragment or user:password@ (whose text the message never
/// repeats: it may hold a secret), or when `path_style` is false and the host is an IP literal
/// (virtual-hosted addressing puts the bucket in the DNS name).
Result<S3Endpoint> ParseS3Endpoint(const std::string& endpoint, bool path_style);

/// True when `host_port` ("host[:port]") names an IPv4 or bracketed IPv6 address.
bool IsIpLiteralHost(std::string_view host_port);

/// The Host header and raw path of a request for `bucket` (empty: the service) and `key`
/// (empty: the bucket itself).
S3Target TargetOf(const S3Endpoint& endpoint, const std::string& bucket, const std::string& key);

/// "scheme://host/encoded-path[?canonical-query]" for `target`; the path is percent-encoded
/// once (UriEncodePath) and the query as SigV4 signs it (CanonicalQueryString).
std::string UrlOf(const S3Endpoint& endpoint, const S3Target& target, const NameValues& query);

}  // namespace xronox::store::s3
