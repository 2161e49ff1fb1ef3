// The connection loop of the HTTP listener: cpp-httplib's Server with its per-connection loop
// replaced, because the library bounds each read but not a whole request, so a client that
// trickles one byte at a time holds a worker forever. Here every request must arrive (headers
// and body) within a read timeout, headers within a size limit, a keep-alive connection is
// closed after an idle timeout, and connections over the limit are answered 503.
// Thread-safety: connections are processed on many threads; CloseConnections is safe from any.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "server/transport/http_framing.h"

namespace xronox::server {

/// Limits of one connection.
struct ConnectionLimits {
  std::chrono::milliseconds read_timeout{30000};   ///< Whole request: line, headers and body.
  std::chrono::milliseconds idle_timeout{60000};   ///< Keep-alive wait for the next request.
  std::chrono::milliseconds write_timeout{30000};  ///< Each send of the response.
  size_t max_header_bytes = size_t{32} << 10;      ///< Request line plus headers.
  size_t max_requests = 1000;                      ///< Per connection, then it is closed.
};

/// Why the transport cut a request short; kNone for a normal request.
enum class CutReason { kNone, kTimeout, kHeaderTooLarge, kLineTooLong, kBadFraming };

/// The reason the request being read on this thread was cut short (kNone if it was not).
CutReason CurrentCutReason();
/// Why the head of the request being read on this thread was refused (with kBadFraming).
const FramingError& CurrentFramingError();
/// The client address of the connection served on this thread (empty if unknown).
const std::string& CurrentRemoteAddress();
/// Close the connection served on this thread once the current response is written (its
/// request body was left partly unread, so the next bytes would not start a request).
void CloseAfterResponse();
/// From now on, reads of the request on this thread wait at most `wait` in all, and one past
/// it fails without an answer from the transport: for a body that is read only to be dropped.
void LimitBodyWait(std::chrono::milliseconds wait);

/// Counts of the connections the server is handling.
struct ConnectionEvents {
  std::function<void()> opened;    ///< A connection is being served.
  std::function<void()> closed;    ///< A served connection was closed.
  std::function<void()> rejected;  ///< A connection over the limit was answered 503 or closed.
  /// The loop answered a request itself (408 or 414 while the request line was being read).
  std::function<void(int status, const std::string& code, const std::string& request_id,
                     const std::string& remote_address)>
      answered;
};

class TimedServer : public httplib::Server {
 public:
  /// Serve connections within `limits`, reporting to `events` (each callback optional).
  TimedServer(ConnectionLimits limits, ConnectionEvents events)
      : limits_(limits), events_(std::move(events)) {}

  /// Shut down every open connection, so that reads and writes on it fail at once (the end
  /// of a drain that took too long); returns how many there were.
  size_t CloseConnections();

 private:
  // Replaces the library's loop (a private virtual may be overridden): see the file comment.
  bool process_and_close_socket(socket_t sock) override;
  bool ServeConnection(socket_t sock);
  bool WaitForRequest(socket_t sock, std::chrono::milliseconds timeout) const;
  bool stopping() const { return svr_sock_ == INVALID_SOCKET; }

  const ConnectionLimits limits_;
  const ConnectionEvents events_;
  std::mutex mutex_;
  std::set<socket_t> open_;  // Guarded by mutex_.
};

/// Answer a connection over the limit: 503 with a JSON error and Retry-After, then close.
void RejectConnection(socket_t sock);

}  // namespace xronox::server
