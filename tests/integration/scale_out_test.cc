// Scale-out: several xronoxd processes over one MongoDB-wire server and one S3 server (one
// config file). Client threads, each with its own HTTP connection to one instance, write a few
// shared runtime records with If-Match (a 409, 412 or 503 is retried after reading the record
// again) and records of their own, through every instance, for a few seconds. The engine
// retries a lost race by itself, so with If-Match a lost race answers 412 version_mismatch (the
// retry finds the record moved on), or 503 after 64 races lost in a row.
// Afterwards, through the HTTP API: every acknowledged (id, version) was acknowledged once and
// reads back, through another instance than the one that acknowledged it, with exactly the
// data sent; each record's history is a gap-free chain 0..n of data somebody sent; and
// `xronox --config F verify` exits 0. In the second test a fourth instance under the same load
// is killed with SIGKILL: nothing it acknowledged is lost, the others keep serving, and once
// the claim lease has passed `verify --repair` then `verify` are clean.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "integration/fault_support.h"

namespace xronox::testing {
namespace {

constexpr char kTenant[] = "scale";
constexpr char kRecords[] = "/v1/runtime/scale/orders/";
constexpr int kSharedRecords = 3;
constexpr int kSharedWritersPerInstance = 2;
constexpr int kLeaseSeconds = 2;
using Clock = std::chrono::steady_clock;

// One acknowledged write.
struct Ack {
  std::string id;
  int64_t version = 0;
  Json data;
  int instance = 0;
  Clock::time_point at;
};

// What the client threads saw.
struct Load {
  std::mutex mutex;
  std::vector<Ack> acks;
  std::set<std::string> tried;  // The dumped data of every write sent.
  long conflicts = 0;           // 409: the write lost a race.
  long mismatches = 0;          // 412: the record moved on since it was read.
  // 503: another writer's version was in flight (lost_race), or the engine lost its races
  // for the record many times in a row ("retry later"), as while a killed writer's claim
  // holds it until the lease runs out.
  long being_written = 0;
  long unknown = 0;  // Transport errors on the killed instance: outcome unknown.
  std::vector<std::string> unexpected;
};

// One instance as the client threads see it.
struct Target {
  int index = 0;
  int port = 0;
  std::atomic<bool> killed{false};
};

httplib::Headers AuditHeaders(httplib::Headers extra = {}) {
  extra.emplace("X-Xronox-Actor", "scale-test");
  extra.emplace("X-Xronox-Reason", "scale-out test");
  return extra;
}

std::string Quoted(int64_t version) { return "\"" + std::to_string(version) + "\""; }

// A client thread: its own connection to one instance, its tallies merged into Load at the end.
class Worker {
 public:
  Worker(Target& target, int number, Load& load)
      : target_(target),
        name_("i" + std::to_string(target.index) + "w" + std::to_string(number)),
        client_("127.0.0.1", target.port),
        load_(load) {
    client_.set_read_timeout(30, 0);
    client_.set_keep_alive(true);
  }
  ~Worker() { Merge(); }

  // Writes the shared records on top of what it reads until `end`.
  void RunShared(Clock::time_point end) {
    std::mt19937 random(static_cast<uint32_t>(std::hash<std::string>()(name_)));
    while (Clock::now() < end && !stopped_) {
      std::string id = "s" + std::to_string(random() % kSharedRecords);
      Reply read = SendRequest(client_, "GET", kRecords + id);
      if (read.status == 503) {
        ++being_written_;
        continue;
      }
      if (!Expected(read, {200}, "GET " + id)) continue;
      WriteOn(id, read.body["version"].get<int64_t>());
    }
  }

  // Creates records of its own and updates each twice, until `end`.
  void RunOwn(Clock::time_point end) {
    for (int k = 0; Clock::now() < end && !stopped_; ++k) {
      std::string id = name_ + "-" + std::to_string(k);
      Json data = Next(-1);
      Reply created = SendRequest(client_, "PUT", kRecords + id, data.dump(),
                                  AuditHeaders({{"If-None-Match", "*"}}));
      if (!Expected(created, {201}, "create " + id)) continue;
      Acknowledge(id, created, data);
      for (int64_t base = 0; base < 2 && !stopped_; ++base) {
        if (!WriteOn(id, base, /*contended=*/false)) break;
      }
    }
  }

 private:
  Json Next(int64_t base) {
    Json data = {{"writer", name_}, {"n", ++sent_}, {"base", base}};
    tried_.insert(data.dump());
    return data;
  }

  // PUT `id` at version `base`; true when acknowledged.
  bool WriteOn(const std::string& id, int64_t base, bool contended = true) {
    Json data = Next(base);
    Reply put = SendRequest(client_, "PUT", kRecords + id, data.dump(),
                            AuditHeaders({{"If-Match", Quoted(base)}}));
    if (contended && put.status == 409) return ++conflicts_, false;
    if (contended && put.status == 412) return ++mismatches_, false;
    if (contended && put.status == 503) {
      return ++being_written_, false;
    }
    if (!Expected(put, {200}, "PUT " + id + " at v" + std::to_string(base))) return false;
    if (put.body.value("version", int64_t{-1}) != base + 1) {
      unexpected_.push_back("PUT " + id + " at v" + std::to_string(base) + " answered " + put.raw);
    }
    Acknowledge(id, put, data);
    return true;
  }

  void Acknowledge(const std::string& id, const Reply& reply, const Json& data) {
    acks_.push_back(
        {id, reply.body.value("version", int64_t{-1}), data, target_.index, Clock::now()});
  }

  // Whether `reply` has one of `statuses`; otherwise notes it (a transport error on a killed
  // instance is an unknown outcome and stops this worker).
  bool Expected(const Reply& reply, std::initializer_list<int> statuses, const std::string& what) {
    for (int status : statuses) {
      if (reply.status == status) return true;
    }
    if (reply.status == 0 && target_.killed) {
      ++unknown_;
      stopped_ = true;
    } else {
      unexpected_.push_back(what + " on instance " + std::to_string(target_.index) + " answered " +
                            std::to_string(reply.status) + " " + reply.raw);
    }
    return false;
  }

  void Merge() {
    std::lock_guard lock(load_.mutex);
    load_.acks.insert(load_.acks.end(), acks_.begin(), acks_.end());
    load_.tried.insert(tried_.begin(), tried_.end());
    load_.conflicts += conflicts_;
    load_.mismatches += mismatches_;
    load_.being_written += being_written_;
    load_.unknown += unknown_;
    load_.unexpected.insert(load_.unexpected.end(), unexpected_.begin(), unexpected_.end());
  }

  Target& target_;
  std::string name_;
  httplib::Client client_;
  Load& load_;
  int64_t sent_ = 0;
  bool stopped_ = false;
  std::vector<Ack> acks_;
  std::set<std::string> tried_;
  long conflicts_ = 0, mismatches_ = 0, being_written_ = 0, unknown_ = 0;
  std::vector<std::string> unexpected_;
};

class ScaleOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    XRONOX_REQUIRE_MONGO_AND_S3();
    ASSERT_FALSE(XronoxdBinary().empty()) << "XRONOXD_BINARY is not defined";
    ASSERT_FALSE(std::string(XRONOX_CLI_BINARY).empty());
    ServiceStore::Options options;
    options.claim_lease_seconds = kLeaseSeconds;
    options.server_selection_timeout_ms = 5000;
    options.s3_request_timeout_ms = 15000;
    options.tenants = {kTenant};
    services_ = std::make_unique<ServiceStore>(options);
    config_file_ = services_->WriteConfigFile(dir_.path());
    // Bind in this process first: it creates the collections, which FerretDB v1.24.2 cannot do
    // from several connections at once.
    auto store = services_->Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto bound = (*store)->With({DatabaseType::kRuntime, Tier::kTenant, kTenant, "orders"});
    ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  }

  void TearDown() override {
    for (auto& server : servers_) {
      if (server->port() == 0 || killed_.count(server.get())) continue;
      EXPECT_EQ(server->Stop(), std::optional<int>(0)) << "stderr: " << server->Stderr();
    }
  }

  // Starts `count` instances over the config, one after the other, and sends each one request
  // (so no two bind the collection at the same time); creates the shared records.
  void StartInstances(int count) {
    for (int i = 0; i < count; ++i) {
      servers_.push_back(
          std::make_unique<XronoxdProcess>(std::vector<std::string>{"--config", config_file_}));
      ASSERT_GT(servers_.back()->port(), 0)
          << "instance " << i << " did not start: " << servers_.back()->Stderr();
      // Each client here and below is gone before TearDown: an idle keep-alive connection
      // would hold a server's exit back.
      httplib::Client client("127.0.0.1", servers_.back()->port());
      Reply warm = SendRequest(client, "GET", std::string(kRecords) + "none");
      ASSERT_EQ(warm.status, 404) << warm.raw;
    }
    for (int r = 0; r < kSharedRecords; ++r) {
      Json data = {{"writer", "setup"}, {"n", r}, {"base", -1}};
      httplib::Client client("127.0.0.1", servers_[r % count]->port());
      Reply created = SendRequest(client, "PUT", kRecords + Shared(r), data.dump(),
                                  AuditHeaders({{"If-None-Match", "*"}}));
      ASSERT_EQ(created.status, 201) << created.raw;
      load_.acks.push_back({Shared(r), 0, data, r % count, Clock::now()});
      load_.tried.insert(data.dump());
    }
  }

  static std::string Shared(int r) { return "s" + std::to_string(r); }

  // Runs the client threads against every instance until `end`; while they run, `during` is
  // called on this thread (e.g. to kill an instance).
  void RunLoad(
      Clock::time_point end, const std::function<void()>& during = [] {}) {
    targets_ = std::vector<Target>(servers_.size());
    load_start_ = Clock::now();
    std::vector<std::thread> threads;
    for (size_t i = 0; i < servers_.size(); ++i) {
      targets_[i].index = static_cast<int>(i);
      targets_[i].port = servers_[i]->port();
      for (int w = 0; w <= kSharedWritersPerInstance; ++w) {
        threads.emplace_back([this, i, w, end] {
          Worker worker(targets_[i], w, load_);
          w < kSharedWritersPerInstance ? worker.RunShared(end) : worker.RunOwn(end);
        });
      }
    }
    during();
    for (std::thread& thread : threads) thread.join();
    std::cout << "acknowledged " << load_.acks.size() << " writes; 409 " << load_.conflicts
              << ", 412 " << load_.mismatches << ", 503 " << load_.being_written
              << ", unknown outcome (killed instance) " << load_.unknown << "\n";
    for (const std::string& answer : load_.unexpected) ADD_FAILURE() << answer;
  }

  // An instance still up: `instance` itself when `other` is false, else the next one after it.
  int LiveInstance(int instance, bool other) const {
    int n = static_cast<int>(servers_.size());
    for (int step = other ? 1 : 0; step <= n; ++step) {
      int i = (instance + step) % n;
      if (!killed_.count(servers_[i].get())) return i;
    }
    return 0;
  }

  // Calls work(client, item) for items 0..count-1, item i on instance instance_of(i) (a live
  // one), from two threads per instance with a connection each: reads through FerretDB take
  // ~15 ms, too slow one after the other.
  void InParallel(size_t count, const std::function<int(size_t)>& instance_of,
                  const std::function<void(httplib::Client&, size_t)>& work) {
    std::vector<std::vector<size_t>> items(servers_.size());
    for (size_t i = 0; i < count; ++i) items[instance_of(i)].push_back(i);
    std::vector<std::thread> threads;
    for (size_t instance = 0; instance < servers_.size(); ++instance) {
      for (size_t first = 0; first < 2 && first < items[instance].size(); ++first) {
        threads.emplace_back([&, instance, first] {
          httplib::Client client("127.0.0.1", servers_[instance]->port());
          client.set_read_timeout(30, 0);
          for (size_t k = first; k < items[instance].size(); k += 2) {
            work(client, items[instance][k]);
          }
        });
      }
    }
    for (std::thread& thread : threads) thread.join();
  }

  // The versions of `id` through every page of its history, oldest first.
  static std::vector<int64_t> HistoryOf(httplib::Client& client, const std::string& id) {
    std::vector<int64_t> versions;
    std::string cursor;
    do {
      std::string path = kRecords + id + "/history?order=oldest&limit=100";
      if (!cursor.empty()) path += "&cursor=" + UrlEncode(cursor);
      Reply page = SendRequest(client, "GET", path);
      EXPECT_EQ(page.status, 200) << id << " history: " << page.raw;
      if (page.status != 200) return versions;
      for (const Json& entry : page.body["versions"]) {
        versions.push_back(entry["version"].get<int64_t>());
      }
      cursor = page.body["next"].is_string() ? page.body["next"].get<std::string>() : "";
    } while (!cursor.empty());
    return versions;
  }

  // The data of `id` at `version` (null with a failure when it cannot be read).
  static Json DataAt(httplib::Client& client, const std::string& id, int64_t version) {
    std::string path = kRecords + id + "?version=" + std::to_string(version);
    Reply read = SendRequest(client, "GET", path);
    EXPECT_EQ(read.status, 200) << id << " v" << version << ": " << read.raw;
    return read.status == 200 ? read.body["data"] : Json();
  }

  // Each acknowledged write by (id, version); a version acknowledged twice fails the test.
  using AckIndex = std::map<std::pair<std::string, int64_t>, const Ack*>;
  AckIndex IndexAcks() const {
    AckIndex acked;
    for (const Ack& ack : load_.acks) {
      bool first = acked.emplace(std::make_pair(ack.id, ack.version), &ack).second;
      EXPECT_TRUE(first) << ack.id << " v" << ack.version << " was acknowledged twice";
    }
    return acked;
  }

  // Every record written has a gap-free chain 0..n with its head at n; every version holds
  // data somebody sent; every acknowledged (id, version) was acknowledged once, is in its
  // chain, and reads back with exactly the data sent through another instance than the one
  // that acknowledged it.
  // Before recovery from a kill (`recovered` false), a head may still be one behind its last
  // version when that version was not acknowledged: its writer died between the version index
  // and the head, which the next writer of the record or verify --repair finishes.
  void ExpectNoLostUpdate(bool recovered = true) {
    AckIndex acked = IndexAcks();
    std::vector<std::string> ids;
    for (const auto& [key, ack] : acked) {
      if (ids.empty() || ids.back() != key.first) ids.push_back(key.first);
    }
    std::vector<Chain> chains(ids.size());
    InParallel(
        ids.size(), [&](size_t i) { return LiveInstance(static_cast<int>(i), false); },
        [&](httplib::Client& client, size_t i) { chains[i] = ChainOf(client, ids[i]); });
    std::vector<std::pair<std::string, int64_t>> versions;
    for (size_t i = 0; i < ids.size(); ++i) {
      int64_t last = chains[i].length - 1;
      bool dead_write = !recovered && !acked.count({ids[i], last}) && chains[i].head == last - 1;
      EXPECT_TRUE(chains[i].head == last || dead_write)
          << ids[i] << ": the head is at v" << chains[i].head << ", the last version is v" << last;
      for (int64_t v = 0; v <= last; ++v) versions.emplace_back(ids[i], v);
    }
    auto acked_by = [&](size_t i) {
      auto it = acked.find(versions[i]);
      return it == acked.end() ? LiveInstance(static_cast<int>(i), false)
                               : LiveInstance(it->second->instance, true);
    };
    std::vector<Json> data(versions.size());
    InParallel(versions.size(), acked_by, [&](httplib::Client& client, size_t i) {
      data[i] = DataAt(client, versions[i].first, versions[i].second);
    });
    for (size_t i = 0; i < versions.size(); ++i) {
      const auto& [id, v] = versions[i];
      EXPECT_TRUE(load_.tried.count(data[i].dump()))
          << id << " v" << v << " holds " << data[i] << ", which nobody sent";
      auto it = acked.find(versions[i]);
      if (it != acked.end()) {
        EXPECT_EQ(data[i], it->second->data) << id << " v" << v << " acknowledged by instance "
                                             << it->second->instance << " reads back otherwise";
        acked.erase(it);
      }
    }
    for (const auto& [key, ack] : acked) {
      ADD_FAILURE() << key.first << " v" << key.second << " was acknowledged but is not stored";
    }
    std::cout << ids.size() << " records, " << versions.size() << " versions checked\n";
  }

  // A record's version chain (its length; the chain must be gap-free) and its head version.
  struct Chain {
    int64_t length = 0;
    int64_t head = -1;
  };
  static Chain ChainOf(httplib::Client& client, const std::string& id) {
    std::vector<int64_t> chain = HistoryOf(client, id);
    for (size_t v = 0; v < chain.size(); ++v) {
      if (chain[v] == static_cast<int64_t>(v)) continue;
      ADD_FAILURE() << id << ": the version chain has a gap before v" << chain[v];
      return {static_cast<int64_t>(v), -1};
    }
    Reply head = SendRequest(client, "GET", kRecords + id);
    EXPECT_EQ(head.status, 200) << id << ": " << head.raw;
    return {static_cast<int64_t>(chain.size()), head.body.value("version", int64_t{-1})};
  }

  // Acknowledged writes per instance, at or after `since`.
  std::map<int, int> AcksPerInstance(Clock::time_point since) {
    std::map<int, int> per_instance;
    for (const Ack& ack : load_.acks) per_instance[ack.instance] += ack.at >= since ? 1 : 0;
    return per_instance;
  }

  // `xronox --config F verify [args]`: its exit code and output.
  std::pair<ProcessEnd, std::string> Verify(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--config", config_file_, "verify"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCapturing(XRONOX_CLI_BINARY, all, dir_.path(), std::chrono::seconds(120));
  }

  void ExpectContention() {
    EXPECT_GT(load_.conflicts + load_.mismatches, 0)
        << "no write lost a race (409) or found its record moved on (412): nothing contended";
  }

  TempDir dir_;
  std::unique_ptr<ServiceStore> services_;
  std::string config_file_;
  std::vector<std::unique_ptr<XronoxdProcess>> servers_;
  std::set<XronoxdProcess*> killed_;
  std::vector<Target> targets_;
  Clock::time_point load_start_;
  Load load_;
};

TEST_F(ScaleOutTest, ThreeInstancesLoseNoUpdate) {
  ASSERT_NO_FATAL_FAILURE(StartInstances(3));
  RunLoad(Clock::now() + std::chrono::seconds(2));
  for (int i = 0; i < 3; ++i) {
    EXPECT_GT(AcksPerInstance(load_start_)[i], 0) << "instance " << i << " acknowledged nothing";
  }
  ExpectContention();
  ExpectNoLostUpdate();
  auto [end, output] = Verify({});
  EXPECT_EQ(end.exit_code, 0) << end.Describe() << "\n" << output;
  std::cout << output;
}

TEST_F(ScaleOutTest, KilledInstanceLosesNoAcknowledgedWrite) {
  ASSERT_NO_FATAL_FAILURE(StartInstances(4));
  XronoxdProcess& victim = *servers_[3];
  Clock::time_point killed_at;
  RunLoad(Clock::now() + std::chrono::seconds(3), [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    targets_[3].killed = true;  // Before the kill, so no worker takes its errors as failures.
    killed_at = Clock::now();
    EXPECT_EQ(victim.Kill(), std::optional<int>(128 + SIGKILL));
    killed_.insert(&victim);
  });
  std::map<int, int> all = AcksPerInstance(load_start_), after = AcksPerInstance(killed_at);
  EXPECT_GT(all[3] - after[3], 0) << "the killed instance acknowledged nothing before the kill";
  for (int i = 0; i < 3; ++i) {
    EXPECT_GT(after[i], 0) << "instance " << i << " acknowledged nothing after the kill";
  }
  ExpectContention();
  ExpectNoLostUpdate(/*recovered=*/false);

  std::this_thread::sleep_until(killed_at + std::chrono::seconds(kLeaseSeconds + 1));
  auto [repair_end, repaired] = Verify({"--repair"});
  EXPECT_EQ(repair_end.exit_code, 0) << repair_end.Describe() << "\n" << repaired;
  std::cout << "verify --repair: " << repaired;
  auto [end, output] = Verify({});
  EXPECT_EQ(end.exit_code, 0) << end.Describe() << "\n" << output;
  EXPECT_NE(output.find(" 0 problems, 0 garbage"), std::string::npos) << output;
  ExpectNoLostUpdate();  // Repair removed nothing acknowledged.
}

}  // namespace
}  // namespace xronox::testing
