// The streaming part of the ObjectStore contract (BeginWrite, OpenRead, Copy, PresignGet),
// proven for every backend of object_store_backends.h.

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/clock.h"
#include "conformance/object_store_backends.h"
#include "store/object/s3/curl_handles.h"

namespace xronox::store {
namespace {

class ObjectStreamsConformanceTest : public ObjectStoreConformanceTest {
 protected:
  // Streams `bytes` to `key` in chunks of `chunk` bytes and commits.
  Status Stream(const std::string& key, std::string_view bytes, size_t chunk,
                PutMode mode = PutMode::kOverwrite) {
    XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer,
                            store_->BeginWrite(kBucket, key, mode));
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      XRONOX_RETURN_IF_ERROR(writer->Write(bytes.substr(at, chunk)));
    }
    EXPECT_EQ(writer->size(), static_cast<int64_t>(bytes.size()));
    return writer->Commit();
  }

  // Reads `length` bytes at `offset` in reads of at most `chunk` bytes.
  Result<std::string> ReadRange(const std::string& key, int64_t offset, int64_t length,
                                size_t chunk) {
    XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> reader,
                            store_->OpenRead(kBucket, key, offset, length));
    std::string all, part;
    for (int reads = 0; reads < 100000; ++reads) {
      XRONOX_RETURN_IF_ERROR(reader->Read(chunk, &part));
      if (part.empty()) return all;
      if (part.size() > chunk) return Internal("read returned more than asked");
      all += part;
    }
    return Internal("reader never ended");
  }

  bool Exists(const std::string& key) {
    Result<std::optional<ObjectInfo>> info = store_->Stat(kBucket, key);
    EXPECT_TRUE(IsOk(info.status()));
    return info.ok() && info->has_value();
  }

  void ExpectNoLeftovers() {
    TimestampMicros later = SystemClock::Default()->NowMicros() + 3600LL * 1'000'000;
    Result<std::vector<std::string>> found = store_->Leftovers(kBucket, "", later, false);
    ASSERT_TRUE(IsOk(found.status()));
    EXPECT_TRUE(found->empty()) << found->front();
  }
};

// Over S3's 5 MiB part size (the S3 backend's parts are 5 MiB), under minimal mode's 15 MiB.
constexpr size_t kLarge = (11 << 20) + 3;

TEST_P(ObjectStreamsConformanceTest, StreamedWriteRoundTripsInUnevenChunks) {
  std::string bytes = RandomBytes(kLarge, 7);
  ASSERT_TRUE(IsOk(Stream("s/large.bin", bytes, (1 << 20) + 17)));
  EXPECT_TRUE(GetOrDie("s/large.bin") == bytes) << "streamed object came back different";
  ASSERT_TRUE(IsOk(Stream("s/small.bin", "tiny", 1)));
  EXPECT_EQ(GetOrDie("s/small.bin"), "tiny");
  ASSERT_TRUE(IsOk(Stream("s/empty.bin", "", 1)));
  EXPECT_EQ(GetOrDie("s/empty.bin"), "");
  ExpectNoLeftovers();
}

TEST_P(ObjectStreamsConformanceTest, StreamedWriteIsInvisibleUntilCommit) {
  Result<std::unique_ptr<ObjectWriter>> writer =
      store_->BeginWrite(kBucket, "s/pending.bin", PutMode::kCreateOnly);
  ASSERT_TRUE(IsOk(writer.status()));
  ASSERT_TRUE(IsOk((*writer)->Write(RandomBytes(kLarge, 1))));
  EXPECT_FALSE(Exists("s/pending.bin"));
  ASSERT_TRUE(IsOk((*writer)->Commit()));
  EXPECT_TRUE(Exists("s/pending.bin"));
  EXPECT_FALSE((*writer)->Write("more").ok()) << "a committed writer accepted more bytes";
}

TEST_P(ObjectStreamsConformanceTest, AbortedOrDroppedWritesLeaveNothing) {
  {
    Result<std::unique_ptr<ObjectWriter>> writer =
        store_->BeginWrite(kBucket, "s/aborted.bin", PutMode::kOverwrite);
    ASSERT_TRUE(IsOk(writer.status()));
    ASSERT_TRUE(IsOk((*writer)->Write(RandomBytes(kLarge, 2))));
    ASSERT_TRUE(IsOk((*writer)->Abort()));
  }
  {
    Result<std::unique_ptr<ObjectWriter>> writer =
        store_->BeginWrite(kBucket, "s/dropped.bin", PutMode::kOverwrite);
    ASSERT_TRUE(IsOk(writer.status()));
    ASSERT_TRUE(IsOk((*writer)->Write(RandomBytes(kLarge, 3))));
  }
  EXPECT_FALSE(Exists("s/aborted.bin"));
  EXPECT_FALSE(Exists("s/dropped.bin"));
  EXPECT_TRUE(ListAll("", 100).empty());
  ExpectNoLeftovers();
}

TEST_P(ObjectStreamsConformanceTest, StreamedCreateOnlyRefusesExistingKey) {
  ASSERT_TRUE(IsOk(Put("s/taken.bin", "first")));
  for (size_t size : {size_t{6}, kLarge}) {
    EXPECT_TRUE(HasCode(Stream("s/taken.bin", RandomBytes(size, 4), 1 << 20, PutMode::kCreateOnly),
                        StatusCode::kAlreadyExists))
        << size;
  }
  EXPECT_EQ(GetOrDie("s/taken.bin"), "first");
  std::string replacement = RandomBytes(kLarge, 5);
  ASSERT_TRUE(IsOk(Stream("s/taken.bin", replacement, 3 << 20, PutMode::kOverwrite)));
  EXPECT_TRUE(GetOrDie("s/taken.bin") == replacement);
  ExpectNoLeftovers();
}

TEST_P(ObjectStreamsConformanceTest, RangedReadsReturnExactlyTheRange) {
  std::string bytes = RandomBytes(kLarge, 6);
  ASSERT_TRUE(IsOk(Put("r/object.bin", bytes)));
  const int64_t size = static_cast<int64_t>(bytes.size());
  struct Case {
    int64_t offset, length;
    size_t chunk;
  };
  for (Case c :
       {Case{0, -1, 1 << 20}, Case{0, 10, 3}, Case{12345, 3 << 20, 777777}, Case{size - 5, -1, 2},
        Case{size - 5, 100, 64}, Case{size, -1, 8}, Case{7, 0, 8}}) {
    Result<std::string> got = ReadRange("r/object.bin", c.offset, c.length, c.chunk);
    ASSERT_TRUE(IsOk(got.status())) << c.offset << "+" << c.length;
    int64_t expect = c.length < 0 ? size - c.offset : std::min(c.length, size - c.offset);
    EXPECT_TRUE(*got == bytes.substr(c.offset, expect)) << c.offset << "+" << c.length;
  }
  Result<std::unique_ptr<ObjectReader>> reader = store_->OpenRead(kBucket, "r/object.bin", 1, 1);
  ASSERT_TRUE(IsOk(reader.status()));
  EXPECT_EQ((*reader)->object_size(), size);
  EXPECT_TRUE(HasCode(store_->OpenRead(kBucket, "r/object.bin", size + 1, -1).status(),
                      StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(store_->OpenRead(kBucket, "r/object.bin", -1, 4).status(),
                      StatusCode::kInvalidArgument));
  EXPECT_TRUE(
      HasCode(store_->OpenRead(kBucket, "r/missing.bin", 0, -1).status(), StatusCode::kNotFound));
}

TEST_P(ObjectStreamsConformanceTest, CopyMakesAnIndependentObject) {
  std::string bytes = RandomBytes(kLarge, 8);
  ASSERT_TRUE(IsOk(Put("c/source.bin", bytes)));
  ASSERT_TRUE(IsOk(store_->Copy(kBucket, "c/source.bin", "c/sub/copy.bin", PutMode::kCreateOnly)));
  EXPECT_TRUE(GetOrDie("c/sub/copy.bin") == bytes) << "copy differs from its source";
  EXPECT_TRUE(HasCode(store_->Copy(kBucket, "c/source.bin", "c/sub/copy.bin", PutMode::kCreateOnly),
                      StatusCode::kAlreadyExists));
  ASSERT_TRUE(IsOk(Put("c/other.bin", "other")));
  ASSERT_TRUE(IsOk(store_->Copy(kBucket, "c/other.bin", "c/sub/copy.bin", PutMode::kOverwrite)));
  EXPECT_EQ(GetOrDie("c/sub/copy.bin"), "other");
  ASSERT_TRUE(IsOk(store_->Copy(kBucket, "c/source.bin", "c/second.bin", PutMode::kOverwrite)));
  ASSERT_TRUE(IsOk(store_->Delete(kBucket, "c/source.bin")));
  ASSERT_TRUE(IsOk(Put("c/other.bin", "changed")));
  EXPECT_TRUE(GetOrDie("c/second.bin") == bytes) << "copy changed with its deleted source";
  EXPECT_EQ(GetOrDie("c/sub/copy.bin"), "other") << "copy changed with its overwritten source";
  EXPECT_TRUE(HasCode(store_->Copy(kBucket, "c/missing.bin", "c/x.bin", PutMode::kCreateOnly),
                      StatusCode::kNotFound));
  EXPECT_FALSE(Exists("c/x.bin"));
  ExpectNoLeftovers();
}

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// GETs `url` with no credentials; returns the HTTP status and fills `body`.
long PlainGet(const std::string& url, std::string* body) {
  s3::CurlEasy curl(curl_easy_init());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, body);
  if (curl_easy_perform(curl.get()) != CURLE_OK) return -1;
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return status;
}

TEST_P(ObjectStreamsConformanceTest, PresignGetGivesAWorkingUrlOrNotSupported) {
  ASSERT_TRUE(IsOk(Put("p/object.bin", "presigned bytes")));
  Result<std::string> url = store_->PresignGet(kBucket, "p/object.bin", 60);
  if (!GetParam().presigns) {
    EXPECT_TRUE(HasCode(url.status(), StatusCode::kNotSupported));
    return;
  }
  ASSERT_TRUE(IsOk(url.status()));
  std::string body;
  EXPECT_EQ(PlainGet(*url, &body), 200) << body;
  EXPECT_EQ(body, "presigned bytes");
  std::string tampered = *url;
  tampered.back() = tampered.back() == '0' ? '1' : '0';  // The signature's last hex digit.
  body.clear();
  EXPECT_EQ(PlainGet(tampered, &body), 403) << "a tampered signature was accepted";
}

INSTANTIATE_TEST_SUITE_P(Backends, ObjectStreamsConformanceTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<ObjectBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace xronox::store
