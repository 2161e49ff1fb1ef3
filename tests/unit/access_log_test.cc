// The shape of xronoxd's log lines: one JSON object per line with an RFC 3339 UTC time, a level,
// the request id, templated route and the request's figures; principal only when known; the
// text format carries the same fields; event lines keep their fields.
#include "server/operations/access_log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <thread>
#include <vector>

namespace xronox::server {
namespace {

constexpr TimestampMicros kTime = 1700000000123456;  // 2023-11-14T22:13:20.123456Z

RequestLogEntry Entry() {
  RequestLogEntry entry;
  entry.time = kTime;
  entry.request_id = "req-1";
  entry.method = "PUT";
  entry.route = "/v1/{db}/{tenant}/{collection}/{id}";
  entry.status = 201;
  entry.duration_ms = 12.345;
  entry.bytes_in = 17;
  entry.bytes_out = 150;
  entry.remote_address = "127.0.0.1";
  return entry;
}

TEST(AccessLogTest, RequestLineIsOneJsonObjectWithEveryField) {
  std::string line = FormatRequestLine(Entry(), LogFormat::kJson);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Json json = Json::parse(line);
  EXPECT_EQ(json["time"], "2023-11-14T22:13:20.123456Z");
  EXPECT_TRUE(std::regex_match(json["time"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["msg"], "request");
  EXPECT_EQ(json["request_id"], "req-1");
  EXPECT_EQ(json["method"], "PUT");
  EXPECT_EQ(json["route"], "/v1/{db}/{tenant}/{collection}/{id}");
  EXPECT_EQ(json["status"], 201);
  EXPECT_DOUBLE_EQ(json["duration_ms"].get<double>(), 12.345);
  EXPECT_EQ(json["bytes_in"], 17);
  EXPECT_EQ(json["bytes_out"], 150);
  EXPECT_EQ(json["remote_addr"], "127.0.0.1");
  EXPECT_FALSE(json.contains("principal")) << "omitted while no one is authenticated";
  EXPECT_FALSE(json.contains("error"));
  EXPECT_EQ(line.rfind(R"({"time":)", 0), 0u) << "time comes first for people reading: " << line;
}

TEST(AccessLogTest, PrincipalErrorAndLevelFollowTheEntry) {
  RequestLogEntry entry = Entry();
  entry.principal = "key:ops-team";
  entry.status = 409;
  entry.error_code = "version_mismatch";
  Json json = Json::parse(FormatRequestLine(entry, LogFormat::kJson));
  EXPECT_EQ(json["principal"], "key:ops-team");
  EXPECT_EQ(json["error"], "version_mismatch");
  EXPECT_EQ(json["level"], "warn");
  entry.status = 503;
  EXPECT_EQ(Json::parse(FormatRequestLine(entry, LogFormat::kJson))["level"], "error");
  entry.duration_ms = -1;  // The transport answered; no handler time.
  EXPECT_FALSE(Json::parse(FormatRequestLine(entry, LogFormat::kJson)).contains("duration_ms"));
}

TEST(AccessLogTest, InvalidUtf8NeverBreaksTheLine) {
  RequestLogEntry entry = Entry();
  entry.remote_address = std::string("bad\xff\xfe", 5);
  std::string line = FormatRequestLine(entry, LogFormat::kJson);
  Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(json.is_discarded()) << line;
  EXPECT_EQ(json["request_id"], "req-1");
}

TEST(AccessLogTest, TextLineCarriesTheSameFields) {
  std::string line = FormatRequestLine(Entry(), LogFormat::kText);
  EXPECT_EQ(line.rfind("2023-11-14T22:13:20.123456Z info request ", 0), 0u) << line;
  for (const char* field : {"request_id=req-1", "method=PUT", "status=201", "bytes_in=17",
                            "bytes_out=150", "remote_addr=127.0.0.1", "duration_ms=12.345"}) {
    EXPECT_NE(line.find(field), std::string::npos) << field << " in " << line;
  }
}

TEST(AccessLogTest, EventLinesKeepTheirFields) {
  Json json = Json::parse(FormatEventLine(kTime, "info", "xronoxd started",
                                          {{"listen", "http://127.0.0.1:8700"}, {"pid", 12}},
                                          LogFormat::kJson));
  EXPECT_EQ(json["msg"], "xronoxd started");
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["listen"], "http://127.0.0.1:8700");
  EXPECT_EQ(json["pid"], 12);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("yaml"));
}

TEST(AccessLogTest, SinkWritesWholeLinesFromManyThreads) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    LogSink sink(LogFormat::kJson, file);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&sink] {
        for (int i = 0; i < 200; ++i) sink.Write(FormatRequestLine(Entry(), LogFormat::kJson));
      });
    }
    for (auto& thread : threads) thread.join();
  }
  std::rewind(file);
  char buffer[4096];
  int lines = 0;
  while (std::fgets(buffer, sizeof(buffer), file) != nullptr) {
    Json json = Json::parse(buffer, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(json.is_discarded()) << buffer;
    ++lines;
  }
  std::fclose(file);
  EXPECT_EQ(lines, 800);
}

}  // namespace
}  // namespace xronox::server
