// Running the real binaries from tests, as a user's shell would: arguments quoted, stdout and
// stderr captured through files in a scratch directory.
#ifndef CUSTODIAN_TESTS_TESTING_RUN_BINARY_H_
#define CUSTODIAN_TESTS_TESTING_RUN_BINARY_H_

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace custodian::testing {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// One shell word, whatever `arg` holds.
inline std::string Quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `program` (which may start with VAR=value assignments or `env ...`) with `args`,
// stdin from `stdin_file` (/dev/null if empty); `scratch` receives the captured output.
inline Outcome RunBinary(const std::string& program, const std::vector<std::string>& args,
                         const std::string& stdin_file, const std::string& scratch) {
  std::string cmd = program;
  for (const std::string& a : args) cmd += " " + Quote(a);
  cmd += " >" + scratch + "/stdout 2>" + scratch + "/stderr";
  cmd += " <" + (stdin_file.empty() ? std::string("/dev/null") : stdin_file);
  int status = std::system(cmd.c_str());
  Outcome r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(scratch + "/stdout");
  r.err = Slurp(scratch + "/stderr");
  return r;
}

}  // namespace custodian::testing

#endif  // CUSTODIAN_TESTS_TESTING_RUN_BINARY_H_
