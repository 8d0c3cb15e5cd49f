// The search index as a projection of a repository: what it finds, what it must never hold or
// show (sealed names and passages, dossiers not granted), and how it follows amendments,
// erasures, rebuilds and a locked repository.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

constexpr char kSealedName[] = "홍길순";
constexpr char kSealedLatin[] = "Hong Kil-sun";
constexpr char kSealedPassage[] = "Qwertyuiop Brother";

std::vector<std::string> Ids(const SearchReport& report) {
  std::vector<std::string> ids;
  for (const search::Hit& hit : report.results.hits) ids.push_back(hit.id);
  return ids;
}

bool Has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

uint64_t FacetCount(const SearchReport& report, search::Facet facet, const std::string& value) {
  for (const search::FacetCount& c : report.results.facets[static_cast<size_t>(facet)]) {
    if (c.value == value) return c.count;
  }
  return 0;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FastOptions(&env_);
    auto repo = Repository::Init(dir_ / "r", options_, TestInit(/*gazetteer=*/false));
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    admin_ = std::move(repo).value();
    for (const Json& doc : std::vector<Json>{
             {{"kind", "place"}, {"id", "plc-p"}, {"type", "province"}, {"names", {"Hamgyong"}}},
             {{"kind", "place"},
              {"id", "plc-x"},
              {"type", "county"},
              {"parent", "plc-p"},
              {"names", {"Onsong", "온성"}}},
             {{"kind", "person"},
              {"id", "per-w"},
              {"names", {kSealedName, kSealedLatin}},
              {"sex", "female"}},
             {{"kind", "source"},
              {"id", "src-w"},
              {"type", "interview"},
              {"interviewee", "per-w"},
              {"date", "2012"},
              {"reliability", "b"},
              {"transcript", std::string("I was held in Onsong. [sensitive]") + kSealedPassage +
                                 " still lives there.[/sensitive] Then I was sent to the camp."}},
             {{"kind", "act"},
              {"id", "act-w"},
              {"violation", "torture"},
              {"victim", "per-w"},
              {"place", "plc-x"},
              {"date", "spring 2009"},
              {"description", "Beaten during interrogation."}},
             {{"kind", "dossier"},
              {"id", "dos-secret"},
              {"title", "Onsong case file"},
              {"records", {"act-w"}}}}) {
      Result<Record> added = admin_->Add(doc);
      ASSERT_TRUE(added.ok()) << added.status().ToString();
    }
    Result<uint64_t> updated = admin_->UpdateSearchIndex();
    ASSERT_TRUE(updated.ok()) << updated.status().ToString();
    ASSERT_GT(*updated, 6u);
  }

  std::unique_ptr<Repository> SignedIn(const std::string& account, bool unlock = true) {
    auto repo =
        OpenAs(dir_ / "r", options_, account,
               account == "admin" ? testing::kAdminPassword : "password of " + account, unlock);
    EXPECT_TRUE(repo.ok()) << repo.status().ToString();
    return repo.ok() ? std::move(repo).value() : nullptr;
  }

  SearchReport MustSearch(Repository& repo, SearchRequest request) {
    Result<SearchReport> report = repo.Search(request);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(report).value() : SearchReport{};
  }

  // Every byte of the search index's files.
  std::string IndexBytes() {
    std::string all;
    for (const auto& file : std::filesystem::recursive_directory_iterator(dir_ / "r/search")) {
      if (!file.is_regular_file()) continue;
      std::ifstream in(file.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      all += s.str();
    }
    return all;
  }

  TestEnv env_;
  TempDir dir_;
  Options options_;
  std::unique_ptr<Repository> admin_;
};

TEST_F(SearchIndexTest, FindsWordsPlacesAndLabelsWithFacets) {
  SearchReport onsong = MustSearch(*admin_, {.text = "Onsong"});
  std::vector<std::string> ids = Ids(onsong);
  EXPECT_TRUE(Has(ids, "plc-x"));
  EXPECT_TRUE(Has(ids, "src-w"));
  EXPECT_TRUE(Has(ids, "act-w"));  // at a place named Onsong, though its text does not say so
  EXPECT_TRUE(Has(ids, "dos-secret"));
  EXPECT_EQ(onsong.behind, 0u);
  // In Hangul too; and the violation's label is searchable.
  EXPECT_TRUE(Has(Ids(MustSearch(*admin_, {.text = "온성"})), "act-w"));
  EXPECT_EQ(Ids(MustSearch(*admin_, {.text = "torture"})), std::vector<std::string>{"act-w"});
  // A province finds what lies inside it; dates overlap as fuzzy ranges.
  SearchReport in_province = MustSearch(
      *admin_, {.filters = {{search::Facet::kPlace, {"plc-p"}}, {search::Facet::kKind, {"act"}}},
                .from = "2009-05",
                .to = "2010"});
  EXPECT_EQ(Ids(in_province), std::vector<std::string>{"act-w"});
  EXPECT_EQ(FacetCount(in_province, search::Facet::kViolationType, "torture"), 1u);
  EXPECT_TRUE(Ids(MustSearch(*admin_, {.text = "Onsong", .from = "2010", .to = "2011"})).empty());
  SearchReport graded = MustSearch(*admin_, {.filters = {{search::Facet::kGrade, {"b"}}}});
  EXPECT_EQ(Ids(graded), std::vector<std::string>{"src-w"});

  EXPECT_EQ(admin_->Search({.text = "\"unbalanced"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->Search({}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->Search({.text = "x", .from = "the day after"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SearchIndexTest, SealedNamesAndPassagesAreNeitherIndexedNorShown) {
  for (const char* secret : {kSealedName, "Hong Kil Sun", "Hong Gil-sun", kSealedPassage}) {
    SearchReport report = MustSearch(*admin_, {.text = secret});
    EXPECT_EQ(report.results.total, 0u) << secret;
  }
  SearchReport onsong = MustSearch(*admin_, {.text = "Onsong camp"});
  ASSERT_FALSE(onsong.results.hits.empty());
  for (const search::Hit& hit : onsong.results.hits) {
    for (const search::Snippet& s : hit.snippets) {
      EXPECT_EQ(s.html.find("Qwertyuiop"), std::string::npos) << s.html;
    }
  }
  const std::string bytes = IndexBytes();
  ASSERT_GT(bytes.size(), 1000u);
  for (const char* secret : {kSealedName, "Hong Kil", "Qwertyuiop", "qwertyuiop", "hong"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " is in the index files";
  }
}

TEST_F(SearchIndexTest, ClearedSearchForSealedNamesNeedsAPurposeAndIsAudited) {
  SearchRequest request{.text = "HONG Gilsun", .identities = true};
  EXPECT_EQ(admin_->Search(request).status().code(), StatusCode::kInvalidArgument);  // purpose
  request.purpose = "locating the witness's testimonies for the trial bundle";
  SearchReport found = MustSearch(*admin_, request);
  std::vector<std::string> ids = Ids(found);
  EXPECT_TRUE(Has(ids, "per-w"));
  EXPECT_TRUE(Has(ids, "src-w"));  // the testimony she gave
  EXPECT_TRUE(Has(ids, "act-w"));  // what was done to her
  EXPECT_TRUE(Has(
      Ids(MustSearch(*admin_,
                     {.text = kSealedName, .identities = true, .purpose = "the same, in Hangul"})),
      "per-w"));
  Result<std::vector<AccessEvent>> audit = admin_->Audit("per-w", "admin", 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].scope, "search");

  ASSERT_TRUE(admin_->CreateAccount("ana", Role::kAnalyst, false, "password of ana").ok());
  auto analyst = SignedIn("ana");
  EXPECT_EQ(
      analyst->Search({.text = kSealedName, .identities = true, .purpose = "p"}).status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(MustSearch(*analyst, {.text = kSealedName}).results.total, 0u);
}

TEST_F(SearchIndexTest, DossiersNotGrantedAreNeitherFoundNorCounted) {
  ASSERT_TRUE(admin_->CreateAccount("inv", Role::kInvestigator, false, "password of inv").ok());
  auto investigator = SignedIn("inv");
  SearchReport report = MustSearch(*investigator, {.text = "Onsong"});
  EXPECT_FALSE(Has(Ids(report), "dos-secret"));
  EXPECT_EQ(FacetCount(report, search::Facet::kKind, "dossier"), 0u);
  const uint64_t without = report.results.total;
  ASSERT_TRUE(admin_->Grant("inv", "dos-secret", true).ok());
  investigator = SignedIn("inv");
  report = MustSearch(*investigator, {.text = "Onsong"});
  EXPECT_TRUE(Has(Ids(report), "dos-secret"));
  EXPECT_EQ(FacetCount(report, search::Facet::kKind, "dossier"), 1u);
  EXPECT_EQ(report.results.total, without + 1);
}

TEST_F(SearchIndexTest, FollowsAmendmentsErasureAndRebuild) {
  auto named = [&](const std::string& name) {
    return Ids(MustSearch(*admin_, {.text = name, .identities = true, .purpose = "test"}));
  };
  ASSERT_TRUE(admin_->Amend("per-w", {{"names", {"박영희"}}}, "her real name").ok());
  ASSERT_TRUE(admin_->Amend("src-w", {{"title", "Second interview"}}, "titled").ok());
  EXPECT_TRUE(Has(named("Pak Yong Hui"), "src-w"));  // the testimony follows its interviewee
  EXPECT_FALSE(Has(named("Hong Kil Sun"), "per-w"));
  EXPECT_EQ(Ids(MustSearch(*admin_, {.text = "second interview"})),
            std::vector<std::string>{"src-w"});

  ASSERT_TRUE(admin_->EraseIdentity("per-w", "the witness asked to be forgotten").ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "r/search"));  // dropped with the key
  EXPECT_TRUE(named("Pak Yong Hui").empty());
  EXPECT_TRUE(Has(Ids(MustSearch(*admin_, {.text = "Onsong"})), "src-w"));  // the rest stays

  Result<Repository::RebuildReport> rebuilt = admin_->Rebuild();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_TRUE(Has(Ids(MustSearch(*admin_, {.text = "Onsong"})), "src-w"));
}

TEST_F(SearchIndexTest, SearchesWhileAnotherHolderHasTheIndexOpenForWriting) {
  // As when the server catches the index up while a CLI user searches: the search needs no
  // writer's lock once the index is current.
  Result<std::unique_ptr<search::Index>> writer = search::Index::Open(dir_ / "r/search");
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  SearchReport report = MustSearch(*SignedIn("admin"), {.text = "Onsong"});
  EXPECT_EQ(report.behind, 0u);
  EXPECT_TRUE(Has(Ids(report), "src-w"));
  // A change the index has not seen needs the writer: that is still refused, clearly.
  ASSERT_TRUE(
      admin_->Add({{"kind", "place"}, {"id", "plc-new"}, {"type", "county"}, {"names", {"Musan"}}})
          .ok());
  EXPECT_EQ(admin_->Search({.text = "Musan"}).status().code(), StatusCode::kUnavailable);
  writer->reset();
  EXPECT_EQ(Ids(MustSearch(*admin_, {.text = "Musan"})), std::vector<std::string>{"plc-new"});
}

TEST_F(SearchIndexTest, LockedRepositorySearchesWhatIsIndexedAndSaysItIsBehind) {
  auto locked = SignedIn("admin", /*unlock=*/false);
  ASSERT_TRUE(
      locked
          ->Add({{"kind", "place"}, {"id", "plc-new"}, {"type", "county"}, {"names", {"Hoeryong"}}})
          .ok());
  Result<SearchReport> stale = locked->Search({.text = "Hoeryong"});
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_EQ(stale->behind, 1u);
  EXPECT_EQ(stale->results.total, 0u);
  EXPECT_EQ(locked->UpdateSearchIndex().status().code(), StatusCode::kFailedPrecondition);
  locked.reset();
  SearchReport current = MustSearch(*SignedIn("admin"), {.text = "Hoeryong"});
  EXPECT_EQ(current.behind, 0u);
  EXPECT_EQ(Ids(current), std::vector<std::string>{"plc-new"});
}

// Relevance on a generated corpus imported like a user's: places asked for in Hangul and in
// romanizations, and practices asked for in English and Korean, against what the projection
// tables (list) say is there. Nothing here is hard-coded but the questions.
TEST(SearchRelevanceTest, PlacesAndPracticesAcrossScriptsOnASyntheticCorpus) {
  TestEnv env;
  TempDir dir;
  Options options = FastOptions(&env);
  auto made = Repository::Init(dir / "r", options, TestInit(/*gazetteer=*/true));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  std::unique_ptr<Repository> repo = std::move(made).value();
  std::stringstream corpus, truth;
  ASSERT_TRUE(synth::Generate({.persons = 150, .seed = 7}, corpus, truth).ok());
  Result<ImportReport> imported = repo->Import(corpus, {.source_name = "corpus"});
  ASSERT_TRUE(imported.ok() && imported->applied) << imported.status().ToString();
  ASSERT_TRUE(repo->UpdateSearchIndex().ok());

  struct Place {
    std::string id;
    std::vector<std::string> spellings;
  };
  // Counties the generator uses often, each in Hangul and two romanizations.
  const std::vector<Place> places = {
      {"plc-kp-north-hamgyong-onsong", {"온성", "Onsong", "Onsŏng"}},
      {"plc-kp-north-hamgyong-hoeryong", {"회령", "Hoeryong", "Hoeryŏng"}},
      {"plc-kp-north-pyongan-sinuiju", {"신의주", "Sinuiju", "Sinŭiju"}}};
  int checked = 0;
  for (const Place& place : places) {
    Result<int64_t> acts = repo->Count({.kind = model::Kind::kAct, .place = place.id});
    ASSERT_TRUE(acts.ok());
    if (*acts == 0) continue;
    ++checked;
    for (const std::string& spelling : place.spellings) {
      Result<SearchReport> found = repo->Search(
          {.text = spelling, .filters = {{search::Facet::kKind, {"act"}}}, .limit = 10});
      ASSERT_TRUE(found.ok()) << found.status().ToString();
      // Every act at the place (its name is indexed with it) is found, in every spelling...
      EXPECT_GE(found->results.total, static_cast<uint64_t>(*acts)) << spelling;
      // ...and the first page is about the place: at it or inside it, or naming it.
      for (const search::Hit& hit : found->results.hits) {
        bool at_place = false;
        ASSERT_TRUE(repo->List({.kind = model::Kind::kAct, .place = place.id, .refers_to = ""},
                               [&](const Record& r) {
                                 at_place = at_place || r.id == hit.id;
                                 return !at_place;
                               })
                        .ok());
        EXPECT_TRUE(at_place || !hit.snippets.empty()) << spelling << ": " << hit.id;
      }
    }
  }
  EXPECT_GE(checked, 2) << "the corpus should have acts at most of these places";

  // Practices: the violation's English and Korean labels find the acts coded so.
  for (const auto& [code, queries] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"forced_abortion", {"forced abortion", "강제 낙태"}},
           {"torture", {"torture", "고문"}}}) {
    Result<int64_t> coded = repo->Count({.kind = model::Kind::kAct, .type = code});
    ASSERT_TRUE(coded.ok());
    ASSERT_GT(*coded, 0) << code;
    for (const std::string& query : queries) {
      Result<SearchReport> found = repo->Search(
          {.text = query, .filters = {{search::Facet::kViolationType, {code}}}, .limit = 10});
      ASSERT_TRUE(found.ok()) << found.status().ToString();
      EXPECT_EQ(found->results.total, static_cast<uint64_t>(*coded)) << query;
      EXPECT_EQ(found->results.hits.size(), std::min<size_t>(10, static_cast<size_t>(*coded)));
    }
  }
}

}  // namespace
}  // namespace custodian::repo
