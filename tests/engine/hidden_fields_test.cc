// Hidden fields through the public API: reads, queries and write results leave out
// collectionMaps.{c}.hiddenFields unless the handle reveals them (RevealingHidden); diff, history,
// blame and filters never show them, whatever the handle; a hidden content property reads as
// absent.
#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "xronox/xronox.h"

namespace xronox::testing {
namespace {

class HiddenFieldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = CreateEmbeddedConfig(dir_.path());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config->collection_maps["patients"].hidden_fields = {"ssn", "bank.iban", "scan"};
    auto store = Xronox::Open(*config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto patients = store_->With({DatabaseType::kRuntime, Tier::kTenant, "acme", "patients"});
    ASSERT_TRUE(patients.ok()) << patients.status().ToString();
    patients_.emplace(std::move(patients).value());
  }
  static WriteOptions By() {
    WriteOptions options;
    options.actor = "clerk";
    options.reason = "intake";
    return options;
  }
  static const Json& Whole() {
    static const Json whole = {
        {"name", "Ada"}, {"ssn", "123-45"}, {"bank", {{"iban", "DE89"}, {"name", "Bank"}}}};
    return whole;
  }
  static const Json& Shown() {
    static const Json shown = {{"name", "Ada"}, {"bank", {{"name", "Bank"}}}};
    return shown;
  }

  TempDir dir_;
  std::unique_ptr<Xronox> store_;
  std::optional<Collection> patients_;
};

TEST_F(HiddenFieldsTest, ReadsQueriesAndWriteResultsLeaveThemOutUnlessRevealed) {
  auto written = patients_->Put("p1", Whole(), By());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->record->data, Shown());
  EXPECT_EQ(patients_->Get("p1")->data, Shown());
  GetOptions raw;
  raw.raw_data = true;
  EXPECT_EQ(Json::parse(patients_->Get("p1", raw)->data_text), Shown());
  GetOptions projected;
  projected.fields = {"ssn", "name", "bank"};
  EXPECT_EQ(patients_->Get("p1", projected)->data, Shown());
  auto page = patients_->Query(Json::object(), {});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].data, Shown());
  Collection revealing = patients_->RevealingHidden();
  EXPECT_EQ(revealing.Get("p1")->data, Whole());
  EXPECT_EQ(revealing.Query(Json::object(), {})->records[0].data, Whole());
  auto merged = revealing.Update("p1", {{"note", "x"}}, By());
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->record->data["ssn"], "123-45");
  // The plain handle is unchanged by the revealing copy.
  EXPECT_FALSE(patients_->Get("p1")->data.contains("ssn"));
}

TEST_F(HiddenFieldsTest, FiltersDiffHistoryAndBlameNeverShowThem) {
  ASSERT_TRUE(patients_->Put("p1", Whole(), By()).ok());
  ASSERT_TRUE(
      patients_->Update("p1", {{"ssn", "999-99"}, {"bank", {{"iban", "FR76"}}}}, By()).ok());
  for (const Json& filter :
       {Json{{"ssn", "123-45"}}, Json{{"bank", {{"$ne", nullptr}}}}, Json{{"bank.iban", "FR76"}}}) {
    SCOPED_TRACE(filter.dump());
    auto refused = patients_->RevealingHidden().Query(filter, {});
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(refused.status().reason(), "hidden_field");
  }
  EXPECT_TRUE(patients_->Query({{"bank.name", "Bank"}}, {}).ok());
  auto diff = patients_->RevealingHidden().Diff("p1", 0, 1);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(*diff, Json::array()) << diff->dump();
  auto history = patients_->History("p1");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->versions.size(), 2u);
  EXPECT_TRUE(history->versions[0].changed_fields.empty());
  auto blame = patients_->Blame("p1");
  ASSERT_TRUE(blame.ok()) << blame.status().ToString();
  std::vector<std::string> paths;
  for (const FieldBlame& field : blame->fields) paths.push_back(field.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/bank/name", "/name"}));
}

TEST_F(HiddenFieldsTest, AHiddenContentPropertyReadsAsAbsent) {
  ASSERT_TRUE(patients_->Put("p1", {{"name", "Ada"}}, By()).ok());
  ContentUploadOptions upload;
  upload.content_type = "application/pdf";
  upload.write = By();
  auto stored = patients_->PutContent("p1", "scan", "%PDF-secret", upload);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_FALSE(stored->record->data.contains("scan"));
  auto hidden = patients_->ReadContent("p1", "scan");
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().reason(), "content_not_found");
  auto reader = patients_->RevealingHidden().ReadContent("p1", "scan");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::string bytes;
  ASSERT_TRUE((*reader)->Read(100, &bytes).ok());
  EXPECT_EQ(bytes, "%PDF-secret");
}

}  // namespace
}  // namespace xronox::testing
