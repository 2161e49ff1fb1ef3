// Version queries over HTTP and through the CLI: GET {collection}:versions and the tenant-wide
// GET /v1/runtime/{tenant}:versions by actor and field, paged with `next` across collections;
// `xronox versions` for a collection or a tenant; refusals of other types, the generic tier and
// bad parameters.
#include "integration/cli_support.h"

namespace xronox::testing {
namespace {

using CliVersionsTest = CliTest;
using Keys = std::vector<std::string>;

httplib::Headers As(const std::string& actor) {
  return {{"X-Xronox-Actor", actor}, {"X-Xronox-Reason", "versions test"}};
}

Keys KeysOf(const Json& versions) {
  Keys keys;
  for (const Json& v : versions) {
    keys.push_back(v["collection"].get<std::string>() + "/" + v["id"].get<std::string>() + ".v" +
                   std::to_string(v["version"].get<int64_t>()));
  }
  return keys;
}

TEST_F(CliVersionsTest, VersionsByActorAndFieldOverHttpAndTheCli) {
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"status", "new"}}, As("ada")).status,
            201);
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/invoices/i1", {{"total", 5}}, As("bob")).status, 201);
  ASSERT_EQ(SendJson("PATCH", "/v1/runtime/acme/orders/o1", {{"status", "paid"}}, As("bob")).status,
            200);
  Reply by_bob = Get("/v1/runtime/acme/orders:versions?actor=bob");
  ASSERT_EQ(by_bob.status, 200) << by_bob.raw;
  EXPECT_EQ(KeysOf(by_bob.body["versions"]), (Keys{"orders/o1.v1"})) << by_bob.raw;
  EXPECT_EQ(by_bob.body["versions"][0]["changedFields"], (Json{"/status"}));
  EXPECT_TRUE(by_bob.body["next"].is_null());

  Keys tenant;
  std::string path = "/v1/runtime/acme:versions?limit=1";
  for (int pages = 0; pages < 5; ++pages) {
    Reply page = Get(path);
    ASSERT_EQ(page.status, 200) << page.raw;
    for (const std::string& key : KeysOf(page.body["versions"])) tenant.push_back(key);
    if (page.body["next"].is_null()) break;
    path = "/v1/runtime/acme:versions?limit=1&cursor=" + page.body["next"].get<std::string>();
  }
  EXPECT_EQ(tenant, (Keys{"orders/o1.v1", "invoices/i1.v0", "orders/o1.v0"}));
  Reply by_field = Get("/v1/runtime/acme:versions?field=status&actor=ada");
  EXPECT_EQ(KeysOf(by_field.body["versions"]), (Keys{"orders/o1.v0"})) << by_field.raw;

  CliResult cli = Cli({"versions", "runtime", "acme", "--actor", "bob", "--format", "json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(KeysOf(Json::parse(cli.out)["versions"]), (Keys{"orders/o1.v1", "invoices/i1.v0"}));
  CliResult one = Cli({"versions", "runtime", "acme", "invoices", "--format", "json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(KeysOf(Json::parse(one.out)["versions"]), (Keys{"invoices/i1.v0"}));
  CliResult bad = Cli({"versions", "runtime", "acme", "--from", "yesterday"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--from"), std::string::npos) << bad.err;
}

TEST_F(CliVersionsTest, OtherTypesTheGenericTierAndBadParametersAreRefused) {
  ASSERT_EQ(SendJson("PUT", "/v1/runtime/acme/orders/o1", {{"n", 1}}, As("ada")).status, 201);
  for (const char* path :
       {"/v1/knowledge/_:versions", "/v1/knowledge/_/facts:versions", "/v1/runtime/_:versions",
        "/v1/runtime/acme:versions?limit=0", "/v1/runtime/acme:versions?cursor=zz",
        "/v1/runtime/acme/orders:versions?from=later", "/v1/runtime/acme:versions?where=%7B%7D"}) {
    Reply reply = Get(path);
    EXPECT_EQ(reply.status, 400) << path << ": " << reply.raw;
  }
  Reply unknown = Get("/v1/runtime/nobody:versions");
  ASSERT_EQ(unknown.status, 200) << unknown.raw;
  EXPECT_TRUE(unknown.body["versions"].empty());
  EXPECT_EQ(Send("POST", "/v1/runtime/acme:versions", "{}", {}, "application/json").status, 405);
}

}  // namespace
}  // namespace xronox::testing
