// Requests on one keep-alive connection are answered without a delayed-ACK stall: the server
// sends a response's headers and body separately, so without TCP_NODELAY Nagle's algorithm
// holds the body until the client's delayed ACK (40 ms on Linux), capping a connection at
// about 25 requests per second (bench/load/run.sh measured 37 GETs/s before the fix).
#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "integration/test_support.h"

namespace xronox::testing {
namespace {

using ServerLatencyTest = XronoxdTest;

TEST_F(ServerLatencyTest, KeepAliveRequestsAreNotHeldBackByNagle) {
  httplib::Client client("127.0.0.1", server_->port());
  client.set_keep_alive(true);
  Reply created = SendRequest(client, "PUT", "/v1/knowledge/_/facts/f1", R"({"a":1})");
  ASSERT_EQ(created.status, 201) << created.raw;
  std::vector<double> millis;
  for (int i = 0; i < 40; ++i) {
    auto start = std::chrono::steady_clock::now();
    Reply read = SendRequest(client, "GET", "/v1/knowledge/_/facts/f1");
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    ASSERT_EQ(read.status, 200) << read.raw;
  }
  std::sort(millis.begin(), millis.end());
  // A stalled request takes >= 40 ms; a debug build answers in about 1 ms even on a busy host.
  EXPECT_LT(millis[millis.size() / 2], 20.0) << "median of " << millis.size() << " GETs";
}

// The library closes a keep-alive connection after its limit of requests (5 by default), and
// under load every client then reconnects every few requests (22,000 connections in 3 s of
// bench/load/run.sh, overflowing the listen queue).
TEST_F(ServerLatencyTest, KeepAliveConnectionServesManyRequests) {
  httplib::Client client("127.0.0.1", server_->port());
  client.set_keep_alive(true);
  for (int i = 0; i < 50; ++i) {
    Reply health = SendRequest(client, "GET", "/v1/health");
    ASSERT_EQ(health.status, 200) << health.raw;
    ASSERT_NE(health.Header("Connection"), "close") << "the server closed after " << i + 1;
  }
}

// A worker thread serves one connection until it closes or idles for the keep-alive timeout
// (5 s), so a client pool holding more idle connections than there are workers would leave
// the next connection unanswered for seconds.
TEST_F(ServerLatencyTest, IdleKeepAliveConnectionsDoNotHoldOthersBack) {
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < 32; ++i) {
    clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", server_->port()));
    clients.back()->set_keep_alive(true);
    auto start = std::chrono::steady_clock::now();
    Reply health = SendRequest(*clients.back(), "GET", "/v1/health");
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(health.status, 200) << health.raw;
    ASSERT_LT(seconds, 2.0) << "connection " << i + 1 << " waited for a worker thread";
  }
  clients.clear();  // Before TearDown: idle connections would hold the server's exit back.
}

// A burst of clients connecting at once: the library listens with a backlog of 5, so the
// kernel drops the SYNs beyond it and each of those clients waits 1 s to retransmit.
TEST_F(ServerLatencyTest, BurstOfConnectionsIsAcceptedAtOnce) {
  constexpr int kClients = 64;
  std::vector<double> seconds(kClients, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto start = std::chrono::steady_clock::now();
      httplib::Client client("127.0.0.1", server_->port());
      if (SendRequest(client, "GET", "/v1/health").status != 200) return;
      seconds[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::sort(seconds.begin(), seconds.end());
  EXPECT_GE(seconds.front(), 0) << "a client got no answer";
  EXPECT_LT(seconds.back(), 0.9) << "the slowest of " << kClients << " clients (a SYN retransmit "
                                 << "takes 1 s)";
}

}  // namespace
}  // namespace xronox::testing
