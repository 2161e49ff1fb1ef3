// Renders metrics in the Prometheus text exposition format, version 0.0.4.
// Written by hand: Debian 12 packages no Prometheus C++ client (prometheus-cpp is not in
// bookworm), and the text format is a few lines per family, which is less than a dependency
// built from source would cost.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "server/operations/metrics.h"
#include "xronox/metrics.h"

namespace xronox::server {

/// The Content-Type of the exposition format.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

/// Escape a label value: backslash, double quote and line feed.
std::string EscapeLabelValue(std::string_view value);

/// Format a sample value or bucket bound: shortest round-trip decimal, "+Inf", "-Inf", "NaN".
std::string FormatSampleValue(double value);

/// Every server and backend metric family, each with # HELP and # TYPE lines.
std::string RenderPrometheus(const ServerMetricsSnapshot& server,
                             const BackendMetricsSnapshot& backend);

}  // namespace xronox::server
