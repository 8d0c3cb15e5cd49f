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
  std::string actor;     // --as, else $CUSTODIAN_ACTOR, $USER, $LOGNAME, else "local"
  bool json = false;     // --json: machine-readable output
  bool quiet = false;    // no progress bars
};

// Each Register* adds one subcommand whose callback sets `run` to its action; main() runs it
// and turns the Status into a message and an exit code.
using Action = std::function<Status()>;
void RegisterCommands(CLI::App& app, Globals& globals, Action& run);

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
