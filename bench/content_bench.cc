// Content through xronoxd: one large upload and its download over loopback HTTP, on the embedded
// folder store and on MongoDB + S3 (when XRONOX_TEST_* name the services), each beside a
// same-run baseline: the same bytes written and read in-process through the object store's own
// streaming API, without HTTP, hashing or a record write. Reports MB/s and the server's peak
// resident set (VmHWM) before and after.
//   xronox_content_bench [--bytes N] [--backend folder|s3|all]   (default: 2 GiB, all)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/fs/folder_object_store.h"
#include "store/object/s3/s3_object_store.h"
#include "tests/integration/content_stream_support.h"
#include "tests/support/test_services.h"

namespace xronox::bench {
namespace {

using testing::kPatternBlock;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}
double MBps(int64_t bytes, double seconds) { return bytes / 1e6 / seconds; }

// A running xronoxd; stopped with SIGTERM on destruction.
class Server {
 public:
  Server(const std::vector<std::string>& store_args) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]), close(out[1]);
      std::vector<std::string> args = {XRONOXD_BINARY, "--listen", "127.0.0.1:0"};
      args.insert(args.end(), store_args.begin(), store_args.end());
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    const std::string prefix = "xronoxd listening on http://127.0.0.1:";
    if (line.rfind(prefix, 0) == 0) port_ = std::atoi(line.c_str() + prefix.size());
  }
  ~Server() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Figures {
  double upload_mbps = 0, download_mbps = 0;
  double baseline_write_mbps = 0, baseline_read_mbps = 0;
  int64_t rss_before_kib = 0, rss_after_upload_kib = 0, rss_after_download_kib = 0;
  bool ok = false;
  std::string failure;
};

// The bytes through xronoxd: PUT then GET of one content property.
void ThroughServer(const Server& server, int64_t bytes, Figures& f) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(3600, 0);
  client.set_write_timeout(3600, 0);
  const std::string record = "/v1/knowledge/_/bench/big";
  auto made = client.Put(record, R"({"title":"big"})", "application/json");
  if (!made || made->status != 201) return void(f.failure = "cannot create the record");
  f.rss_before_kib = testing::PeakRssKib(server.pid());
  auto start = Clock::now();
  auto put = testing::StreamPut(client, record + "/content/blob", 42, bytes, {});
  f.upload_mbps = MBps(bytes, Seconds(start));
  if (!put || put->status != 200) return void(f.failure = "upload failed");
  f.rss_after_upload_kib = testing::PeakRssKib(server.pid());
  start = Clock::now();
  testing::StreamedGet got = testing::StreamGet(client, record + "/content/blob");
  f.download_mbps = MBps(bytes, Seconds(start));
  f.rss_after_download_kib = testing::PeakRssKib(server.pid());
  if (got.status != 200 || got.size != bytes) return void(f.failure = "download failed");
  f.ok = true;
}

// The same bytes through the object store's streaming API in this process.
Status Baseline(store::ObjectStore& objects, const std::string& bucket, int64_t bytes, Figures& f) {
  XRONOX_RETURN_IF_ERROR(objects.EnsureBucket(bucket));
  auto start = Clock::now();
  XRONOX_ASSIGN_OR_RETURN(auto writer,
                          objects.BeginWrite(bucket, "baseline/blob", store::PutMode::kOverwrite));
  std::string block;
  for (int64_t at = 0; at < bytes; at += kPatternBlock) {
    testing::PatternBlock(42, at / kPatternBlock, &block);
    XRONOX_RETURN_IF_ERROR(writer->Write(
        std::string_view(block).substr(0, std::min<int64_t>(bytes - at, kPatternBlock))));
  }
  XRONOX_RETURN_IF_ERROR(writer->Commit());
  f.baseline_write_mbps = MBps(bytes, Seconds(start));
  start = Clock::now();
  XRONOX_ASSIGN_OR_RETURN(auto reader, objects.OpenRead(bucket, "baseline/blob", 0, -1));
  std::string chunk;
  Sha256 hasher;  // The server hashes uploads; the baseline hashes reads to stay comparable.
  do {
    XRONOX_RETURN_IF_ERROR(reader->Read(kPatternBlock, &chunk));
    hasher.Update(chunk);
  } while (!chunk.empty());
  f.baseline_read_mbps = MBps(bytes, Seconds(start));
  return objects.Delete(bucket, "baseline/blob");
}

Figures RunFolder(int64_t bytes, const std::string& dir) {
  Figures f;
  {
    Server server({"--data", dir + "/data"});
    if (server.port() == 0) return f.failure = "xronoxd did not start", f;
    ThroughServer(server, bytes, f);
  }
  auto objects = store::FolderObjectStore::Open(dir + "/baseline");
  Status baseline = objects.ok() ? Baseline(**objects, "bench", bytes, f) : objects.status();
  if (!baseline.ok()) f.ok = false, f.failure = baseline.ToString();
  return f;
}

// Knowledge on MongoDB + S3 under fresh names, removed afterwards.
Figures RunS3(int64_t bytes, const std::string& dir) {
  Figures f;
  const std::string prefix = testing::UniqueDatabasePrefix(), stem = testing::UniqueBucketStem();
  store::S3Options s3 = testing::TestS3Options();
  Json knowledge = {{"type", "generic"},
                    {"mongoRef", "main"},
                    {"s3Ref", "main"},
                    {"dbName", prefix + "knowledge"},
                    {"recordsBucket", stem + "-records"},
                    {"contentBucket", stem + "-content"},
                    {"backupsBucket", stem + "-backups"}};
  Json config = {
      {"connections",
       {{"mongo", {{"main", {{"uri", testing::EnvValue("XRONOX_TEST_MONGO_URI").value_or("")}}}}},
        {"s3",
         {{"main",
           {{"endpoint", s3.endpoint},
            {"region", s3.region},
            {"accessKey", s3.access_key},
            {"secretKey", s3.secret_key},
            {"requestTimeoutMs", 600000}}}}}}},
      {"databases", {{"knowledge", knowledge}}}};
  std::ofstream(dir + "/config.json") << config.dump(2);
  {
    Server server({"--config", dir + "/config.json"});
    if (server.port() == 0) return f.failure = "xronoxd did not start", f;
    ThroughServer(server, bytes, f);
  }
  auto objects = store::S3ObjectStore::Open(s3);
  if (!objects.ok()) return f.ok = false, f.failure = objects.status().ToString(), f;
  Status baseline = Baseline(**objects, stem + "-baseline", bytes, f);
  if (!baseline.ok()) f.ok = false, f.failure = baseline.ToString();
  for (const char* kind : {"records", "content", "backups", "baseline"}) {
    (void)testing::EmptyAndDeleteBucket(**objects, stem + "-" + kind);
  }
  store::MongoOptions mongo;
  mongo.database_prefix = prefix;
  auto hot =
      store::MongoHotStore::Open(testing::EnvValue("XRONOX_TEST_MONGO_URI").value_or(""), mongo);
  if (hot.ok()) (void)(*hot)->DropPrefixedDatabases();
  return f;
}

void Print(const std::string& backend, int64_t bytes, const Figures& f) {
  if (!f.ok) {
    std::printf("| %s | not run: %s | | | | |\n", backend.c_str(), f.failure.c_str());
    return;
  }
  std::printf("| %s upload | %.0f | %.0f | %.2f | %+.1f MiB |\n", backend.c_str(), f.upload_mbps,
              f.baseline_write_mbps, f.upload_mbps / f.baseline_write_mbps,
              (f.rss_after_upload_kib - f.rss_before_kib) / 1024.0);
  std::printf("| %s download | %.0f | %.0f | %.2f | %+.1f MiB |\n", backend.c_str(),
              f.download_mbps, f.baseline_read_mbps, f.download_mbps / f.baseline_read_mbps,
              (f.rss_after_download_kib - f.rss_before_kib) / 1024.0);
  std::printf(
      "|   (%s: xronoxd VmHWM %.1f MiB before, %.1f MiB after; content %.0f MiB) | | | | |\n",
      backend.c_str(), f.rss_before_kib / 1024.0, f.rss_after_download_kib / 1024.0,
      bytes / 1048576.0);
}

}  // namespace
}  // namespace xronox::bench

int main(int argc, char** argv) {
  int64_t bytes = int64_t{2} << 30;
  std::string backend = "all";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--bytes") bytes = std::atoll(argv[i + 1]);
    if (flag == "--backend") backend = argv[i + 1];
  }
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("xronox-content-bench-" + xronox::testing::UniqueHex(6)))
                        .string();
  std::filesystem::create_directories(dir);
  std::printf("content of %lld bytes through xronoxd (MB/s = 10^6 bytes/s)\n\n",
              static_cast<long long>(bytes));
  std::printf(
      "| backend, operation | xronoxd MB/s | baseline MB/s | xronoxd/baseline | "
      "server VmHWM growth |\n|---|---|---|---|---|\n");
  if (backend == "all" || backend == "folder") {
    xronox::bench::Print("folder", bytes, xronox::bench::RunFolder(bytes, dir));
  }
  if (backend == "all" || backend == "s3") {
    bool services = xronox::testing::EnvValue("XRONOX_TEST_MONGO_URI") &&
                    xronox::testing::EnvValue("XRONOX_TEST_S3_ENDPOINT");
    xronox::bench::Figures skipped;
    skipped.failure = "XRONOX_TEST_MONGO_URI / XRONOX_TEST_S3_ENDPOINT not set";
    xronox::bench::Print("mongo+s3", bytes, services ? xronox::bench::RunS3(bytes, dir) : skipped);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
