#include "server/transport/http_connection.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "common/ids.h"
#include "server/api/codec.h"
#include "server/transport/connection_pool.h"

namespace xronox::server {

namespace {

using Clock = std::chrono::steady_clock;

// A body may take longer than the read timeout as long as it keeps coming: every body byte
// moves the request's deadline on by 1/kMinBodyBytesPerSecond s. So a multi-GiB content upload
// at any rate above 64 KiB/s completes, while a client trickling a few bytes still times out
// after about the read timeout.
constexpr int64_t kMinBodyBytesPerSecond = int64_t{64} << 10;

thread_local CutReason cut_reason = CutReason::kNone;
thread_local FramingError framing_error;
thread_local bool close_after_response = false;
// When set, reads of the current request wait no later than this, and a read past it fails
// quietly: the body is being dropped, not served, so it is not worth a worker's time.
thread_local Clock::time_point body_wait_end = Clock::time_point::max();
thread_local std::string remote_address;

int Millis(Clock::duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 1 << 30));
}

bool PollFor(socket_t sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  int ready;
  do {
    ready = poll(&p, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 408:
      return "Request Timeout";
    case 414:
      return "URI Too Long";
    default:
      return "Service Unavailable";
  }
}

// A whole response with our JSON error shape, for answers written without the library.
std::string RawErrorResponse(int status, const std::string& code, const std::string& message,
                             const std::string& extra_header, const std::string& request_id) {
  HttpResponse response = ErrorResponse(MakeHttpError(status, code, message));
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
  out += "Content-Type: application/json\r\nConnection: close\r\n";
  out += "X-Request-Id: " + request_id + "\r\n" + extra_header;
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
  return out;
}

void SendAll(socket_t sock, const std::string& data, int timeout_ms) {
  size_t sent = 0;
  while (sent < data.size() && PollFor(sock, POLLOUT, timeout_ms)) {
    ssize_t n = send(sock, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

// Read and discard input: up to `first_ms` for the first bytes, then while more keeps coming
// within `next_ms`; returns at end of stream.
void Discard(socket_t sock, int first_ms, int next_ms) {
  char buffer[4096];
  int wait = first_ms;
  while (PollFor(sock, POLLIN, wait)) {
    if (recv(sock, buffer, sizeof(buffer), MSG_DONTWAIT) <= 0) return;
    wait = next_ms;
  }
}

std::string AddressOf(const sockaddr_storage& address, socklen_t length, int& port) {
  char host[NI_MAXHOST] = "";
  char service[NI_MAXSERV] = "";
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof(host), service,
                  sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "";
  }
  port = std::atoi(service);
  return host;
}

// A socket stream whose reads share one deadline per request and which watches the request
// line and headers go by, so that their size can be limited as a whole.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, const ConnectionLimits& limits, const ConnectionEvents& events)
      : sock_(sock), limits_(limits), events_(events) {}

  void StartRequest() {
    deadline_ = Clock::now() + limits_.read_timeout;
    in_headers_ = in_first_line_ = true;
    header_bytes_ = line_bytes_ = 0;
    head_.clear();
    cut_reason = CutReason::kNone;
    close_after_response = false;
    body_wait_end = Clock::time_point::max();
  }
  bool HasBuffered() const { return begin_ < end_; }

  bool is_readable() const override {
    Clock::time_point until = std::min(deadline_, body_wait_end);
    return HasBuffered() || PollFor(sock_, POLLIN, Millis(until - Clock::now()));
  }
  bool is_writable() const override {
    return PollFor(sock_, POLLOUT, static_cast<int>(limits_.write_timeout.count()));
  }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    return send(sock_, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getpeername(sock_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      ip = AddressOf(address, length, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getsockname(sock_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      ip = AddressOf(address, length, port);
    }
  }
  socket_t socket() const override { return sock_; }

 private:
  bool Fill();
  // Wait for input until the request's deadline, then read what there is; -1 at the deadline
  // (the request is cut), at end of stream or on error.
  ssize_t Receive(char* ptr, size_t size);
  bool Watch(const char* data, size_t size);
  ssize_t Cut(CutReason reason);

  socket_t sock_;
  const ConnectionLimits& limits_;
  const ConnectionEvents& events_;
  Clock::time_point deadline_;
  char buffer_[4096];
  size_t begin_ = 0, end_ = 0;
  bool in_headers_ = true, in_first_line_ = true;
  size_t header_bytes_ = 0, line_bytes_ = 0;
  std::string head_;  // The request line and headers so far (at most max_header_bytes).
};

ssize_t DeadlineStream::read(char* ptr, size_t size) {
  // A large body read goes straight into the caller's buffer: no copy, fewer system calls.
  if (!HasBuffered() && !in_headers_ && size >= sizeof(buffer_)) return Receive(ptr, size);
  if (!HasBuffered() && !Fill()) return -1;
  size_t n = std::min(size, end_ - begin_);
  if (in_headers_ && !Watch(buffer_ + begin_, n)) return -1;
  std::memcpy(ptr, buffer_ + begin_, n);
  begin_ += n;
  return static_cast<ssize_t>(n);
}

bool DeadlineStream::Fill() {
  ssize_t n = Receive(buffer_, sizeof(buffer_));
  if (n <= 0) return false;
  begin_ = 0;
  end_ = static_cast<size_t>(n);
  return true;
}

ssize_t DeadlineStream::Receive(char* ptr, size_t size) {
  bool dropping = body_wait_end < deadline_;
  Clock::time_point until = dropping ? body_wait_end : deadline_;
  if (!PollFor(sock_, POLLIN, Millis(until - Clock::now()))) {
    return dropping ? -1 : Cut(CutReason::kTimeout);
  }
  ssize_t n = recv(sock_, ptr, size, 0);
  if (n <= 0) return -1;
  if (!in_headers_) deadline_ += std::chrono::microseconds(n * 1'000'000 / kMinBodyBytesPerSecond);
  return n;
}

// Counts request-line and header bytes up to the blank line that ends the headers, and checks
// the framing of the whole head before its last byte reaches the library (which then sees a
// failed read, answers 400, and the error handler answers with the framing error instead).
bool DeadlineStream::Watch(const char* data, size_t size) {
  for (size_t i = 0; i < size && in_headers_; ++i) {
    ++header_bytes_;
    ++line_bytes_;
    if (header_bytes_ > limits_.max_header_bytes) {
      Cut(in_first_line_ ? CutReason::kLineTooLong : CutReason::kHeaderTooLarge);
      return false;
    }
    head_ += data[i];
    if (data[i] != '\n') continue;
    // The library refuses a header line over its compile-time limit with a bare 400; noting
    // the reason lets the error handler answer 431 instead.
    if (!in_first_line_ && line_bytes_ > CPPHTTPLIB_HEADER_MAX_LENGTH) {
      cut_reason = CutReason::kHeaderTooLarge;
    }
    in_headers_ = !(line_bytes_ <= 2 && !in_first_line_);
    in_first_line_ = false;
    line_bytes_ = 0;
    if (in_headers_) continue;
    if (std::optional<FramingError> error = CheckRequestFraming(head_)) {
      framing_error = std::move(*error);
      cut_reason = CutReason::kBadFraming;
      return false;
    }
  }
  return true;
}

// While the request line is read the library answers nothing when a read fails, so the
// answer is written here; later it answers 400 and the error handler turns that into
// 408 or 431 by the cut reason.
ssize_t DeadlineStream::Cut(CutReason reason) {
  cut_reason = reason;
  if (!in_first_line_ || (header_bytes_ == 0 && reason == CutReason::kTimeout)) return -1;
  bool timeout = reason == CutReason::kTimeout;
  int status = timeout ? 408 : 414;
  std::string code = timeout ? "request_timeout" : "uri_too_long";
  std::string request_id = RandomHex(8);
  std::string response = RawErrorResponse(
      status, code,
      timeout ? "the request did not arrive within the read timeout" : "request line is too long",
      "", request_id);
  SendAll(sock_, response, static_cast<int>(limits_.write_timeout.count()));
  if (events_.answered) events_.answered(status, code, request_id, remote_address);
  return -1;
}

}  // namespace

CutReason CurrentCutReason() { return cut_reason; }

const FramingError& CurrentFramingError() { return framing_error; }

void CloseAfterResponse() { close_after_response = true; }

void LimitBodyWait(std::chrono::milliseconds wait) { body_wait_end = Clock::now() + wait; }

const std::string& CurrentRemoteAddress() { return remote_address; }

size_t TimedServer::CloseConnections() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (socket_t sock : open_) shutdown(sock, SHUT_RDWR);
  return open_.size();
}

bool TimedServer::process_and_close_socket(socket_t sock) {
  ConnectionMode mode = CurrentConnectionMode();
  if (mode != ConnectionMode::kServe) {
    if (events_.rejected) events_.rejected();  // Counted before the client can see the answer.
    if (mode == ConnectionMode::kReject) RejectConnection(sock);
    close(sock);
    return true;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    open_.insert(sock);
  }
  if (events_.opened) events_.opened();
  bool ok = ServeConnection(sock);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    open_.erase(sock);
  }
  shutdown(sock, SHUT_RDWR);
  close(sock);
  if (events_.closed) events_.closed();
  return ok;
}

bool TimedServer::ServeConnection(socket_t sock) {
  DeadlineStream stream(sock, limits_, events_);
  int port = 0;
  remote_address.clear();
  stream.get_remote_ip_and_port(remote_address, port);
  bool ok = true;
  for (size_t served = 0; served < limits_.max_requests; ++served) {
    // A fresh connection gets no longer to start its request than to finish it.
    auto wait =
        served == 0 ? std::min(limits_.idle_timeout, limits_.read_timeout) : limits_.idle_timeout;
    if (!stream.HasBuffered() && !WaitForRequest(sock, wait)) break;
    stream.StartRequest();
    bool close = stopping() || served + 1 == limits_.max_requests;
    bool closed = false;
    ok = process_request(stream, close, closed, nullptr);
    // After a cut the rest of the request is still unread: the connection cannot go on.
    if (!ok || closed || close || CurrentCutReason() != CutReason::kNone) break;
    if (close_after_response) break;
  }
  return ok;
}

// Polls in short slices so that an idle keep-alive connection is closed soon after Stop.
bool TimedServer::WaitForRequest(socket_t sock, std::chrono::milliseconds timeout) const {
  auto deadline = Clock::now() + timeout;
  while (true) {
    int left = Millis(deadline - Clock::now());
    if (PollFor(sock, POLLIN, std::min(left, 50))) return true;
    if (stopping() || left <= 0) return false;
  }
}

void RejectConnection(socket_t sock) {
  // Read the request first: closing a socket with unread input sends a reset, which may
  // destroy the answer before the client reads it.
  Discard(sock, 50, 5);
  SendAll(sock,
          RawErrorResponse(503, "too_many_connections",
                           "the server is at its connection limit; retry shortly",
                           "Retry-After: 1\r\n", RandomHex(8)),
          1000);
  shutdown(sock, SHUT_WR);
  Discard(sock, 100, 100);
}

}  // namespace xronox::server
