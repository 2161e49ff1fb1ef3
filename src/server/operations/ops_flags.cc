#include "server/operations/ops_flags.h"

#include <algorithm>
#include <cmath>

namespace xronox::server {

void AddOpsFlags(CLI::App& app, OpsFlags& flags) {
  app.add_option("--log-format", flags.log_format, "Log lines on stderr: json or text")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  app.add_option("--read-timeout", flags.read_timeout_s,
                 "Seconds for a whole request (line, headers, body) to arrive; slower clients "
                 "get 408 and are disconnected")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--idle-timeout", flags.idle_timeout_s,
                 "Seconds a keep-alive connection may wait for its next request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--drain-timeout", flags.drain_timeout_s,
                 "On SIGTERM/SIGINT, seconds in-flight requests get to finish before their "
                 "connections are closed")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--jobs-interval", flags.jobs_interval_s,
                 "Seconds between passes of the background jobs (the retention of every "
                 "collection with a policy; the first pass one interval after start); 0 runs "
                 "none")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--max-connections", flags.max_connections,
                 "Client connections served at once; more are answered 503 with Retry-After")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-header-bytes", flags.max_header_bytes,
                 "Largest request line plus headers, in bytes; larger requests get 431")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 20))
      ->capture_default_str();
}

void ApplyOpsFlags(const OpsFlags& flags, ListenerOptions& options) {
  options.read_timeout = SecondsToMillis(flags.read_timeout_s);
  options.idle_timeout = SecondsToMillis(flags.idle_timeout_s);
  options.max_connections = flags.max_connections;
  options.max_header_bytes = flags.max_header_bytes;
}

std::chrono::milliseconds SecondsToMillis(double seconds) {
  return std::chrono::milliseconds(std::max<int64_t>(1, std::llround(seconds * 1000)));
}

}  // namespace xronox::server
