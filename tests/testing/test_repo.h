// Repositories for tests: created with a fixed key file and an admin account, at argon2id's
// lowest cost (tests make many accounts; the real cost is measured in bench/import_bench).
#ifndef CUSTODIAN_TESTS_TESTING_TEST_REPO_H_
#define CUSTODIAN_TESTS_TESTING_TEST_REPO_H_

#include <memory>
#include <string>

#include "crypto/crypto.h"
#include "repo/repo.h"

namespace custodian::testing {

inline constexpr char kAdmin[] = "admin";
inline constexpr char kAdminPassword[] = "a long test password";

inline repo::Options FastOptions(Env* env) {
  repo::Options options;
  options.env = env;
  options.kdf = {.ops = 1, .memory_bytes = 8192};
  return options;
}

// A key file's text, the same in every test (a real one holds random bytes).
inline std::string TestKeyFileText(char fill = 'k') {
  return "custodian-key-file-v1\n" + crypto::Base64Encode(std::string(32, fill)) + "\n";
}

inline repo::InitOptions TestInit(bool gazetteer = true) {
  return {.gazetteer = gazetteer,
          .admin = kAdmin,
          .admin_password = kAdminPassword,
          .unlock = {.key_file_text = TestKeyFileText()}};
}

// Opens DIR signed in as `account` and, with `unlock`, unlocked with the test key file.
inline Result<std::unique_ptr<repo::Repository>> OpenAs(
    const std::string& dir, const repo::Options& options, const std::string& account = kAdmin,
    const std::string& password = kAdminPassword, bool unlock = true) {
  ASSIGN_OR_RETURN(std::unique_ptr<repo::Repository> repo, repo::Repository::Open(dir, options));
  RETURN_IF_ERROR(repo->SignIn(account, password));
  if (unlock) RETURN_IF_ERROR(repo->Unlock({.key_file_text = TestKeyFileText()}));
  return repo;
}

inline repo::ExportOptions FullExport() {
  return {.profile = protect::Profile::kFull, .purpose = "test backup"};
}

}  // namespace custodian::testing

#endif  // CUSTODIAN_TESTS_TESTING_TEST_REPO_H_
