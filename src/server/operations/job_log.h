// One log event per retention or offload run that changed something, whoever started it: the
// background jobs ("background") or a request to :apply-retention or :offload ("requested").
#pragma once

#include <string_view>

#include "server/operations/access_log.h"
#include "xronox/xronox.h"

namespace xronox::server {

/// An info event "<origin> retention <collection>" with the report, when the run removed or
/// kept something (a dry run or a run that found nothing to do logs nothing).
void LogJobRun(LogSink& log, std::string_view origin, const Target& target,
               const RetentionReport& report);
/// An info event "<origin> offload <collection>" with the report, when the run moved records or
/// removed parts.
void LogJobRun(LogSink& log, std::string_view origin, const Target& target,
               const OffloadReport& report);

}  // namespace xronox::server
