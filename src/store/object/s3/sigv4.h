// AWS Signature Version 4 for S3: the headers that authenticate a request, and presigned
// URLs, computed from a description of the request with no network and no clock (the caller
// passes the signing time).
// Thread-safety: pure functions.
//
// Why by hand: libcurl's CURLOPT_AWS_SIGV4 signs the headers of a request it sends itself but
// cannot produce a presigned URL, and the S3 store needs both, from one signer so that the
// two never disagree. Debian 12 packages no AWS C++ SDK, and its libs3 (2.0) signs only with
// the retired Signature Version 2. The cryptography is not ours: SHA-256 and HMAC-SHA256
// come from OpenSSL through common/hash.h.
//
// Rules followed are S3's, which differ from other AWS services in two ways: the path is
// percent-encoded exactly once (never twice) and is not normalised ("a//b" and "./" are kept).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::store::s3 {

/// Ordered (name, value) pairs: query parameters or HTTP headers.
using NameValues = std::vector<std::pair<std::string, std::string>>;

/// Payload hash for a body that is not signed (the only choice for presigned URLs).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
/// Lowercase hex SHA-256 of the empty body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Longest lifetime S3 accepts for a presigned URL, in seconds (7 days).
inline constexpr int kMaxPresignExpiresSeconds = 604800;

/// The identity a request is signed with.
struct SigV4Credentials {
  std::string access_key;     ///< Access key id, e.g. "AKIAIOSFODNN7EXAMPLE". Required.
  std::string secret_key;     ///< Secret access key. Required; never echoed in output or errors.
  std::string session_token;  ///< Token of temporary credentials; empty (default) for none.
};

/// One HTTP request as it will be sent, before it is signed.
struct SigV4Request {
  std::string method;  ///< Uppercase HTTP method: "GET", "PUT", "DELETE", ...
  std::string host;    ///< Host header exactly as sent, with ":port" when not the default.
  std::string path;    ///< Raw (unencoded) path, "/bucket/key with space"; empty means "/".
  NameValues query;    ///< Raw (unencoded) query parameters in any order; "" value for "?acl".
  /// Extra headers, every one of which is signed, so only those the transport sends unchanged.
  /// Not Host (from `host`) nor the ones the signer sets: Authorization, x-amz-date,
  /// x-amz-content-sha256, x-amz-security-token.
  NameValues headers;
  /// Lowercase hex SHA-256 of the body, or kUnsignedPayload. Presigning needs kUnsignedPayload
  /// or empty (which means kUnsignedPayload).
  std::string payload_sha256;
};

/// Sign `request` for `region` (e.g. "us-east-1") and `service` ("s3") at time `now`; return
/// the headers to add to it, in this order: Authorization, x-amz-date, x-amz-content-sha256,
/// and x-amz-security-token when the credentials carry a session token. InvalidArgument names
/// the first input that cannot be signed.
Result<NameValues> SignHeaders(const SigV4Request& request, const SigV4Credentials& credentials,
                               const std::string& region, const std::string& service,
                               TimestampMicros now);

/// Return "scheme://host/path?query" for `request`, valid from `now` for `expires_seconds`
/// (1..kMaxPresignExpiresSeconds), with the X-Amz-* parameters and the signature in the query.
/// `scheme` is "https" or "http". Headers in `request.headers` are signed, so whoever uses
/// the URL must send them unchanged. InvalidArgument names the first input that cannot be
/// signed, including query parameters named X-Amz-*.
Result<std::string> PresignUrl(const SigV4Request& request, const SigV4Credentials& credentials,
                               const std::string& region, const std::string& service,
                               TimestampMicros now, int expires_seconds, const std::string& scheme);

// ---- The steps of a signature, exposed for tests. ----

/// A canonical request and the header list it signs.
struct SigV4CanonicalRequest {
  std::string text;            ///< The canonical request: six parts joined by '\n'.
  std::string signed_headers;  ///< Lowercase header names, sorted, joined by ';'.
};

/// Build the canonical request of `request` as is, signing Host plus every header given (the
/// x-amz-* ones too): names lowercased and trimmed, values trimmed with runs of spaces and
/// tabs collapsed to one space, repeated names joined with ',', all sorted by name.
Result<SigV4CanonicalRequest> BuildCanonicalRequest(const SigV4Request& request);

/// Encode each name and value with UriEncode, sort by name then value, join as "n=v&n=v".
std::string CanonicalQueryString(const NameValues& query);

/// Return "<date>/<region>/<service>/aws4_request"; `date` is "YYYYMMDD".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

/// Return "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of canonical_request>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

/// Derive the raw 32-byte signing key: HMAC chain over "AWS4"+secret, date ("YYYYMMDD"),
/// region, service and "aws4_request".
Result<std::string> DeriveSigningKey(std::string_view secret_key, std::string_view date,
                                     std::string_view region, std::string_view service);

/// Return the signature: lowercase hex HMAC-SHA256 of `string_to_sign` under `signing_key`.
Result<std::string> SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace xronox::store::s3
