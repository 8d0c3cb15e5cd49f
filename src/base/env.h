// Env: the one seam through which Custodian touches the operating system.
//
// Clocks, randomness and files go through an Env so that tests can inject a fixed time, a
// seeded random stream, or faults (after LevelDB's Env). Production code takes an Env& and
// never calls time(), getrandom() or fopen() itself.
//
// Thread-safety: Env::Default() is safe to use from any thread.
#ifndef CUSTODIAN_BASE_ENV_H_
#define CUSTODIAN_BASE_ENV_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace custodian {

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide real environment.
  static Env& Default();

  // Microseconds since the Unix epoch (UTC).
  virtual int64_t NowMicros() = 0;

  // Fills `out` with cryptographically secure random bytes.
  virtual void RandomBytes(std::span<uint8_t> out) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  virtual Status CreateDir(const std::string& path) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Names in a directory (without "." and ".."); NotFound if it does not exist.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;

  // Writes `data` to `path` via a temporary file, fsync and rename, so a crash leaves either
  // the old file or the new one. `mode` is the permission of the new file (0600 for keys).
  virtual Status WriteFileAtomically(const std::string& path, std::string_view data,
                                     unsigned mode) = 0;
};

// UTC "2026-11-29T03:58:49.123456Z" for a microsecond timestamp (RFC 3339).
std::string FormatTimestamp(int64_t unix_micros);

}  // namespace custodian

#endif  // CUSTODIAN_BASE_ENV_H_
