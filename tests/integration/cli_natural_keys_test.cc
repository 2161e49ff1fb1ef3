// Natural keys through the CLI and over HTTP: `xronox upsert` and POST :upsert create a record
// or merge into the one with the same email; a plain create of a taken email is refused (409
// natural_key_taken); 8 concurrent upserts of one new email over HTTP make one record.
#include <fstream>
#include <thread>

#include "integration/cli_support.h"
#include "xronox/config.h"

namespace xronox::testing {
namespace {

constexpr char kPeople[] = "/v1/runtime/acme/people";

// The embedded store from a config file whose "people" collections have the natural key email.
class CliNaturalKeysTest : public CliTest {
 protected:
  std::vector<std::string> StoreFlags() override {
    auto config = CreateEmbeddedConfig(DataDir());
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    config->collection_maps["people"].natural_keys = {"email"};
    config_path_ = dir_.path() + "/store.json";
    std::ofstream(config_path_) << ConfigToJson(*config).dump(2);
    return {"--config", config_path_};
  }
  CliResult Upsert(const std::string& json) {
    return CliWith({"--config", config_path_, "upsert", "runtime", "acme", "people", json,
                    "--actor", "ops", "--reason", "import"});
  }
  httplib::Headers Audit() { return {{"X-Xronox-Actor", "ops"}, {"X-Xronox-Reason", "sync"}}; }

  std::string config_path_;
};

TEST_F(CliNaturalKeysTest, UpsertCreatesThenMergesAndCreatesRefuseATakenEmail) {
  CliResult created = Upsert(R"({"email":"ada@example.com","name":"Ada"})");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  Json answer = Json::parse(created.out);
  EXPECT_EQ(answer["created"], true);
  std::string id = answer["id"];
  Reply merged = SendJson("POST", std::string(kPeople) + ":upsert",
                          {{"email", "ada@example.com"}, {"city", "London"}}, Audit());
  ASSERT_EQ(merged.status, 200) << merged.raw;
  EXPECT_EQ(merged.body["id"], id);
  EXPECT_EQ(merged.body["version"], 1);
  EXPECT_EQ(merged.body["data"],
            (Json{{"email", "ada@example.com"}, {"name", "Ada"}, {"city", "London"}}));
  CliResult again = Upsert(R"({"email":"ada@example.com","city":"London"})");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Json::parse(again.out)["unchanged"], true) << again.out;

  Reply taken = SendJson("POST", kPeople, {{"email", "ada@example.com"}}, Audit());
  EXPECT_EQ(taken.status, 409) << taken.raw;
  EXPECT_EQ(taken.ErrorCode(), "natural_key_taken") << taken.raw;
  CliResult missing = Upsert(R"({"name":"nobody"})");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("natural key 'email'"), std::string::npos) << missing.err;
  Reply unkeyed =
      SendJson("POST", "/v1/runtime/acme/orders:upsert", {{"email", "x@example.com"}}, Audit());
  EXPECT_EQ(unkeyed.status, 400) << unkeyed.raw;
  EXPECT_EQ(unkeyed.ErrorCode(), "no_natural_keys") << unkeyed.raw;
  Reply on_logs = SendJson("POST", "/v1/logs/_/people:upsert", {{"email", "x"}}, Audit());
  EXPECT_EQ(on_logs.status, 405) << on_logs.raw;
}

TEST_F(CliNaturalKeysTest, EightConcurrentUpsertsOverHttpMakeOneRecord) {
  constexpr int kClients = 8;
  std::vector<int> statuses(kClients);
  std::vector<std::string> ids(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->port());
      httplib::Headers headers = Audit();
      Json body = {{"email", "bob@example.com"}, {"from" + std::to_string(i), i}};
      auto reply =
          client.Post(std::string(kPeople) + ":upsert", headers, body.dump(), "application/json");
      if (!reply) return;
      statuses[i] = reply->status;
      ids[i] = Json::parse(reply->body, nullptr, false).value("id", "");
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), kClients - 1);
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
  Reply all = Get(std::string(kPeople) + "?limit=100");
  ASSERT_EQ(all.status, 200) << all.raw;
  ASSERT_EQ(all.body["records"].size(), 1u) << all.raw;
  EXPECT_EQ(all.body["records"][0]["data"].size(), static_cast<size_t>(kClients) + 1);
  EXPECT_EQ(all.body["records"][0]["version"], kClients - 1);
}

}  // namespace
}  // namespace xronox::testing
