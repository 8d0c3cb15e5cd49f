// Signing in and unlocking from the command line: who the command acts as, and the secrets
// it needs, from the environment (for scripts) or a prompt without echo (for people).
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "base/env.h"
#include "cli/cli.h"

namespace custodian::cli {
namespace {

std::string FromEnv(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Reads a line from the terminal with echo off. Only when stdin is a terminal: a script that
// forgot a variable gets an error, not a hang.
Result<std::string> Prompt(const std::string& question) {
  if (!::isatty(STDIN_FILENO)) {
    return FailedPreconditionError("cannot ask for " + question + ": stdin is not a terminal");
  }
  std::cerr << question << ": " << std::flush;
  termios old{};
  bool restore = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (restore) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << "\n";
  return line;
}

}  // namespace

std::string RepoDir(const Globals& g) {
  if (!g.repo_dir.empty()) return g.repo_dir;
  std::string dir = FromEnv("CUSTODIAN_REPO");
  return dir.empty() ? "." : dir;
}

std::string AccountName(const Globals& g) {
  return g.account.empty() ? FromEnv("CUSTODIAN_ACCOUNT") : g.account;
}

std::string KeyFilePath(const Globals& g) {
  return g.key_file.empty() ? FromEnv("CUSTODIAN_KEY_FILE") : g.key_file;
}

Result<std::string> Secret(const char* env_var, const std::string& question, bool confirm) {
  std::string value = FromEnv(env_var);
  if (!value.empty()) return value;
  ASSIGN_OR_RETURN(value, Prompt(question + " ($" + env_var + ")"));
  if (confirm) {
    ASSIGN_OR_RETURN(std::string again, Prompt("the same again"));
    if (again != value) return InvalidArgumentError("the two entries differ");
  }
  if (value.empty()) return InvalidArgumentError(question + " is empty");
  return value;
}

Result<protect::Unlocker> Unlocker(const Globals& g, bool prompt) {
  protect::Unlocker unlocker;
  std::string key_file = KeyFilePath(g);
  if (!key_file.empty()) {
    Result<std::string> text = Env::Default().ReadFile(key_file);
    if (!text.ok()) return text.status().WithContext("key file");
    unlocker.key_file_text = std::move(text).value();
    return unlocker;
  }
  unlocker.passphrase = FromEnv("CUSTODIAN_PASSPHRASE");
  if (unlocker.passphrase.empty() && prompt && ::isatty(STDIN_FILENO)) {
    ASSIGN_OR_RETURN(unlocker.passphrase, Prompt("repository passphrase"));
  }
  return unlocker;
}

Result<std::unique_ptr<repo::Repository>> OpenRepo(const Globals& g, Keys keys) {
  ASSIGN_OR_RETURN(std::unique_ptr<repo::Repository> repo,
                   repo::Repository::Open(RepoDir(g), repo::Options{}));
  std::string token = FromEnv("CUSTODIAN_TOKEN");
  if (!token.empty()) {
    RETURN_IF_ERROR(repo->SignInWithToken(token));
  } else {
    std::string account = AccountName(g);
    if (account.empty()) {
      return PermissionDeniedError(
          "sign in with --as NAME (or $CUSTODIAN_ACCOUNT) and the "
          "password ($CUSTODIAN_PASSWORD or the prompt), or with an "
          "API token in $CUSTODIAN_TOKEN");
    }
    ASSIGN_OR_RETURN(std::string password, Secret("CUSTODIAN_PASSWORD", "password for " + account,
                                                  /*confirm=*/false));
    RETURN_IF_ERROR(repo->SignIn(account, password));
  }
  if (keys != Keys::kNo) {
    ASSIGN_OR_RETURN(protect::Unlocker unlocker, Unlocker(g, keys == Keys::kNeeded));
    if (!unlocker.empty()) {
      Status unlocked = repo->Unlock(unlocker);
      // A stale key file must not lock anyone out of what needs no key (keyring, list).
      if (!unlocked.ok() && keys == Keys::kNeeded) return unlocked;
      if (!unlocked.ok()) {
        std::cerr << "custodian: warning: " << unlocked.message()
                  << "; going on without the repository key (no pseudonyms)\n";
      }
    }
  }
  return repo;
}

}  // namespace custodian::cli
