// A backend service stopped under load, then restarted (docs/formats/write-protocol.md).
//
// xronoxd runs with --config on MongoDB + S3, one of which is a private instance of the test
// service (scripts/test-services.sh start-one) so that killing it touches no other test. A
// loader thread writes runtime records (two inline, two over the inline limit) through HTTP.
// The test freezes the service (SIGSTOP), so that a write is in flight, kills it (SIGKILL),
// checks what the server answers while it is down, restarts it on the same port with the same
// data, and waits for writes to succeed again with no manual step. Then: every write that
// failed because the service was down, in flight or later, got 503 with an "unavailable"
// error body; every acknowledged write reads back intact; each record's history is gap-free
// and holds only data a write sent; verify is clean (after repair at most).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/hash.h"
#include "integration/fault_support.h"

namespace xronox::testing {
namespace {

constexpr const char* kTenant = "acme";
const std::vector<std::string> kIds = {"r0", "r1", "r2", "r3"};
bool IsLarge(const std::string& id) { return id == "r2" || id == "r3"; }
std::string RecordPath(const std::string& id) { return "/v1/runtime/acme/ledger/" + id; }

// kFrozen: the service is stopped (SIGSTOP) and about to be killed; requests to it hang.
enum Phase { kUp = 0, kFrozen = 1, kDown = 2, kRestarted = 3 };

Json MakeData(const std::string& id, int seq) {
  Json data = {{"record", id}, {"seq", seq}};
  if (IsLarge(id)) data["pad"] = std::string(20000, static_cast<char>('a' + seq % 26));
  return data;
}

Reply Send(httplib::Client& client, const std::string& method, const std::string& path,
           const std::string& body = "") {
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.headers = {{"X-Xronox-Actor", "loader"}, {"X-Xronox-Reason", "outage test"}};
  if (!body.empty()) request.headers.emplace("Content-Type", "application/json");
  request.body = body;
  Reply reply;
  httplib::Result result = client.send(request);
  if (!result) return reply;
  reply.status = result->status;
  reply.raw = result->body;
  reply.body = Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  return reply;
}

std::string ErrorMessage(const Reply& reply) {
  const Json& body = reply.body;
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return reply.raw;
  return body["error"].value("message", "");
}

// One write of the loader, with the phases in which it started and ended.
struct Attempt {
  std::string id, hash;
  int status = 0;
  int64_t version = -1;
  std::string error_code, message;
  int started = kUp, ended = kUp;
};

// Writes the records in turn, as fast as the server answers, until stopped.
class Loader {
 public:
  Loader(int port, const std::atomic<int>& phase)
      : client_("127.0.0.1", port), phase_(phase), thread_([this] { Run(); }) {
    client_.set_read_timeout(30, 0);
  }
  ~Loader() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<Attempt> Attempts() {
    std::lock_guard lock(mutex_);
    return attempts_;
  }
  std::set<std::string> Tried() {
    std::lock_guard lock(mutex_);
    return tried_;
  }

 private:
  void Run() {
    for (int seq = 0; !stop_; ++seq) {
      Attempt a;
      a.id = kIds[seq % kIds.size()];
      Json data = MakeData(a.id, seq);
      a.hash = Sha256Hex(data.dump());
      a.started = phase_.load();
      {
        std::lock_guard lock(mutex_);
        tried_.insert(a.hash);
      }
      Reply reply = Send(client_, "PUT", RecordPath(a.id), data.dump());
      a.ended = phase_.load();
      a.status = reply.status;
      if (reply.body.is_object()) a.version = reply.body.value("version", int64_t{-1});
      a.error_code = reply.ErrorCode();
      if (reply.status >= 400) a.message = ErrorMessage(reply);
      std::lock_guard lock(mutex_);
      attempts_.push_back(std::move(a));
    }
  }

  httplib::Client client_;
  const std::atomic<int>& phase_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Attempt> attempts_;
  std::set<std::string> tried_;
  std::thread thread_;  // Last: starts once the rest is constructed.
};

size_t Count(const std::vector<Attempt>& attempts, int started, bool acked) {
  size_t n = 0;
  for (const Attempt& a : attempts) n += a.started == started && (a.status / 100 == 2) == acked;
  return n;
}

// Waits up to `timeout` for `done`; false on timeout.
template <typename Done>
bool WaitUntil(Done done, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class FaultOutageTest : public ::testing::Test {
 protected:
  // Starts a private `service` ("versitygw" or "ferretdb"), the store over it and xronoxd.
  void StartAll(const std::string& service) {
    ASSERT_FALSE(XronoxdBinary().empty()) << "XRONOXD_BINARY is not defined";
    private_ = std::make_unique<PrivateService>(service, dir_.path() + "/" + service);
    ASSERT_GT(private_->pid(), 0) << private_->error();
    ServiceStore::Options options;
    if (service == "versitygw") {
      options.s3.endpoint = private_->Var("ENDPOINT");
      options.s3.access_key = private_->Var("ACCESS_KEY");
      options.s3.secret_key = private_->Var("SECRET_KEY");
      options.s3.region = private_->Var("REGION");
    } else {
      options.mongo_uri = private_->Var("URI");
      options.server_selection_timeout_ms = 500;  // Each request waits this long while it is down.
    }
    options.tenants = {kTenant};
    store_ = std::make_unique<ServiceStore>(options);
    config_ = store_->WriteConfigFile(dir_.path());
    server_ = std::make_unique<XronoxdProcess>(std::vector<std::string>{"--config", config_});
    ASSERT_GT(server_->port(), 0) << "xronoxd did not start: " << server_->Stderr();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30, 0);
    // Bind both collections before the outage (binding creates collections and buckets).
    ASSERT_EQ(Send(*client_, "PUT", "/v1/knowledge/_/facts/k0", MakeData("k0", 0).dump()).status,
              201);
  }

  void TearDown() override {
    loader_.reset();
    client_.reset();
    if (server_) {
      EXPECT_EQ(server_->Stop(), std::optional<int>(0)) << server_->Stderr();
    }
  }

  // Load, kill the service, check the answers while it is down, restart it, wait for writes to
  // succeed again; returns every attempt of the loader.
  std::vector<Attempt> RunOutage(const std::function<void()>& check_while_down) {
    loader_ = std::make_unique<Loader>(server_->port(), phase_);
    EXPECT_TRUE(WaitUntil([&] { return Count(loader_->Attempts(), kUp, true) >= 20; },
                          std::chrono::seconds(30)))
        << "the load did not get going";
    // Freeze the service first, so that the loader's write is in flight when it dies. A write
    // cut off by the kill may be answered before Kill() returns: it ends "frozen", not "up".
    EXPECT_TRUE(private_->Freeze()) << "the service did not stop within 5 s of SIGSTOP";
    phase_ = kFrozen;
    if (while_frozen_) while_frozen_();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(private_->Kill()) << "the service still accepts connections after SIGKILL";
    phase_ = kDown;
    EXPECT_TRUE(WaitUntil([&] { return Count(loader_->Attempts(), kDown, false) >= 3; },
                          std::chrono::seconds(30)))
        << "no write was refused while the service was down";
    check_while_down();
    phase_ = kRestarted;
    auto restarted = std::chrono::steady_clock::now();
    EXPECT_TRUE(private_->Restart()) << private_->error();
    EXPECT_TRUE(WaitUntil([&] { return Count(loader_->Attempts(), kRestarted, true) >= 20; },
                          std::chrono::seconds(30)))
        << "writes did not succeed again within 30 s of the restart";
    std::cout << "writes succeed again "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - restarted)
                     .count()
              << " ms after the restart began (20 acknowledged)\n";
    loader_->Stop();
    return loader_->Attempts();
  }

  // The last acknowledged write of each record before the outage.
  std::map<std::string, Attempt> LastAcked() {
    std::map<std::string, Attempt> last;
    for (const Attempt& a : loader_->Attempts()) {
      if (a.status / 100 == 2) last[a.id] = a;
    }
    return last;
  }

  void CheckAfter(const std::vector<Attempt>& attempts);
  void CheckHistory(const std::string& id, const std::set<std::string>& tried);
  void CheckVerify();

  TempDir dir_;
  std::unique_ptr<PrivateService> private_;  // Outlives store_, whose cleanup needs it.
  std::unique_ptr<ServiceStore> store_;
  std::string config_;
  std::unique_ptr<XronoxdProcess> server_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<int> phase_{kUp};
  std::unique_ptr<Loader> loader_;
  std::function<void()> while_frozen_;  // Runs once the service is frozen, before the kill.
};

// Every write wholly inside the outage got 503 "unavailable" with a message; every other write
// succeeded or got 503; every acknowledged write reads back intact.
void FaultOutageTest::CheckAfter(const std::vector<Attempt>& attempts) {
  std::string example;
  int in_flight = 0;  // Writes under way when the service died.
  for (const Attempt& a : attempts) {
    bool ok = a.status / 100 == 2;
    // Started before the kill and answered after the freeze: under way when the service died.
    // It may still succeed (a write blocked only at its claim release is complete); the read
    // back below checks it then.
    if (a.started <= kFrozen && a.ended != kUp) {
      ++in_flight;
      std::cout << "in flight when the service died: " << a.id << ": HTTP " << a.status << " "
                << a.message << "\n";
    }
    if (a.started == kDown && a.ended == kDown) {
      EXPECT_EQ(a.status, 503) << a.id << " written while the service was down";
      EXPECT_EQ(a.error_code, "unavailable") << a.id << ": " << a.message;
      EXPECT_FALSE(a.message.empty());
      if (example.empty()) example = a.message;
    } else {
      EXPECT_TRUE(ok || a.status == 503) << a.id << ": HTTP " << a.status << " " << a.message;
    }
    if (!ok) continue;
    Reply read = Send(*client_, "GET", RecordPath(a.id) + "?version=" + std::to_string(a.version));
    ASSERT_EQ(read.status, 200) << a.id << " v" << a.version << ": " << read.raw;
    EXPECT_EQ(Sha256Hex(read.body["data"].dump()), a.hash) << a.id << " v" << a.version;
  }
  EXPECT_GT(in_flight, 0) << "no write was in flight when the service died";
  std::cout << "a write while the service was down: 503 " << example << "\n";
  std::set<std::string> tried = loader_->Tried();
  for (const std::string& id : kIds) CheckHistory(id, tried);
  CheckVerify();
}

// Gap-free history whose every version holds data the loader sent.
void FaultOutageTest::CheckHistory(const std::string& id, const std::set<std::string>& tried) {
  Reply history = Send(*client_, "GET", RecordPath(id) + "/history?order=oldest&limit=1000");
  ASSERT_EQ(history.status, 200) << history.raw;
  int64_t expected = 0;
  for (const Json& entry : history.body["versions"]) {
    int64_t version = entry["version"].get<int64_t>();
    ASSERT_EQ(version, expected++) << id << ": the version chain has a gap";
    Reply read = Send(*client_, "GET", RecordPath(id) + "?version=" + std::to_string(version));
    ASSERT_EQ(read.status, 200) << id << " v" << version << ": " << read.raw;
    EXPECT_TRUE(tried.count(Sha256Hex(read.body["data"].dump())))
        << id << " v" << version << " holds data no write sent";
  }
  Reply current = Send(*client_, "GET", RecordPath(id));
  ASSERT_EQ(current.status, 200) << current.raw;
  EXPECT_EQ(current.body["version"].get<int64_t>(), expected - 1) << id << ": head behind";
}

// xronox verify over the whole store: clean, or clean after --repair (once leases passed).
void FaultOutageTest::CheckVerify() {
  ASSERT_FALSE(std::string(XRONOX_CLI_BINARY).empty());
  auto verify = [&](bool repair) {
    std::vector<std::string> args{"--config", config_, "verify"};
    if (repair) args.push_back("--repair");
    return RunCapturing(XRONOX_CLI_BINARY, args, dir_.path(), std::chrono::seconds(60));
  };
  auto [end, out] = verify(false);
  if (end.exit_code == 0) return;
  std::cout << "verify before repair (" << end.Describe() << "):\n" << out;
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // Let claim leases pass.
  auto [repair_end, repair_out] = verify(true);
  auto [after_end, after_out] = verify(false);
  EXPECT_EQ(after_end.exit_code, 0) << "verify after repair:\n" << repair_out << after_out;
}

TEST_F(FaultOutageTest, S3StoppedThenRestarted) {
  XRONOX_REQUIRE_MONGO_AND_S3();
  ASSERT_NO_FATAL_FAILURE(StartAll("versitygw"));
  ASSERT_EQ(Send(*client_, "PUT", "/v1/knowledge/_/facts/k1", MakeData("r2", 0).dump()).status,
            201);
  std::vector<Attempt> attempts = RunOutage([&] {
    for (const auto& [id, last] : LastAcked()) {
      Reply read = Send(*client_, "GET", RecordPath(id));
      if (!IsLarge(id)) {
        // Inline records are served from the hot store alone (docs/architecture.md, "Reads").
        ASSERT_EQ(read.status, 200) << id << " while S3 is down: " << read.raw;
        EXPECT_EQ(read.body["version"], last.version) << id;
        EXPECT_EQ(Sha256Hex(read.body["data"].dump()), last.hash) << id;
      } else {
        EXPECT_EQ(read.status, 503) << id << " (its payload is in S3): " << read.raw;
      }
      Reply old = Send(*client_, "GET", RecordPath(id) + "?version=0");
      EXPECT_EQ(old.status, 503) << id << " v0 (its payload is in S3): " << old.raw;
      Reply history = Send(*client_, "GET", RecordPath(id) + "/history");
      EXPECT_EQ(history.status, 200) << id << " history (hot store only): " << history.raw;
    }
    Reply small = Send(*client_, "PUT", "/v1/knowledge/_/facts/k0", MakeData("k0", 1).dump());
    EXPECT_EQ(small.status, 200) << "an inline knowledge write needs no S3: " << small.raw;
    Reply large = Send(*client_, "PUT", "/v1/knowledge/_/facts/k1", MakeData("r2", 1).dump());
    EXPECT_EQ(large.status, 503) << "a knowledge write over the inline limit: " << large.raw;
  });
  CheckAfter(attempts);
}

// A claim insert started while MongoDB is frozen: it is the first operation of its request, so
// it hangs on the server, then meets the dropped connection when the server dies. The store
// must call that unavailable (HTTP 503), as it does when no server can be selected. (Every HTTP
// write reads the head first, and an interrupted read is retried once and then fails server
// selection, so the HTTP loader meets this case only when a later step of a write is in
// flight.)
class InFlightClaim {
 public:
  // Opens the store and its collection while the server is up.
  void Prepare(const std::string& uri, const std::string& db) {
    store::MongoOptions options;
    options.server_selection_timeout_ms = 1000;
    auto hot = store::MongoHotStore::Open(uri, options);
    ASSERT_TRUE(hot.ok()) << hot.status().ToString();
    hot_ = std::move(hot).value();
    ASSERT_TRUE(hot_->EnsureCollection(ref_ = {db, "probe"}, {}).ok());
  }
  void Start() {
    thread_ = std::thread([this] { result_ = hot_->InsertClaim(ref_, {"probe", "o", 0, "{}"}); });
  }
  Status Finish() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }
  ~InFlightClaim() { (void)Finish(); }

 private:
  std::unique_ptr<store::MongoHotStore> hot_;
  store::CollectionRef ref_;
  std::thread thread_;
  Status result_ = Status::Ok();
};

TEST_F(FaultOutageTest, MongoStoppedThenRestarted) {
  XRONOX_REQUIRE_MONGO_AND_S3();
  ASSERT_NO_FATAL_FAILURE(StartAll("ferretdb"));
  InFlightClaim claim;
  ASSERT_NO_FATAL_FAILURE(claim.Prepare(private_->Var("URI"), store_->RuntimeDbName("probe")));
  while_frozen_ = [&] { claim.Start(); };
  std::vector<Attempt> attempts = RunOutage([&] {
    Status in_flight = claim.Finish();
    EXPECT_EQ(in_flight.code(), StatusCode::kUnavailable)
        << "a claim insert in flight when MongoDB died: " << in_flight.ToString();
    for (const char* id : {"r0", "r2"}) {
      Reply read = Send(*client_, "GET", RecordPath(id));
      EXPECT_EQ(read.status, 503) << id << " while MongoDB is down: " << read.raw;
      EXPECT_EQ(read.ErrorCode(), "unavailable") << read.raw;
    }
    Reply knowledge = Send(*client_, "PUT", "/v1/knowledge/_/facts/k0", MakeData("k0", 1).dump());
    EXPECT_EQ(knowledge.status, 503) << knowledge.raw;
  });
  CheckAfter(attempts);
}

}  // namespace
}  // namespace xronox::testing
