// The S3 store's readers of S3's XML answers and its two error conversions, on canned text.
#include "store/object/s3/s3_xml.h"

#include <gtest/gtest.h>

#include <string>

#include "store/object/s3/s3_errors.h"

namespace xronox::store::s3 {
namespace {

constexpr char kNoSuchKey[] =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
<Key>a/b</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>)";

std::string ErrorXml(const std::string& code) {
  return "<Error><Code>" + code + "</Code><Message>m</Message><RequestId>RID</RequestId></Error>";
}

TEST(S3XmlTest, ParsesErrorBody) {
  Result<S3ErrorBody> error = ParseS3Error(kNoSuchKey);
  ASSERT_TRUE(error.ok()) << error.status().ToString();
  EXPECT_EQ(error->code, "NoSuchKey");
  EXPECT_EQ(error->message, "The specified key does not exist.");
  EXPECT_EQ(error->request_id, "4442587FB7D0A2F9");
}

TEST(S3XmlTest, RefusesMalformedAndForeignDocuments) {
  for (const char* xml :
       {"", "not xml", "<Error><Code>x</Error>", "<Other/>", "<Error/><Error/>"}) {
    EXPECT_FALSE(ParseS3Error(xml).ok()) << xml;
  }
  // A DOCTYPE (the door to entity expansion) is refused outright.
  EXPECT_FALSE(
      ParseS3Error("<!DOCTYPE Error [<!ENTITY x \"y\">]><Error><Code>&x;</Code></Error>").ok());
}

TEST(S3XmlTest, ParsesListObjectsV2) {
  Result<S3ObjectList> list = ParseListObjectsV2(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>
<Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
<Contents><Key>p/a &amp; b</Key><LastModified>2026-11-25T23:58:10.123Z</LastModified>
<ETag>&quot;x&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><LastModified>2026-11-25T23:58:11Z</LastModified><Key>p/&#xE9;</Key><Size>0</Size>
</Contents></ListBucketResult>)");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE(list->truncated);
  ASSERT_EQ(list->objects.size(), 2u);
  EXPECT_EQ(list->objects[0].key, "p/a & b");
  EXPECT_EQ(list->objects[0].size, 5);
  EXPECT_EQ(list->objects[0].modified_at, 1795651090123000);
  EXPECT_EQ(list->objects[1].key, "p/\xc3\xa9");
  EXPECT_EQ(list->objects[1].size, 0);
  EXPECT_EQ(list->objects[1].modified_at, 1795651091000000);
}

TEST(S3XmlTest, ParsesEmptyListAndRefusesBadFields) {
  Result<S3ObjectList> empty =
      ParseListObjectsV2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->truncated);
  EXPECT_TRUE(empty->objects.empty());
  for (const char* contents :
       {"<Key>k</Key><Size>-1</Size><LastModified>2026-01-01T00:00:00Z</LastModified>",
        "<Key>k</Key><Size>12x</Size><LastModified>2026-01-01T00:00:00Z</LastModified>",
        "<Key>k</Key><Size>1</Size><LastModified>yesterday</LastModified>",
        "<Size>1</Size><LastModified>2026-01-01T00:00:00Z</LastModified>"}) {
    std::string xml =
        std::string("<ListBucketResult><Contents>") + contents + "</Contents></ListBucketResult>";
    EXPECT_FALSE(ParseListObjectsV2(xml).ok()) << contents;
  }
}

TEST(S3XmlTest, ParsesListMultipartUploads) {
  Result<S3UploadList> list = ParseListMultipartUploads(
      R"(<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Bucket>b</Bucket><NextKeyMarker>v/2</NextKeyMarker><NextUploadIdMarker>u2</NextUploadIdMarker>
<IsTruncated>true</IsTruncated>
<Upload><Key>v/1</Key><UploadId>u1</UploadId><Initiated>2026-11-25T00:00:00.000Z</Initiated></Upload>
<Upload><Key>v/2</Key><UploadId>u2</UploadId><Initiated>2026-11-25T00:00:01Z</Initiated></Upload>
</ListMultipartUploadsResult>)");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(list->next_key_marker, "v/2");
  EXPECT_EQ(list->next_upload_id_marker, "u2");
  ASSERT_EQ(list->uploads.size(), 2u);
  EXPECT_EQ(list->uploads[0].key, "v/1");
  EXPECT_EQ(list->uploads[0].upload_id, "u1");
  EXPECT_EQ(list->uploads[0].initiated, 1795564800000000);
  EXPECT_EQ(list->uploads[1].initiated, 1795564801000000);
  EXPECT_FALSE(ParseListMultipartUploads("<ListMultipartUploadsResult><Upload><Key>k</Key>"
                                         "</Upload></ListMultipartUploadsResult>")
                   .ok());
}

TEST(S3XmlTest, ParsesHttpDates) {
  EXPECT_EQ(ParseHttpDate("Wed, 25 Nov 2026 23:58:09 GMT"), 1795651089000000);
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  for (const char* bad :
       {"", "Wed, 25 Nov 2026 23:58:09", "Wed, 25 Foo 2026 23:58:09 GMT",
        "Wed, 32 Nov 2026 23:58:09 GMT", "Wed, 25 Nov 2026 24:58:09 GMT", "2026-11-25T23:58:09Z"}) {
    EXPECT_FALSE(ParseHttpDate(bad).has_value()) << bad;
  }
}

TEST(S3ErrorsTest, MapsS3CodesToStatusCodes) {
  struct Case {
    long http;
    const char* code;
    StatusCode expected;
  };
  for (const Case& c : {
           Case{404, "NoSuchKey", StatusCode::kNotFound},
           Case{404, "NoSuchBucket", StatusCode::kNotFound},
           Case{404, "NoSuchUpload", StatusCode::kNotFound},
           Case{412, "PreconditionFailed", StatusCode::kAlreadyExists},
           Case{409, "BucketAlreadyOwnedByYou", StatusCode::kAlreadyExists},
           Case{403, "AccessDenied", StatusCode::kPermissionDenied},
           Case{403, "SignatureDoesNotMatch", StatusCode::kPermissionDenied},
           Case{403, "InvalidAccessKeyId", StatusCode::kPermissionDenied},
           Case{503, "SlowDown", StatusCode::kUnavailable},
           Case{503, "ServiceUnavailable", StatusCode::kUnavailable},
           Case{500, "InternalError", StatusCode::kUnavailable},
           Case{400, "RequestTimeout", StatusCode::kDeadlineExceeded},
           Case{501, "NotImplemented", StatusCode::kNotSupported},
           Case{409, "ObjectParentIsFile", StatusCode::kFailedPrecondition},
           Case{409, "ExistingObjectIsDirectory", StatusCode::kFailedPrecondition},
           Case{409, "ConditionalRequestConflict", StatusCode::kConflict},
           Case{400, "InvalidBucketName", StatusCode::kInvalidArgument},
       }) {
    Status status = S3ErrorStatus("get b/k", c.http, ErrorXml(c.code), "");
    EXPECT_EQ(status.code(), c.expected) << c.code << ": " << status.ToString();
  }
}

TEST(S3ErrorsTest, MapsBodilessAnswersByHttpStatus) {
  EXPECT_EQ(S3ErrorStatus("stat b/k", 404, "", "").code(), StatusCode::kNotFound);
  EXPECT_EQ(S3ErrorStatus("put b/k", 412, "", "").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(S3ErrorStatus("get b/k", 403, "", "").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(S3ErrorStatus("get b/k", 503, "", "").code(), StatusCode::kUnavailable);
  EXPECT_EQ(S3ErrorStatus("get b/k", 400, "garbage", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(S3ErrorStatus("get b/k", 302, "", "").code(), StatusCode::kInternal);
}

TEST(S3ErrorsTest, MessageNamesOperationFirstAndCarriesRequestId) {
  Status status = S3ErrorStatus("get bkt/a/b", 404, kNoSuchKey, "HEADER-ID");
  EXPECT_EQ(status.message(),
            "get bkt/a/b: HTTP 404 NoSuchKey: The specified key does not exist. "
            "[request id 4442587FB7D0A2F9]");
  // Without a body (HEAD), the request id comes from the x-amz-request-id header.
  Status bodiless = S3ErrorStatus("stat bkt/k", 500, "", "HEADER-ID");
  EXPECT_EQ(bodiless.message(), "stat bkt/k: HTTP 500 [request id HEADER-ID]");
}

TEST(S3ErrorsTest, RetriesOnlyTransientAnswers) {
  EXPECT_TRUE(IsRetryableS3Error(503, ""));
  EXPECT_TRUE(IsRetryableS3Error(500, "InternalError"));
  EXPECT_TRUE(IsRetryableS3Error(503, "SlowDown"));
  EXPECT_TRUE(IsRetryableS3Error(400, "RequestTimeout"));
  EXPECT_FALSE(IsRetryableS3Error(404, "NoSuchKey"));
  EXPECT_FALSE(IsRetryableS3Error(412, "PreconditionFailed"));
  EXPECT_FALSE(IsRetryableS3Error(403, "AccessDenied"));
}

TEST(S3ErrorsTest, MapsCurlFailures) {
  Status timeout = CurlErrorStatus("get b/k", CURLE_OPERATION_TIMEDOUT, "Operation timed out");
  EXPECT_EQ(timeout.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(timeout.message().rfind("get b/k: ", 0), 0u) << timeout.message();
  EXPECT_EQ(CurlErrorStatus("put b/k", CURLE_COULDNT_CONNECT, "").code(), StatusCode::kUnavailable);
  EXPECT_EQ(CurlErrorStatus("put b/k", CURLE_URL_MALFORMAT, "").code(), StatusCode::kInternal);
  EXPECT_TRUE(IsRetryableCurlError(CURLE_OPERATION_TIMEDOUT));
  EXPECT_FALSE(IsRetryableCurlError(CURLE_URL_MALFORMAT));
}

}  // namespace
}  // namespace xronox::store::s3
