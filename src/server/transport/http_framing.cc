#include "server/transport/http_framing.h"

#include <vector>

#include "common/decimal.h"
#include "common/names.h"

namespace xronox::server {

namespace {

// One header line, split at its first colon; the value without surrounding spaces and tabs.
struct Field {
  std::string_view name;
  std::string_view value;
};

// What the framing rules need to know about a head.
struct Head {
  std::string_view method;
  std::string_view version;
  std::vector<Field> fields;
};

FramingError Bad(std::string message) { return {400, "bad_request", std::move(message)}; }

// RFC 9110 section 5.6.2: tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// A field value may hold visible bytes, spaces, tabs and obs-text; no other control byte.
bool HasControlByte(std::string_view value) {
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return true;
  }
  return false;
}

std::optional<FramingError> ParseField(std::string_view line, Head& head) {
  if (line.front() == ' ' || line.front() == '\t') {
    return Bad("obsolete line folding (a header line that starts with a space or tab)");
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Bad("header line without a colon");
  std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) {
    return Bad("invalid header field name (no spaces are allowed before the colon)");
  }
  std::string_view value = TrimSpaces(line.substr(colon + 1));
  if (HasControlByte(value)) return Bad("control byte in a header field value");
  head.fields.push_back({name, value});
  return std::nullopt;
}

// Splits `text` into lines ended by CRLF; the last line is the empty one that ends the head.
std::optional<FramingError> ParseHead(std::string_view text, Head& head) {
  bool first = true;
  while (!text.empty()) {
    size_t lf = text.find('\n');
    if (lf == std::string_view::npos || lf == 0 || text[lf - 1] != '\r') {
      return Bad("a request line or header line is not ended by CRLF");
    }
    std::string_view line = text.substr(0, lf - 1);
    text.remove_prefix(lf + 1);
    if (line.find('\r') != std::string_view::npos) return Bad("bare CR in the request head");
    if (first) {
      first = false;
      size_t space = line.find(' ');
      head.method = line.substr(0, space);
      head.version = line.substr(line.rfind(' ') + 1);
      continue;
    }
    if (line.empty()) return std::nullopt;
    if (std::optional<FramingError> error = ParseField(line, head)) return error;
  }
  return Bad("incomplete request head");
}

// Every element of the comma-separated lists of all fields named `name`, trimmed.
std::vector<std::string_view> ListValues(const Head& head, std::string_view name) {
  std::vector<std::string_view> values;
  for (const Field& field : head.fields) {
    if (!EqualsIgnoringAsciiCase(field.name, name)) continue;
    std::string_view rest = field.value;
    while (true) {
      size_t comma = rest.find(',');
      values.push_back(TrimSpaces(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return values;
}

size_t CountFields(const Head& head, std::string_view name) {
  size_t count = 0;
  for (const Field& field : head.fields) count += EqualsIgnoringAsciiCase(field.name, name);
  return count;
}

std::optional<FramingError> CheckContentLength(const std::vector<std::string_view>& values) {
  if (values.size() > 1) {
    return Bad("more than one Content-Length value (two headers or a list)");
  }
  if (!ParseNonNegativeDecimal(values[0])) {
    return Bad("Content-Length must be one decimal number of at most 19 digits");
  }
  return std::nullopt;
}

std::optional<FramingError> CheckTransferEncoding(const Head& head,
                                                  const std::vector<std::string_view>& codings) {
  if (head.version == "HTTP/1.0") return Bad("Transfer-Encoding in an HTTP/1.0 request");
  if (!EqualsIgnoringAsciiCase(codings.back(), "chunked")) {
    return Bad("the last transfer coding must be chunked");
  }
  for (size_t i = 0; i + 1 < codings.size(); ++i) {
    if (codings[i].empty() || EqualsIgnoringAsciiCase(codings[i], "chunked")) {
      return Bad("chunked must be the last and only once applied transfer coding");
    }
  }
  if (codings.size() == 1) return std::nullopt;
  return FramingError{501, "not_implemented",
                      "transfer codings other than chunked are not supported"};
}

bool IsWriteWithBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

std::optional<FramingError> CheckRequestFraming(std::string_view text) {
  Head head;
  if (std::optional<FramingError> error = ParseHead(text, head)) return error;
  // RFC 9112 section 3.2: an HTTP/1.1 request carries exactly one Host.
  if (head.version == "HTTP/1.1" && CountFields(head, "Host") != 1) {
    return Bad("exactly one Host header is required (RFC 9112 section 3.2)");
  }
  std::vector<std::string_view> lengths = ListValues(head, "Content-Length");
  bool chunked = CountFields(head, "Transfer-Encoding") > 0;
  if (chunked && !lengths.empty()) {
    return Bad("Content-Length and Transfer-Encoding must not both be sent");
  }
  if (!lengths.empty()) return CheckContentLength(lengths);
  if (chunked) return CheckTransferEncoding(head, ListValues(head, "Transfer-Encoding"));
  if (IsWriteWithBody(head.method)) {
    return FramingError{411, "length_required",
                        "a " + std::string(head.method) +
                            " request needs Content-Length or Transfer-Encoding: chunked"};
  }
  return std::nullopt;
}

}  // namespace xronox::server
