#include "server/operations/access_log.h"

#include <cstdio>

#include "common/clock.h"

namespace xronox::server {

namespace {

// Members in insertion order, so that every line starts with time, level and msg.
using OrderedJson = nlohmann::ordered_json;

// Invalid UTF-8 in a message (e.g. a backend's reason) must not make the line unwritable.
template <typename J>
std::string Dump(const J& value) {
  return value.dump(-1, ' ', false, J::error_handler_t::replace);
}

std::string TextValue(const OrderedJson& value) {
  return value.is_string() ? value.get<std::string>() : Dump(value);
}

// JSON: the fixed fields first, then `fields`. Text: "time level msg key=value ...".
std::string Line(TimestampMicros time, std::string_view level, std::string_view message,
                 const OrderedJson& fields, LogFormat format) {
  if (format == LogFormat::kJson) {
    OrderedJson line = OrderedJson::object();
    line["time"] = FormatRfc3339(time);
    line["level"] = level;
    line["msg"] = message;
    for (const auto& [key, value] : fields.items()) line[key] = value;
    return Dump(line);
  }
  std::string line = FormatRfc3339(time) + " " + std::string(level) + " " + std::string(message);
  for (const auto& [key, value] : fields.items()) line += " " + key + "=" + TextValue(value);
  return line;
}

}  // namespace

std::optional<LogFormat> ParseLogFormat(std::string_view text) {
  if (text == "json") return LogFormat::kJson;
  if (text == "text") return LogFormat::kText;
  return std::nullopt;
}

std::string_view RequestLevel(int status) {
  return status >= 500 ? "error" : status >= 400 ? "warn" : "info";
}

std::string FormatRequestLine(const RequestLogEntry& entry, LogFormat format) {
  OrderedJson fields = OrderedJson::object();
  fields["request_id"] = entry.request_id;
  fields["method"] = entry.method;
  fields["route"] = entry.route;
  fields["status"] = entry.status;
  if (entry.duration_ms >= 0) fields["duration_ms"] = entry.duration_ms;
  fields["bytes_in"] = entry.bytes_in;
  fields["bytes_out"] = entry.bytes_out;
  fields["remote_addr"] = entry.remote_address;
  if (!entry.principal.empty()) fields["principal"] = entry.principal;
  if (!entry.error_code.empty()) fields["error"] = entry.error_code;
  return Line(entry.time, RequestLevel(entry.status), "request", fields, format);
}

std::string FormatEventLine(TimestampMicros time, std::string_view level, std::string_view message,
                            const Json& fields, LogFormat format) {
  OrderedJson ordered = OrderedJson::object();
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) ordered[key] = OrderedJson::parse(Dump(value));
  }
  return Line(time, level, message, ordered, format);
}

void LogSink::Write(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void LogSink::Event(std::string_view level, std::string_view message, const Json& fields) {
  Write(FormatEventLine(SystemClock::Default()->NowMicros(), level, message, fields, format_));
}

}  // namespace xronox::server
