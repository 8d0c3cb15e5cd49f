// End-to-end tests of the real `custodian` binary on real repositories in temp dirs: what a
// user types, what they see, and the exit codes scripts rely on.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "base/canonical_json.h"
#include "crypto/crypto.h"
#include "testing/run_binary.h"
#include "testing/test_env.h"

namespace custodian {
namespace {

using testing::TempDir;

using testing::Outcome;
using testing::Quote;
using testing::Slurp;

class CliTest : public ::testing::Test {
 protected:
  // Runs custodian signed in with the API token Init() made (or, before that, as cli-test
  // with its password), the test key file at hand to unlock.
  Outcome Custodian(const std::vector<std::string>& args, const std::string& stdin_file = "") {
    return Exec(Environment(token_) + CUSTODIAN_BINARY, args, stdin_file);
  }
  Outcome CustodianWithPassword(const std::vector<std::string>& args) {
    return Exec(Environment("") + CUSTODIAN_BINARY, args, "");
  }
  std::string Environment(const std::string& token) {
    std::string env = "CUSTODIAN_KEY_FILE=" + key_file_ +
                      " CUSTODIAN_PASSWORD=" + Quote(kPassword) + " CUSTODIAN_ACCOUNT=cli-test ";
    if (!token.empty()) env += "CUSTODIAN_TOKEN=" + token + " ";
    return env;
  }

  Outcome Verifier(const std::vector<std::string>& args) {
    return Exec(CUSTODIAN_VERIFY_BINARY, args, "");
  }

  Outcome Exec(const std::string& program, const std::vector<std::string>& args,
               const std::string& stdin_file) {
    return testing::RunBinary(program, args, stdin_file, dir_.path());
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
    return dir_ / name;
  }

  // A repository unlocked by a key file outside it, whose admin is cli-test; later commands
  // sign in with an API token (argon2id for every command would make the suite slow).
  void Init() {
    Outcome r = CustodianWithPassword({"init", repo_, "--no-passphrase"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Outcome token = CustodianWithPassword({"-C", repo_, "token", "create", "--label", "tests"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    token_ = token.out.substr(0, token.out.find('\n'));
  }

  static constexpr char kPassword[] = "cli test password";
  TempDir dir_;
  std::string repo_ = dir_ / "repo";
  std::string key_file_ = dir_ / "repo.key";
  std::string token_;
};

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* command : {"init", "add", "show", "list", "amend", "import", "export", "log",
                              "rebuild", "stats", "vocab", "account", "token", "audit",
                              "erase-identity", "keyring", "pseudonym", "search", "link"}) {
    Outcome r = Custodian({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << command;
  }
  Outcome top = Custodian({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("import"), std::string::npos);
  EXPECT_EQ(Custodian({"frobnicate"}).exit_code, 1);
  EXPECT_EQ(Custodian({}).exit_code, 1);
}

// The same victim told by two projects, in Hangul and in a romanization: `link run` joins the
// records, a reviewer overrules it, and all of it is in the ledger and survives a rebuild.
TEST_F(CliTest, LinksTheSamePersonAcrossSpellingsWithAReviewer) {
  Init();
  std::vector<std::string> ids;
  for (const char* names : {R"(names=["김철수"])", R"(names=["Kim Chol-su"])",
                            R"(names=["Gim Cheol-su"])", R"(names=["박영희"])"}) {
    Outcome p = Custodian({"-C", repo_, "add", "person", "--set", names, "--set", "sex=male",
                           "--set", "born=1975", "--set", "origin=plc-kp-north-hamgyong-onsong"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    ids.push_back(p.out.substr(0, p.out.find('\n')));
  }
  EXPECT_EQ(Custodian({"-C", repo_, "link", "run"}).exit_code, 1);  // --purpose is required
  Outcome run = Custodian({"-C", repo_, "link", "run", "--purpose", "victim count", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["persons"], 4);
  Outcome cluster = Custodian({"-C", repo_, "link", "clusters", "--record", ids[0], "--json"});
  ASSERT_EQ(cluster.exit_code, 0) << cluster.err;
  const nlohmann::json clusters = nlohmann::json::parse(cluster.out)["clusters"];
  ASSERT_EQ(clusters.size(), 1u) << cluster.out;
  const nlohmann::json members = clusters[0]["records"];
  EXPECT_NE(std::find(members.begin(), members.end(), ids[1]), members.end()) << cluster.out;
  EXPECT_EQ(std::find(members.begin(), members.end(), ids[3]), members.end()) << cluster.out;
  for (const char* name : {"김철수", "Chol", "Cheol"}) {
    EXPECT_EQ(run.out.find(name), std::string::npos);
    EXPECT_EQ(cluster.out.find(name), std::string::npos);
  }

  EXPECT_EQ(Custodian({"-C", repo_, "link", "decide", ids[0], ids[1], "--reason", "r"}).exit_code,
            2);  // neither --same nor --different
  Outcome decided = Custodian({"-C", repo_, "link", "decide", ids[0], ids[1], "--different",
                               "--reason", "born in different villages", "--json"});
  ASSERT_EQ(decided.exit_code, 0) << decided.err;
  const uint64_t seq = nlohmann::json::parse(decided.out)["seq"];
  Outcome again = Custodian(
      {"-C", repo_, "link", "decide", ids[1], ids[0], "--same", "--reason", "changed my mind"});
  EXPECT_EQ(again.exit_code, 4) << again.err;  // already decided: revoke first
  Outcome review = Custodian({"-C", repo_, "link", "review", "--record", ids[0], "--json"});
  ASSERT_EQ(review.exit_code, 0) << review.err;
  EXPECT_NE(review.out.find("\"decision\": \"different\""), std::string::npos) << review.out;
  std::string out = dir_ / "clusters.jsonl";
  ASSERT_EQ(Custodian({"-C", repo_, "link", "clusters", "-o", out}).exit_code, 0);
  std::ifstream in(out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_NE(line.find("\"records\""), std::string::npos);
  Outcome revoked =
      Custodian({"-C", repo_, "link", "revoke", std::to_string(seq), "--reason", "wrong pair"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  Outcome decisions = Custodian({"-C", repo_, "link", "decisions", "--all"});
  EXPECT_NE(decisions.out.find("revoked by"), std::string::npos) << decisions.out;
  EXPECT_EQ(Custodian({"-C", repo_, "rebuild"}).exit_code, 0);
  EXPECT_EQ(Custodian({"-C", repo_, "verify"}).exit_code, 0);
  EXPECT_EQ(Custodian({"-C", repo_, "link", "model", "--json"}).exit_code, 0);
}

TEST_F(CliTest, RecordsATestimonyAndFindsIt) {
  Init();
  Outcome person =
      Custodian({"-C", repo_, "add", "person", "--set", R"(names=["김철수","Kim Chol Su"])",
                 "--set", "sex=male", "--set", "born=about 1975"});
  ASSERT_EQ(person.exit_code, 0) << person.err;
  std::string person_id = person.out.substr(0, person.out.find('\n'));
  EXPECT_EQ(person_id.substr(0, 4), "per-");

  std::string source_doc = Write("source.json", R"({"kind":"source","type":"interview",
      "title":"Interview 17","date":"2015-06-02","languages":["ko"],
      "transcript":"2009년 봄에 온성 보위부 구류장에서 조사를 받았습니다.","reliability":"b"})");
  Outcome source = Custodian({"-C", repo_, "add", "--file", source_doc});
  ASSERT_EQ(source.exit_code, 0) << source.err;
  std::string source_id = source.out.substr(0, source.out.find('\n'));

  Outcome act =
      Custodian({"-C", repo_, "add", "act", "--set", "victim=" + person_id, "--set",
                 "violation=torture", "--set", "place=plc-kp-north-hamgyong-onsong", "--set",
                 "date=spring 2009", "--set", "sources=[\"" + source_id + "\"]"});
  ASSERT_EQ(act.exit_code, 0) << act.err;
  std::string act_id = act.out.substr(0, act.out.find('\n'));

  Outcome list = Custodian(
      {"-C", repo_, "list", "--kind", "act", "--place", "plc-kp-north-hamgyong", "--date", "2009"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find(act_id), std::string::npos);
  EXPECT_NE(list.out.find("Torture"), std::string::npos);
  Outcome none = Custodian({"-C", repo_, "list", "--kind", "act", "--date", "2012", "--count"});
  EXPECT_EQ(none.out, "0\n");

  Outcome show = Custodian({"-C", repo_, "show", act_id});
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("spring 2009"), std::string::npos);
  EXPECT_NE(show.out.find("cli-test"), std::string::npos);

  Outcome amend = Custodian({"-C", repo_, "amend", act_id, "--set", "date=2009-04", "--reason",
                             "witness recalled the month"});
  ASSERT_EQ(amend.exit_code, 0) << amend.err;
  Outcome history = Custodian({"-C", repo_, "--json", "show", act_id, "--history"});
  EXPECT_NE(history.out.find("\"version\": 2"), std::string::npos);
  EXPECT_NE(history.out.find("witness recalled the month"), std::string::npos);

  Outcome log = Custodian({"-C", repo_, "log", "--tail", "--limit", "2"});
  EXPECT_NE(log.out.find("amend " + act_id + " v2"), std::string::npos);

  Outcome stats = Custodian({"-C", repo_, "stats"});
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_NE(stats.out.find("North Hamgyong"), std::string::npos);

  // Found again: by a place in another script, by the violation, and (cleared, with a
  // purpose) by the witness's name in any spelling. Each write brought the index up to date.
  Outcome by_place = Custodian({"-C", repo_, "search", "Onsong", "--kind", "source"});
  EXPECT_EQ(by_place.exit_code, 0) << by_place.err;
  EXPECT_NE(by_place.out.find(source_id), std::string::npos) << by_place.out;
  EXPECT_NE(by_place.out.find("**온성**"), std::string::npos) << by_place.out;
  Outcome by_violation = Custodian({"-C", repo_, "--json", "search", "torture", "--facets"});
  EXPECT_EQ(by_violation.exit_code, 0) << by_violation.err;
  EXPECT_NE(by_violation.out.find(act_id), std::string::npos);
  EXPECT_NE(by_violation.out.find("\"violation_type\""), std::string::npos);
  Outcome sealed = Custodian({"-C", repo_, "search", "Kim Chol-su"});
  EXPECT_EQ(sealed.exit_code, 0);
  EXPECT_EQ(sealed.out.find(person_id), std::string::npos) << "a sealed name matched";
  Outcome cleared = Custodian(
      {"-C", repo_, "search", "Gim Cheol-su", "--identities", "--purpose", "trial bundle"});
  EXPECT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_NE(cleared.out.find(person_id), std::string::npos) << cleared.out;
  EXPECT_NE(cleared.out.find(act_id), std::string::npos) << cleared.out;
  EXPECT_NE(Custodian({"-C", repo_, "audit"}).out.find("trial bundle"), std::string::npos);
  EXPECT_EQ(Custodian({"-C", repo_, "search", "\"torture"}).exit_code, 2);
  EXPECT_EQ(Custodian({"-C", repo_, "search", "x", "--identities"}).exit_code, 2);
  EXPECT_EQ(Custodian({"-C", repo_, "search", std::string(5000, 'a')}).exit_code, 2);
  EXPECT_EQ(Custodian({"-C", repo_, "search", "\xff\xfe"}).exit_code, 2);
}

TEST_F(CliTest, ServeAnswersUntilSigtermThenStopsCleanly) {
  Init();
  // Started in the background with port 0; its first line names the port it took.
  const std::string log = dir_ / "serve.log";
  const std::string pid_file = dir_ / "serve.pid";
  const std::string command = Environment(token_) + CUSTODIAN_BINARY + " -C " + repo_ +
                              " serve --port 0 > " + log + " 2>&1 & echo $! > " + pid_file;
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::string first_line;
  for (int i = 0; i < 500 && first_line.find("http://") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    first_line = Slurp(log);
  }
  const size_t at = first_line.find("127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << first_line;
  const std::string port = first_line.substr(at + 10, first_line.find('/', at) - at - 10);
  Outcome answered = Exec("curl",
                          {"-s", "-H", "Authorization: Bearer " + token_,
                           "http://127.0.0.1:" + port + "/api/v1/session"},
                          "");
  EXPECT_NE(answered.out.find("\"account\":\"cli-test\""), std::string::npos) << answered.out;
  std::string pid = Slurp(pid_file);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  ASSERT_EQ(std::system(("kill -TERM " + pid).c_str()), 0);
  for (int i = 0; i < 250 && Slurp(log).find("stopped") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(Slurp(log).find("custodian: stopped"), std::string::npos) << Slurp(log);
  // Running: the process exists and is not a zombie waiting for init to reap it.
  const std::string alive =
      "test -d /proc/" + pid + " && ! grep -q '^State:.*Z' /proc/" + pid + "/status";
  for (int i = 0; i < 100 && std::system(alive.c_str()) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(std::system(alive.c_str()), 0) << "the server is still running";
}

TEST_F(CliTest, ErrorsNameTheProblemAndExitNonZero) {
  Init();
  ASSERT_EQ(Custodian({"-C", repo_, "add", "person", "--set", "id=per-w"}).exit_code, 0);
  Outcome bad_date = Custodian({"-C", repo_, "add", "act", "--set", "violation=torture", "--set",
                                "victim=per-w", "--set", "date=spring 20O9"});
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_NE(bad_date.err.find("field 'date'"), std::string::npos);
  Outcome no_victim = Custodian(
      {"-C", repo_, "add", "act", "--set", "violation=torture", "--set", "victim=per-nobody"});
  EXPECT_EQ(no_victim.exit_code, 3);
  EXPECT_NE(no_victim.err.find("field 'victim'"), std::string::npos);
  Outcome missing = Custodian({"-C", repo_, "show", "act-doesnotexist"});
  EXPECT_EQ(missing.exit_code, 3);
  Outcome not_repo = Custodian({"-C", dir_ / "nothing", "list"});
  EXPECT_EQ(not_repo.exit_code, 3);
  EXPECT_NE(not_repo.err.find("custodian init"), std::string::npos);
  Outcome twice = CustodianWithPassword({"init", repo_, "--no-passphrase"});
  Outcome stray = Exec(Environment("") + CUSTODIAN_BINARY + " --key-file " + dir_ / "other.key",
                       {"init", repo_, "--no-passphrase"}, "");
  EXPECT_EQ(stray.exit_code, 4);
  EXPECT_FALSE(Env::Default().FileExists(dir_ / "other.key"));  // not left behind
  EXPECT_EQ(twice.exit_code, 4);
  Outcome bad_json = Custodian({"-C", repo_, "add", "--doc", "{\"kind\":"});
  EXPECT_EQ(bad_json.exit_code, 2);
  Outcome no_reason = Custodian({"-C", repo_, "amend", "plc-kp"});
  EXPECT_EQ(no_reason.exit_code, 1);  // --reason is required by the command line itself
}

TEST_F(CliTest, ImportIsAllOrNothingAndSkipBadWritesRejects) {
  Init();
  std::string file = Write(
      "in.jsonl", R"({"kind":"person","id":"per-a","names":["리영희"]})"
                  "\n"
                  R"({"kind":"act","victim":"per-a","violation":"torture","date":"spring 20O9"})"
                  "\n"
                  R"({"kind":"act","victim":"per-a","violation":"torture","date":"2009"})"
                  "\n");
  Outcome all_or_nothing = Custodian({"-C", repo_, "import", file});
  EXPECT_EQ(all_or_nothing.exit_code, 2);
  EXPECT_NE(all_or_nothing.err.find("in.jsonl line 2: field 'date'"), std::string::npos)
      << all_or_nothing.err;
  EXPECT_NE(all_or_nothing.err.find("nothing was imported"), std::string::npos);
  EXPECT_EQ(Custodian({"-C", repo_, "list", "--kind", "person", "--count"}).out, "0\n");

  Outcome skip = Custodian({"-C", repo_, "import", "--skip-bad", file});
  EXPECT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_NE(skip.out.find("imported 2 records"), std::string::npos);
  std::string rejects = Slurp(file + ".rejects.jsonl");
  Result<nlohmann::json> reject = ParseJson(rejects.substr(0, rejects.find('\n')));
  ASSERT_TRUE(reject.ok()) << rejects;
  EXPECT_EQ((*reject)["line"], 2);
  EXPECT_NE((*reject)["error"].get<std::string>().find("field 'date'"), std::string::npos);
  EXPECT_NE((*reject)["text"].get<std::string>().find("spring 20O9"), std::string::npos);

  Outcome from_stdin = Custodian({"-C", repo_, "import", "-"}, file);
  EXPECT_EQ(from_stdin.exit_code, 2);
  EXPECT_NE(from_stdin.err.find("<stdin> line 2"), std::string::npos);

  Outcome truncated =
      Custodian({"-C", repo_, "import", Write("t.jsonl", R"({"kind":"person","na)")});
  EXPECT_EQ(truncated.exit_code, 2);
  EXPECT_NE(truncated.err.find("line 1"), std::string::npos);
}

TEST_F(CliTest, ExportImportRebuildRoundTrip) {
  Init();
  ASSERT_EQ(Custodian({"-C", repo_, "add", "person", "--set", "names=[\"박영호\"]"}).exit_code, 0);
  const std::vector<std::string> full = {"--profile", "full", "--purpose", "round trip test"};
  std::vector<std::string> args = {"-C", repo_, "export", "-o", dir_ / "a.jsonl"};
  args.insert(args.end(), full.begin(), full.end());
  ASSERT_EQ(Custodian(args).exit_code, 0);
  ASSERT_EQ(CustodianWithPassword({"init", "--bare", dir_ / "copy", "--no-passphrase"}).exit_code,
            0);
  Outcome imported = CustodianWithPassword({"-C", dir_ / "copy", "import", dir_ / "a.jsonl"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  args = {"-C", dir_ / "copy", "export", "-o", dir_ / "b.jsonl"};
  args.insert(args.end(), full.begin(), full.end());
  ASSERT_EQ(CustodianWithPassword(args).exit_code, 0);
  std::string a = Slurp(dir_ / "a.jsonl");
  EXPECT_GT(a.size(), 10000u);
  EXPECT_EQ(a, Slurp(dir_ / "b.jsonl"));

  Outcome rebuild = Custodian({"-C", repo_, "rebuild"});
  EXPECT_EQ(rebuild.exit_code, 0) << rebuild.err;
  EXPECT_NE(rebuild.out.find("identical"), std::string::npos);
}

TEST_F(CliTest, VocabListsTerms) {
  Outcome all = Custodian({"vocab"});
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_NE(all.out.find("violation_types"), std::string::npos);
  Outcome facilities = Custodian({"vocab", "facility_types"});
  EXPECT_NE(facilities.out.find("kwanliso"), std::string::npos);
  EXPECT_NE(facilities.out.find("관리소"), std::string::npos);
  EXPECT_EQ(Custodian({"vocab", "nope"}).exit_code, 3);
}

TEST_F(CliTest, IntegrityWorkflowForACourt) {
  Init();
  ASSERT_EQ(Custodian({"-C", repo_, "add", "person", "--set", "names=[\"리영희\"]", "--set",
                       "roles=[\"victim\"]"})
                .exit_code,
            0);
  Outcome first = Custodian({"-C", repo_, "checkpoint"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("\n\n\xE2\x80\x94 custodian/"), std::string::npos) << first.out;
  ASSERT_EQ(Custodian({"-C", repo_, "add", "person", "--set", "id=per-second", "--set",
                       "names=[\"박영호\"]"})
                .exit_code,
            0);
  ASSERT_EQ(Custodian({"-C", repo_, "checkpoint"}).exit_code, 0);
  Outcome list = Custodian({"-C", repo_, "checkpoint", "--list"});
  EXPECT_NE(list.out.find("#1"), std::string::npos);
  EXPECT_NE(list.out.find("#2"), std::string::npos);

  std::string key = Custodian({"-C", repo_, "key"}).out;
  key.pop_back();
  EXPECT_EQ(key.find("custodian/"), 0u);

  Outcome verify = Custodian({"-C", repo_, "verify", "--key", key});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("2 signed checkpoints match"), std::string::npos) << verify.out;

  // Inclusion of the latest entry, checked with nothing but the published key.
  Outcome log = Custodian({"-C", repo_, "--json", "log", "--tail", "--limit", "1"});
  Result<nlohmann::json> last = ParseJson(log.out.substr(0, log.out.find('\n')));
  ASSERT_TRUE(last.ok()) << log.out;
  std::string seq = std::to_string((*last)["seq"].get<uint64_t>());
  ASSERT_EQ(Custodian({"-C", repo_, "prove", "inclusion", seq, "-o", dir_ / "p.json"}).exit_code,
            0);
  Outcome included = Verifier({"inclusion", dir_ / "p.json", "--key", key});
  EXPECT_EQ(included.exit_code, 0) << included.err;
  EXPECT_NE(included.out.find("per-second"), std::string::npos);
  EXPECT_EQ(included.out.find("박영호"), std::string::npos);  // sealed, even in a proof
  // A proof whose entry was edited fails with exit 5.
  std::string proof = Slurp(dir_ / "p.json");
  Result<nlohmann::json> doc = ParseJson(proof);
  ASSERT_TRUE(doc.ok());
  std::string entry = crypto::Base64Decode((*doc)["entry"].get<std::string>()).value();
  ASSERT_NE(entry.find("cli-test"), std::string::npos);
  entry.replace(entry.find("cli-test"), 8, "CLI-TEST");
  (*doc)["entry"] = crypto::Base64Encode(entry);
  Write("forged.json", doc->dump());
  EXPECT_EQ(Verifier({"inclusion", dir_ / "forged.json", "--key", key}).exit_code, 5);
  EXPECT_EQ(Verifier({"inclusion", dir_ / "p.json"}).exit_code, 1);  // --key is required

  ASSERT_EQ(
      Custodian({"-C", repo_, "prove", "consistency", "1", "2", "-o", dir_ / "c.json"}).exit_code,
      0);
  EXPECT_EQ(Verifier({"consistency", dir_ / "c.json", "--key", key}).exit_code, 0);

  // A witness cosigns the newest checkpoint; the repository keeps and shows it.
  Outcome witness_key = Verifier({"keygen", "ngo.example/witness", "--key-file", dir_ / "w.key"});
  ASSERT_EQ(witness_key.exit_code, 0) << witness_key.err;
  std::string wkey = witness_key.out.substr(0, witness_key.out.find('\n'));
  ASSERT_EQ(Custodian({"-C", repo_, "witness", "add", wkey}).exit_code, 0);
  Outcome cp = Custodian({"-C", repo_, "checkpoint"});  // returns the newest, unchanged
  Write("cp.txt", cp.out);
  Outcome cosigned =
      Verifier({"cosign", dir_ / "cp.txt", "--key", key, "--key-file", dir_ / "w.key"});
  ASSERT_EQ(cosigned.exit_code, 0) << cosigned.err;
  Write("cp.cosigned", cosigned.out);
  EXPECT_EQ(Custodian({"-C", repo_, "checkpoint", "--import-cosignatures", dir_ / "cp.cosigned"})
                .exit_code,
            0);
  EXPECT_NE(Custodian({"-C", repo_, "witness", "list"}).out.find("vouched for tree sizes: "),
            std::string::npos);

  // The bundle verifies independently, and names the witness.
  ASSERT_EQ(Custodian({"-C", repo_, "bundle", "-o", dir_ / "b.jsonl"}).exit_code, 0);
  Outcome bundle = Verifier({"bundle", dir_ / "b.jsonl", "--key", key});
  EXPECT_EQ(bundle.exit_code, 0) << bundle.err;
  EXPECT_NE(bundle.out.find("witness ngo.example/witness"), std::string::npos) << bundle.out;
  Outcome wrong_key = Verifier({"bundle", dir_ / "b.jsonl", "--key", wkey});
  EXPECT_NE(wrong_key.exit_code, 0);

  // Tampering with the database is caught and named, with exit code 5.
  std::string sql =
      "sqlite3 " + repo_ + "/custodian.db \"UPDATE ledger_entries SET entry = " +
      "replace(entry, 'victim', 'witness') WHERE seq = " + std::to_string(std::stoull(seq) - 1) +
      "\"";
  ASSERT_EQ(std::system(sql.c_str()), 0);
  Outcome tampered = Custodian({"-C", repo_, "verify"});
  EXPECT_EQ(tampered.exit_code, 5);
  EXPECT_NE(tampered.err.find("TAMPERED"), std::string::npos) << tampered.err;
  EXPECT_NE(tampered.err.find("entry " + std::to_string(std::stoull(seq) - 1)), std::string::npos)
      << tampered.err;
}

TEST_F(CliTest, WitnessProtectionWorkflow) {
  Init();
  const std::string name = "홍길동삼", latin = "Zzyzx Witnessname";
  Outcome person =
      Custodian({"-C", repo_, "add", "person", "--set", "id=per-w", "--set",
                 "names=[\"" + name + "\",\"" + latin + "\"]", "--set", "roles=[\"victim\"]"});
  ASSERT_EQ(person.exit_code, 0) << person.err;
  Outcome source =
      Custodian({"-C", repo_, "add", "source", "--set", "type=interview", "--set",
                 "interviewee=per-w", "--set-string",
                 "transcript=Held in Onsong. [sensitive]" + latin + " is my name.[/sensitive]"});
  ASSERT_EQ(source.exit_code, 0) << source.err;

  // An analyst with a token of their own sees pseudonyms and is refused the identity (exit 6).
  ::setenv("CUSTODIAN_NEW_PASSWORD", "analyst password 1", 1);
  Outcome added = Custodian({"-C", repo_, "account", "add", "ana", "--role", "analyst"});
  ::unsetenv("CUSTODIAN_NEW_PASSWORD");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  Outcome token = Exec("CUSTODIAN_PASSWORD='analyst password 1' CUSTODIAN_KEY_FILE=" + key_file_ +
                           " " + CUSTODIAN_BINARY + " --as ana",
                       {"-C", repo_, "token", "create", "--label", "analysis"}, "");
  ASSERT_EQ(token.exit_code, 0) << token.err;
  std::string analyst = token.out.substr(0, token.out.find('\n'));
  auto as_analyst = [&](const std::vector<std::string>& args) {
    return Exec(Environment(analyst) + CUSTODIAN_BINARY, args, "");
  };
  Outcome shown = as_analyst({"-C", repo_, "show", "per-w"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("pseudonym: P-"), std::string::npos) << shown.out;
  Outcome denied = as_analyst({"-C", repo_, "show", "per-w", "--reveal", "--purpose", "curious"});
  EXPECT_EQ(denied.exit_code, 6);
  EXPECT_NE(denied.err.find("may not reveal"), std::string::npos) << denied.err;
  EXPECT_EQ(as_analyst({"-C", repo_, "export", "--profile", "full", "--purpose", "x"}).exit_code,
            6);
  Outcome analysis = as_analyst({"-C", repo_, "export", "--profile", "analyst"});
  EXPECT_EQ(analysis.exit_code, 0) << analysis.err;
  EXPECT_EQ(as_analyst({"-C", repo_, "add", "person", "--set", "sex=male"}).exit_code, 6);
  EXPECT_EQ(as_analyst({"-C", repo_, "erase-identity", "per-w", "--reason", "x"}).exit_code, 6);
  Outcome listed = as_analyst({"-C", repo_, "list", "--kind", "person"});
  Outcome log = as_analyst({"-C", repo_, "--json", "log"});
  for (const Outcome* o : {&shown, &denied, &analysis, &listed, &log}) {
    EXPECT_EQ((o->out + o->err).find(name), std::string::npos) << o->out << o->err;
    EXPECT_EQ((o->out + o->err).find(latin), std::string::npos) << o->out << o->err;
  }

  // The admin (cleared) reveals with a purpose; the audit names who, what and why.
  Outcome revealed =
      Custodian({"-C", repo_, "show", "per-w", "--reveal", "--purpose", "hearing on 3 May"});
  EXPECT_EQ(revealed.exit_code, 0) << revealed.err;
  EXPECT_NE(revealed.out.find(name), std::string::npos);
  EXPECT_EQ(Custodian({"-C", repo_, "show", "per-w", "--reveal"}).exit_code, 2);  // no purpose
  Outcome audit = Custodian({"-C", repo_, "audit", "--record", "per-w"});
  EXPECT_NE(audit.out.find("cli-test  show  per-w  purpose: hearing on 3 May"), std::string::npos)
      << audit.out;

  // Nothing identifying in the database files.
  std::string disk = Slurp(repo_ + "/custodian.db") + Slurp(repo_ + "/custodian.db-wal");
  EXPECT_EQ(disk.find(name), std::string::npos);
  EXPECT_EQ(disk.find(latin), std::string::npos);

  // Erasure: gone for the admin too, and the ledger still verifies.
  Outcome erased = Custodian({"-C", repo_, "erase-identity", "per-w", "--reason", "asked"});
  EXPECT_EQ(erased.exit_code, 0) << erased.err;
  Outcome after = Custodian({"-C", repo_, "show", "per-w", "--reveal", "--purpose", "check"});
  EXPECT_EQ(after.exit_code, 7);
  EXPECT_NE(after.err.find("erased"), std::string::npos);
  EXPECT_EQ(Custodian({"-C", repo_, "verify"}).exit_code, 0);

  // Key rotation to a new key file: the old one stops working.
  Outcome rotated = Custodian(
      {"-C", repo_, "keyring", "rotate", "--new-key-file", dir_ / "new.key", "--no-passphrase"});
  EXPECT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_EQ(Custodian({"-C", repo_, "pseudonym", "per-w"}).exit_code, 6);
  Outcome keyring = Custodian({"-C", repo_, "keyring"});  // needs no key: the stale file only warns
  EXPECT_EQ(keyring.exit_code, 0) << keyring.err;
  EXPECT_NE(keyring.err.find("warning"), std::string::npos);
  Outcome with_new = Exec("CUSTODIAN_TOKEN=" + token_ + " CUSTODIAN_KEY_FILE=" + dir_ / "new.key" +
                              " " + CUSTODIAN_BINARY,
                          {"-C", repo_, "pseudonym", "per-w"}, "");
  EXPECT_EQ(with_new.exit_code, 0) << with_new.err;
  EXPECT_EQ(with_new.out.rfind("P-", 0), 0u);
}

// Every command, as every role: refused with exit 6 exactly where the permission matrix says
// (docs/user-guide.md), and never refused where it allows.
TEST_F(CliTest, EveryCommandAsEveryRole) {
  Init();
  ASSERT_EQ(
      Custodian({"-C", repo_, "add", "person", "--set", "id=per-w", "--set", "names=[\"홍길동\"]"})
          .exit_code,
      0);
  ASSERT_EQ(Custodian({"-C", repo_, "add", "source", "--set", "id=src-w", "--set", "type=interview",
                       "--set", "interviewee=per-w"})
                .exit_code,
            0);
  ASSERT_EQ(Custodian({"-C", repo_, "add", "dossier", "--set", "id=dos-case", "--set", "title=Case",
                       "--set", "records=[\"per-w\"]"})
                .exit_code,
            0);
  std::string import = Write("one.jsonl", R"({"kind":"person","id":"per-imported","sex":"male"})"
                                          "\n");
  std::string claim =
      R"({"kind":"claim","subject":"per-w","statement":"s","sources":[{"source":"src-w","reliability":"b","credibility":"2"}]})";

  const std::vector<std::pair<std::string, std::string>> roles = {{"cli-test", "admin"},
                                                                  {"inv", "investigator"},
                                                                  {"ana", "analyst"},
                                                                  {"leg", "legal_officer"},
                                                                  {"vie", "viewer"}};
  std::map<std::string, std::string> tokens = {{"cli-test", token_}};
  for (const auto& [name, role] : roles) {
    if (name == "cli-test") continue;
    ::setenv("CUSTODIAN_NEW_PASSWORD", ("password of " + name).c_str(), 1);
    ASSERT_EQ(Custodian({"-C", repo_, "account", "add", name, "--role", role, "--clearance", "yes"})
                  .exit_code,
              0);
    ::unsetenv("CUSTODIAN_NEW_PASSWORD");
    ASSERT_EQ(Custodian({"-C", repo_, "account", "grant", name, "dos-case"}).exit_code, 0);
    Outcome t =
        Exec("CUSTODIAN_PASSWORD='password of " + name + "' CUSTODIAN_KEY_FILE=" + key_file_ + " " +
                 CUSTODIAN_BINARY + " --as " + name,
             {"-C", repo_, "token", "create", "--label", "matrix"}, "");
    ASSERT_EQ(t.exit_code, 0) << t.err;
    tokens[name] = t.out.substr(0, t.out.find('\n'));
  }

  struct Command {
    std::string what, expected;  // expected: Y (allowed) or N (exit 6) for A I N L V
    std::vector<std::string> args;
  };
  const std::vector<Command> commands = {
      {"show", "YYYYY", {"show", "per-w"}},
      {"list", "YYYYY", {"list"}},
      {"search", "YYYYY", {"search", "Case"}},
      {"search identities", "YYNYN", {"search", "홍길동", "--identities", "--purpose", "matrix"}},
      {"stats", "YYYYY", {"stats"}},
      {"pseudonym", "YYYYY", {"pseudonym", "per-w"}},
      {"add", "YYNNN", {"add", "person", "--set", "sex=male"}},
      {"add claim", "YYNYN", {"add", "--doc", claim}},
      {"add dossier", "YYNYN", {"add", "dossier", "--set", "title=t"}},
      {"amend", "YYNNN", {"amend", "per-w", "--set", "sex=female", "--reason", "r"}},
      {"import", "YYNYN", {"import", import}},
      {"reveal", "YYNYN", {"show", "per-w", "--reveal", "--purpose", "matrix"}},
      {"export public", "YYYYY", {"export", "--profile", "public", "-o", dir_ / "x"}},
      {"export analyst", "YYYYN", {"export", "--profile", "analyst", "-o", dir_ / "x"}},
      {"export disclosure",
       "YNNYN",
       {"export", "--profile", "disclosure", "--dossier", "dos-case", "--purpose", "m", "-o",
        dir_ / "x"}},
      {"export full", "YNNNN", {"export", "--profile", "full", "--purpose", "m", "-o", dir_ / "x"}},
      {"log", "YYYYN", {"log", "--limit", "1"}},
      {"verify", "YYYYY", {"verify", "--skip-projections"}},
      {"checkpoint", "YNNYN", {"checkpoint"}},
      {"prove", "YYYYN", {"prove", "inclusion", "1"}},
      {"witness add", "YNNNN", {"witness", "add", "not-a-key"}},
      {"witness list", "YYYYN", {"witness", "list"}},
      {"rebuild", "YNNNN", {"rebuild"}},
      {"account add", "YNNNN", {"account", "add", "newcomer", "--role", "viewer"}},
      {"account list", "YYYYY", {"account", "list"}},
      {"account set", "YNNNN", {"account", "set", "vie", "--clearance", "no"}},
      {"account grant", "YNNNN", {"account", "grant", "vie", "dos-case"}},
      {"token create", "YYYYY", {"token", "create", "--label", "more"}},
      {"audit", "YNNYN", {"audit"}},
      {"keyring", "YNNNN", {"keyring"}},
      {"erase-identity", "YNNNN", {"erase-identity", "VICTIM", "--reason", "r"}},
      {"link run", "YYNNN", {"link", "run", "--purpose", "matrix"}},
      {"link decide",
       "YYNNN",
       {"link", "decide", "per-w", "VICTIM", "--different", "--reason", "matrix"}},
      {"link review", "YYYYY", {"link", "review"}},
      {"link clusters", "YYYYY", {"link", "clusters"}},
  };
  ::setenv("CUSTODIAN_NEW_PASSWORD", "newcomer password", 1);
  for (size_t column = 0; column < roles.size(); ++column) {
    const std::string& name = roles[column].first;
    const std::string victim = "per-victim-" + name.substr(0, 3);
    ASSERT_EQ(Custodian({"-C", repo_, "add", "person", "--set", "id=" + victim, "--set",
                         "names=[\"" + name + "\"]"})
                  .exit_code,
              0);
    for (const Command& c : commands) {
      std::vector<std::string> args = {"-C", repo_};
      for (const std::string& a : c.args) args.push_back(a == "VICTIM" ? victim : a);
      Outcome r = Exec(Environment(tokens[name]) + CUSTODIAN_BINARY, args, "");
      if (c.expected[column] == 'Y') {
        EXPECT_NE(r.exit_code, 6) << name << " should be allowed to " << c.what << ": " << r.err;
      } else {
        EXPECT_EQ(r.exit_code, 6) << name << " must be refused " << c.what << ": " << r.err;
      }
    }
  }
  ::unsetenv("CUSTODIAN_NEW_PASSWORD");
}

}  // namespace
}  // namespace custodian
