#include "server/api/codec.h"

namespace xronox::server {

namespace {

Json NextCursor(const std::optional<std::string>& next) {
  return next.has_value() ? Json(*next) : Json(nullptr);
}

// Length of the UTF-8 sequence starting at `lead` and the least value it may encode;
// 0 for a byte that cannot start a sequence.
int SequenceLength(unsigned char lead, uint32_t* min_value, uint32_t* value) {
  if (lead < 0x80) {
    *value = lead;
    *min_value = 0;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    *value = lead & 0x1F;
    *min_value = 0x80;
    return 2;
  }
  if ((lead & 0xF0) == 0xE0) {
    *value = lead & 0x0F;
    *min_value = 0x800;
    return 3;
  }
  if ((lead & 0xF8) == 0xF0) {
    *value = lead & 0x07;
    *min_value = 0x10000;
    return 4;
  }
  return 0;
}

}  // namespace

Json HistoryPageToJson(const HistoryPage& page) {
  Json versions = Json::array();
  for (const VersionInfo& info : page.versions) versions.push_back(VersionInfoToJson(info));
  return Json{{"versions", std::move(versions)}, {"next", NextCursor(page.next)}};
}

std::string QueryPageToJsonText(const QueryPage& page) {
  // The keys in the order a dump of {"records","next"} has them: sorted.
  std::string text = "{\"next\":" + SerializeJson(NextCursor(page.next)) + ",\"records\":[";
  for (size_t i = 0; i < page.records.size(); ++i) {
    if (i > 0) text += ',';
    text += RecordToJsonText(page.records[i]);
  }
  return text + "]}";
}

Json ErrorToJson(const HttpError& error) {
  Json body = {{"code", error.code}, {"message", error.message}};
  if (error.current_version.has_value()) body["currentVersion"] = *error.current_version;
  return Json{{"error", std::move(body)}};
}

std::string SerializeJson(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

HttpResponse JsonResponse(int status, const Json& body) {
  return JsonTextResponse(status, SerializeJson(body));
}

HttpResponse JsonTextResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers["Content-Type"] = "application/json";
  response.body = std::move(body);
  return response;
}

HttpResponse RecordResponse(int status, const Record& record) {
  HttpResponse response = JsonTextResponse(status, RecordToJsonText(record));
  response.headers["ETag"] = ETagFor(record.version);
  return response;
}

HttpResponse ErrorResponse(const HttpError& error) {
  HttpResponse response = JsonResponse(error.status, ErrorToJson(error));
  if (!error.allow.empty()) response.headers["Allow"] = error.allow;
  return response;
}

std::string ETagFor(int64_t version) { return "\"" + std::to_string(version) + "\""; }

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    uint32_t min_value = 0;
    uint32_t value = 0;
    int length = SequenceLength(static_cast<unsigned char>(text[i]), &min_value, &value);
    if (length == 0 || i + length > text.size()) return false;
    for (int k = 1; k < length; ++k) {
      unsigned char c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      value = (value << 6) | (c & 0x3F);
    }
    if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace xronox::server
