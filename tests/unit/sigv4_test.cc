// AWS Signature Version 4 for S3: the examples AWS publishes, checked to the byte, then the
// canonicalisation rules and the inputs the signer refuses.
//
// Expected values come from AWS's S3 API Reference: "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk" (sig-v4-header-based-auth,
// the examples of "Authenticating Requests: Using the Authorization Header") and
// "Authenticating Requests: Using Query Parameters" (sigv4-query-string-auth). The signing
// key vector comes from AWS's general SigV4 reference (IAM example), not from the S3 pages.
#include "store/object/s3/sigv4.h"

#include <gtest/gtest.h>

#include <string>

#include "common/clock.h"
#include "common/hash.h"
#include "store/object/s3/uri_encode.h"

namespace xronox::store::s3 {
namespace {

constexpr TimestampMicros kSecond = 1'000'000;
constexpr TimestampMicros k20130524 = 1'369'353'600 * kSecond;  // 2013-05-24T00:00:00Z.
constexpr char kAmzDate[] = "20130524T000000Z";
constexpr char kScope[] = "20130524/us-east-1/s3/aws4_request";
constexpr char kHost[] = "examplebucket.s3.amazonaws.com";
constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAuthPrefix[] =
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,";

SigV4Credentials ExampleCredentials() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
}

SigV4Request Get(std::string path, NameValues query = {}, NameValues headers = {}) {
  return {"GET", kHost, std::move(path), std::move(query), std::move(headers), kEmpty};
}

// Canonical request and string to sign of a request whose x-amz-* headers are already set,
// as the AWS examples print them.
struct Steps {
  std::string canonical;
  std::string string_to_sign;
  std::string signature;
};

Steps RunSteps(SigV4Request request) {
  request.headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  request.headers.emplace_back("x-amz-date", kAmzDate);
  Result<SigV4CanonicalRequest> canonical = BuildCanonicalRequest(request);
  EXPECT_TRUE(canonical.ok()) << canonical.status().ToString();
  if (!canonical.ok()) return {};
  std::string sts = StringToSign(kAmzDate, kScope, canonical->text);
  Result<std::string> key =
      DeriveSigningKey(ExampleCredentials().secret_key, "20130524", "us-east-1", "s3");
  EXPECT_TRUE(key.ok());
  Result<std::string> signature = SignatureHex(*key, sts);
  EXPECT_TRUE(signature.ok());
  return {canonical->text, sts, *signature};
}

std::string Authorization(const SigV4Request& request,
                          const SigV4Credentials& credentials = ExampleCredentials()) {
  Result<NameValues> added = SignHeaders(request, credentials, "us-east-1", "s3", k20130524);
  EXPECT_TRUE(added.ok()) << added.status().ToString();
  if (!added.ok() || added->empty()) return "";
  EXPECT_EQ((*added)[0].first, "Authorization");
  return (*added)[0].second;
}

// ---- AWS published examples: Authorization header ----

TEST(SigV4Test, AwsExampleGetObjectWithRange) {
  SigV4Request request = Get("/test.txt", {}, {{"Range", "bytes=0-9"}});
  Steps steps = RunSteps(request);
  EXPECT_EQ(steps.canonical,
            "GET\n/test.txt\n\n"
            "host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:" +
                std::string(kEmpty) + "\nx-amz-date:20130524T000000Z\n\n" +
                "host;range;x-amz-content-sha256;x-amz-date\n" + kEmpty);
  EXPECT_EQ(steps.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(steps.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(Authorization(request),
            std::string(kAuthPrefix) +
                "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, AwsExamplePutObject) {
  std::string payload = Sha256Hex("Welcome to Amazon S3.");
  ASSERT_EQ(payload, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Request request{
      "PUT",
      kHost,
      "/test$file.text",
      {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      payload};
  Steps steps = RunSteps(request);
  EXPECT_EQ(steps.canonical,
            "PUT\n/test%24file.text\n\n"
            "date:Fri, 24 May 2013 00:00:00 GMT\nhost:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:" +
                payload +
                "\nx-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n"
                "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n" +
                payload);
  EXPECT_EQ(steps.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(steps.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_EQ(Authorization(request),
            std::string(kAuthPrefix) +
                "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, AwsExampleGetBucketLifecycle) {
  SigV4Request request = Get("/", {{"lifecycle", ""}});
  Steps steps = RunSteps(request);
  EXPECT_EQ(steps.canonical,
            "GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:" +
                std::string(kEmpty) + "\nx-amz-date:20130524T000000Z\n\n" +
                "host;x-amz-content-sha256;x-amz-date\n" + kEmpty);
  EXPECT_EQ(steps.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_EQ(steps.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  EXPECT_EQ(Authorization(request),
            std::string(kAuthPrefix) +
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, AwsExampleGetBucketListObjects) {
  SigV4Request request = Get("/", {{"prefix", "J"}, {"max-keys", "2"}});  // Out of order.
  Steps steps = RunSteps(request);
  EXPECT_EQ(steps.canonical,
            "GET\n/\nmax-keys=2&prefix=J\nhost:examplebucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:" +
                std::string(kEmpty) + "\nx-amz-date:20130524T000000Z\n\n" +
                "host;x-amz-content-sha256;x-amz-date\n" + kEmpty);
  EXPECT_EQ(steps.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(steps.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  EXPECT_EQ(Authorization(request),
            std::string(kAuthPrefix) +
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, SignHeadersReturnsTheHeadersToAddInOrder) {
  Result<NameValues> added = SignHeaders(Get("/test.txt", {}, {{"Range", "bytes=0-9"}}),
                                         ExampleCredentials(), "us-east-1", "s3", k20130524);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_EQ(added->size(), 3u);
  EXPECT_EQ((*added)[1], (std::pair<std::string, std::string>("x-amz-date", kAmzDate)));
  EXPECT_EQ((*added)[2], (std::pair<std::string, std::string>("x-amz-content-sha256", kEmpty)));
}

// ---- AWS published example: presigned URL ----

constexpr char kPresignedExample[] =
    "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

TEST(SigV4Test, AwsExamplePresignedGetObject) {
  SigV4Request request = Get("/test.txt");
  request.payload_sha256 = "";
  Result<std::string> url =
      PresignUrl(request, ExampleCredentials(), "us-east-1", "s3", k20130524, 86400, "https");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(*url, kPresignedExample);
}

TEST(SigV4Test, AwsExamplePresignedGetObjectSteps) {
  SigV4Request request{"GET",
                       kHost,
                       "/test.txt",
                       {{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                        {"X-Amz-Credential", std::string("AKIAIOSFODNN7EXAMPLE/") + kScope},
                        {"X-Amz-Date", kAmzDate},
                        {"X-Amz-Expires", "86400"},
                        {"X-Amz-SignedHeaders", "host"}},
                       {},
                       std::string(kUnsignedPayload)};
  Result<SigV4CanonicalRequest> canonical = BuildCanonicalRequest(request);
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  EXPECT_EQ(canonical->text,
            "GET\n/test.txt\n"
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524"
            "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
            "&X-Amz-SignedHeaders=host\n"
            "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(StringToSign(kAmzDate, kScope, canonical->text),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
}

// ---- Signing key, HMAC, dates ----

TEST(SigV4Test, SigningKeyMatchesAwsGeneralReferenceVector) {
  Result<std::string> key =
      DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(HexEncode(*key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4Test, HmacSha256MatchesRfc4231TestCase2) {
  Result<std::string> mac = HmacSha256("Jefe", "what do ya want for nothing?");
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(HexEncode(*mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SigV4Test, AmzDateIsBasicIso8601ToTheSecond) {
  EXPECT_EQ(FormatIso8601Basic(k20130524), kAmzDate);
  EXPECT_EQ(FormatIso8601Basic(k20130524 + 59 * kSecond + 999'999), "20130524T000059Z");
  EXPECT_EQ(CredentialScope("20130524", "us-east-1", "s3"), kScope);
}

// ---- Canonicalisation rules ----

TEST(SigV4Test, EmptyQueryLeavesAnEmptyLineAndEmptyPathIsRoot) {
  Result<SigV4CanonicalRequest> canonical = BuildCanonicalRequest(Get(""));
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  EXPECT_EQ(canonical->text,
            "GET\n/\n\nhost:examplebucket.s3.amazonaws.com\n\nhost\n" + std::string(kEmpty));
  EXPECT_EQ(CanonicalQueryString({}), "");
}

TEST(SigV4Test, QueryIsEncodedThenSortedByNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "2"}, {"a", "1"}, {"B", "x"}}),
            "B=x&a=1&a=2&b=2");
  // Sorted after encoding: "a%20b" ('%' is 0x25) sorts before "a-" ('-' is 0x2D).
  EXPECT_EQ(CanonicalQueryString({{"a-", "1"}, {"a b", "x/y+z=&"}}), "a%20b=x%2Fy%2Bz%3D%26&a-=1");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
}

TEST(SigV4Test, HeadersAreLowercasedTrimmedCollapsedAndSorted) {
  SigV4Request request = Get("/k", {},
                             {{"  X-Custom-Header ", "  a   b \t c  "},
                              {"ZZ", "1"},
                              {"aa", "x"},
                              {"X-Multi", "first"},
                              {"x-multi", " second "},
                              {"X-Empty", "   "}});
  Result<SigV4CanonicalRequest> canonical = BuildCanonicalRequest(request);
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  EXPECT_EQ(canonical->signed_headers, "aa;host;x-custom-header;x-empty;x-multi;zz");
  EXPECT_EQ(canonical->text,
            "GET\n/k\n\naa:x\nhost:examplebucket.s3.amazonaws.com\nx-custom-header:a b c\n"
            "x-empty:\nx-multi:first,second\nzz:1\n\n"
            "aa;host;x-custom-header;x-empty;x-multi;zz\n" +
                std::string(kEmpty));
}

TEST(SigV4Test, UriEncodeFollowsS3Rules) {
  EXPECT_EQ(UriEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b/c+d*e=f&g%h"), "a%20b%2Fc%2Bd%2Ae%3Df%26g%25h");
  EXPECT_EQ(UriEncode("\x01\x7f\xff"), "%01%7F%FF");
  EXPECT_EQ(UriEncodePath("/bkt/a b/c+d"), "/bkt/a%20b/c%2Bd");
  EXPECT_EQ(UriEncodePath("/bkt//./x"), "/bkt//./x");  // S3 does not normalise paths.
}

TEST(SigV4Test, PathWithSpacesAndUnicodeIsEncodedOnce) {
  SigV4Request request = Get("/bucket/key with space/ключ 100%.txt");
  Result<SigV4CanonicalRequest> canonical = BuildCanonicalRequest(request);
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  const std::string encoded = "/bucket/key%20with%20space/%D0%BA%D0%BB%D1%8E%D1%87%20100%25.txt";
  EXPECT_EQ(canonical->text.substr(0, canonical->text.find('\n', 4)), "GET\n" + encoded);
  request.payload_sha256 = "";
  Result<std::string> url =
      PresignUrl(request, ExampleCredentials(), "us-east-1", "s3", k20130524, 60, "http");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->substr(0, url->find('?')), "http://" + std::string(kHost) + encoded);
}

// ---- Session tokens ----

TEST(SigV4Test, SessionTokenIsSignedAsAHeader) {
  SigV4Credentials credentials = ExampleCredentials();
  credentials.session_token = "token/with+chars=";
  SigV4Request request = Get("/test.txt");
  Result<NameValues> added = SignHeaders(request, credentials, "us-east-1", "s3", k20130524);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_EQ(added->size(), 4u);
  EXPECT_EQ((*added)[3].first, "x-amz-security-token");
  EXPECT_EQ((*added)[3].second, "token/with+chars=");
  // The signature is the one the steps give with the token among the signed headers.
  request.headers.emplace_back("x-amz-security-token", credentials.session_token);
  Steps steps = RunSteps(request);
  EXPECT_NE(steps.canonical.find("\nx-amz-security-token:token/with+chars=\n"), std::string::npos);
  EXPECT_EQ((*added)[0].second,
            std::string(kAuthPrefix) +
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"
                "Signature=" +
                steps.signature);
  EXPECT_NE(steps.signature, "");
}

TEST(SigV4Test, SessionTokenIsSignedAsAQueryParameter) {
  SigV4Credentials credentials = ExampleCredentials();
  credentials.session_token = "token/with+chars=";
  SigV4Request request = Get("/test.txt");
  request.payload_sha256 = "";
  Result<std::string> url =
      PresignUrl(request, credentials, "us-east-1", "s3", k20130524, 86400, "https");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_NE(url->find("&X-Amz-Security-Token=token%2Fwith%2Bchars%3D&X-Amz-SignedHeaders=host&"),
            std::string::npos)
      << *url;
  // Recompute the signature over the canonical query that includes the token.
  std::string query = url->substr(url->find('?') + 1);
  size_t signature_at = query.find("&X-Amz-Signature=");
  ASSERT_NE(signature_at, std::string::npos);
  std::string canonical = "GET\n/test.txt\n" + query.substr(0, signature_at) +
                          "\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD";
  Result<std::string> key = DeriveSigningKey(credentials.secret_key, "20130524", "us-east-1", "s3");
  ASSERT_TRUE(key.ok());
  Result<std::string> signature = SignatureHex(*key, StringToSign(kAmzDate, kScope, canonical));
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(query.substr(signature_at + 17), *signature);
  EXPECT_NE(*url, kPresignedExample);
}

TEST(SigV4Test, PresignSignsExtraHeadersAndKeepsCallerQuery) {
  SigV4Request request{"PUT",
                       kHost,
                       "/k",
                       {{"partNumber", "1"}, {"uploadId", "a b"}},
                       {{"Content-Type", "text/plain"}},
                       ""};
  Result<std::string> url =
      PresignUrl(request, ExampleCredentials(), "us-east-1", "s3", k20130524, 3600, "https");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_NE(url->find("&X-Amz-SignedHeaders=content-type%3Bhost&"), std::string::npos) << *url;
  EXPECT_NE(url->find("&partNumber=1&uploadId=a%20b&X-Amz-Signature="), std::string::npos) << *url;
}

// ---- Refusals ----

Status PresignStatus(int expires, SigV4Request request = Get("/test.txt"),
                     const std::string& scheme = "https") {
  if (request.payload_sha256 == kEmpty) request.payload_sha256 = "";
  return PresignUrl(request, ExampleCredentials(), "us-east-1", "s3", k20130524, expires, scheme)
      .status();
}

TEST(SigV4Test, PresignRefusesExpiryOutsideOneSecondToSevenDays) {
  for (int expires : {0, -1, 604801}) {
    Status status = PresignStatus(expires);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << expires;
    EXPECT_NE(status.message().find("expiry"), std::string::npos) << status.message();
  }
  EXPECT_TRUE(PresignStatus(1).ok());
  EXPECT_TRUE(PresignStatus(kMaxPresignExpiresSeconds).ok());
}

TEST(SigV4Test, PresignRefusesSignerParametersSchemesAndSignedPayloads) {
  EXPECT_EQ(PresignStatus(60, Get("/k", {{"x-amz-signature", "x"}})).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PresignStatus(60, Get("/k"), "ftp").code(), StatusCode::kInvalidArgument);
  SigV4Request signed_payload = Get("/k");
  signed_payload.payload_sha256 = std::string(64, 'a');
  EXPECT_EQ(PresignStatus(60, signed_payload).code(), StatusCode::kInvalidArgument);
}

Status SignStatus(const SigV4Request& request,
                  const SigV4Credentials& credentials = ExampleCredentials(),
                  const std::string& region = "us-east-1", TimestampMicros now = k20130524) {
  return SignHeaders(request, credentials, region, "s3", now).status();
}

TEST(SigV4Test, SignRefusesHeadersItSetsOrCannotSign) {
  for (const char* name :
       {"Authorization", "X-Amz-Date", " x-amz-content-sha256", "x-amz-security-token", "Host"}) {
    EXPECT_EQ(SignStatus(Get("/k", {}, {{name, "v"}})).code(), StatusCode::kInvalidArgument)
        << name;
  }
  EXPECT_EQ(SignStatus(Get("/k", {}, {{"X-Meta", "a\r\nInjected: 1"}})).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SignStatus(Get("/k", {}, {{"Bad Name", "v"}})).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SignStatus(Get("/k", {}, {{"", "v"}})).code(), StatusCode::kInvalidArgument);
}

TEST(SigV4Test, SignRefusesBadRequestsCredentialsAndTimes) {
  SigV4Request lowercase = Get("/k");
  lowercase.method = "get";
  EXPECT_EQ(SignStatus(lowercase).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SignStatus(Get("relative")).code(), StatusCode::kInvalidArgument);
  SigV4Request bad_hash = Get("/k");
  bad_hash.payload_sha256 = "E3B0";
  EXPECT_EQ(SignStatus(bad_hash).code(), StatusCode::kInvalidArgument);
  SigV4Request no_host = Get("/k");
  no_host.host = "";
  EXPECT_EQ(SignStatus(no_host).code(), StatusCode::kInvalidArgument);
  SigV4Credentials no_secret = ExampleCredentials();
  no_secret.secret_key = "";
  EXPECT_EQ(SignStatus(Get("/k"), no_secret).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SignStatus(Get("/k"), ExampleCredentials(), "us/east").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SignStatus(Get("/k"), ExampleCredentials(), "us-east-1", -1).code(),
            StatusCode::kInvalidArgument);
}

TEST(SigV4Test, ErrorsNameTheRequestButNeverTheSecret) {
  SigV4Request request = Get("/k", {}, {{"Authorization", "x"}});
  Status status = SignStatus(request);
  EXPECT_NE(status.message().find("examplebucket.s3.amazonaws.com/k"), std::string::npos)
      << status.message();
  EXPECT_EQ(status.message().find(ExampleCredentials().secret_key), std::string::npos);
}

}  // namespace
}  // namespace xronox::store::s3
