// Hidden fields over HTTP: records and pages leave out collectionMaps.{c}.hiddenFields;
// ?includeHidden=true returns them only to a key with the read_hidden operation (403 without it);
// write responses never hold them; the parameter is refused where no data is read; filters on
// them are refused; the keys file accepts read_hidden.
#include <fstream>

#include "integration/api_keys.h"
#include "integration/test_support.h"
#include "xronox/config.h"

namespace xronox::testing {
namespace {

constexpr char kPatients[] = "/v1/runtime/acme/patients";

class ServerHiddenFieldsTest : public XronoxdTest {
 protected:
  TestKey clerk_{"clerk"};      // runtime/acme: read, write.
  TestKey auditor_{"auditor"};  // runtime/acme: read, read_hidden.

  std::vector<std::string> ServerFlags() override {
    Json keys = {{"apiKeys",
                  {KeyJson(clerk_, {"runtime"}, {"acme"}, {"read", "write"}),
                   KeyJson(auditor_, {"runtime"}, {"acme"}, {"read", "read_hidden"})}}};
    std::string path = dir_.path() + "/keys.json";
    std::ofstream(path) << keys.dump(2);
    return {"--api-keys", path};
  }
  std::vector<std::string> StoreFlags() override {
    auto config = CreateEmbeddedConfig(dir_.path() + "/data");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    config->collection_maps["patients"].hidden_fields = {"ssn", "bank.iban"};
    std::string path = dir_.path() + "/store.json";
    std::ofstream(path) << ConfigToJson(*config).dump(2);
    return {"--config", path};
  }
  httplib::Headers Writing() { return Bearer(clerk_, {{"X-Xronox-Reason", "intake"}}); }
};

TEST_F(ServerHiddenFieldsTest, OnlyAKeyThatMayReadHiddenFieldsSeesThem) {
  Json whole = {{"name", "Ada"}, {"ssn", "123-45"}, {"bank", {{"iban", "DE89"}, {"name", "B"}}}};
  Json shown = {{"name", "Ada"}, {"bank", {{"name", "B"}}}};
  Reply put = SendJson("PUT", std::string(kPatients) + "/p1", whole, Writing());
  ASSERT_EQ(put.status, 201) << put.raw;
  EXPECT_EQ(put.body["data"], shown) << put.raw;
  Reply patched = SendJson("PATCH", std::string(kPatients) + "/p1", {{"ssn", "999-99"}}, Writing());
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.raw.find("999-99"), std::string::npos) << patched.raw;

  EXPECT_EQ(Get(std::string(kPatients) + "/p1", Bearer(clerk_)).body["data"], shown);
  EXPECT_EQ(Get(std::string(kPatients) + "/p1", Bearer(auditor_)).body["data"], shown);
  Reply denied = Get(std::string(kPatients) + "/p1?includeHidden=true", Bearer(clerk_));
  EXPECT_EQ(denied.status, 403) << denied.raw;
  EXPECT_EQ(denied.raw.find("999-99"), std::string::npos) << denied.raw;
  Reply revealed = Get(std::string(kPatients) + "/p1?includeHidden=true", Bearer(auditor_));
  ASSERT_EQ(revealed.status, 200) << revealed.raw;
  EXPECT_EQ(revealed.body["data"]["ssn"], "999-99");
  EXPECT_EQ(revealed.body["data"]["bank"]["iban"], "DE89");
  Reply page = Get(std::string(kPatients) + "?includeHidden=true&limit=5", Bearer(auditor_));
  ASSERT_EQ(page.status, 200) << page.raw;
  EXPECT_EQ(page.body["records"][0]["data"]["ssn"], "999-99");
  Reply plain_page = Get(std::string(kPatients) + "?limit=5", Bearer(auditor_));
  EXPECT_EQ(plain_page.body["records"][0]["data"], shown) << plain_page.raw;
  Reply old = Get(std::string(kPatients) + "/p1?version=0&includeHidden=false", Bearer(auditor_));
  EXPECT_EQ(old.body["data"], shown) << old.raw;

  for (const std::string& refused :
       {std::string(kPatients) + "/p1/history?includeHidden=true",
        std::string(kPatients) + "/p1?includeHidden=yes",
        std::string(kPatients) + "?where=" + UrlEncode(R"({"ssn":"999-99"})")}) {
    Reply reply = Get(refused, Bearer(auditor_));
    EXPECT_EQ(reply.status, 400) << refused << ": " << reply.raw;
    EXPECT_EQ(reply.raw.find("999-99\""), std::string::npos) << reply.raw;
  }
  Reply history = Get(std::string(kPatients) + "/p1/history", Bearer(auditor_));
  ASSERT_EQ(history.status, 200) << history.raw;
  EXPECT_EQ(history.body["versions"][0]["changedFields"], Json::array()) << history.raw;
  Reply diff = Get(std::string(kPatients) + "/p1/diff?from=0&to=1", Bearer(auditor_));
  ASSERT_EQ(diff.status, 200) << diff.raw;
  EXPECT_EQ(diff.raw.find("ssn"), std::string::npos) << diff.raw;
}

}  // namespace
}  // namespace xronox::testing
