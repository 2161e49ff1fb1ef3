// Content through the public API (Xronox::Open, Collection): the calls are wired to the content
// service, an upload outlives the Xronox it came from, and Verify covers content.
#include <gtest/gtest.h>

#include "common/hash.h"
#include "support/temp_dir.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

TEST(ContentApiTest, UploadReadPresignDeleteAndVerifyThroughCollection) {
  TempDir dir;
  auto config = CreateEmbeddedConfig(dir.path());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto store = Xronox::Open(*config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto docs = (*store)->With({DatabaseType::kKnowledge, Tier::kGeneric, "", "docs"});
  ASSERT_TRUE(docs.ok());
  ASSERT_TRUE(docs->Put("d1", {{"title", "t"}}, {}).ok());

  auto upload = docs->BeginContent("d1", "scan", {"text/plain", {}});
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  store->reset();  // The upload and the Collection keep the store open.
  ASSERT_TRUE((*upload)->Write("hello ").ok());
  ASSERT_TRUE((*upload)->Write("world").ok());
  auto written = (*upload)->Finish();
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->record->data["scan"]["$content"]["sha256"], Sha256Hex("hello world"));
  EXPECT_FALSE((*upload)->Write("more").ok()) << "a finished upload took more bytes";

  ContentReadOptions range;
  range.offset = 6;
  auto reader = docs->ReadContent("d1", "scan", range);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->info().content_type, "text/plain");
  std::string chunk;
  ASSERT_TRUE((*reader)->Read(100, &chunk).ok());
  EXPECT_EQ(chunk, "world");
  EXPECT_EQ(docs->PresignContent("d1", "scan", {}, 60).status().code(), StatusCode::kNotSupported);
  auto report = docs->Verify(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_TRUE(report->garbage.empty());
  ASSERT_TRUE(docs->DeleteContent("d1", "scan", {}).ok());
  EXPECT_EQ(docs->ReadContent("d1", "scan").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace xronox::testing
