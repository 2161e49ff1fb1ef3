// xronoxd's operational flags: log format, timeouts, drain timeout and connection and header
// limits, kept apart from main.cc so that each group of flags lives with what it configures.
// Thread-safety: plain values and functions used at start-up.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "server/operations/access_log.h"
#include "server/transport/http_listener.h"

namespace xronox::server {

struct OpsFlags {
  std::string log_format = "json";  ///< "json" or "text".
  double read_timeout_s = 30;       ///< Whole request (line, headers, body) must arrive in this.
  double idle_timeout_s = 60;       ///< Keep-alive connections idle this long are closed.
  double drain_timeout_s = 30;      ///< On SIGTERM, in-flight requests get this long to finish.
  size_t max_connections = 256;     ///< Connections served at once; more get 503.
  size_t max_header_bytes = size_t{32} << 10;  ///< Request line plus headers; more get 431.
  double jobs_interval_s = 3600;  ///< Background jobs (retention) run this often; 0: never.
};

/// Register the flags of `flags` on `app`, with their defaults shown in --help.
void AddOpsFlags(CLI::App& app, OpsFlags& flags);

/// Copy the timeouts and limits into listener options.
void ApplyOpsFlags(const OpsFlags& flags, ListenerOptions& options);

/// Convert seconds to milliseconds (at least 1 ms).
std::chrono::milliseconds SecondsToMillis(double seconds);

}  // namespace xronox::server
