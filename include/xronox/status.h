// Status and Result<T>: the error currency of every public and backend boundary.
// Thread-safety: values; a Status or Result may be copied and read from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace xronox {

/// Closed set of error codes; each maps to exactly one HTTP status in the server.
enum class StatusCode {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kConflict,
  kFailedPrecondition,
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kCorruption,
  kNotSupported,
  kInternal,
};

/// Return the snake_case name of a code, e.g. "not_found".
const char* StatusCodeName(StatusCode code);

/// Outcome of an operation: ok, or a code with a message that names operation and target.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Set a machine-readable snake_case reason, e.g. "version_mismatch"; empty by default.
  Status& WithReason(std::string reason) {
    reason_ = std::move(reason);
    return *this;
  }
  const std::string& reason() const { return reason_; }

  /// Attach the record's current version (conflicts and failed preconditions name it).
  Status& WithCurrentVersion(int64_t version) {
    current_version_ = version;
    return *this;
  }
  std::optional<int64_t> current_version() const { return current_version_; }

  /// Return "code: message" for logs and CLI output.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
  std::optional<int64_t> current_version_;
};

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status Conflict(std::string message);
Status FailedPrecondition(std::string message);
Status Unavailable(std::string message);
Status Corruption(std::string message);
Status NotSupported(std::string message);
Status Internal(std::string message);
Status ResourceExhausted(std::string message);
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);

/// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace xronox

#define XRONOX_CONCAT_INNER(a, b) a##b
#define XRONOX_CONCAT(a, b) XRONOX_CONCAT_INNER(a, b)

/// Return the Status of `expr` from the enclosing function when it is not ok.
#define XRONOX_RETURN_IF_ERROR(expr)                         \
  do {                                                       \
    ::xronox::Status xronox_status_tmp_ = (expr);            \
    if (!xronox_status_tmp_.ok()) return xronox_status_tmp_; \
  } while (0)

// `tmp` is a name and `lhs` may be a declaration ("Json data"): neither can be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define XRONOX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

/// Evaluate a Result expression; return its Status on error, else move its value into `lhs`.
#define XRONOX_ASSIGN_OR_RETURN(lhs, expr) \
  XRONOX_ASSIGN_OR_RETURN_IMPL(XRONOX_CONCAT(xronox_result_, __LINE__), lhs, expr)
// NOLINTEND(bugprone-macro-parentheses)
