// Helpers for integration tests that run real binaries: start a process and read its output,
// run one to completion, stop one with SIGTERM; and an xronoxd fixture with a small HTTP client.
// Thread-safety: none; use from the test thread.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"
#include "xronox/types.h"

#ifndef XRONOXD_BINARY
#define XRONOXD_BINARY ""  // Set by tests/CMakeLists.txt when the xronoxd target exists.
#endif

namespace xronox::testing {

/// The xronoxd binary: $XRONOXD_BINARY if set, else the one the build defined.
inline std::string XronoxdBinary() {
  const char* env = std::getenv("XRONOXD_BINARY");
  return env != nullptr && *env != '\0' ? env : XRONOXD_BINARY;
}

/// Read from `fd` until `stop_at` is seen, EOF, or the deadline; returns what was read.
inline std::string ReadUntil(int fd, char stop_at, std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.find(stop_at) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[4096];
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

/// Wait for `pid` up to `timeout`; returns the exit code (128+signal if killed), or nullopt.
inline std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

/// A child process with its stdout and stderr on pipes.
class ChildProcess {
 public:
  /// Start `binary` with `args`; nullptr (and a failed expectation) if fork or pipe fails. The
  /// child inherits this process's environment, changed by `env`: "NAME=value" sets NAME,
  /// a bare "NAME" removes it.
  static std::unique_ptr<ChildProcess> Start(const std::string& binary,
                                             const std::vector<std::string>& args,
                                             const std::vector<std::string>& env = {}) {
    // Built before fork: the child of a threaded process may only call async-signal-safe code.
    std::vector<std::string> environment = ChildEnvironment(env);
    std::vector<char*> envp;
    for (std::string& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return nullptr;
    pid_t pid = fork();
    if (pid < 0) return nullptr;
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(err[1], STDERR_FILENO);
      close(out[0]), close(out[1]), close(err[0]), close(err[1]);
      std::vector<char*> argv{const_cast<char*>(binary.c_str())};
      for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execve(binary.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]), close(err[1]);
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out[0], err[0]));
  }

  ~ChildProcess() {
    if (!exit_code_) {
      kill(pid_, SIGKILL);
      WaitFor(pid_, std::chrono::seconds(10));
    }
    close(stdout_fd_), close(stderr_fd_);
  }

  /// The first line of stdout (without '\n'), waiting up to `timeout`.
  std::string ReadLine(std::chrono::milliseconds timeout) {
    stdout_text_ += ReadUntil(stdout_fd_, '\n', timeout);
    size_t end = stdout_text_.find('\n');
    return end == std::string::npos ? std::string() : stdout_text_.substr(0, end);
  }
  /// Everything on stderr so far (reads until EOF or a short timeout).
  std::string Stderr(std::chrono::milliseconds timeout = std::chrono::milliseconds(200)) {
    stderr_text_ += ReadUntil(stderr_fd_, '\0', timeout);
    return stderr_text_;
  }
  /// Everything on stdout so far, first line included (reads until EOF or a short timeout).
  std::string Stdout(std::chrono::milliseconds timeout = std::chrono::milliseconds(200)) {
    stdout_text_ += ReadUntil(stdout_fd_, '\0', timeout);
    return stdout_text_;
  }
  /// Send `signal` and wait for the exit code (nullopt if it does not exit in time).
  std::optional<int> Signal(int signal, std::chrono::milliseconds timeout) {
    if (exit_code_) return exit_code_;
    kill(pid_, signal);
    return Wait(timeout);
  }
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    if (!exit_code_) exit_code_ = WaitFor(pid_, timeout);
    return exit_code_;
  }
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int out, int err) : pid_(pid), stdout_fd_(out), stderr_fd_(err) {}

  // This process's environment with the changes of `changes` (see Start).
  static std::vector<std::string> ChildEnvironment(const std::vector<std::string>& changes) {
    auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
    std::vector<std::string> out;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      std::string text(*entry);
      bool changed = false;
      for (const std::string& change : changes) {
        changed = changed || name_of(change) == name_of(text);
      }
      if (!changed) out.push_back(std::move(text));
    }
    for (const std::string& change : changes) {
      if (change.find('=') != std::string::npos) out.push_back(change);
    }
    return out;
  }
  pid_t pid_;
  int stdout_fd_;
  int stderr_fd_;
  std::string stdout_text_;
  std::string stderr_text_;
  std::optional<int> exit_code_;
};

/// A running xronoxd on a free loopback port.
class XronoxdProcess {
 public:
  /// Start xronoxd with `args` plus "--listen 127.0.0.1:0" and the environment changes `env`
  /// (ChildProcess::Start); port() is 0 if it did not start.
  explicit XronoxdProcess(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    child_ = ChildProcess::Start(XronoxdBinary(), args, env);
    if (child_ == nullptr) return;
    line_ = child_->ReadLine(std::chrono::seconds(30));
    const std::string prefix = "xronoxd listening on http://127.0.0.1:";
    if (line_.rfind(prefix, 0) == 0) port_ = std::atoi(line_.c_str() + prefix.size());
  }
  /// Stop with SIGTERM; returns the exit code (nullopt if it did not stop within 10 s).
  std::optional<int> Stop() {
    if (child_ == nullptr) return std::nullopt;
    return child_->Signal(SIGTERM, std::chrono::seconds(10));
  }
  int port() const { return port_; }
  const std::string& line() const { return line_; }
  std::string Stderr() { return child_ ? child_->Stderr() : "(not started)"; }
  std::string Stdout() { return child_ ? child_->Stdout() : "(not started)"; }

 private:
  std::unique_ptr<ChildProcess> child_;
  std::string line_;
  int port_ = 0;
};

/// An HTTP reply with its body parsed as JSON (discarded if not JSON).
struct Reply {
  int status = 0;  ///< 0 when the request failed at the transport level.
  Json body;
  std::string raw;
  httplib::Headers headers;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string ErrorCode() const {
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }
};

/// Percent-encode everything but unreserved characters (for query values and path segments).
inline std::string UrlEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

/// A fixture running one xronoxd over a fresh data directory for each test.
class XronoxdTest : public ::testing::Test {
 protected:
  /// Extra flags for the server (e.g. {"--max-body", "1024"}).
  virtual std::vector<std::string> ServerFlags() { return {}; }
  /// Where the server's store is: "--data DIR" by default (a fresh embedded store).
  virtual std::vector<std::string> StoreFlags() { return {"--data", dir_.path() + "/data"}; }
  /// Changes to the server's environment (ChildProcess::Start); none by default.
  virtual std::vector<std::string> ServerEnv() { return {}; }

  void SetUp() override {
    std::vector<std::string> args = StoreFlags();
    for (const std::string& flag : ServerFlags()) args.push_back(flag);
    ASSERT_FALSE(XronoxdBinary().empty()) << "XRONOXD_BINARY is not defined";
    server_ = std::make_unique<XronoxdProcess>(args, ServerEnv());
    ASSERT_GT(server_->port(), 0) << "xronoxd did not start; stdout: '" << server_->line()
                                  << "' stderr: " << server_->Stderr();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30, 0);
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    client_.reset();
    EXPECT_EQ(server_->Stop(), std::optional<int>(0)) << "stderr: " << server_->Stderr();
  }

  /// Send a request; a non-empty body goes with `content_type` (none when nullopt).
  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             httplib::Headers headers = {},
             std::optional<std::string> content_type = "application/json") {
    httplib::Request request;
    request.method = method;
    request.path = path;
    request.headers = std::move(headers);
    if (content_type) request.headers.emplace("Content-Type", *content_type);
    request.body = body;
    httplib::Result result = client_->send(request);
    Reply reply;
    if (!result) return reply;
    reply.status = result->status;
    reply.raw = result->body;
    reply.headers = result->headers;
    reply.body = Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
    return reply;
  }
  Reply Get(const std::string& path, httplib::Headers headers = {}) {
    return Send("GET", path, "", std::move(headers), std::nullopt);
  }
  Reply SendJson(const std::string& method, const std::string& path, const Json& body,
                 httplib::Headers headers = {}) {
    return Send(method, path, body.dump(), std::move(headers));
  }

  /// Actor and reason headers (required on runtime writes).
  static httplib::Headers Audit(httplib::Headers extra = {}) {
    extra.emplace("X-Xronox-Actor", "tester");
    extra.emplace("X-Xronox-Reason", "integration test");
    return extra;
  }

  TempDir dir_;
  std::unique_ptr<XronoxdProcess> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace xronox::testing

// ---- Fault and outage tests (fault_*_test.cc): writer processes, a store on the real test
// services, and private service instances that a test may kill and restart. ----

#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "store/hot/mongo/mongo_hot_store.h"
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

/// scripts/test-services.sh: $XRONOX_TEST_SERVICES_SCRIPT, else found from this header's path.
inline std::string TestServicesScript() {
  if (auto script = EnvValue("XRONOX_TEST_SERVICES_SCRIPT")) return *script;
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "scripts" /
          "test-services.sh")
      .string();
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
  void Freeze() {
    if (pid_ > 0) kill(pid_, SIGSTOP);
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
