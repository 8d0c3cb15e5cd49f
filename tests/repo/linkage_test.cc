// Record linkage inside a repository: a run over a generated corpus imported like a user's
// (scored against the corpus's truth), reviewers' decisions and their undoing as ledger
// entries, the clusters as a projection that a rebuild recreates, and what a run may never
// write down (a name) or let happen (a run without clearance, purpose or keys).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <set>
#include <sstream>

#include "link/link.h"
#include "repo/repo.h"
#include "synth/synth.h"
#include "testing/test_env.h"
#include "testing/test_repo.h"

namespace custodian::repo {
namespace {

using custodian::testing::FastOptions;
using custodian::testing::OpenAs;
using custodian::testing::TempDir;
using custodian::testing::TestEnv;
using custodian::testing::TestInit;
using protect::Role;

class LinkageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::stringstream truth;
    corpus_ = new std::string;
    truth_ = new std::string;
    std::stringstream corpus;
    ASSERT_TRUE(synth::Generate({.persons = 400, .seed = 11}, corpus, truth).ok());
    *corpus_ = corpus.str();
    *truth_ = truth.str();
  }
  static void TearDownTestSuite() {
    delete corpus_;
    delete truth_;
  }

  void SetUp() override {
    options_ = FastOptions(&env_);
    auto made = Repository::Init(dir_ / "r", options_, TestInit(/*gazetteer=*/true));
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    admin_ = std::move(made).value();
    std::istringstream in(*corpus_);
    Result<ImportReport> imported = admin_->Import(in, {.source_name = "corpus"});
    ASSERT_TRUE(imported.ok() && imported->applied) << imported.status().ToString();
  }

  std::unique_ptr<Repository> SignedIn(const std::string& account, bool unlock = true) {
    auto repo = OpenAs(dir_ / "r", options_, account, "password of " + account, unlock);
    EXPECT_TRUE(repo.ok()) << repo.status().ToString();
    return repo.ok() ? std::move(repo).value() : nullptr;
  }

  // Which person records are the same person, by the corpus's truth: record id -> identity.
  std::map<std::string, uint32_t> Truth() {
    Result<link::LabelledRecords> labelled = link::ParseSyntheticCorpus(*corpus_, *truth_);
    EXPECT_TRUE(labelled.ok()) << labelled.status().ToString();
    std::map<std::string, uint32_t> out;
    std::istringstream lines(*corpus_);
    std::string line;
    size_t i = 0;
    while (std::getline(lines, line)) {
      Json j = Json::parse(line);
      if (j.value("kind", "") != "person") continue;
      out[j["id"].get<std::string>()] = labelled->person[i++];
    }
    return out;
  }

  std::vector<LinkCluster> AllClusters(Repository& repo) {
    Result<std::vector<LinkCluster>> clusters = repo.LinkClusters("", 2, 1000, 0);
    EXPECT_TRUE(clusters.ok()) << clusters.status().ToString();
    return clusters.ok() ? *clusters : std::vector<LinkCluster>();
  }

  std::string ClusterOf(Repository& repo, const std::string& record) {
    Result<std::vector<LinkCluster>> c = repo.LinkClusters(record, 1, 1, 0);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() && !c->empty() ? c->front().id : "";
  }

  LinkRunReport MustRun(Repository& repo, bool retrain = false) {
    Result<LinkRunReport> report =
        repo.LinkPersons({.purpose = "deduplication for the report", .retrain = retrain});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : LinkRunReport{};
  }

  static std::string* corpus_;
  static std::string* truth_;
  TestEnv env_;
  TempDir dir_;
  Options options_;
  std::unique_ptr<Repository> admin_;
};
std::string* LinkageTest::corpus_ = nullptr;
std::string* LinkageTest::truth_ = nullptr;

TEST_F(LinkageTest, ARunFindsTheSamePersonsTheTruthKnowsAndWritesNoName) {
  const std::map<std::string, uint32_t> truth = Truth();
  const uint64_t before = admin_->Ledger()->size;
  LinkRunReport report = MustRun(*admin_);
  EXPECT_EQ(report.persons, truth.size());
  EXPECT_TRUE(report.trained);
  EXPECT_GT(report.clusters, 10u);
  EXPECT_GE(report.entries, 1u);

  // Pairwise precision and recall of the clusters against the truth.
  std::map<std::string, std::string> cluster_of;
  for (const LinkCluster& c : AllClusters(*admin_)) {
    for (const std::string& r : c.records) cluster_of[r] = c.id;
  }
  uint64_t predicted = 0, correct = 0, actual = 0;
  std::vector<std::pair<std::string, uint32_t>> people(truth.begin(), truth.end());
  for (size_t i = 0; i < people.size(); ++i) {
    for (size_t j = i + 1; j < people.size(); ++j) {
      const bool same = people[i].second == people[j].second;
      auto a = cluster_of.find(people[i].first), b = cluster_of.find(people[j].first);
      const bool joined = a != cluster_of.end() && b != cluster_of.end() && a->second == b->second;
      actual += same;
      predicted += joined;
      correct += same && joined;
    }
  }
  ASSERT_GT(actual, 20u);
  const double precision = predicted ? static_cast<double>(correct) / predicted : 0;
  const double recall = static_cast<double>(correct) / actual;
  EXPECT_GE(precision, 0.85) << correct << " of " << predicted;
  EXPECT_GE(recall, 0.5) << correct << " of " << actual;

  // The run's entries: an access entry first, then the model and the run; no name anywhere.
  std::set<std::string> names;
  std::istringstream lines(*corpus_);
  std::string line;
  while (std::getline(lines, line)) {
    Json j = Json::parse(line);
    if (j.value("kind", "") != "person") continue;
    for (const Json& n : j.value("names", Json::array())) names.insert(n.value("text", ""));
  }
  std::vector<std::string> ops;
  Json model;
  ASSERT_TRUE(admin_
                  ->Log(before, UINT64_MAX,
                        [&](uint64_t, const ledger::Hash&, const Json& entry) {
                          ops.push_back(entry.value("op", ""));
                          if (ops.back() == "link_model") model = entry["model"];
                          const std::string text = entry.dump();
                          for (const std::string& name : names) {
                            EXPECT_EQ(text.find(name), std::string::npos)
                                << "a name in entry " << entry.value("op", "");
                          }
                          return true;
                        })
                  .ok());
  ASSERT_GE(ops.size(), 3u);
  EXPECT_EQ(ops[0], "access");
  EXPECT_EQ(ops[1], "link_model");
  EXPECT_EQ(ops[2], "link_run");
  // The model says which comparisons it was fitted on, and holds what scoring needs.
  EXPECT_EQ(model.value("engine", 0), 4);
  EXPECT_FALSE(report.model_outdated);
  ASSERT_TRUE(model["fields"].contains("role"));
  // Acts dated to a month give their persons' events a month: months are compared.
  ASSERT_TRUE(model["fields"].contains("event_months"));
  EXPECT_EQ(model["fields"]["event_months"]["m"].size(), 2u);
  EXPECT_EQ(model["fields"]["events"]["m"].size(), 5u);
  EXPECT_EQ(model["u_same_province"]["events"].size(), 5u);
  // Interviews tie victims to the relatives who told their story: companions are compared, and
  // companions matched are evidence for a pair, companions apart against it.
  ASSERT_TRUE(model["fields"].contains("companions"));
  const Json& companions = model["fields"]["companions"];
  ASSERT_EQ(companions["m"].size(), 2u);
  EXPECT_GT(companions["m"][1].get<double>(), companions["u"][1].get<double>());
  EXPECT_LT(companions["m"][0].get<double>(), companions["u"][0].get<double>());
  // Acts give their persons' violations, compared as accounts, with u among people of one
  // province too.
  ASSERT_TRUE(model["fields"].contains("violations"));
  EXPECT_EQ(model["fields"]["violations"]["m"].size(), 3u);
  EXPECT_EQ(model["u_same_province"]["violations"].size(), 3u);
  Result<std::vector<AccessEvent>> audit = admin_->Audit("", "admin", 5);
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->front().scope, "link");
  EXPECT_EQ(audit->front().purpose, "deduplication for the report");

  // Analysts' count of persons follows the clusters.
  Result<Stats> stats = admin_->Statistics();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->linkage.person_records, static_cast<int64_t>(truth.size()));
  EXPECT_EQ(stats->linkage.clusters, static_cast<int64_t>(report.clusters));
  EXPECT_EQ(stats->linkage.distinct_persons(),
            static_cast<int64_t>(report.persons - report.linked_persons + report.clusters));
  EXPECT_EQ(stats->linkage.run, report.first_seq);

  // The queue is ordered by uncertainty and explains each pair.
  int64_t total = 0;
  Result<std::vector<LinkPair>> queue =
      admin_->LinkPairs({.undecided_only = true, .by_uncertainty = true, .limit = 50}, &total);
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  EXPECT_EQ(total, static_cast<int64_t>(report.kept_pairs));
  for (size_t i = 1; i < queue->size(); ++i) {
    EXPECT_LE(std::abs((*queue)[i - 1].probability - 0.5), std::abs((*queue)[i].probability - 0.5));
  }
  ASSERT_FALSE(queue->empty());
  EXPECT_FALSE((*queue)[0].explanation["fields"].empty());

  // A second run reuses the recorded model and finds the same clusters.
  const std::vector<LinkCluster> first = AllClusters(*admin_);
  LinkRunReport again = MustRun(*admin_);
  EXPECT_FALSE(again.trained);
  EXPECT_EQ(again.model_seq, report.model_seq);
  const std::vector<LinkCluster> second = AllClusters(*admin_);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].records, second[i].records);
}

TEST_F(LinkageTest, DecisionsChangeClustersBindLaterRunsAndCanBeRevoked) {
  MustRun(*admin_);
  std::vector<LinkCluster> clusters = AllClusters(*admin_);
  ASSERT_GE(clusters.size(), 2u);
  const std::string a = clusters[0].records[0], b = clusters[0].records[1];
  const std::string c = clusters[1].records[0];

  // "Different" takes the second record out of its cluster...
  Result<uint64_t> apart = admin_->DecideLink(a, b, /*same=*/false, "different mothers");
  ASSERT_TRUE(apart.ok()) << apart.status().ToString();
  EXPECT_NE(ClusterOf(*admin_, a), ClusterOf(*admin_, b));
  // ... "same" joins two clusters ...
  Result<uint64_t> together = admin_->DecideLink(c, a, /*same=*/true, "same scar, same village");
  ASSERT_TRUE(together.ok()) << together.status().ToString();
  EXPECT_EQ(ClusterOf(*admin_, a), ClusterOf(*admin_, c));
  // ... and both hold through a new run and a rebuild.
  MustRun(*admin_);
  EXPECT_NE(ClusterOf(*admin_, a), ClusterOf(*admin_, b));
  EXPECT_EQ(ClusterOf(*admin_, a), ClusterOf(*admin_, c));
  Result<Repository::RebuildReport> rebuilt = admin_->Rebuild();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_TRUE(rebuilt->identical());
  EXPECT_EQ(ClusterOf(*admin_, a), ClusterOf(*admin_, c));

  // The queue leaves out decided pairs; the pair shows its decision.
  Result<std::vector<LinkPair>> pairs = admin_->LinkPairs({.record = a, .limit = 100});
  ASSERT_TRUE(pairs.ok());
  for (const LinkPair& p : *pairs) {
    if ((p.a == a && p.b == b) || (p.a == b && p.b == a)) {
      EXPECT_EQ(p.decision, "different");
    }
  }
  Result<std::vector<LinkPair>> queue = admin_->LinkPairs({.record = a, .undecided_only = true});
  ASSERT_TRUE(queue.ok());
  for (const LinkPair& p : *queue) EXPECT_TRUE(p.decision.empty());

  // Revoking "same" undoes the join; the decision stays in the ledger, marked.
  Result<uint64_t> revoked = admin_->RevokeLinkDecision(*together, "mistaken scar");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_NE(ClusterOf(*admin_, a), ClusterOf(*admin_, c));
  Result<std::vector<LinkDecision>> all = admin_->LinkDecisions("", /*in_force_only=*/false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].revoked_by, *revoked);
  EXPECT_EQ(admin_->LinkDecisions("", true)->size(), 1u);
  EXPECT_EQ(admin_->RevokeLinkDecision(*together, "again").status().code(),
            StatusCode::kFailedPrecondition);

  Result<VerifyReport> verified = admin_->Verify({});
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
}

TEST_F(LinkageTest, BadDecisionsChangeNothing) {
  const uint64_t before = admin_->Ledger()->size;
  std::string person, other, act;
  ASSERT_TRUE(admin_
                  ->List({.kind = model::Kind::kPerson, .limit = 2},
                         [&](const Record& r) {
                           (person.empty() ? person : other) = r.id;
                           return true;
                         })
                  .ok());
  ASSERT_TRUE(admin_
                  ->List({.kind = model::Kind::kAct, .limit = 1},
                         [&](const Record& r) {
                           act = r.id;
                           return true;
                         })
                  .ok());
  auto code = [&](const std::string& a, const std::string& b, const std::string& reason) {
    return admin_->DecideLink(a, b, true, reason).status().code();
  };
  EXPECT_EQ(code(person, person, "r"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(person, act, "r"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(person, "per-nobody", "r"), StatusCode::kNotFound);
  EXPECT_EQ(code(person, other, ""), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(person, other, "two\nlines"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(person, other, std::string(5000, 'x')), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(std::string(1 << 20, 'p'), other, "r"), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->RevokeLinkDecision(3, "r").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(admin_->LinkPersons({.purpose = ""}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->LinkPairs({.limit = 5000}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->LinkClusters("", 0, 10, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->Ledger()->size, before);
  // A decision made twice is refused, naming the first.
  ASSERT_TRUE(admin_->DecideLink(person, other, true, "r").ok());
  Status twice = admin_->DecideLink(other, person, false, "r").status();
  EXPECT_EQ(twice.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(twice.message().find("revoke it first"), std::string::npos) << twice.message();
}

TEST_F(LinkageTest, OnlyClearedInvestigatorsRunAndReviewAndEveryoneReads) {
  ASSERT_TRUE(admin_->CreateAccount("inv", Role::kInvestigator, true, "password of inv").ok());
  ASSERT_TRUE(
      admin_->CreateAccount("uncleared", Role::kInvestigator, false, "password of uncleared").ok());
  ASSERT_TRUE(admin_->CreateAccount("ana", Role::kAnalyst, false, "password of ana").ok());
  auto inv = SignedIn("inv");
  auto uncleared = SignedIn("uncleared");
  auto ana = SignedIn("ana");
  ASSERT_TRUE(inv && uncleared && ana);
  const LinkRunOptions run{.purpose = "matrix"};
  EXPECT_EQ(ana->LinkPersons(run).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(uncleared->LinkPersons(run).status().code(), StatusCode::kPermissionDenied);
  auto locked = SignedIn("inv", /*unlock=*/false);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->LinkPersons(run).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(inv->LinkPersons(run).ok());

  std::vector<LinkCluster> clusters = AllClusters(*ana);  // analysts count persons
  ASSERT_FALSE(clusters.empty());
  const std::string a = clusters[0].records[0], b = clusters[0].records[1];
  EXPECT_EQ(ana->DecideLink(a, b, false, "r").status().code(), StatusCode::kPermissionDenied);
  Result<uint64_t> decided = uncleared->DecideLink(a, b, false, "read the transcripts");
  EXPECT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ(ana->RevokeLinkDecision(*decided, "r").status().code(), StatusCode::kPermissionDenied);
}

// A repository made before linkage (schema version 3) gains the linkage tables, empty, when it
// is opened; anything older is still refused.
TEST(LinkageSchemaTest, AVersion3RepositoryGainsTheLinkageTables) {
  TestEnv env;
  TempDir dir;
  Options options = FastOptions(&env);
  {
    auto made = Repository::Init(dir / "r", options, TestInit(/*gazetteer=*/false));
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    ASSERT_TRUE((*made)->Add({{"kind", "person"}, {"id", "per-a"}, {"names", {"김철수"}}}).ok());
  }
  auto exec = [&](const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "r/custodian.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  };
  exec(
      "DROP TABLE link_pairs; DROP TABLE link_clusters; DROP TABLE link_decisions; "
      "UPDATE meta SET value = '3' WHERE key = 'schema_version'");
  auto reopened = OpenAs(dir / "r", options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  Result<std::vector<LinkCluster>> clusters = (*reopened)->LinkClusters("", 2, 10, 0);
  ASSERT_TRUE(clusters.ok()) << clusters.status().ToString();
  EXPECT_TRUE(clusters->empty());
  Result<Repository::RebuildReport> rebuilt = (*reopened)->Rebuild();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_TRUE(rebuilt->identical());
  reopened->reset();
  exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  EXPECT_EQ(OpenAs(dir / "r", options).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace custodian::repo
