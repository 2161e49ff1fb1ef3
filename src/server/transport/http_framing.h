// Strict HTTP/1.1 message framing (RFC 9112 sections 2.2, 5, 6.1 and 6.3), checked on a
// request's head (request line and header lines) before anything of its body is read. The
// HTTP library in use is lenient (it takes the first of two Content-Length headers, skips lines
// it cannot parse, reads a body without a length until the connection closes); a proxy in
// front may read the same bytes differently, which is what request smuggling builds on. So
// every head the library would read another way than a strict reader is refused here, and its
// connection closed.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xronox::server {

/// Why a request head is refused: the HTTP status, the error code and a bounded message.
struct FramingError {
  int status = 400;
  std::string code;
  std::string message;
};

/// Check `head`, the bytes of a request from its first byte through the blank line that ends
/// its headers. Refuses:
///   400 bad_request: a line not ended by CRLF, a bare CR, a control byte in a field value, an
///     obsolete folded line, a header line without a colon or with an invalid field name, a
///     Content-Length that is not one plain decimal number (two values, a list, a sign, more
///     than 19 digits), Content-Length together with Transfer-Encoding, a Transfer-Encoding
///     whose last coding is not chunked, or one in an HTTP/1.0 request;
///   501 not_implemented: a transfer coding other than chunked (e.g. "gzip, chunked");
///   411 length_required: POST, PUT or PATCH with neither Content-Length nor Transfer-Encoding.
/// nullopt when the head may be read. The request line itself is left to the HTTP library.
std::optional<FramingError> CheckRequestFraming(std::string_view head);

}  // namespace xronox::server
