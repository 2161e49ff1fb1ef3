// The zstd part streams of backups: what ZstdObjectWriter writes, ZstdLineReader hands back
// line by line (lines across buffer edges, a long object, empty lines), with the stored bytes'
// size and hash; a truncated, damaged or foreign object and a line over the limit are errors.
#include "backup/zstd_stream.h"

#include <gtest/gtest.h>

#include "common/hash.h"
#include "store/object/memory/memory_object_store.h"

namespace xronox::testing {
namespace {

class ZstdStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::MemoryObjectStore::Open()).value();
    ASSERT_TRUE(store_->EnsureBucket("b").ok());
  }
  ZstdObjectWriter Writer(const std::string& key) {
    auto out = store_->BeginWrite("b", key, store::PutMode::kCreateOnly);
    EXPECT_TRUE(out.ok());
    return ZstdObjectWriter(std::move(out).value(), 3);
  }
  std::unique_ptr<ZstdLineReader> Reader(const std::string& key, size_t max_line = 1 << 20) {
    auto in = store_->OpenRead("b", key, 0, -1);
    EXPECT_TRUE(in.ok()) << in.status().ToString();
    return std::make_unique<ZstdLineReader>(std::move(in).value(), max_line);
  }
  // Every line, or the first error.
  Result<std::vector<std::string>> ReadAll(ZstdLineReader& reader) {
    std::vector<std::string> lines;
    while (true) {
      XRONOX_ASSIGN_OR_RETURN(std::optional<std::string> line, reader.NextLine());
      if (!line) return lines;
      lines.push_back(std::move(*line));
    }
  }
  std::unique_ptr<store::MemoryObjectStore> store_;
};

TEST_F(ZstdStreamTest, LinesComeBackAsWrittenWithTheStoredSizeAndHash) {
  std::vector<std::string> written;
  {
    ZstdObjectWriter writer = Writer("k");
    for (int i = 0; i < 20000; ++i) {
      // Lines of every length up to 300 KiB cross the decompressor's buffers at every offset.
      std::string line = i % 1000 == 999 ? std::string(300 << 10, 'a' + i % 26)
                                         : "line " + std::to_string(i * 7919);
      if (i == 5) line.clear();
      written.push_back(line);
      ASSERT_TRUE(writer.Write(line + "\n").ok());
    }
    ASSERT_TRUE(writer.Finish().ok());
    auto stored = store_->Get("b", "k");
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(writer.stored_bytes(), static_cast<int64_t>(stored->size()));
    EXPECT_EQ(writer.stored_sha256(), Sha256Hex(*stored));
    EXPECT_LT(writer.stored_bytes(), writer.raw_bytes() / 10);
  }
  auto reader = Reader("k");
  auto lines = ReadAll(*reader);
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  EXPECT_TRUE(*lines == written);
  auto stored = store_->Get("b", "k");
  EXPECT_EQ(reader->stored_sha256(), Sha256Hex(*stored));
  EXPECT_EQ(reader->stored_bytes(), static_cast<int64_t>(stored->size()));
}

TEST_F(ZstdStreamTest, TruncatedDamagedAndForeignObjectsAreErrors) {
  {
    ZstdObjectWriter writer = Writer("k");
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(writer.Write(std::to_string(i) + "\n").ok());
    ASSERT_TRUE(writer.Finish().ok());
  }
  std::string whole = *store_->Get("b", "k");
  ASSERT_TRUE(
      store_->Put("b", "cut", whole.substr(0, whole.size() - 3), store::PutMode::kOverwrite).ok());
  std::string flipped = whole;
  flipped[flipped.size() / 2] ^= 0x40;
  ASSERT_TRUE(store_->Put("b", "flipped", flipped, store::PutMode::kOverwrite).ok());
  ASSERT_TRUE(store_->Put("b", "plain", "not zstd\n", store::PutMode::kOverwrite).ok());
  for (const char* key : {"cut", "flipped", "plain"}) {
    auto reader = Reader(key);
    EXPECT_EQ(ReadAll(*reader).status().code(), StatusCode::kCorruption) << key;
  }
}

TEST_F(ZstdStreamTest, ALineOverTheLimitAndAMissingLastNewlineAreRefused) {
  {
    ZstdObjectWriter writer = Writer("long");
    ASSERT_TRUE(writer.Write(std::string(5000, 'x') + "\n").ok());
    ASSERT_TRUE(writer.Finish().ok());
    ZstdObjectWriter open_ended = Writer("open");
    ASSERT_TRUE(open_ended.Write("a\nb").ok());
    ASSERT_TRUE(open_ended.Finish().ok());
  }
  auto reader = Reader("long", 4096);
  EXPECT_EQ(ReadAll(*reader).status().code(), StatusCode::kResourceExhausted);
  reader = Reader("open");
  auto first = reader->NextLine();
  ASSERT_TRUE(first.ok() && *first && **first == "a");
  EXPECT_EQ(reader->NextLine().status().code(), StatusCode::kCorruption);
}

TEST_F(ZstdStreamTest, AnEmptyStreamIsOneEmptyFrame) {
  {
    ZstdObjectWriter writer = Writer("empty");
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_GT(writer.stored_bytes(), 0);
  }
  auto reader = Reader("empty");
  auto lines = ReadAll(*reader);
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  EXPECT_TRUE(lines->empty());
}

}  // namespace
}  // namespace xronox::testing
