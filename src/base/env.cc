// The POSIX Env: real clock, getrandom(2), and files written with fsync + rename.
#include "base/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

namespace custodian {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

class PosixEnv final : public Env {
 public:
  int64_t NowMicros() override {
    using std::chrono::duration_cast;
    using std::chrono::microseconds;
    using std::chrono::system_clock;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }

  void RandomBytes(std::span<uint8_t> out) override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        // Without randomness no key or id is safe to make; this is not recoverable.
        std::abort();
      }
      done += static_cast<size_t>(n);
    }
  }

  bool FileExists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Status CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0700) == 0) return OkStatus();
    if (errno == EEXIST) {
      struct stat st;
      if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return OkStatus();
      return AlreadyExistsError("'" + path + "' exists and is not a directory");
    }
    return UnavailableError("cannot create directory '" + path + "': " + ErrnoText());
  }

  Result<std::string> ReadFile(const std::string& path) override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFoundError("cannot open '" + path + "': " + ErrnoText());
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return UnavailableError("cannot read '" + path + "': " + ErrnoText());
    return buffer.str();
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) {
      if (errno == ENOENT) return NotFoundError("no directory '" + path + "'");
      return UnavailableError("cannot read directory '" + path + "': " + ErrnoText());
    }
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(dir);
    return names;
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) return OkStatus();
    return UnavailableError("cannot remove '" + path + "': " + ErrnoText());
  }

  Status WriteFileAtomically(const std::string& path, std::string_view data,
                             unsigned mode) override {
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return UnavailableError("cannot create '" + tmp + "': " + ErrnoText());
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        std::string why = ErrnoText();
        ::close(fd);
        ::unlink(tmp.c_str());
        return UnavailableError("cannot write '" + tmp + "': " + why);
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      std::string why = ErrnoText();
      ::unlink(tmp.c_str());
      return UnavailableError("cannot sync '" + tmp + "': " + why);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      std::string why = ErrnoText();
      ::unlink(tmp.c_str());
      return UnavailableError("cannot rename '" + tmp + "' to '" + path + "': " + why);
    }
    return OkStatus();
  }
};

}  // namespace

Env& Env::Default() {
  static PosixEnv* env = new PosixEnv();
  return *env;
}

std::string FormatTimestamp(int64_t unix_micros) {
  int64_t seconds = unix_micros / 1000000;
  int64_t micros = unix_micros % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros));
  return buf;
}

}  // namespace custodian
