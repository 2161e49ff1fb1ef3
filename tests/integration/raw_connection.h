// A raw loopback TCP connection for tests that need control over every byte and every pause:
// trickled requests, bodies sent in parts, connections held open.
// Thread-safety: none; use from one thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>

namespace xronox::testing {

class RawConnection {
 public:
  /// Connect to 127.0.0.1:`port`; connected() tells whether it worked (errno_value() why not).
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      errno_ = errno;
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int errno_value() const { return errno_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  /// Send every byte; false when the peer has closed or reset the connection.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  /// True when something can be read (data or end of stream) within `timeout`.
  bool Readable(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(timeout.count())) > 0;
  }

  /// Read until the peer closes the connection or `timeout` passes; `closed` says which.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout, bool* closed) {
    std::string out;
    *closed = false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Readable(left)) return out;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        *closed = true;
        return out;
      }
      out.append(buffer, static_cast<size_t>(n));
    }
  }

  /// Read one HTTP response with a Content-Length body (or until close); empty on timeout.
  std::string ReadResponse(std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!Complete(out)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Readable(left)) return out;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return out;
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  static bool Complete(const std::string& response) {
    size_t end = response.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    size_t at = response.find("Content-Length: ");
    if (at == std::string::npos || at > end) return true;
    size_t length = std::strtoul(response.c_str() + at + 16, nullptr, 10);
    return response.size() >= end + 4 + length;
  }

  int fd_ = -1;
  int errno_ = 0;
};

/// The status code of a raw HTTP response ("HTTP/1.1 408 ..." -> 408); 0 if there is none.
inline int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.c_str() + 9);
}

/// The body of a raw HTTP response (after the blank line).
inline std::string BodyOf(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

}  // namespace xronox::testing
