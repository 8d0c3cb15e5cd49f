// Crash safety without luck: the real binary is killed with SIGKILL at random moments during
// large imports and rebuilds, many times; after each kill the repository must open, verify
// (ledger, nodes, checkpoints, projections), and hold either all of an import or none of it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "repo/repo.h"
#include "testing/test_env.h"

namespace custodian {
namespace {

using testing::TempDir;

pid_t Spawn(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Returns true if the child finished by itself before the kill.
bool RunAndKill(const std::vector<std::string>& args, std::chrono::microseconds after) {
  pid_t pid = Spawn(args);
  std::this_thread::sleep_for(after);
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == pid) return true;
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return false;
}

TEST(CrashTest, KilledImportsAndRebuildsLeaveAVerifiableAllOrNothingRepository) {
  TempDir dir;
  const std::string repo_dir = dir / "repo";
  const std::string binary = CUSTODIAN_BINARY;
  const std::string key_file = dir / "repo.key";
  const std::string password = "crash test password";
  // The killed commands sign in with a token (inherited through the environment), so that
  // the kills land in the import, not in argon2id.
  ::setenv("CUSTODIAN_PASSWORD", password.c_str(), 1);
  ::setenv("CUSTODIAN_ACCOUNT", "crash", 1);
  ::setenv("CUSTODIAN_KEY_FILE", key_file.c_str(), 1);
  ASSERT_EQ(std::system((binary + " -q init " + repo_dir + " --no-passphrase >/dev/null").c_str()),
            0);
  std::string token;
  {
    FILE* p = ::popen((binary + " -C " + repo_dir + " token create --label crash").c_str(), "r");
    ASSERT_NE(p, nullptr);
    char line[256] = {};
    ASSERT_NE(std::fgets(line, sizeof line, p), nullptr);
    ::pclose(p);
    token = std::string(line).substr(0, std::string(line).find('\n'));
  }
  ::setenv("CUSTODIAN_TOKEN", token.c_str(), 1);
  const std::string key_text = Env::Default().ReadFile(key_file).value();

  // Each batch adds its persons and acts; batches never share ids.
  constexpr int kBatchPersons = 2500;  // 5,000 records a batch
  auto write_batch = [&](int batch) {
    std::string path = dir / ("batch" + std::to_string(batch) + ".jsonl");
    std::ofstream out(path);
    for (int i = 0; i < kBatchPersons; ++i) {
      std::string id = "per-b" + std::to_string(batch) + "-" + std::to_string(i);
      out << R"({"kind":"person","id":")" << id << R"(","names":["김철수 )" << i
          << R"("],"born":"about 1975"})"
          << "\n";
      out << R"({"kind":"act","victim":")" << id
          << R"(","violation":"forced_repatriation","place":"plc-kp-north-hamgyong-onsong","date":"spring 2009"})"
          << "\n";
    }
    return path;
  };

  repo::Options options;
  std::mt19937 rng(7);
  int killed = 0, completed = 0;
  int64_t expected_persons = 0;
  for (int round = 0; round < 12; ++round) {
    std::string batch = write_batch(round);
    bool rebuild = round % 4 == 3;
    std::vector<std::string> args =
        rebuild ? std::vector<std::string>{binary, "-q", "-C", repo_dir, "rebuild"}
                : std::vector<std::string>{binary, "-q", "-C", repo_dir, "import", batch};
    auto delay = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 1500000)(rng));
    bool finished = RunAndKill(args, delay);
    (finished ? completed : killed)++;

    auto repo = repo::Repository::Open(repo_dir, options);
    ASSERT_TRUE(repo.ok()) << "round " << round << ": " << repo.status().ToString();
    ASSERT_TRUE((*repo)->SignInWithToken(token).ok());
    ASSERT_TRUE((*repo)->Unlock({.key_file_text = key_text}).ok());
    Result<repo::VerifyReport> verified = (*repo)->Verify({});
    ASSERT_TRUE(verified.ok()) << "round " << round << ": " << verified.status().ToString();
    Result<int64_t> persons = (*repo)->Count({.kind = model::Kind::kPerson});
    ASSERT_TRUE(persons.ok());
    Result<int64_t> acts = (*repo)->Count({.kind = model::Kind::kAct});
    // All or nothing: a batch is either wholly in the tables (and the ledger) or not at all.
    if (!rebuild && *persons != expected_persons) {
      EXPECT_EQ(*persons, expected_persons + kBatchPersons) << "round " << round;
      expected_persons = *persons;
    }
    EXPECT_EQ(*persons, expected_persons) << "round " << round;
    EXPECT_EQ(*acts, expected_persons) << "round " << round;
    // Checkpoint between rounds so that later rounds also check signed roots.
    ASSERT_TRUE((*repo)->Checkpoint().ok());
  }
  // The schedule should have produced both outcomes; if not, the delays need retuning.
  EXPECT_GT(killed, 0);
  RecordProperty("killed", killed);
  RecordProperty("completed", completed);
  for (const char* var :
       {"CUSTODIAN_PASSWORD", "CUSTODIAN_ACCOUNT", "CUSTODIAN_KEY_FILE", "CUSTODIAN_TOKEN"}) {
    ::unsetenv(var);
  }
}

}  // namespace
}  // namespace custodian
