// custodian: the command-line face of a Custodian repository. See docs/user-guide.md.
#include <cstdio>
#include <cstdlib>

#include "cli/cli.h"

int main(int argc, char** argv) {
  CLI::App app{
      "custodian: a documentation and evidence repository for human rights investigations.\n"
      "Every change is an entry in a tamper-evident ledger; see docs/user-guide.md.",
      "custodian"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "custodian 0.1.0");
  custodian::cli::Globals globals;
  custodian::cli::Action run;
  custodian::cli::RegisterCommands(app, globals, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 1 (status codes use 2 and up).
    return app.exit(e) == 0 ? 0 : 1;
  }
  custodian::Status status = run ? run() : custodian::InternalError("no command ran");
  if (!status.ok()) {
    std::fprintf(stderr, "custodian: %s\n", status.ToString().c_str());
    return custodian::ExitCodeFor(status.code());
  }
  return 0;
}
