// Status and Result<T>: how every fallible operation in Custodian reports failure.
//
// Expected failures (bad input, a missing record, a tampered ledger) are values, never
// exceptions, and cannot be ignored: both types are [[nodiscard]]. Codes follow the gRPC set;
// they map to process exit codes in exactly one place (ExitCodeFor below) and, later, to HTTP
// statuses in exactly one place in src/api/. A Status is one null pointer when OK.
//
// Thread-safety: values; safe to copy and move between threads.
#ifndef CUSTODIAN_BASE_STATUS_H_
#define CUSTODIAN_BASE_STATUS_H_

#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace custodian {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // input that can never succeed as given (bad date, unknown term)
  kNotFound,            // a referenced record, entry or file does not exist
  kAlreadyExists,       // creating something whose id is taken
  kPermissionDenied,    // the caller lacks a role, grant or clearance
  kFailedPrecondition,  // the repository is not in a state to do this (not initialised...)
  kDataLoss,            // a proof failed, the ledger or a file was altered or truncated
  kUnavailable,         // a resource is busy or unreachable; retrying may help
  kInternal,            // a broken invariant inside Custodian (a bug)
};

std::string_view StatusCodeName(StatusCode code);

// The process exit code for a status: 0 for OK, distinct small numbers otherwise, so that
// scripts can tell "your input was wrong" (2) from "the record was tampered with" (5).
int ExitCodeFor(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return ok() ? StatusCode::kOk : state_->code; }
  const std::string& message() const;

  // Returns the same failure with "context: " in front of the message, so call sites can say
  // where they were ("line 812: field 'date': ...") without losing the original code.
  Status WithContext(std::string_view context) const;

  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // For the rare place where failure is impossible by construction (tests, invariants).
  void IgnoreError() const {}

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status FailedPreconditionError(std::string message);
Status DataLossError(std::string message);
Status UnavailableError(std::string message);
Status InternalError(std::string message);

// Result<T> holds either a value or a failed Status; never an OK status without a value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design, like StatusOr
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result<T> built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status* const kOk = new Status();
    return ok() ? *kOk : std::get<Status>(data_);
  }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> data_;
};

}  // namespace custodian

#define CUSTODIAN_CONCAT_INNER_(a, b) a##b
#define CUSTODIAN_CONCAT_(a, b) CUSTODIAN_CONCAT_INNER_(a, b)

// Returns from the calling function if `expr` (a Status) failed.
#define RETURN_IF_ERROR(expr)                              \
  do {                                                     \
    ::custodian::Status _custodian_status = (expr);        \
    if (!_custodian_status.ok()) return _custodian_status; \
  } while (0)

// Evaluates `expr` (a Result<T>); on failure returns its Status, else assigns the value.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(CUSTODIAN_CONCAT_(_custodian_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                           \
  if (!result.ok()) return result.status();       \
  lhs = std::move(result).value()

#endif  // CUSTODIAN_BASE_STATUS_H_
