// One request's memory is bounded by its size: the server's peak resident set (VmHWM, reset
// before each request) grows by at most 8 times the request's bytes (its body, its answer, or
// the stored records it reads, whichever is largest) plus 64 MiB, for the requests that once
// took gigabytes: duplicate keys under a long path, a 16 MiB array of small numbers, a record
// of a million numbers read back, diffed and patched, a query page of large records. Then the
// same requests under an address-space limit: each is answered, none ends the process.
#include <sys/resource.h>

#include <fstream>
#include <thread>

#include "integration/content_stream_support.h"
#include "integration/fault_support.h"
#include "integration/raw_connection.h"
#include "integration/test_support.h"

namespace xronox::testing {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

// "1,1,...,1" with `count` numbers, as the value of "a".
std::string NumbersBody(int64_t count, char digit) {
  std::string body = "{\"a\":[";
  body.reserve(static_cast<size_t>(count) * 2 + 8);
  for (int64_t i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body += digit;
  }
  return body + "]}";
}

// 1,000 duplicate keys under 50 levels of 20 KB keys: 1 MB of JSON.
std::string DuplicateKeysBody() {
  std::string inner = "{";
  for (int i = 0; i < 1000; ++i) inner += std::string(i ? "," : "") + "\"k\":1";
  inner += "}";
  for (int i = 0; i < 50; ++i) inner = "{\"" + std::string(20000, 'p') + "\":" + inner + "}";
  return inner;
}

std::string StringsBody(int count, size_t length) {
  std::string body = "{\"s\":[";
  for (int i = 0; i < count; ++i)
    body += std::string(i ? "," : "") + "\"" + std::string(length, 'x') + "\"";
  return body + "]}";
}

struct Case {
  std::string name;
  std::string method;
  std::string path;
  std::string body;
  std::vector<int> statuses;  // The answers it may get.
  int64_t read_bytes = 0;     // Stored bytes the request reads, beside its body and answer.
};

// The requests, in order (later ones read what earlier ones wrote).
std::vector<Case> HeavyCases() {
  const std::string numbers0 = NumbersBody(950000, '1');
  const std::string numbers1 = NumbersBody(950000, '2');
  const int64_t n = static_cast<int64_t>(numbers0.size());
  std::vector<Case> cases = {
      {"duplicate keys", "PUT", "/v1/knowledge/_/m/dup", DuplicateKeysBody(), {400}, 0},
      {"16 MiB of small numbers",
       "PUT",
       "/v1/runtime/acme/m/huge",
       NumbersBody(8 * kMiB - 16, '1'),
       {413},
       0},
      {"a million numbers", "PUT", "/v1/runtime/acme/m/big", numbers0, {201, 200}, 0},
      {"read them back", "GET", "/v1/runtime/acme/m/big", "", {200}, n},
      {"replace them", "PUT", "/v1/runtime/acme/m/big", numbers1, {200}, n},
      {"diff the two", "GET", "/v1/runtime/acme/m/big/diff?from=0&to=1", "", {422}, 2 * n},
      {"patch one field", "PATCH", "/v1/runtime/acme/m/big", R"({"b":1})", {200}, n},
      {"15 MiB of strings", "PUT", "/v1/knowledge/_/m/s0", StringsBody(15000, 1000), {201, 200}, 0},
      {"read them back", "GET", "/v1/knowledge/_/m/s0", "", {200}, 0},
  };
  for (int i = 1; i <= 3; ++i) {
    cases.push_back({"4 MiB record " + std::to_string(i),
                     "PUT",
                     "/v1/knowledge/_/m/s" + std::to_string(i),
                     StringsBody(4000, 1000),
                     {201, 200},
                     0});
  }
  cases.push_back(
      {"a query page of large records", "GET", "/v1/knowledge/_/m?limit=1000", "", {200}, 0});
  return cases;
}

class ServerMemoryTest : public XronoxdTest {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // The sanitizers keep freed memory (ASan's quarantine) and reserve terabytes of address
    // space, so neither peak RSS nor an address-space limit means anything under them; the
    // debug and release runs of this test check both.
    GTEST_SKIP() << "memory bounds are measured without sanitizers";
#endif
    XronoxdTest::SetUp();
    client_->set_read_timeout(300, 0);
    client_->set_write_timeout(300, 0);
  }

  Reply Run(const Case& c) {
    std::optional<std::string> type = "application/json";
    if (c.method == "PATCH") type = "application/merge-patch+json";
    return Send(c.method, c.path, c.body, Audit(), c.body.empty() ? std::nullopt : type);
  }

  void ResetPeak() {
    std::ofstream("/proc/" + std::to_string(server_->pid()) + "/clear_refs") << "5";
  }

  // Runs every case, checking its answer and its peak memory against its bound.
  void CheckUnderAnAddressSpaceLimit();

  void CheckEachCase(const std::string& backend) {
    ASSERT_EQ(Get("/v1/health").status, 200);
    for (const Case& c : HeavyCases()) {
      ResetPeak();
      int64_t before_kib = StatusFieldKib(server_->pid(), "VmRSS");
      auto start = std::chrono::steady_clock::now();
      Reply reply = Run(c);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      int64_t peak_kib = StatusFieldKib(server_->pid(), "VmHWM");
      int64_t bytes = std::max<int64_t>({static_cast<int64_t>(c.body.size()),
                                         static_cast<int64_t>(reply.raw.size()), c.read_bytes});
      int64_t bound_kib = (8 * bytes + 64 * kMiB) >> 10;
      std::cout << "[ memory   ] " << backend << ", " << c.name << ": " << c.method << " "
                << c.path.substr(0, 60) << " -> " << reply.status << " in " << seconds << " s, "
                << (bytes >> 10) << " KiB in or out, peak +" << ((peak_kib - before_kib) >> 10)
                << " MiB (bound " << (bound_kib >> 10) << " MiB)" << std::endl;
      EXPECT_NE(std::find(c.statuses.begin(), c.statuses.end(), reply.status), c.statuses.end())
          << c.name << ": " << reply.raw.substr(0, 300);
      EXPECT_LE(peak_kib - before_kib, bound_kib) << c.name;
      // A page takes records until their data passes 16 MiB: at most that plus one record.
      EXPECT_LT(reply.raw.size(), static_cast<size_t>(33 * kMiB)) << c.name;
    }
  }
};

// The same on MongoDB + S3: what the MongoDB and S3 clients buffer counts too.
class ServerMemoryServicesTest : public ServerMemoryTest {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "memory bounds are measured without sanitizers";
#endif
    XRONOX_REQUIRE_MONGO_AND_S3();
    ServiceStore::Options options;
    options.tenants = {"acme"};
    options.s3_request_timeout_ms = 120000;
    options.claim_lease_seconds = 30;
    services_ = std::make_unique<ServiceStore>(options);
    config_ = services_->WriteConfigFile(dir_.path());
    ServerMemoryTest::SetUp();
  }
  std::vector<std::string> StoreFlags() override { return {"--config", config_}; }

  std::unique_ptr<ServiceStore> services_;
  std::string config_;
};

// And in minimal mode: MongoDB alone, the objects as documents beside the records.
class ServerMemoryMinimalTest : public ServerMemoryTest {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "memory bounds are measured without sanitizers";
#endif
    if (auto check = CheckServices({"XRONOX_TEST_MONGO_URI"}); check.missing) {
      if (check.required) FAIL() << check.message;
      GTEST_SKIP() << check.message;
    }
    prefix_ = UniqueDatabasePrefix();
    Json mongo = {{"uri", *EnvValue("XRONOX_TEST_MONGO_URI")}};
    Json config = {
        {"connections", {{"mongo", {{"main", mongo}}}}},
        {"databases",
         {{"knowledge", {{"type", "generic"}, {"mongoRef", "main"}, {"dbName", prefix_ + "kn"}}},
          {"runtime",
           {{"tenantTemplate", {{"mongoRef", "main"}, {"dbName", prefix_ + "rt_{tenant}"}}}}}}}};
    config_ = dir_.path() + "/minimal.json";
    std::ofstream(config_) << config.dump(2);
    ServerMemoryTest::SetUp();
  }
  void TearDown() override {
    ServerMemoryTest::TearDown();
    if (prefix_.empty()) return;
    store::MongoOptions options;
    options.database_prefix = prefix_;
    auto hot = store::MongoHotStore::Open(*EnvValue("XRONOX_TEST_MONGO_URI"), options);
    if (hot.ok()) {
      EXPECT_TRUE((*hot)->DropPrefixedDatabases().ok());
    }
  }
  std::vector<std::string> StoreFlags() override { return {"--config", config_}; }

  std::string prefix_;
  std::string config_;
};

TEST_F(ServerMemoryServicesTest, EachRequestsPeakIsBoundedByItsSize) { CheckEachCase("mongo_s3"); }

TEST_F(ServerMemoryMinimalTest, EachRequestsPeakIsBoundedByItsSize) { CheckEachCase("mongo_only"); }

TEST_F(ServerMemoryTest, EachRequestsPeakIsBoundedByItsSize) { CheckEachCase("embedded"); }

// With an address-space limit a little above what the warmed-up server maps, the requests
// above, one after another, then four large writes held and let go together, then four diffs
// at once, are each answered (a failed allocation is 503
// for that request), and the server keeps serving. On MongoDB + S3 too: libbson, under the
// MongoDB client, allocates through the memory reserve instead of ending the process.
void ServerMemoryTest::CheckUnderAnAddressSpaceLimit() {
  std::vector<Case> cases = HeavyCases();
  for (const Case& c : cases) Run(c);  // Warm up: threads, arenas, the records the reads need.
  int64_t mapped_kib = StatusFieldKib(server_->pid(), "VmSize");
  ASSERT_GT(mapped_kib, 0);
  rlimit limit{};
  // 16 MiB more than the warmed-up server maps (which holds the 64 MiB reserve): the requests
  // above mostly fit alone, four large ones at once do not.
  limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>((mapped_kib << 10) + 16 * kMiB);
  ASSERT_EQ(prlimit(server_->pid(), RLIMIT_AS, &limit, nullptr), 0) << strerror(errno);
  int answered = 0, out_of_memory = 0;
  auto check = [&](const Case& c, const Reply& reply) {
    bool expected =
        std::find(c.statuses.begin(), c.statuses.end(), reply.status) != c.statuses.end();
    if (reply.status == 503) ++out_of_memory;
    if (reply.status != 0) ++answered;
    EXPECT_TRUE(expected || reply.status == 503)
        << c.name << ": " << reply.status << " " << reply.raw.substr(0, 200);
  };
  for (const Case& c : cases) check(c, Run(c));
  // Four 15 MiB bodies held in the server at once (each sent but its last byte), then let go
  // together: the four parses need more than the limit and the reserve hold, whatever the
  // timing, so at least one allocation fails.
  const Case& strings = cases[7];
  std::vector<std::unique_ptr<RawConnection>> uploads;
  for (int i = 0; i < 4; ++i) {
    uploads.push_back(std::make_unique<RawConnection>(server_->port()));
    std::string request = strings.method + " " + strings.path +
                          " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: " +
                          std::to_string(strings.body.size()) + "\r\n\r\n" + strings.body;
    ASSERT_TRUE(uploads.back()->Send(std::string_view(request).substr(0, request.size() - 1)));
  }
  for (auto& upload : uploads) ASSERT_TRUE(upload->Send("}"));
  for (auto& upload : uploads) {
    std::string answer = upload->ReadResponse(std::chrono::milliseconds(300000));
    Reply reply;
    reply.status = StatusOf(answer);
    reply.raw = answer;
    check(strings, reply);
  }
  // Then four diffs of two large versions sent at once.
  const Case& diff = cases[5];
  std::vector<Reply> replies(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(300, 0);
      replies[i] = SendRequest(client, diff.method, diff.path, "", Audit(), std::nullopt);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Reply& reply : replies) check(diff, reply);
  std::cout << "[ memory   ] under a limit of " << (limit.rlim_cur >> 20)
            << " MiB of address space: " << answered << " answered, " << out_of_memory
            << " of them 503" << std::endl;
  EXPECT_GT(out_of_memory, 0) << "the limit never bound, so no failed allocation was served";
  EXPECT_EQ(Get("/v1/health").status, 200) << server_->Stderr();
  // Once the four are done, the memory they held serves the next requests again.
  EXPECT_EQ(Get("/v1/runtime/acme/m/big").status, 200);
  Reply small = SendJson("PUT", "/v1/knowledge/_/m/after", {{"n", 1}}, Audit());
  EXPECT_EQ(small.status, 201) << small.raw;
}

TEST_F(ServerMemoryTest, UnderAnAddressSpaceLimitEveryRequestIsAnsweredAndTheServerLives) {
  CheckUnderAnAddressSpaceLimit();
}

TEST_F(ServerMemoryServicesTest, UnderAnAddressSpaceLimitEveryRequestIsAnsweredAndTheServerLives) {
  CheckUnderAnAddressSpaceLimit();
}

}  // namespace
}  // namespace xronox::testing
