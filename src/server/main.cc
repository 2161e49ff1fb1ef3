// xronoxd: the HTTP/JSON server over the Xronox library.
//   xronoxd --data DIR | --config FILE [--listen HOST:PORT] [--max-body BYTES] [--threads N]
//           [--insecure-no-auth]   (needed to listen on anything but loopback)
// Prints "xronoxd listening on http://HOST:PORT (data: DIR)" once it accepts connections;
// SIGINT or SIGTERM stops it after in-flight requests finish.
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "server/dispatcher.h"
#include "server/http_listener.h"
#include "xronox/config.h"
#include "xronox/xronox.h"

namespace {

using xronox::Result;
using xronox::Status;
using xronox::server::ListenerOptions;

struct Flags {
  std::string data;
  std::string config;
  std::string listen = "127.0.0.1:8700";
  size_t max_body = xronox::server::kDefaultMaxBodyBytes;
  int threads = 0;
  bool insecure_no_auth = false;
};

// The server checks no credentials yet, so only the local machine may reach it unless the
// operator says otherwise: a loopback host is 127.0.0.0/8, ::1 or "localhost".
bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

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
    pthread_kill(thread_.native_handle(), SIGTERM);  // No-op if it already returned.
    thread_.join();
  }

 private:
  std::thread thread_;
};

Result<std::unique_ptr<xronox::Xronox>> OpenStore(const Flags& flags) {
  Result<xronox::Config> config = LoadConfig(flags);
  if (!config.ok()) {
    return Status(config.status().code(),
                  "cannot load configuration: " + config.status().ToString());
  }
  auto store = xronox::Xronox::Open(*config);
  if (!store.ok()) {
    return Status(store.status().code(), "cannot open store: " + store.status().ToString());
  }
  return store;
}

// Announce the address on stdout (tests and scripts wait for this line), then serve until
// SIGINT or SIGTERM.
int ServeUntilSignal(xronox::server::HttpListener& listener, const ListenerOptions& listen,
                     const Flags& flags) {
  std::string host =
      listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host;
  std::string source = flags.config.empty() ? "data: " + flags.data : "config: " + flags.config;
  std::cout << "xronoxd listening on http://" << host << ":" << listener.port() << " (" << source
            << ")" << std::endl;
  Status served;
  {
    SignalWatcher watcher([&listener] { listener.Stop(); });
    served = listener.Serve();
  }
  if (!served.ok()) {
    std::cerr << "xronoxd: " << served.message() << "\n";
    return 1;
  }
  return 0;
}

int Run(const Flags& flags) {
  Result<ListenerOptions> listen = ParseListen(flags.listen);
  if (!listen.ok()) {
    std::cerr << "xronoxd: " << listen.status().message() << "\n";
    return 2;
  }
  if (!IsLoopback(listen->host) && !flags.insecure_no_auth) {
    std::cerr << "xronoxd: refusing to listen on " << listen->host
              << " without authentication: anyone who reaches it could read and write every "
                 "tenant's data; listen on 127.0.0.1 or ::1, or pass --insecure-no-auth\n";
    return 2;
  }
  listen->max_body_bytes = flags.max_body;
  listen->threads = flags.threads;
  auto store = OpenStore(flags);
  if (!store.ok()) {
    std::cerr << "xronoxd: " << store.status().message() << "\n";
    return 1;
  }
  xronox::server::Dispatcher dispatcher(**store, {.max_body_bytes = flags.max_body});
  auto listener = xronox::server::HttpListener::Bind(
      *listen, [&dispatcher](const auto& request) { return dispatcher.Handle(request); });
  if (!listener.ok()) {
    std::cerr << "xronoxd: " << listener.status().message() << "\n";
    return 1;
  }
  return ServeUntilSignal(**listener, *listen, flags);
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
  app.add_option("--listen", flags.listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--max-body", flags.max_body, "Largest accepted request body, in bytes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--threads", flags.threads,
                 "Worker threads, one per connection served at a time (0: " +
                     std::to_string(xronox::server::kDefaultThreads) + ")")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--insecure-no-auth", flags.insecure_no_auth,
               "Allow a non-loopback --listen address although requests are not authenticated");
  CLI11_PARSE(app, argc, argv);
  if (flags.data.empty() == flags.config.empty()) {
    std::cerr << "xronoxd: give exactly one of --data DIR or --config FILE\n";
    return 2;
  }
  return Run(flags);
}
