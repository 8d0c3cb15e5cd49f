// Test helpers shared by the suites: a deterministic Env (fixed clock, seeded randomness, real
// files) and throwaway directories that clean up after themselves.
#ifndef CUSTODIAN_TESTS_TESTING_TEST_ENV_H_
#define CUSTODIAN_TESTS_TESTING_TEST_ENV_H_

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "base/env.h"

namespace custodian::testing {

// Real files, but time that only moves when the test says so and a reproducible random stream.
class TestEnv : public Env {
 public:
  explicit TestEnv(uint64_t seed = 42) : rng_(seed) {}
  int64_t NowMicros() override { return now_micros_ += 1000; }
  void Advance(int64_t micros) { now_micros_ += micros; }
  void RandomBytes(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(rng_());
  }
  bool FileExists(const std::string& path) override { return Env::Default().FileExists(path); }
  Status CreateDir(const std::string& path) override { return Env::Default().CreateDir(path); }
  Result<std::string> ReadFile(const std::string& path) override {
    return Env::Default().ReadFile(path);
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    return Env::Default().ListDir(path);
  }
  Status RemoveFile(const std::string& path) override { return Env::Default().RemoveFile(path); }
  Status WriteFileAtomically(const std::string& path, std::string_view data,
                             unsigned mode) override {
    return Env::Default().WriteFileAtomically(path, data, mode);
  }

 private:
  int64_t now_micros_ = 1795831129000000;  // 2026-11-28
  std::mt19937_64 rng_;
};

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "custodian-test-XXXXXX");
    char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) std::abort();
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace custodian::testing

#endif  // CUSTODIAN_TESTS_TESTING_TEST_ENV_H_
