// Private to src/cli: the pieces main.cc wires into CLI11.
#ifndef CUSTODIAN_CLI_CLI_H_
#define CUSTODIAN_CLI_CLI_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "repo/repo.h"

namespace custodian::cli {

// Options every command shares.
struct Globals {
  std::string repo_dir;  // -C / --repo, else $CUSTODIAN_REPO, else "."
  std::string account;   // --as, else $CUSTODIAN_ACCOUNT (not needed with $CUSTODIAN_TOKEN)
  std::string key_file;  // --key-file, else $CUSTODIAN_KEY_FILE
  bool json = false;     // --json: machine-readable output
  bool quiet = false;    // no progress bars
};

// ---- session.cc ----
std::string RepoDir(const Globals& g);
std::string AccountName(const Globals& g);
std::string KeyFilePath(const Globals& g);  // --key-file, else $CUSTODIAN_KEY_FILE
// A secret from `env_var`, else asked on the terminal (twice if `confirm`).
Result<std::string> Secret(const char* env_var, const std::string& question, bool confirm);
// What unlocks the repository: the key file (--key-file, $CUSTODIAN_KEY_FILE), else
// $CUSTODIAN_PASSPHRASE, else (with `prompt`, on a terminal) a prompt; empty if none.
Result<protect::Unlocker> Unlocker(const Globals& g, bool prompt);
// When a command opens the repository key: kNo never; kIfGiven when a key file or
// passphrase is at hand (for pseudonyms); kNeeded also by asking on a terminal.
enum class Keys { kNo, kIfGiven, kNeeded };
// Opens the repository and signs in ($CUSTODIAN_TOKEN, else --as with the password).
Result<std::unique_ptr<repo::Repository>> OpenRepo(const Globals& g, Keys keys = Keys::kIfGiven);
bool ProgressEnabled(const Globals& g);
void PrintJson(const repo::Json& value);

// Each Register* adds one subcommand whose callback sets `run` to its action; main() runs it
// and turns the Status into a message and an exit code.
using Action = std::function<Status()>;
void RegisterCommands(CLI::App& app, Globals& globals, Action& run);
// access_commands.cc: account, token, audit, erase-identity, keyring, pseudonym.
void RegisterAccessCommands(CLI::App& app, Globals& globals, Action& run);
void RegisterGenerate(CLI::App& app, Globals& globals, Action& run);  // generate_command.cc
// search_command.cc: search, and the search index update every write command ends with (a
// warning, not a failure, if it cannot run: the write itself is committed).
void RegisterSearch(CLI::App& app, Globals& globals, Action& run);
void UpdateSearchIndexAfterWrite(repo::Repository& repo, const Globals& g);
void RegisterServe(CLI::App& app, Globals& globals, Action& run);  // serve_command.cc
void RegisterLink(CLI::App& app, Globals& globals, Action& run);   // link_command.cc

// ---- output.cc ----
// Human-readable rendering of records, shared by show, list, log.
std::string Summary(const repo::Record& record, const model::Vocabularies& vocabularies);
std::string RenderRecord(const repo::Record& record, const model::Vocabularies& vocabularies);

// A progress bar on stderr, drawn only when stderr is a terminal; silent otherwise.
class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled);
  ~ProgressBar();
  void Update(uint64_t done, uint64_t total);

 private:
  std::string label_;
  bool enabled_;
  int64_t last_draw_us_ = 0;
  bool drawn_ = false;
};

}  // namespace custodian::cli

#endif  // CUSTODIAN_CLI_CLI_H_
