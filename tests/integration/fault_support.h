// Helpers of the fault and outage tests (fault_*_test.cc): writer processes, a store on the
// real test services, and private service instances that a test may kill and restart.
// Thread-safety: none; use from the test thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "integration/test_support.h"
#include "store/hot/mongo/mongo_hot_store.h"
#include "store/object/s3/s3_transport.h"
#include "support/test_services.h"
#include "xronox/xronox.h"

#ifndef XRONOX_CRASH_WRITER_BINARY
#define XRONOX_CRASH_WRITER_BINARY ""  // Set by tests/CMakeLists.txt.
#endif
#ifndef XRONOX_CLI_BINARY
#define XRONOX_CLI_BINARY ""  // Set by tests/CMakeLists.txt when the xronox_cli target exists.
#endif

namespace xronox::testing {

/// Skip the test (or fail it, with XRONOX_REQUIRE_SERVICES=1) unless the MongoDB-wire and S3
/// test services are configured. Use in a test body or SetUp.
#define XRONOX_REQUIRE_MONGO_AND_S3()                                                     \
  do {                                                                                    \
    ::xronox::testing::ServiceCheck check_ = ::xronox::testing::CheckServices(            \
        {"XRONOX_TEST_MONGO_URI", "XRONOX_TEST_S3_ENDPOINT", "XRONOX_TEST_S3_ACCESS_KEY", \
         "XRONOX_TEST_S3_SECRET_KEY"});                                                   \
    if (check_.missing) {                                                                 \
      if (check_.required) FAIL() << check_.message;                                      \
      GTEST_SKIP() << check_.message;                                                     \
    }                                                                                     \
  } while (false)

/// How a process ended.
struct ProcessEnd {
  bool finished = false;  ///< False: still running at the deadline (then killed).
  int exit_code = -1;     ///< Its exit code when it exited by itself.
  int signal = 0;         ///< The signal that ended it, if one did.
  bool KilledBy(int sig) const { return finished && signal == sig; }
  std::string Describe() const {
    if (!finished) return "still running at the deadline";
    return signal != 0 ? "killed by signal " + std::to_string(signal)
                       : "exited with code " + std::to_string(exit_code);
  }
};

/// Start `binary args...` with `env` added to its environment and stdout and stderr appended
/// to the given files (empty: /dev/null); returns the pid (-1 when fork fails).
inline pid_t SpawnProcess(const std::string& binary, const std::vector<std::string>& args,
                          const std::vector<std::pair<std::string, std::string>>& env,
                          const std::string& stdout_file, const std::string& stderr_file) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  auto redirect = [](const std::string& file, int target) {
    int fd = open(file.empty() ? "/dev/null" : file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) dup2(fd, target), close(fd);
  };
  redirect(stdout_file, STDOUT_FILENO);
  redirect(stderr_file, STDERR_FILENO);
  for (int fd = 3; fd < 1024; ++fd) close(fd);  // Keep the test's pipes out of the child.
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> argv{const_cast<char*>(binary.c_str())};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

/// Wait for child `pid` up to `timeout`; at the deadline kill it with SIGKILL and reap it.
inline ProcessEnd WaitForEnd(pid_t pid, std::chrono::milliseconds timeout) {
  ProcessEnd end;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return end;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  end.finished = true;
  if (WIFEXITED(status)) end.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) end.signal = WTERMSIG(status);
  return end;
}

/// The text of `path` ("" when it cannot be read).
inline std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Run `binary args...` to its end (at most `timeout`); returns how it ended and its stdout.
inline std::pair<ProcessEnd, std::string> RunCapturing(const std::string& binary,
                                                       const std::vector<std::string>& args,
                                                       const std::string& scratch_dir,
                                                       std::chrono::milliseconds timeout) {
  std::string out = scratch_dir + "/run-" + UniqueHex(8) + ".out";
  pid_t pid = SpawnProcess(binary, args, {}, out, out + ".err");
  ProcessEnd end = WaitForEnd(pid, timeout);
  std::string text = ReadTextFile(out);
  if (!end.finished || end.exit_code != 0) text += ReadTextFile(out + ".err");
  return {end, text};
}

/// One line of xronox_crash_writer's stdout: "TRY <type> <id> <hash>" (version -1) or
/// "ACK <type> <id> <version> <hash>".
struct WriterLine {
  std::string tag, type, id;
  int64_t version = -1;
  std::string hash;
};

/// The TRY and ACK lines of a crash writer's stdout file. A last line without its newline was
/// cut by the kill: it is not an acknowledgement, so it is dropped.
inline std::vector<WriterLine> ReadWriterLines(const std::string& file) {
  std::string content = ReadTextFile(file);
  std::vector<WriterLine> lines;
  std::istringstream stream(content.substr(0, content.rfind('\n') + 1));
  std::string text;
  while (std::getline(stream, text)) {
    std::istringstream fields(text);
    WriterLine line;
    fields >> line.tag >> line.type >> line.id;
    bool ok = line.tag == "TRY" ? static_cast<bool>(fields >> line.hash)
                                : line.tag == "ACK" && (fields >> line.version >> line.hash);
    if (ok) lines.push_back(line);
  }
  return lines;
}

/// A store on the real test services for one test: a fresh MongoDB database prefix and S3
/// bucket stem, the config JSON over them (knowledge, and runtime through a tenant template),
/// and a cleanup in the destructor that drops those databases and deletes those buckets.
class ServiceStore {
 public:
  /// Tunables of the config; defaults keep failures fast (tests stop services on purpose).
  struct Options {
    std::string mongo_uri = EnvValue("XRONOX_TEST_MONGO_URI").value_or("");
    store::S3Options s3 = TestS3Options();
    int server_selection_timeout_ms = 1500;
    int s3_connect_timeout_ms = 1000;
    int s3_request_timeout_ms = 5000;
    int s3_max_retries = 1;
    int64_t claim_lease_seconds = 1;
    std::vector<std::string> tenants = {"crash"};  ///< Runtime tenants whose buckets to delete.
  };

  explicit ServiceStore(Options options)
      : options_(std::move(options)), prefix_(UniqueDatabasePrefix()), stem_(UniqueBucketStem()) {}
  ServiceStore() : ServiceStore(Options()) {}
  ~ServiceStore() {
    Status cleaned = Cleanup();
    if (!cleaned.ok()) std::cerr << "cleanup of the test store: " << cleaned.ToString() << "\n";
  }
  ServiceStore(const ServiceStore&) = delete;
  ServiceStore& operator=(const ServiceStore&) = delete;

  std::string KnowledgeDbName() const { return prefix_ + "knowledge"; }
  std::string RuntimeDbName(const std::string& tenant) const { return prefix_ + "rt_" + tenant; }
  // "-kn-" and "-rt-" keep every tenant's buckets apart from the knowledge ones.
  std::string KnowledgeBucket(const std::string& kind) const { return stem_ + "-kn-" + kind; }
  std::string RuntimeBucket(const std::string& tenant, const std::string& kind) const {
    return stem_ + "-rt-" + tenant + "-" + kind;
  }

  Json ConfigJson() const {
    const store::S3Options& s3 = options_.s3;
    Json runtime = {{"mongoRef", "main"}, {"s3Ref", "main"}, {"dbName", RuntimeDbName("{tenant}")}};
    for (const char* kind : {"records", "versions", "content", "backups"}) {
      runtime[std::string(kind) + "Bucket"] = RuntimeBucket("{tenant}", kind);
    }
    Json knowledge = {{"type", "generic"},
                      {"mongoRef", "main"},
                      {"s3Ref", "main"},
                      {"dbName", KnowledgeDbName()}};
    for (const char* kind : {"records", "content", "backups"}) {
      knowledge[std::string(kind) + "Bucket"] = KnowledgeBucket(kind);
    }
    Json mongo = {{"uri", options_.mongo_uri},
                  {"serverSelectionTimeoutMs", options_.server_selection_timeout_ms}};
    Json s3_connection = {{"endpoint", s3.endpoint},
                          {"region", s3.region},
                          {"accessKey", s3.access_key},
                          {"secretKey", s3.secret_key},
                          {"connectTimeoutMs", options_.s3_connect_timeout_ms},
                          {"requestTimeoutMs", options_.s3_request_timeout_ms},
                          {"maxRetries", options_.s3_max_retries}};
    return {{"connections", {{"mongo", {{"main", mongo}}}, {"s3", {{"main", s3_connection}}}}},
            {"databases", {{"knowledge", knowledge}, {"runtime", {{"tenantTemplate", runtime}}}}},
            {"engine", {{"claimLeaseSeconds", options_.claim_lease_seconds}}}};
  }

  /// Write the config to `dir`/config.json; returns its path.
  std::string WriteConfigFile(const std::string& dir) const {
    std::string path = dir + "/config.json";
    std::ofstream(path) << ConfigJson().dump(2);
    return path;
  }

  Result<std::unique_ptr<Xronox>> Open() const {
    XRONOX_ASSIGN_OR_RETURN(Config config, ParseConfigJson(ConfigJson().dump()));
    return Xronox::Open(config);
  }

  /// The MongoDB databases under this store's prefix.
  Result<std::vector<std::string>> Databases() const {
    store::MongoOptions mongo;
    mongo.database_prefix = prefix_;
    XRONOX_ASSIGN_OR_RETURN(auto hot, store::MongoHotStore::Open(options_.mongo_uri, mongo));
    return hot->ListDatabases();
  }

  /// Whether `bucket` exists on the S3 service (a listing of it, answered NoSuchBucket if not).
  Result<bool> BucketExists(const std::string& bucket) const {
    XRONOX_ASSIGN_OR_RETURN(auto transport, store::s3::S3Transport::Open(options_.s3));
    store::s3::S3Request request{"GET", bucket, "", {{"list-type", "2"}, {"max-keys", "1"}},
                                 {},    ""};
    XRONOX_ASSIGN_OR_RETURN(store::s3::S3Response response,
                            transport->Send(request, "list " + bucket));
    if (response.s3_code == "NoSuchBucket") return false;
    if (!response.Succeeded()) return store::s3::ErrorStatusOf("list " + bucket, response);
    return true;
  }

  /// Drop the MongoDB databases under this store's prefix and delete its buckets; tries both
  /// and returns the first failure.
  Status Cleanup() const {
    Status dropped = DropDatabases();
    Status deleted = DeleteBuckets();
    return dropped.ok() ? deleted : dropped;
  }

 private:
  Status DropDatabases() const {
    store::MongoOptions mongo;
    mongo.database_prefix = prefix_;
    mongo.server_selection_timeout_ms = 3000;
    XRONOX_ASSIGN_OR_RETURN(auto hot, store::MongoHotStore::Open(options_.mongo_uri, mongo));
    return hot->DropPrefixedDatabases();
  }

  Status DeleteBuckets() const {
    XRONOX_ASSIGN_OR_RETURN(auto s3, store::S3ObjectStore::Open(options_.s3));
    std::vector<std::string> buckets;
    for (const char* kind : {"records", "content", "backups"}) {
      buckets.push_back(KnowledgeBucket(kind));
    }
    for (const std::string& tenant : options_.tenants) {
      for (const char* kind : {"records", "versions", "content", "backups"}) {
        buckets.push_back(RuntimeBucket(tenant, kind));
      }
    }
    Status first = Status::Ok();
    for (const std::string& bucket : buckets) {
      Status deleted = EmptyAndDeleteBucket(*s3, bucket);
      if (first.ok()) first = deleted;
    }
    return first;
  }

  Options options_;
  std::string prefix_;
  std::string stem_;
};

/// scripts/test-services.sh: $XRONOX_TEST_SERVICES_SCRIPT, else the source tree's (the build
/// defines XRONOX_SOURCE_DIR as an absolute path; __FILE__ may be relative under ccache).
inline std::string TestServicesScript() {
  if (auto script = EnvValue("XRONOX_TEST_SERVICES_SCRIPT")) return *script;
  return (std::filesystem::path(XRONOX_SOURCE_DIR) / "scripts" / "test-services.sh").string();
}

/// True when something accepts TCP connections on 127.0.0.1:`port`.
inline bool PortOpen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool open = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return open;
}

/// True when every thread of process `pid` is stopped (state T or t in /proc/{pid}/task/*/stat).
inline bool AllThreadsStopped(pid_t pid) {
  std::error_code error;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    std::ifstream stat(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    size_t end_of_name = text.rfind(") ");  // The state follows the parenthesized name.
    if (end_of_name == std::string::npos || end_of_name + 2 >= text.size()) return false;
    char state = text[end_of_name + 2];
    if (state != 'T' && state != 't') return false;
  }
  return !error;
}

/// A private instance of a test service (scripts/test-services.sh start-one) that a test kills
/// and restarts on the same port with the same data. Killed (SIGKILL) when destroyed.
class PrivateService {
 public:
  /// Start `name` ("ferretdb" or "versitygw") with its state under `dir`; error() says why it
  /// did not start (then pid() is 0).
  PrivateService(std::string name, std::string dir) : name_(std::move(name)), dir_(std::move(dir)) {
    Start();
  }
  ~PrivateService() { Kill(); }
  PrivateService(const PrivateService&) = delete;
  PrivateService& operator=(const PrivateService&) = delete;

  /// SIGSTOP: the service hangs, and so do requests to it, until Kill().
  /// SIGSTOP, then wait (up to 5 s) until every thread of the service has stopped: the signal
  /// takes effect asynchronously, and on a loaded machine a request sent right after kill()
  /// returned could still be answered. False when the service did not stop in time.
  bool Freeze() {
    if (pid_ <= 0) return true;
    kill(pid_, SIGSTOP);
    for (int i = 0; i < 500; ++i) {
      if (AllThreadsStopped(pid_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  /// SIGKILL, as a crash or an operator's kill -9; waits until the port refuses connections.
  bool Kill() {
    if (pid_ <= 0) return true;
    kill(pid_, SIGKILL);
    pid_ = 0;
    for (int i = 0; i < 500 && PortOpen(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !PortOpen(port_);
  }
  /// Start again with the same directory: the same port, data and keys.
  bool Restart() {
    int old_port = port_;
    Start();
    if (pid_ > 0 && port_ != old_port) error_ = "restarted on another port";
    return pid_ > 0 && port_ == old_port;
  }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& error() const { return error_; }
  /// A variable the script printed, without its XRONOX_ONE_ prefix ("URI", "ENDPOINT", ...).
  std::string Var(const std::string& name) const {
    auto it = vars_.find("XRONOX_ONE_" + name);
    return it == vars_.end() ? "" : it->second;
  }

 private:
  void Start() {
    auto [end, out] = RunCapturing("/bin/bash", {TestServicesScript(), "start-one", name_, dir_},
                                   dir_.substr(0, dir_.rfind('/')), std::chrono::seconds(60));
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
      size_t eq = line.find('=');
      if (line.rfind("export ", 0) == 0 && eq != std::string::npos) {
        vars_[line.substr(7, eq - 7)] = line.substr(eq + 1);
      }
    }
    pid_ = std::atoi(Var("PID").c_str());
    port_ = std::atoi(Var("PORT").c_str());
    error_ = end.exit_code == 0 && pid_ > 0
                 ? ""
                 : "start-one " + name_ + " " + end.Describe() + ": " + out;
    if (!error_.empty()) pid_ = 0;
  }

  std::string name_;
  std::string dir_;
  std::map<std::string, std::string> vars_;
  pid_t pid_ = 0;
  int port_ = 0;
  std::string error_;
};

}  // namespace xronox::testing
