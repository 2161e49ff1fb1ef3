// xronoxd: the HTTP/JSON server over the Xronox library.
//   xronoxd --data DIR | --config FILE [--api-keys FILE] [--listen HOST:PORT]
//           [--max-body BYTES] [--threads N]
//           [--insecure-no-auth]   (needed to listen on anything but loopback without keys)
//           [--log-format json|text] [--read-timeout S] [--idle-timeout S] [--drain-timeout S]
//           [--max-connections N] [--max-header-bytes BYTES]   (see ops_flags.h)
// Prints "xronoxd listening on http://HOST:PORT (data: DIR)" once it accepts connections; logs
// go to stderr. SIGINT or SIGTERM stops it after in-flight requests finish (bounded drain).
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "common/memory_reserve.h"
#include "server/api/dispatcher.h"
#include "server/operations/access_log.h"
#include "server/operations/background_jobs.h"
#include "server/operations/ops_flags.h"
#include "server/operations/ops_handler.h"
#include "server/transport/drain.h"
#include "server/transport/http_listener.h"
#include "server/transport/loopback.h"
#include "xronox/config.h"
#include "xronox/xronox.h"

namespace {

using xronox::Result;
using xronox::Status;
using xronox::server::ListenerOptions;

struct Flags {
  std::string data;
  std::string config;
  std::string api_keys;
  std::string listen = "127.0.0.1:8700";
  size_t max_body = xronox::server::kDefaultMaxBodyBytes;
  int64_t max_content = xronox::server::kDefaultMaxContentBytes;
  int threads = 0;
  int max_requests_per_key = xronox::server::kDefaultMaxRequestsPerKey;
  bool insecure_no_auth = false;
  xronox::server::OpsFlags ops;
};

Result<ListenerOptions> ParseListen(const std::string& text) {
  size_t colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  std::string port_text = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:8700
  }
  int port = -1;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return xronox::InvalidArgument("--listen must be HOST:PORT with PORT 0-65535, got '" + text +
                                   "'");
  }
  ListenerOptions options;
  options.host = host;
  options.port = port;
  return options;
}

Result<xronox::Config> LoadConfig(const Flags& flags) {
  if (!flags.config.empty()) return xronox::LoadConfigFile(flags.config);
  std::error_code error;
  std::filesystem::create_directories(flags.data, error);
  if (error) {
    return xronox::Unavailable("cannot create data directory " + flags.data + ": " +
                               error.message());
  }
  return xronox::CreateEmbeddedConfig(flags.data);
}

// Waits for SIGINT/SIGTERM on its own thread (the signals are blocked everywhere else) and
// then runs `on_signal`; Wake() releases it when the server stopped for another reason.
class SignalWatcher {
 public:
  static sigset_t StopSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
  }
  // Call before any thread starts, so that every thread inherits the mask.
  static void BlockStopSignals() {
    sigset_t set = StopSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  explicit SignalWatcher(std::function<void()> on_signal)
      : thread_([on_signal = std::move(on_signal)] {
          sigset_t set = StopSignals();
          int signal = 0;
          sigwait(&set, &signal);
          on_signal();
        }) {}
  ~SignalWatcher() {
    // Wakes the thread's sigwait, which then returns: nothing is terminated. A no-op if it
    // already returned.
    pthread_kill(thread_.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
    thread_.join();
  }

 private:
  std::thread thread_;
};

// The keys of the config's "server.apiKeys" or of --api-keys; one source only, so that no
// operator wonders which list is in force.
Result<std::vector<xronox::ApiKey>> LoadApiKeys(const Flags& flags, const xronox::Config& config) {
  if (flags.api_keys.empty()) return config.server.api_keys;
  if (!config.server.api_keys.empty()) {
    return xronox::InvalidArgument(
        "API keys are given both in the config (server.apiKeys) and by --api-keys; keep one");
  }
  Result<std::vector<xronox::ApiKey>> keys = xronox::LoadApiKeysFile(flags.api_keys);
  if (!keys.ok()) {
    return Status(keys.status().code(), "cannot load API keys: " + keys.status().ToString());
  }
  return keys;
}

Result<std::unique_ptr<xronox::Xronox>> OpenStore(const xronox::Config& config) {
  auto store = xronox::Xronox::Open(config);
  if (!store.ok()) {
    return Status(store.status().code(), "cannot open store: " + store.status().ToString());
  }
  return store;
}

// Announce the address on stdout (tests and scripts wait for this line), then serve until
// SIGINT or SIGTERM and drain.
int ServeUntilSignal(xronox::server::HttpListener& listener, const ListenerOptions& listen,
                     const Flags& flags, xronox::server::LogSink& log) {
  std::string host =
      listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host;
  std::string url = "http://" + host + ":" + std::to_string(listener.port());
  std::string source = flags.config.empty() ? "data: " + flags.data : "config: " + flags.config;
  std::cout << "xronoxd listening on " << url << " (" << source << ")" << std::endl;
  log.Event("info", "xronoxd started",
            {{"listen", url},
             {"source", source},
             {"pid", getpid()},
             {"max_connections", listen.max_connections},
             {"read_timeout_s", flags.ops.read_timeout_s},
             {"idle_timeout_s", flags.ops.idle_timeout_s}});
  xronox::server::Drain drain(listener, xronox::server::SecondsToMillis(flags.ops.drain_timeout_s),
                              log);
  Status served;
  {
    SignalWatcher watcher([&drain] { drain.Begin(); });
    served = listener.Serve();
    drain.Finish();
  }
  if (!served.ok()) {
    log.Event("error", "xronoxd stopped: " + served.message());
    return 1;
  }
  log.Event(drain.forced() ? "error" : "info", "xronoxd stopped", {{"drained", !drain.forced()}});
  return drain.forced() ? 1 : 0;
}

int Run(const Flags& flags) {
  xronox::server::LogSink log(*xronox::server::ParseLogFormat(flags.ops.log_format));
  auto fail = [&log](int code, const std::string& message) {
    log.Event("error", "xronoxd: " + message);
    return code;
  };
  Result<ListenerOptions> listen = ParseListen(flags.listen);
  if (!listen.ok()) return fail(2, listen.status().message());
  Result<xronox::Config> config = LoadConfig(flags);
  if (!config.ok()) return fail(1, "cannot load configuration: " + config.status().ToString());
  for (const std::string& warning : xronox::ConfigFieldsNotActedOn(*config)) {
    log.Event("warn", "configuration: " + warning);
  }
  Result<std::vector<xronox::ApiKey>> keys = LoadApiKeys(flags, *config);
  if (!keys.ok()) return fail(2, keys.status().message());
  // Without API keys the server checks no credentials, so only the local machine may reach it
  // unless the operator says otherwise.
  if (keys->empty() && !xronox::server::ResolvesToLoopbackOnly(listen->host) &&
      !flags.insecure_no_auth) {
    return fail(2, "refusing to listen on " + listen->host +
                       " without authentication: anyone who reaches it could read and write "
                       "every tenant's data; configure API keys (server.apiKeys or --api-keys), "
                       "listen on 127.0.0.1 or ::1, or pass --insecure-no-auth");
  }
  listen->max_body_bytes = flags.max_body;
  listen->stream_body = xronox::server::IsStreamedUpload;
  listen->max_streamed_body_bytes = static_cast<size_t>(flags.max_content);
  listen->threads = flags.threads;
  xronox::server::ApplyOpsFlags(flags.ops, *listen);
  auto store = OpenStore(*config);
  if (!store.ok()) return fail(1, store.status().message());
  // Allocations of 1 MiB and more (bodies, answers, large parsed arrays) get their own mapping,
  // returned when freed; glibc would otherwise raise this threshold as such blocks are freed and
  // keep later ones in its heaps, holding the address space a large request used.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // 64 MiB of address space held back so that a request that runs out of memory fails alone
  // (503) instead of ending the process (common/memory_reserve.h).
  if (auto reserved = xronox::InstallMemoryReserve(2, size_t{32} << 20); !reserved.ok()) {
    return fail(1, reserved.message());
  }
  xronox::server::Dispatcher dispatcher(**store,
                                        {.max_body_bytes = flags.max_body,
                                         .max_content_bytes = flags.max_content,
                                         .api_keys = std::move(keys).value(),
                                         .max_requests_per_key = flags.max_requests_per_key,
                                         .log = &log});
  xronox::server::OpsHandler ops(
      [&dispatcher](const auto& request) { return dispatcher.Handle(request); }, **store, log,
      dispatcher.authenticator());
  listen->on_event = [&ops](const auto& event) { ops.OnTransportEvent(event); };
  xronox::server::BackgroundJobs jobs(
      **store, log,
      flags.ops.jobs_interval_s > 0 ? xronox::server::SecondsToMillis(flags.ops.jobs_interval_s)
                                    : std::chrono::milliseconds(0));
  auto listener = xronox::server::HttpListener::Bind(
      *listen, [&ops](const auto& request) { return ops.Handle(request); });
  if (!listener.ok()) return fail(1, listener.status().message());
  return ServeUntilSignal(**listener, *listen, flags, log);
}

}  // namespace

int main(int argc, char** argv) {
  SignalWatcher::BlockStopSignals();
  signal(SIGPIPE, SIG_IGN);  // A client that hangs up must not kill the server.
  CLI::App app{"xronoxd: HTTP/JSON server for the Xronox versioned document store"};
  Flags flags;
  auto* data = app.add_option("--data", flags.data,
                              "Embedded store directory (SQLite + local folders); created");
  auto* config = app.add_option("--config", flags.config, "Configuration file (JSON)")
                     ->check(CLI::ExistingFile);
  data->excludes(config);
  app.add_option("--api-keys", flags.api_keys,
                 "API keys file ({\"apiKeys\": [...]}, as the config's server.apiKeys); with "
                 "keys, every route but /v1/health needs Authorization: Bearer <token>")
      ->check(CLI::ExistingFile);
  app.add_option("--listen", flags.listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--max-body", flags.max_body, "Largest accepted request body, in bytes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-content", flags.max_content,
                 "Largest accepted content upload (streamed), in bytes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--threads", flags.threads,
                 "Worker threads started up front (0: library default); more start on demand "
                 "up to --max-connections")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-requests-per-key", flags.max_requests_per_key,
                 "Requests one API key may have in flight; more get 429 with Retry-After")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--insecure-no-auth", flags.insecure_no_auth,
               "Allow a non-loopback --listen address without API keys (requests are then not "
               "authenticated)");
  xronox::server::AddOpsFlags(app, flags.ops);
  CLI11_PARSE(app, argc, argv);
  if (flags.data.empty() == flags.config.empty()) {
    std::cerr << "xronoxd: give exactly one of --data DIR or --config FILE\n";
    return 2;
  }
  return Run(flags);
}
