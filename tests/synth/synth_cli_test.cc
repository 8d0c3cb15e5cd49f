// End-to-end tests of `custodian generate` as a user runs it: the files it writes, that it is
// deterministic, that it needs no repository, and the errors and exit codes for bad options.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/canonical_json.h"
#include "synth/synth.h"
#include "testing/run_binary.h"
#include "testing/test_env.h"

namespace custodian {
namespace {

using testing::Outcome;
using testing::Slurp;

class GenerateCliTest : public ::testing::Test {
 protected:
  Outcome Custodian(const std::vector<std::string>& args) {
    // No repository anywhere: generate must not need one.
    return testing::RunBinary("env -u CUSTODIAN_REPO " + std::string(CUSTODIAN_BINARY), args, "",
                              dir_.path());
  }

  testing::TempDir dir_;
};

TEST_F(GenerateCliTest, WritesTheCorpusAndTheTruthDeterministically) {
  const std::string corpus = dir_ / "corpus.jsonl";
  Outcome r = Custodian({"generate", "--persons", "1000", "--seed", "3", "--out", corpus});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("generated 1,000 victims (seed 3)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ground truth to " + dir_ / "corpus.truth.jsonl"), std::string::npos)
      << r.out;
  const std::string first = Slurp(corpus), truth = Slurp(dir_ / "corpus.truth.jsonl");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(truth.empty());
  EXPECT_FALSE(std::filesystem::exists(corpus + ".partial"));

  // Again, into other names: the same bytes.
  r = Custodian({"generate", "--persons", "1000", "--seed", "3", "--out", dir_ / "again.jsonl",
                 "--truth", dir_ / "again-truth.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(dir_ / "again.jsonl"), first);
  EXPECT_EQ(Slurp(dir_ / "again-truth.jsonl"), truth);

  // --json reports the same counts as the truth's summary.
  r = Custodian(
      {"--json", "generate", "--persons", "1000", "--seed", "3", "--out", dir_ / "j.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Result<nlohmann::json> report = ParseJson(r.out);
  ASSERT_TRUE(report.ok()) << r.out;
  EXPECT_EQ((*report)["persons"], 1000);
  const std::string last_line = truth.substr(truth.rfind('\n', truth.size() - 2) + 1);
  Result<nlohmann::json> summary = ParseJson(last_line);
  ASSERT_TRUE(summary.ok()) << last_line;
  EXPECT_EQ((*report)["captured"], (*summary)["captured"]);
  EXPECT_EQ((*report)["lines"], (*summary)["lines"]);
}

TEST_F(GenerateCliTest, WritesTheCorpusToStdoutWithANamedTruthFile) {
  Outcome r = Custodian({"generate", "--persons", "100", "--out", "-"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--truth"), std::string::npos) << r.err;
  r = Custodian({"generate", "--persons", "100", "--out", "-", "--truth", dir_ / "t.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("{\"kind\":\"organization\"")) << r.out.substr(0, 100);
  EXPECT_NE(r.err.find("generated 100 victims"), std::string::npos) << r.err;
}

TEST_F(GenerateCliTest, BadOptionsGiveClearErrors) {
  Outcome r = Custodian({"generate", "--persons", "0", "--out", dir_ / "c.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--persons must be from 1 to 1,000,000; got 0"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "c.jsonl"));

  r = Custodian({"generate", "--persons", "1000001", "--out", dir_ / "c.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("got 1000001"), std::string::npos) << r.err;

  r = Custodian({"generate", "--persons", "1000"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--out FILE is required"), std::string::npos) << r.err;

  r = Custodian({"generate", "--persons", "1000", "--out", "/nonexistent-dir/c.jsonl"});
  EXPECT_EQ(r.exit_code, 8);  // Unavailable
  EXPECT_NE(r.err.find("cannot write /nonexistent-dir/"), std::string::npos) << r.err;

  r = Custodian(
      {"generate", "--persons", "1000", "--out", dir_ / "c.jsonl", "--truth", dir_ / "c.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--truth must differ from --out"), std::string::npos) << r.err;

  r = Custodian({"generate", "--persons", "ten", "--out", dir_ / "c.jsonl"});
  EXPECT_EQ(r.exit_code, 1) << "a malformed number is a usage error";

  std::ofstream(dir_ / "bad.json")
      << R"({"sources": [{"key": "x", "name": {"en": "X"}, "coverage": {"survivor": 3, "absent": 0}}]})";
  r = Custodian(
      {"generate", "--persons", "100", "--out", dir_ / "c.jsonl", "--sources", dir_ / "bad.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.json: sources[0] (x): field 'coverage.survivor'"), std::string::npos)
      << r.err;
}

TEST_F(GenerateCliTest, PrintedSourcesCanBeEditedAndUsed) {
  Outcome r = Custodian({"generate", "--print-sources"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Result<std::vector<synth::DocumentationSource>> sources = synth::ParseSources(r.out);
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  ASSERT_EQ(sources->size(), 4u);
  // Keep only the first two sources, as a user editing the file would.
  sources->resize(2);
  std::ofstream(dir_ / "two.json") << synth::SourcesToJson(*sources);
  r = Custodian({"generate", "--persons", "500", "--out", dir_ / "two.jsonl", "--sources",
                 dir_ / "two.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("of 2 documentation sources"), std::string::npos) << r.out;
  const std::string truth = Slurp(dir_ / "two.truth.jsonl");
  EXPECT_NE(truth.find("\"history\":\"01\""), std::string::npos);
}

}  // namespace
}  // namespace custodian
