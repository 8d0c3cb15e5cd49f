// Repositories for benchmarks: made with a key file held only in memory and one admin.
#ifndef CUSTODIAN_BENCH_BENCH_REPO_H_
#define CUSTODIAN_BENCH_BENCH_REPO_H_

#include "repo/repo.h"

namespace custodian::bench {

inline constexpr char kBenchAdmin[] = "bench";
inline constexpr char kBenchPassword[] = "benchmark admin password";

// A repository unlocked by a key file (held only in memory) with one admin account.
inline custodian::repo::InitOptions BenchInit(bool gazetteer) {
  return {
      .gazetteer = gazetteer,
      .admin = kBenchAdmin,
      .admin_password = kBenchPassword,
      .unlock = {.key_file_text = custodian::protect::NewKeyFileText(custodian::Env::Default())}};
}

}  // namespace custodian::bench

#endif  // CUSTODIAN_BENCH_BENCH_REPO_H_
