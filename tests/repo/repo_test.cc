// The repository core end to end on real SQLite files: every mutation is one ledger entry
// committed with its projection; rebuild reproduces the projections; imports are all or
// nothing; export -> import -> export is byte-identical; filters find what they should.
#include "repo/repo.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "base/canonical_json.h"
#include "testing/test_env.h"
#include "testing/test_repo.h"

namespace custodian::repo {
namespace {

using custodian::testing::FastOptions;
using custodian::testing::FullExport;
using custodian::testing::OpenAs;
using custodian::testing::TempDir;
using custodian::testing::TestEnv;
using custodian::testing::TestInit;

class RepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FastOptions(&env_);
    Result<std::unique_ptr<Repository>> repo =
        Repository::Init(dir_.path() + "/r", options_, TestInit());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
  }

  Record AddOk(const Json& doc) {
    Result<Record> r = repo_->Add(doc);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << " for " << doc.dump();
    return r.ok() ? *r : Record{};
  }

  // Ledger size, root and projection digest: equal fingerprints, unchanged repository.
  std::string Fingerprint() {
    Result<LedgerInfo> info = repo_->Ledger();
    EXPECT_TRUE(info.ok());
    Result<Repository::RebuildReport> rebuilt = repo_->Rebuild();
    EXPECT_TRUE(rebuilt.ok());
    EXPECT_TRUE(rebuilt->identical());
    return std::to_string(info->size) + ":" + crypto::HexEncode(info->root) + ":" +
           crypto::HexEncode(rebuilt->after);
  }

  Result<ImportReport> ImportText(const std::string& text, bool skip_bad = false,
                                  std::vector<uint64_t>* rejected_lines = nullptr) {
    std::istringstream in(text);
    ImportOptions options;
    options.source_name = "test.jsonl";
    options.skip_bad = skip_bad;
    options.on_reject = [rejected_lines](uint64_t line, std::string_view, const std::string&) {
      if (rejected_lines) rejected_lines->push_back(line);
    };
    return repo_->Import(in, options);
  }

  std::vector<std::string> ListIds(const ListQuery& query) {
    std::vector<std::string> ids;
    Status s = repo_->List(query, [&](const Record& r) {
      ids.push_back(r.id);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }

  TestEnv env_;
  TempDir dir_;
  Options options_;
  std::unique_ptr<Repository> repo_;
};

const Json kPerson = {{"kind", "person"},
                      {"id", "per-t1"},
                      {"names", {"김철수", {{"text", "Kim Chol Su"}, {"lang", "ko-Latn"}}}},
                      {"sex", "male"},
                      {"born", "about 1975"}};

TEST_F(RepoTest, InitRecordsGazetteerAndKeyInTheLedger) {
  Result<LedgerInfo> info = repo_->Ledger();
  ASSERT_TRUE(info.ok());
  Result<std::vector<Json>> places = model::BuiltinGazetteer();
  ASSERT_TRUE(places.ok());
  // The init entry, the first admin account, then one per place.
  EXPECT_EQ(info->size, 2 + places->size());
  EXPECT_EQ(info->repository_id.size(), 32u);
  std::optional<Json> first;
  ASSERT_TRUE(repo_
                  ->Log(0, 1,
                        [&](uint64_t, const ledger::Hash&, const Json& e) {
                          first = e;
                          return true;
                        })
                  .ok());
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ((*first)["op"], "init");
  EXPECT_EQ((*first)["public_key"], info->public_key);
  EXPECT_TRUE((*first)["vocabularies"].contains("violation_types"));
  // The key file is private to its owner.
  struct stat st;
  ASSERT_EQ(::stat((dir_.path() + "/r/ledger.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second init of the same directory is refused.
  EXPECT_EQ(Repository::Init(dir_.path() + "/r", options_, TestInit()).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_F(RepoTest, EachMutationIsOneCanonicalLedgerEntry) {
  uint64_t before = repo_->Ledger()->size;
  Record person = AddOk(kPerson);
  EXPECT_EQ(person.version, 1);
  // Identifying fields are sealed: listed, not shown, until revealed with a purpose.
  EXPECT_EQ(person.body["sealed"], Json({"names", "born"}));
  EXPECT_FALSE(person.body.contains("born"));
  EXPECT_EQ(repo_->Ledger()->size, before + 1);

  Result<Record> amended = repo_->Amend("per-t1", {{"born", "1976"}}, "birth year confirmed");
  ASSERT_TRUE(amended.ok()) << amended.status().ToString();
  EXPECT_EQ(amended->version, 2);
  EXPECT_EQ(repo_->Ledger()->size, before + 2);

  // The stored bytes are canonical JSON and hash to the leaf the tree holds.
  ASSERT_TRUE(repo_
                  ->Log(before, 2,
                        [&](uint64_t seq, const ledger::Hash& leaf, const Json& e) {
                          std::string canonical = CanonicalJson(e);
                          EXPECT_EQ(ledger::LeafHash(canonical), leaf) << seq;
                          EXPECT_EQ(e["by"], "admin");
                          EXPECT_EQ(e["id"], "per-t1");
                          return true;
                        })
                  .ok());

  Record revealed = repo_->Reveal("per-t1", "test of normalisation", 1).value();
  EXPECT_EQ(revealed.body["born"], "1975~");  // normalised to EDTF
  EXPECT_EQ(revealed.body["names"][0], Json({{"text", "김철수"}}));

  Result<std::vector<Record>> history = repo_->History("per-t1");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].reason, "birth year confirmed");
  EXPECT_EQ(repo_->Reveal("per-t1", "history check", 1)->body["born"], "1975~");
  EXPECT_EQ(repo_->Reveal("per-t1", "history check", 2)->body["born"], "1976");
  EXPECT_EQ(repo_->Get("per-t1", 3).status().code(), StatusCode::kNotFound);
}

TEST_F(RepoTest, RejectedMutationsChangeNothing) {
  AddOk(kPerson);
  const std::string before = Fingerprint();
  Json bad_date = {
      {"kind", "act"}, {"victim", "per-t1"}, {"violation", "torture"}, {"date", "spring 20O9"}};
  Result<Record> r = repo_->Add(bad_date);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("field 'date'"), std::string::npos);
  EXPECT_EQ(repo_->Add({{"kind", "act"}, {"victim", "per-nobody"}, {"violation", "torture"}})
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      repo_->Add({{"kind", "act"}, {"victim", "per-t1"}, {"violation", "tortur"}}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(repo_->Add(kPerson).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(repo_->Amend("per-t1", {{"born", "1976"}}, "").status().code(),
            StatusCode::kInvalidArgument);  // no reason
  EXPECT_EQ(repo_->Amend("per-t1", {{"id", "per-x"}}, "r").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(repo_->Amend("per-t1", {{"born", "about 1975"}}, "r").status().code(),
            StatusCode::kInvalidArgument);  // changes nothing
  EXPECT_EQ(repo_->Amend("per-zzz", {{"born", "1976"}}, "r").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(RepoTest, RebuildReproducesProjectionsAndDetectsTampering) {
  AddOk(kPerson);
  AddOk({{"kind", "source"}, {"id", "src-t1"}, {"type", "interview"}, {"date", "2015-06"}});
  AddOk({{"kind", "act"},
         {"id", "act-t1"},
         {"victim", "per-t1"},
         {"violation", "torture"},
         {"place", "plc-kp-north-hamgyong-hoeryong"},
         {"date", "spring 2009"},
         {"sources", {"src-t1"}}});
  ASSERT_TRUE(repo_->Amend("act-t1", {{"date", "2009-04"}}, "more precise").ok());
  Result<Repository::RebuildReport> first = repo_->Rebuild();
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->identical());
  EXPECT_GT(first->entries, 240u);

  // Change a projection behind Custodian's back: the rebuild notices and repairs it.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() + "/r/custodian.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE records SET type = 'murder' WHERE id = 'act-t1'", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  Result<Repository::RebuildReport> second = repo_->Rebuild();
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->identical());
  EXPECT_EQ(second->after, first->after);
  EXPECT_EQ(repo_->Count({.type = "torture"}).value(), 1);
}

TEST_F(RepoTest, ListFiltersByKindTermHierarchyPlaceAndDate) {
  AddOk(kPerson);
  auto act = [&](const std::string& id, const std::string& violation, const std::string& place,
                 const std::string& date) {
    AddOk({{"kind", "act"},
           {"id", id},
           {"victim", "per-t1"},
           {"violation", violation},
           {"place", place},
           {"date", date}});
  };
  act("act-a", "public_execution", "plc-kp-north-hamgyong-hoeryong", "spring 2009");
  act("act-b", "torture", "plc-kp-north-hamgyong-onsong", "between 2008 and 2010");
  act("act-c", "torture", "plc-cn-jilin-tumen", "1990s");
  act("act-d", "forced_abortion", "plc-kp-north-hamgyong-hoeryong", "2011-03-14");

  EXPECT_EQ(ListIds({.kind = model::Kind::kAct}).size(), 4u);
  EXPECT_EQ(ListIds({.type = "torture"}), (std::vector<std::string>{"act-b", "act-c"}));
  // "killing" is a parent term of public_execution in violation_types.
  EXPECT_EQ(ListIds({.kind = model::Kind::kAct, .type = "killing"}),
            (std::vector<std::string>{"act-a"}));
  EXPECT_EQ(ListIds({.kind = model::Kind::kAct, .place = "plc-kp-north-hamgyong"}),
            (std::vector<std::string>{"act-a", "act-b", "act-d"}));
  EXPECT_EQ(ListIds({.kind = model::Kind::kAct, .date = "2009"}),
            (std::vector<std::string>{"act-a", "act-b"}));
  EXPECT_EQ(ListIds({.kind = model::Kind::kAct, .date = "1995"}),
            (std::vector<std::string>{"act-c"}));
  EXPECT_EQ(ListIds({.refers_to = "per-t1"}).size(), 4u);
  EXPECT_EQ(ListIds({.kind = model::Kind::kAct, .limit = 2, .offset = 1}),
            (std::vector<std::string>{"act-b", "act-c"}));
  EXPECT_EQ(repo_->Count({.kind = model::Kind::kAct, .place = "plc-kp-north-hamgyong"}).value(), 3);
  // Keyset pages: after an id, with and without the other filters.
  EXPECT_EQ(ListIds({.kind = model::Kind::kAct, .after = "act-b"}),
            (std::vector<std::string>{"act-c", "act-d"}));
  EXPECT_EQ(
      ListIds({.kind = model::Kind::kAct, .place = "plc-kp-north-hamgyong", .after = "act-a"}),
      (std::vector<std::string>{"act-b", "act-d"}));
  EXPECT_EQ(ListIds({.kind = model::Kind::kAct, .date = "2009", .limit = 1, .after = "act-a"}),
            (std::vector<std::string>{"act-b"}));
  EXPECT_TRUE(ListIds({.kind = model::Kind::kAct, .after = "act-z"}).empty());
  EXPECT_EQ(repo_->List({.place = "plc-nowhere"}, [](const Record&) { return true; }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(repo_->List({.date = "spring 20O9"}, [](const Record&) { return true; }).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(repo_->List({.type = "nonsense"}, [](const Record&) { return true; }).code(),
            StatusCode::kInvalidArgument);

  Result<Stats> stats = repo_->Statistics();
  ASSERT_TRUE(stats.ok());
  bool saw_north_hamgyong = false;
  for (const auto& [province, n] : stats->acts_by_province) {
    if (province == "plc-kp-north-hamgyong") {
      EXPECT_EQ(n, 3);
      saw_north_hamgyong = true;
    }
  }
  EXPECT_TRUE(saw_north_hamgyong);
}

// A schema 4 database (filter indexes without date_last and id) gets the new indexes when it
// is opened, answers the same, and a filtered count then never reads the table.
TEST_F(RepoTest, AVersion4RepositoryGetsTheFilterIndexes) {
  AddOk(kPerson);
  for (int i = 0; i < 5; ++i) {
    AddOk({{"kind", "act"},
           {"victim", "per-t1"},
           {"violation", i % 2 ? "torture" : "forced_labour"},
           {"place", "plc-kp-north-hamgyong-hoeryong"},
           {"date", std::to_string(2005 + i)}});
  }
  const ListQuery query = {.kind = model::Kind::kAct,
                           .type = "torture",
                           .place = "plc-kp-north-hamgyong",
                           .date = "between 2005 and 2007"};
  const std::vector<std::string> expected = ListIds(query);
  ASSERT_EQ(expected.size(), 1u);
  Result<std::string> token = repo_->CreateToken("made before tokens expired");
  ASSERT_TRUE(token.ok());
  const std::string before = Fingerprint();
  repo_.reset();

  const std::string db_path = dir_.path() + "/r/custodian.db";
  auto sql = [&](const std::string& statement) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    std::string rows;
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(
                  db, statement.c_str(),
                  [](void* out, int n, char** values, char**) {
                    for (int i = 0; i < n; ++i) {
                      *static_cast<std::string*>(out) +=
                          (values[i] ? values[i] : "") + std::string("|");
                    }
                    return 0;
                  },
                  &rows, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    return rows;
  };
  sql("DROP INDEX records_filter_type; DROP INDEX records_filter_place; "
      "CREATE INDEX records_kind_type_place ON records (kind, type, place, date_first); "
      "CREATE INDEX records_kind_place ON records (kind, place, date_first); "
      "ALTER TABLE tokens DROP COLUMN expires; "
      "UPDATE meta SET value = '4' WHERE key = 'schema_version'");

  auto reopened = OpenAs(dir_.path() + "/r", options_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  repo_ = std::move(reopened).value();
  EXPECT_EQ(ListIds(query), expected);
  EXPECT_EQ(Fingerprint(), before);
  // Tokens of before expire 90 days after they were made.
  Result<std::vector<Repository::TokenInfo>> tokens = repo_->Tokens(custodian::testing::kAdmin);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].created.substr(0, 10), "2026-11-28");
  EXPECT_EQ((*tokens)[0].expires, "2027-02-26" + (*tokens)[0].created.substr(10, 9) + ".000000Z");
  EXPECT_TRUE(repo_->SignInWithToken(*token).ok());
  env_.Advance(int64_t{91} * 86400 * 1000000);
  EXPECT_EQ(repo_->SignInWithToken(*token).code(), StatusCode::kPermissionDenied);
  repo_.reset();
  EXPECT_EQ(sql("SELECT value FROM meta WHERE key = 'schema_version'"), "5|");
  EXPECT_EQ(sql("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'records_%' "
                "ORDER BY name"),
            "records_date|records_filter_place|records_filter_type|records_place|");
  const std::string plan =
      sql("EXPLAIN QUERY PLAN SELECT count(*) FROM records WHERE kind = 'act' AND type IN "
          "('torture') AND place IN ('plc-kp-north-hamgyong-hoeryong') AND date_first <= 13878 "
          "AND date_last >= 13514");
  EXPECT_NE(plan.find("COVERING INDEX records_filter_type"), std::string::npos) << plan;
}

const char* kGoodLines =
    R"({"kind":"person","id":"per-i1","names":["리영희"],"sex":"female"})"
    "\n"
    R"({"kind":"source","id":"src-i1","type":"interview","date":"2014","transcript":"..."})"
    "\n"
    R"({"kind":"act","id":"act-i1","victim":"per-i1","violation":"forced_repatriation","date":"2010s","sources":["src-i1"]})"
    "\n";

TEST_F(RepoTest, ImportAppliesEveryLineInOneTransaction) {
  Result<ImportReport> report = ImportText(kGoodLines);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->applied);
  EXPECT_EQ(report->created, 3u);
  EXPECT_EQ(report->rejected, 0u);
  // Importing the same lines again is a no-op, not an error.
  const std::string before = Fingerprint();
  Result<ImportReport> again = ImportText(kGoodLines);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->applied);
  EXPECT_EQ(again->unchanged, 3u);
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(RepoTest, ImportWithBadLinesReportsEachAndAppliesNothing) {
  const std::string before = Fingerprint();
  std::string text =
      std::string(kGoodLines) +
      R"({"kind":"act","victim":"per-i1","violation":"torture","date":"spring 20O9"})"
      "\n"
      R"({"kind":"act","victim":"per-ghost","violation":"torture"})"
      "\n"
      R"({"kind":"act","victim":"per-i1","violation":"tortur"})"
      "\n"
      R"({"kind":"act","victim":"per-i1",)"
      "\n"
      "\xff\xfe\n"
      R"({"kind":"spaceship"})"
      "\n"
      R"([1,2,3])"
      "\n"
      R"({"kind":"person","id":"per-i1","names":["someone else"]})"
      "\n"
      R"({"kind":"act","victim":"per-i1","violation":"torture"})";  // no newline
  std::vector<uint64_t> rejected;
  Result<ImportReport> report = ImportText(text, false, &rejected);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->applied);
  EXPECT_EQ(report->lines, 12u);
  EXPECT_EQ(report->rejected, 8u);
  EXPECT_EQ(rejected, (std::vector<uint64_t>{4, 5, 6, 7, 8, 9, 10, 11}));
  ASSERT_EQ(report->errors.size(), 8u);
  EXPECT_NE(report->errors[0].message.find("field 'date'"), std::string::npos);
  EXPECT_NE(report->errors[1].message.find("per-ghost"), std::string::npos);
  EXPECT_NE(report->errors[2].message.find("did you mean 'torture'"), std::string::npos);
  EXPECT_NE(report->errors[3].message.find("end of input"), std::string::npos);
  EXPECT_NE(report->errors[7].message.find("already used on line 1"), std::string::npos);
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(repo_->Get("per-i1").status().code(), StatusCode::kNotFound);
}

TEST_F(RepoTest, ImportSkipBadAppliesTheGoodLines) {
  std::string text =
      std::string(kGoodLines) +
      R"({"kind":"act","victim":"per-i1","violation":"torture","date":"spring 20O9"})"
      "\n"
      R"({"kind":"act","victim":"per-i1","violation":"torture","date":"spring 2009"})"
      "\n";
  std::vector<uint64_t> rejected;
  Result<ImportReport> report = ImportText(text, true, &rejected);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->applied);
  EXPECT_EQ(report->created, 4u);
  EXPECT_EQ(rejected, (std::vector<uint64_t>{4}));
  EXPECT_EQ(repo_->Count({.kind = model::Kind::kAct}).value(), 2);
}

// The import prepares lines on one thread and writes them on another, in batches of 256: line
// numbers, references to lines just before (in the previous batch or the same one), duplicate
// ids and the order of the ledger must come out as if the file were read line by line.
TEST_F(RepoTest, ImportAcrossBatchesKeepsFileOrderAndLineNumbers) {
  std::string text = "\xEF\xBB\xBF";  // a byte order mark before the first line
  std::vector<std::string> expected_ids;
  std::vector<uint64_t> expected_rejected;
  uint64_t line = 0;
  auto add = [&](const std::string& text_line, const std::string& id, bool good) {
    text += text_line;
    text += (line % 7 == 3) ? "\r\n" : "\n";
    ++line;
    if (good && !id.empty()) expected_ids.push_back(id);
    if (!good) expected_rejected.push_back(line);
  };
  for (int i = 0; i < 400; ++i) {
    const std::string person = "per-b" + std::to_string(i);
    add(R"({"kind":"person","id":")" + person + R"(","names":["김 )" + std::to_string(i) + R"("]})",
        person, true);
    if (i == 127 || i == 300) add("  ", "", true);  // blank lines count as lines
    // Refers to the person on the line before, wherever the batch boundary falls.
    const std::string act = "act-b" + std::to_string(i);
    add(R"({"kind":"act","id":")" + act + R"(","victim":")" + person +
            R"(","violation":"torture"})",
        act, true);
    if (i % 97 == 5) add(R"({"kind":"act","victim":")" + person + R"(",)", "", false);
    if (i % 131 == 7)
      add(R"({"kind":"act","victim":"per-nobody","violation":"torture"})", "", false);
  }
  add(R"({"kind":"person","id":"per-b3","names":["again"]})", "", false);
  std::vector<uint64_t> rejected;
  Result<ImportReport> report = ImportText(text, /*skip_bad=*/true, &rejected);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->applied);
  EXPECT_EQ(report->lines, line);
  EXPECT_EQ(report->created, expected_ids.size());
  EXPECT_EQ(rejected, expected_rejected);
  ASSERT_FALSE(report->errors.empty());
  EXPECT_NE(report->errors.back().message.find("already used on line 7"), std::string::npos)
      << report->errors.back().message;

  std::vector<std::string> ledger_ids;
  auto collect = [&](uint64_t, const ledger::Hash&, const Json& entry) {
    const std::string id = entry.value("id", "");
    if (entry.value("op", "") == "create" && (id.starts_with("per-b") || id.starts_with("act-b"))) {
      ledger_ids.push_back(id);
    }
    return true;
  };
  ASSERT_TRUE(repo_->Log(0, 1'000'000, collect).ok());
  EXPECT_EQ(ledger_ids, expected_ids);
  Fingerprint();  // rebuilding the projections from the ledger reproduces them
}

TEST_F(RepoTest, ImportRejectsAHugeLineWithoutHoldingIt) {
  const std::string before = Fingerprint();
  std::string huge = R"({"kind":"person","names":[")" + std::string(100 << 20, 'x') + "\"]}\n";
  std::string text = std::string(kGoodLines) + huge;
  Result<ImportReport> report = ImportText(text);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->applied);
  ASSERT_EQ(report->errors.size(), 1u);
  EXPECT_EQ(report->errors[0].line, 4u);
  EXPECT_NE(report->errors[0].message.find("over the limit"), std::string::npos);
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(RepoTest, ImportRejectsDeepNestingAndOversizedFields) {
  std::string deep = R"({"kind":"person","names":)" + std::string(100000, '[') + "\n";
  std::string long_name = R"({"kind":"person","names":[")" + std::string(5000, 'a') + "\"]}\n";
  std::string many = R"({"kind":"dossier","title":"t","records":[)" + [] {
    std::string s;
    for (int i = 0; i < 10001; ++i) s += std::string(i ? "," : "") + "\"per-x\"";
    return s;
  }() + "]}\n";
  Result<ImportReport> report = ImportText(deep + long_name + many);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rejected, 3u);
  EXPECT_FALSE(report->applied);
}

TEST_F(RepoTest, ExportImportRoundTripsExactly) {
  ASSERT_TRUE(ImportText(kGoodLines).ok());
  AddOk({{"kind", "organization"},
         {"id", "org-t1"},
         {"names", {"Onsong county MSS"}},
         {"agency", "mss"}});
  AddOk({{"kind", "organization"}, {"id", "org-t2"}, {"names", {"MSS North Hamgyong"}}});
  // An amendment that refers to a record created later: export must still order it after.
  ASSERT_TRUE(repo_->Amend("org-t1", {{"parent", "org-t2"}}, "hierarchy established").ok());
  AddOk({{"kind", "claim"},
         {"id", "clm-t1"},
         {"subject", "act-i1"},
         {"statement", "The act took place at the Onsong holding centre."},
         {"sources", {{{"source", "src-i1"}, {"reliability", "b"}, {"credibility", "2"}}}}});
  std::ostringstream first;
  ASSERT_TRUE(repo_->Export(first, FullExport()).ok());

  Options other = options_;
  Result<std::unique_ptr<Repository>> bare =
      Repository::Init(dir_.path() + "/bare", other, TestInit(false));
  ASSERT_TRUE(bare.ok());
  std::istringstream in(first.str());
  Result<ImportReport> report = (*bare)->Import(in, {});
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->applied) << (report->errors.empty() ? "" : report->errors[0].message);
  std::ostringstream second;
  ASSERT_TRUE((*bare)->Export(second, FullExport()).ok());
  EXPECT_EQ(first.str(), second.str());
  EXPECT_GT(report->created, 240u);
  EXPECT_EQ((*bare)->Get("org-t1")->body["parent"], "org-t2");
}

TEST_F(RepoTest, ReopenedRepositoryContinuesItsLedger) {
  AddOk(kPerson);
  LedgerInfo before = repo_->Ledger().value();
  repo_.reset();
  Result<std::unique_ptr<Repository>> reopened = OpenAs(dir_.path() + "/r", options_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Ledger()->root, before.root);
  ASSERT_TRUE((*reopened)->Add({{"kind", "person"}, {"names", {"박영호"}}}).ok());
  EXPECT_EQ((*reopened)->Ledger()->size, before.size + 1);
  EXPECT_EQ(OpenAs(dir_.path() + "/missing", options_).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace custodian::repo
