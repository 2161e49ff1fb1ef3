#include "store/object/s3/sigv4.h"

#include <algorithm>
#include <map>

#include "common/clock.h"
#include "common/hash.h"
#include "store/object/s3/uri_encode.h"

namespace xronox::store::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// 10000-01-01T00:00:00Z: the first instant whose year no longer fits "YYYYMMDD".
constexpr TimestampMicros kYear10000 = 253'402'300'800'000'000;
// Headers the signer sets itself; a caller's copy would be sent twice or contradict ours.
constexpr std::string_view kSignerHeaders[] = {"authorization", "x-amz-date",
                                               "x-amz-content-sha256", "x-amz-security-token"};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// Quotes caller text for an error message without echoing control bytes or kilobytes.
std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text.substr(0, 80)) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  if (text.size() > 80) out += "...";
  return out + "'";
}

// RFC 9110 token characters, the only ones a header name may hold.
bool IsTokenChar(char c) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kSymbols.find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

// Printable ASCII without space: what may go verbatim into a header or the credential scope.
bool IsVisibleAscii(std::string_view text, std::string_view also_forbidden) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return c > 0x20 && c < 0x7f && also_forbidden.find(c) == std::string_view::npos;
  });
}

// A header value may hold tabs and UTF-8 but no other control byte: CR or LF would let a
// value smuggle in a header of its own.
bool IsHeaderValue(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

// Trims `value` and turns each run of spaces and tabs inside it into one space.
std::string CollapseSpaces(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (char c : Trim(value)) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsPayloadHash(std::string_view hash) {
  if (hash == kUnsignedPayload) return true;
  return hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

using HeaderMap = std::map<std::string, std::string>;  // Lowercase name -> canonical value.

// Adds one caller header to `headers`, joining a repeated name's values with ','.
Status AddHeader(std::string_view raw_name, std::string_view raw_value, HeaderMap& headers) {
  std::string_view name = Trim(raw_name);
  if (!IsToken(name)) return InvalidArgument("header name " + Quoted(raw_name) + " is not a token");
  if (!IsHeaderValue(raw_value)) {
    return InvalidArgument("header " + Quoted(name) + " has a control character in its value");
  }
  std::string lower = Lowercase(name);
  if (lower == "host") return InvalidArgument("give the Host header as SigV4Request::host");
  auto [it, inserted] = headers.emplace(lower, CollapseSpaces(raw_value));
  if (!inserted) it->second += "," + CollapseSpaces(raw_value);
  return Status::Ok();
}

Result<HeaderMap> CanonicalHeaders(const SigV4Request& request) {
  if (!IsVisibleAscii(request.host, "/?#")) {
    return InvalidArgument("host " + Quoted(request.host) + " is empty or not a plain host");
  }
  HeaderMap headers{{"host", request.host}};
  for (const auto& [name, value] : request.headers) {
    XRONOX_RETURN_IF_ERROR(AddHeader(name, value, headers));
  }
  return headers;
}

std::string SignedHeaderList(const HeaderMap& headers) {
  std::string list;
  for (const auto& [name, value] : headers) {
    if (!list.empty()) list += ';';
    list += name;
  }
  return list;
}

Status CheckMethodAndPath(const SigV4Request& request) {
  bool upper = !request.method.empty() && std::all_of(request.method.begin(), request.method.end(),
                                                      [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!upper) return InvalidArgument("method " + Quoted(request.method) + " is not uppercase");
  if (!request.path.empty() && request.path.front() != '/') {
    return InvalidArgument("path " + Quoted(request.path) + " does not start with '/'");
  }
  for (const auto& [name, value] : request.query) {
    if (name.empty()) return InvalidArgument("a query parameter has an empty name");
  }
  if (!IsPayloadHash(request.payload_sha256)) {
    return InvalidArgument("payload hash " + Quoted(request.payload_sha256) +
                           " is neither 64 lowercase hex digits nor UNSIGNED-PAYLOAD");
  }
  return Status::Ok();
}

// Checks what both SignHeaders and PresignUrl take besides the request itself.
Status CheckSigningInputs(const SigV4Request& request, const SigV4Credentials& credentials,
                          const std::string& region, const std::string& service,
                          TimestampMicros now) {
  if (!IsVisibleAscii(credentials.access_key, "/,=")) {
    return InvalidArgument("access key is empty or holds a space, '/', ',' or '='");
  }
  if (credentials.secret_key.empty()) return InvalidArgument("secret key is empty");
  if (!IsHeaderValue(credentials.session_token)) {
    return InvalidArgument("session token has a control character");
  }
  if (!IsVisibleAscii(region, "/")) {
    return InvalidArgument("region " + Quoted(region) + " is invalid");
  }
  if (!IsVisibleAscii(service, "/")) {
    return InvalidArgument("service " + Quoted(service) + " is invalid");
  }
  if (now < 0 || now >= kYear10000) {
    return InvalidArgument("signing time " + std::to_string(now) + " is not in years 1970-9999");
  }
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lowercase(Trim(name));
    if (std::find(std::begin(kSignerHeaders), std::end(kSignerHeaders), lower) !=
        std::end(kSignerHeaders)) {
      return InvalidArgument("header " + Quoted(name) + " is set by the signer, not the caller");
    }
  }
  return Status::Ok();
}

// Prefixes a failure with the operation and the request it concerns.
Status Annotate(const Status& status, std::string_view operation, const SigV4Request& request) {
  if (status.ok()) return status;
  std::string target = Quoted(request.method + " " + request.host + request.path);
  return Status(status.code(), std::string(operation) + " " + target + ": " + status.message());
}

// Signs a canonical request: string to sign, signing key, then the hex signature.
Result<std::string> Sign(std::string_view canonical_request, std::string_view secret_key,
                         std::string_view amz_date, std::string_view region,
                         std::string_view service) {
  std::string_view date = amz_date.substr(0, 8);
  std::string scope = CredentialScope(date, region, service);
  XRONOX_ASSIGN_OR_RETURN(std::string key, DeriveSigningKey(secret_key, date, region, service));
  return SignatureHex(key, StringToSign(amz_date, scope, canonical_request));
}

std::string PathOrRoot(const std::string& path) { return path.empty() ? "/" : path; }

}  // namespace

std::string CanonicalQueryString(const NameValues& query) {
  NameValues encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(UriEncode(name), UriEncode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

Result<SigV4CanonicalRequest> BuildCanonicalRequest(const SigV4Request& request) {
  XRONOX_RETURN_IF_ERROR(CheckMethodAndPath(request));
  XRONOX_ASSIGN_OR_RETURN(HeaderMap headers, CanonicalHeaders(request));
  SigV4CanonicalRequest canonical;
  canonical.signed_headers = SignedHeaderList(headers);
  std::string& text = canonical.text;
  text = request.method + "\n" + UriEncodePath(PathOrRoot(request.path)) + "\n" +
         CanonicalQueryString(request.query) + "\n";
  for (const auto& [name, value] : headers) text += name + ":" + value + "\n";
  text += "\n" + canonical.signed_headers + "\n" + request.payload_sha256;
  return canonical;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string scope;
  for (std::string_view part : {date, region, service}) scope.append(part).push_back('/');
  return scope + "aws4_request";
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string text(kAlgorithm);
  for (std::string_view part : {amz_date, scope}) text.append("\n").append(part);
  return text + "\n" + Sha256Hex(canonical_request);
}

Result<std::string> DeriveSigningKey(std::string_view secret_key, std::string_view date,
                                     std::string_view region, std::string_view service) {
  std::string key = "AWS4" + std::string(secret_key);
  for (std::string_view part : {date, region, service, std::string_view("aws4_request")}) {
    XRONOX_ASSIGN_OR_RETURN(key, HmacSha256(key, part));
  }
  return key;
}

Result<std::string> SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  XRONOX_ASSIGN_OR_RETURN(std::string mac, HmacSha256(signing_key, string_to_sign));
  return HexEncode(mac);
}

Result<NameValues> SignHeaders(const SigV4Request& request, const SigV4Credentials& credentials,
                               const std::string& region, const std::string& service,
                               TimestampMicros now) {
  Status inputs = CheckSigningInputs(request, credentials, region, service, now);
  XRONOX_RETURN_IF_ERROR(Annotate(inputs, "sign", request));
  std::string amz_date = FormatIso8601Basic(now);
  SigV4Request signed_request = request;
  signed_request.headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  signed_request.headers.emplace_back("x-amz-date", amz_date);
  if (!credentials.session_token.empty()) {
    signed_request.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  Result<SigV4CanonicalRequest> canonical = BuildCanonicalRequest(signed_request);
  XRONOX_RETURN_IF_ERROR(Annotate(canonical.status(), "sign", request));
  XRONOX_ASSIGN_OR_RETURN(std::string signature,
                          Sign(canonical->text, credentials.secret_key, amz_date, region, service));
  std::string scope = CredentialScope(std::string_view(amz_date).substr(0, 8), region, service);
  NameValues added = {
      {"Authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key + "/" +
                            scope + ",SignedHeaders=" + canonical->signed_headers +
                            ",Signature=" + signature},
      {"x-amz-date", amz_date},
      {"x-amz-content-sha256", request.payload_sha256}};
  if (!credentials.session_token.empty()) {
    added.emplace_back("x-amz-security-token", credentials.session_token);
  }
  return added;
}

namespace {

Status CheckPresignInputs(const SigV4Request& request, int expires_seconds,
                          const std::string& scheme) {
  if (expires_seconds < 1 || expires_seconds > kMaxPresignExpiresSeconds) {
    return InvalidArgument("expiry of " + std::to_string(expires_seconds) +
                           " seconds is outside 1.." + std::to_string(kMaxPresignExpiresSeconds));
  }
  if (scheme != "https" && scheme != "http") {
    return InvalidArgument("scheme " + Quoted(scheme) + " is neither https nor http");
  }
  if (!request.payload_sha256.empty() && request.payload_sha256 != kUnsignedPayload) {
    return InvalidArgument("a presigned URL cannot sign a payload hash; leave it empty");
  }
  for (const auto& [name, value] : request.query) {
    if (Lowercase(name).starts_with("x-amz-")) {
      return InvalidArgument("query parameter " + Quoted(name) + " is set by the signer");
    }
  }
  return Status::Ok();
}

// Adds the X-Amz-* parameters that a presigned URL signs (all but the signature itself).
Status AddPresignParameters(const SigV4Credentials& credentials, std::string_view scope,
                            const std::string& amz_date, int expires_seconds,
                            SigV4Request& request) {
  XRONOX_ASSIGN_OR_RETURN(HeaderMap headers, CanonicalHeaders(request));
  NameValues& query = request.query;
  query.emplace_back("X-Amz-Algorithm", kAlgorithm);
  query.emplace_back("X-Amz-Credential", credentials.access_key + "/" + std::string(scope));
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  if (!credentials.session_token.empty()) {
    query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  query.emplace_back("X-Amz-SignedHeaders", SignedHeaderList(headers));
  return Status::Ok();
}

}  // namespace

Result<std::string> PresignUrl(const SigV4Request& request, const SigV4Credentials& credentials,
                               const std::string& region, const std::string& service,
                               TimestampMicros now, int expires_seconds,
                               const std::string& scheme) {
  Status inputs = CheckSigningInputs(request, credentials, region, service, now);
  if (inputs.ok()) inputs = CheckPresignInputs(request, expires_seconds, scheme);
  XRONOX_RETURN_IF_ERROR(Annotate(inputs, "presign", request));
  std::string amz_date = FormatIso8601Basic(now);
  std::string scope = CredentialScope(std::string_view(amz_date).substr(0, 8), region, service);
  SigV4Request signed_request = request;
  signed_request.payload_sha256 = kUnsignedPayload;
  Status added =
      AddPresignParameters(credentials, scope, amz_date, expires_seconds, signed_request);
  XRONOX_RETURN_IF_ERROR(Annotate(added, "presign", request));
  Result<SigV4CanonicalRequest> canonical = BuildCanonicalRequest(signed_request);
  XRONOX_RETURN_IF_ERROR(Annotate(canonical.status(), "presign", request));
  XRONOX_ASSIGN_OR_RETURN(std::string signature,
                          Sign(canonical->text, credentials.secret_key, amz_date, region, service));
  return scheme + "://" + request.host + UriEncodePath(PathOrRoot(request.path)) + "?" +
         CanonicalQueryString(signed_request.query) + "&X-Amz-Signature=" + signature;
}

}  // namespace xronox::store::s3
