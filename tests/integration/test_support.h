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
    // stderr goes to an unlinked file, not a pipe: a server logs a line per request, and a pipe
    // nobody drains fills up and blocks it mid-request.
    int out[2];
    if (pipe(out) != 0) return nullptr;
    char err_path[] = "/tmp/xronox-child-stderr-XXXXXX";
    int err_write = mkstemp(err_path);
    if (err_write < 0) return nullptr;
    int err_read = open(err_path, O_RDONLY | O_CLOEXEC);
    unlink(err_path);
    if (err_read < 0) return nullptr;
    pid_t pid = fork();
    if (pid < 0) return nullptr;
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(err_write, STDERR_FILENO);
      close(out[0]), close(out[1]), close(err_write);
      std::vector<char*> argv{const_cast<char*>(binary.c_str())};
      for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      execve(binary.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]), close(err_write);
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out[0], err_read));
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
  /// Everything on stderr so far; waits up to `timeout` for more while nothing new arrives.
  std::string Stderr(std::chrono::milliseconds timeout = std::chrono::milliseconds(200)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t before = stderr_text_.size();
    while (true) {
      char buffer[4096];
      ssize_t n;
      while ((n = read(stderr_fd_, buffer, sizeof(buffer))) > 0) stderr_text_.append(buffer, n);
      if (stderr_text_.size() > before || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
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
  /// Kill with SIGKILL, as a crash would; returns the exit code (128 + 9 once it died).
  std::optional<int> Kill() {
    if (child_ == nullptr) return std::nullopt;
    return child_->Signal(SIGKILL, std::chrono::seconds(10));
  }
  int port() const { return port_; }
  /// The server's process id; 0 if it did not start.
  pid_t pid() const { return child_ ? child_->pid() : 0; }
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

/// Send a request through `client`; a non-empty body goes with `content_type` (none when
/// nullopt). status is 0 when the request failed at the transport level.
inline Reply SendRequest(httplib::Client& client, const std::string& method,
                         const std::string& path, const std::string& body = "",
                         httplib::Headers headers = {},
                         std::optional<std::string> content_type = "application/json") {
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.headers = std::move(headers);
  if (content_type) request.headers.emplace("Content-Type", *content_type);
  request.body = body;
  httplib::Result result = client.send(request);
  Reply reply;
  if (!result) {
    reply.raw = "transport error: " + httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.raw = result->body;
  reply.headers = result->headers;
  reply.body = Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  return reply;
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
    return SendRequest(*client_, method, path, body, std::move(headers), std::move(content_type));
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
