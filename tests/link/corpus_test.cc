// The synthetic corpus adapter (link.h, ParseSyntheticCorpus): birth years, identities from the
// ground truth, clear errors, and the unsupervised pairwise F1 the engine reaches on a small
// generated Korean corpus (labels used only to score the result). Prints aggregates only.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "link/link.h"
#include "model/model.h"
#include "synth/synth.h"

namespace custodian::link {
namespace {

TEST(CorpusTest, BirthYears) {
  EXPECT_EQ(CorpusBirthYear("1975"), 1975);
  EXPECT_EQ(CorpusBirthYear("about 1975"), 1975);
  EXPECT_EQ(CorpusBirthYear("1975년"), 1975);
  EXPECT_EQ(CorpusBirthYear("1975년경"), 1975);
  EXPECT_EQ(CorpusBirthYear("between 1978 and 1979"), 1978);
  EXPECT_EQ(CorpusBirthYear("1970s"), 0);     // a decade: unknown at year level
  EXPECT_EQ(CorpusBirthYear("1970년대"), 0);  // the same in Korean
  EXPECT_EQ(CorpusBirthYear(""), 0);
  EXPECT_EQ(CorpusBirthYear("12345"), 1234);  // the first four digits of a longer number
  EXPECT_EQ(CorpusBirthYear("unknown"), 0);
}

TEST(CorpusTest, BirthYearRanges) {
  using Range = std::pair<int, int>;
  EXPECT_EQ(CorpusBirthYears("1975"), Range(1975, 1975));
  EXPECT_EQ(CorpusBirthYears("about 1975"), Range(1975, 1975));
  EXPECT_EQ(CorpusBirthYears("1975년경"), Range(1975, 1975));
  EXPECT_EQ(CorpusBirthYears("between 1978 and 1979"), Range(1978, 1979));
  EXPECT_EQ(CorpusBirthYears("1970s"), Range(1970, 1979));
  EXPECT_EQ(CorpusBirthYears("1970년대"), Range(1970, 1979));
  EXPECT_EQ(CorpusBirthYears("1975s"), Range(1975, 1979));  // an odd decade: still its decade
  // Malformed ranges are read as their first year.
  EXPECT_EQ(CorpusBirthYears("between 1979 and 1978"), Range(1979, 1979));
  EXPECT_EQ(CorpusBirthYears("between 1978 and 19"), Range(1978, 1978));
  EXPECT_EQ(CorpusBirthYears("between 1978 and 197812"), Range(1978, 1978));
  EXPECT_EQ(CorpusBirthYears(""), Range(0, 0));
  EXPECT_EQ(CorpusBirthYears("born in the war"), Range(0, 0));
}

TEST(CorpusTest, ReadsPersonsAndIdentities) {
  const std::string corpus =
      R"({"kind":"organization","id":"org-s1-un"})"
      "\n"
      R"({"kind":"person","id":"per-s1-ngo-a-000007-r","names":[{"text":"김영희","lang":"ko"}],"sex":"female","born":"about 1950","origin":"plc-a","roles":["source_person","relative","witness"]})"
      "\n"
      R"({"kind":"person","id":"per-s1-ngo-a-000007","names":[{"text":"Kim Chol Su","lang":"ko-Latn","variant":"dprk"},{"text":"김철수","lang":"ko"},{"text":"金哲洙","lang":"ko-Hani","type":"alias"}],"sex":"male","born":"1970s","roles":["victim","witness"]})"
      "\n"
      R"({"kind":"person","id":"per-s1-un-000001","names":[{"text":"Chulsoo Kim","lang":"ko-Latn","variant":"common"}],"born":"1975"})"
      "\n";
  const std::string truth =
      R"({"type":"corpus","seed":1})"
      "\n"
      R"({"type":"victim","id":"v0000001","records":{"ngo-a":{"person":"per-s1-ngo-a-000007","interviewee":"per-s1-ngo-a-000007-r"},"un":{"person":"per-s1-un-000001","interviewee":"per-s1-un-000001"}}})"
      "\n"
      R"({"type":"summary"})"
      "\n";
  const LabelledRecords r = ParseSyntheticCorpus(corpus, truth).value();
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].surname, "김영희");
  EXPECT_EQ(r.records[0].sex, Sex::kFemale);
  EXPECT_EQ(r.records[0].birth_year, 1950);
  EXPECT_EQ(r.records[0].birth_year_latest, 0);
  EXPECT_EQ(r.records[0].place_path, std::vector<std::string>{"plc-a"});
  EXPECT_EQ(r.records[0].source, "ngo-a");
  EXPECT_EQ(r.records[1].surname, "김철수");  // Hangul first, then the romanized name
  EXPECT_EQ(r.records[1].other_names, std::vector<std::string>{"Kim Chol Su"});  // no Hanja
  EXPECT_EQ(r.records[1].birth_year, 1970);                                      // "1970s"
  EXPECT_EQ(r.records[1].birth_year_latest, 1979);
  EXPECT_EQ(r.records[2].source, "un");
  EXPECT_EQ(r.records[2].sex, Sex::kUnknown);
  EXPECT_EQ(r.records[0].role, "relative");
  EXPECT_EQ(r.records[1].role, "victim");
  EXPECT_EQ(r.records[2].role, "");     // no roles given
  EXPECT_EQ(r.person[1], r.person[2]);  // the victim, in two sources
  EXPECT_NE(r.person[0], r.person[1]);  // the informant is someone else
}

TEST(CorpusTest, NamesAliasesSurnamesAndPseudonyms) {
  const std::string corpus =
      R"({"kind":"person","id":"per-s1-news-000001","names":[{"text":"Kim","lang":"ko-Latn","type":"surname"}]})"
      "\n"
      R"({"kind":"person","id":"per-s1-news-000002","names":[{"text":"박민수","lang":"ko","type":"pseudonym"}]})"
      "\n"
      R"({"kind":"person","id":"per-s1-ngo-a-000003","names":[{"text":"Yonghye Go","lang":"ko-Latn"},{"text":"고연영","lang":"ko","type":"alias"},{"text":"Gao Yingying","lang":"zh-Latn","type":"alias"}]})"
      "\n";
  const std::string truth =
      R"({"type":"victim","records":{"news":{"person":"per-s1-news-000001"}}})"
      "\n"
      R"({"type":"victim","records":{"news":{"person":"per-s1-news-000002"}}})"
      "\n"
      R"({"type":"victim","records":{"ngo-a":{"person":"per-s1-ngo-a-000003"}}})"
      "\n";
  const LabelledRecords r = ParseSyntheticCorpus(corpus, truth).value();
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].surname, "Kim");     // a surname alone
  EXPECT_TRUE(r.records[1].surname.empty());  // a pseudonym is not the person's name
  EXPECT_TRUE(r.records[1].other_names.empty());
  EXPECT_EQ(r.records[2].surname, "Yonghye Go");
  EXPECT_EQ(r.records[2].other_names, std::vector<std::string>{"고연영"});  // not the Chinese one
  // In Korean mode the surname alone gives the surname key and no given name.
  LinkOptions options;
  options.names = NameSystem::kKorean;
  std::vector<Record> records = r.records;
  records.push_back(Record{});
  records.back().surname = "김영수";
  auto linker = Linker::Create(records, options).value();
  const Comparison c = linker->Compare(0, 3);
  EXPECT_EQ(c.level[static_cast<size_t>(Field::kSurname)], 4);
  EXPECT_EQ(c.level[static_cast<size_t>(Field::kGivenName)], kMissing);
}

TEST(CorpusTest, OriginsBecomePlacePaths) {
  const std::string corpus =
      R"({"kind":"person","id":"per-s1-un-000001","names":[{"text":"김철수","lang":"ko"}],"origin":"plc-kp-nh-hoeryong"})"
      "\n"
      R"({"kind":"person","id":"per-s1-un-000002","names":[{"text":"김철수","lang":"ko"}],"origin":"plc-kp-nh"})"
      "\n"
      R"({"kind":"person","id":"per-s1-un-000003","names":[{"text":"김철수","lang":"ko"}],"origin":"plc-elsewhere"})"
      "\n";
  const std::string truth = R"({"type":"victim","records":{"un":{"person":"per-s1-un-000001"}}})"
                            "\n"
                            R"({"type":"victim","records":{"un":{"person":"per-s1-un-000002"}}})"
                            "\n"
                            R"({"type":"victim","records":{"un":{"person":"per-s1-un-000003"}}})"
                            "\n";
  const PlaceParents places = {
      {"plc-kp", ""}, {"plc-kp-nh", "plc-kp"}, {"plc-kp-nh-hoeryong", "plc-kp-nh"}};
  const PlaceCoordinates points = {{"plc-kp-nh-hoeryong", {42.44, 129.75}},
                                   {"plc-kp-nh", {41.8, 129.7}}};
  const LabelledRecords r = ParseSyntheticCorpus(corpus, truth, places, points).value();
  using Path = std::vector<std::string>;
  EXPECT_EQ(r.records[0].place_path, (Path{"plc-kp-nh", "plc-kp-nh-hoeryong"}));  // no country
  EXPECT_EQ(r.records[1].place_path, (Path{"plc-kp-nh"}));
  EXPECT_EQ(r.records[2].place_path, (Path{"plc-elsewhere"}));  // unknown to the gazetteer
  // Where a county lies; a province's middle point says little of where its people come from.
  EXPECT_EQ(r.records[0].origin_at, (GeoPoint{42.44, 129.75}));
  EXPECT_FALSE(r.records[1].origin_at.has_value());
  EXPECT_FALSE(r.records[2].origin_at.has_value());
  // A cycle in a malformed gazetteer does not hang the reader.
  const PlaceParents cycle = {{"plc-kp-nh-hoeryong", "plc-kp-nh"},
                              {"plc-kp-nh", "plc-kp-nh-hoeryong"}};
  EXPECT_TRUE(ParseSyntheticCorpus(corpus, truth, cycle).ok());
}

TEST(CorpusTest, ActsBecomeEvents) {
  const std::string corpus =
      R"({"kind":"person","id":"per-s1-un-000001","names":[{"text":"김철수","lang":"ko"}]})"
      "\n"
      R"({"kind":"incident","id":"inc-s1-un-000001-1","place":"plc-x","date":"2011"})"
      "\n"
      R"({"kind":"act","id":"act-s1-un-000001-1","victim":"per-s1-un-000001","violation":"arbitrary_arrest","place":"plc-hoeryong","date":"2011년 8월"})"
      "\n"
      R"({"kind":"act","id":"act-s1-un-000001-2","victim":"per-s1-un-000001","violation":"torture","place":"plc-kyohwaso","date":"summer of 2012"})"
      "\n"
      R"({"kind":"act","id":"act-s1-un-000001-3","victim":"per-s1-un-000001","place":"plc-onsong"})"
      "\n";
  const std::string truth = R"({"type":"victim","records":{"un":{"person":"per-s1-un-000001"}}})"
                            "\n";
  const LabelledRecords r = ParseSyntheticCorpus(corpus, truth).value();
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(
      r.records[0].events,
      (std::vector<Event>{{"plc-hoeryong", 2011, 8}, {"plc-kyohwaso", 2012}, {"plc-onsong", 0}}));
  EXPECT_EQ(r.records[0].violations, (std::vector<std::string>{"arbitrary_arrest", "torture"}));
  // An act must follow the person it names.
  const std::string early =
      R"({"kind":"act","id":"act-s1-un-000001-1","victim":"per-s1-un-000001","place":"plc-x"})"
      "\n" +
      corpus;
  Result<LabelledRecords> bad = ParseSyntheticCorpus(early, truth);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("corpus line 1"), std::string::npos);
}

TEST(CorpusTest, InterviewsMakeCompanions) {
  // A victim (0) whose relative (1) told the story; a survivor (2) who told their own, which
  // ties them to nobody; an act citing a source the corpus lacks.
  const std::string corpus =
      R"({"kind":"person","id":"per-s1-un-000001-r","names":[{"text":"박영희","lang":"ko"}]})"
      "\n"
      R"({"kind":"person","id":"per-s1-un-000001","names":[{"text":"김철수","lang":"ko"}]})"
      "\n"
      R"({"kind":"person","id":"per-s1-un-000002","names":[{"text":"리영호","lang":"ko"}]})"
      "\n"
      R"({"kind":"source","id":"src-s1-un-000001","interviewee":"per-s1-un-000001-r"})"
      "\n"
      R"({"kind":"source","id":"src-s1-un-000002","interviewee":"per-s1-un-000002"})"
      "\n"
      R"({"kind":"act","id":"act-1","victim":"per-s1-un-000001","sources":["src-s1-un-000001"]})"
      "\n"
      R"({"kind":"act","id":"act-2","victim":"per-s1-un-000001","sources":["src-s1-un-000001","src-x"]})"
      "\n"
      R"({"kind":"act","id":"act-3","victim":"per-s1-un-000002","sources":["src-s1-un-000002"]})"
      "\n";
  const std::string truth =
      R"({"type":"victim","records":{"un":{"person":"per-s1-un-000001","interviewee":"per-s1-un-000001-r"}}})"
      "\n"
      R"({"type":"victim","records":{"un":{"person":"per-s1-un-000002","interviewee":"per-s1-un-000002"}}})"
      "\n";
  const LabelledRecords r = ParseSyntheticCorpus(corpus, truth).value();
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].companions, std::vector<uint32_t>{1});
  EXPECT_EQ(r.records[1].companions, std::vector<uint32_t>{0});
  EXPECT_TRUE(r.records[2].companions.empty());
}

TEST(CorpusTest, MalformedInputIsAClearError) {
  const std::string person =
      R"({"kind":"person","id":"per-s1-un-000001","names":[{"text":"김철수","lang":"ko"}]})"
      "\n";
  const std::string truth = R"({"type":"victim","records":{"un":{"person":"per-s1-un-000001"}}})"
                            "\n";
  struct Case {
    std::string corpus, truth, expected;
  };
  const Case cases[] = {
      {"not json\n", truth, "corpus line 1"},
      {person + person, truth, "duplicate person id"},
      {person, "", "not in the ground truth"},
      {person, R"({"type":"victim","records":{"un":{"person":"per-s1-un-000002"}}})", "lacks"},
      {person, truth + R"({"type":"victim","records":{"un":{"person":"per-s1-un-000001"}}})",
       "two identities"},
  };
  for (const Case& c : cases) {
    Result<LabelledRecords> r = ParseSyntheticCorpus(c.corpus, c.truth);
    ASSERT_FALSE(r.ok()) << c.expected;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find("김"), std::string::npos);  // never a name
  }
}

TEST(CorpusTest, SmallKoreanCorpusUnsupervisedF1) {
  synth::Options options;
  options.persons = 2000;
  options.seed = 1;
  std::ostringstream corpus, truth;
  ASSERT_TRUE(synth::Generate(options, corpus, truth).ok());
  PlaceParents places;
  const std::vector<model::Json> gazetteer = model::BuiltinGazetteer().value();
  for (const model::Json& place : gazetteer) {
    const auto parent = place.find("parent");
    places[place.at("id").get<std::string>()] =
        parent != place.end() && parent->is_string() ? parent->get<std::string>() : "";
  }
  const LabelledRecords file = ParseSyntheticCorpus(corpus.str(), truth.str(), places).value();
  // Chosen without labels, for what EM needs: see KoreanBlockingRules and KoreanTrainingRules.
  LinkOptions link = KoreanLinkOptions();
  link.threads = 2;
  const LinkResult result = Deduplicate(file.records, link).value();
  const PairwiseMetrics m = EvaluateClusters(result.clustering.cluster_of, file.person);
  std::printf(
      "synthetic Korean corpus (2,000 persons, seed 1): %zu records, %llu true pairs; "
      "precision %.4f recall %.4f F1 %.4f\n",
      file.records.size(), static_cast<unsigned long long>(m.true_pairs), m.precision, m.recall,
      m.f1);
  EXPECT_EQ(m.true_pairs, 176u);
  // Measured 2026-11-29 (the corpus and EM are deterministic, so these are exact; the margin of
  // about 0.02 absorbs deliberate small changes): 1,282 records; precision 0.9880, recall
  // 0.9375, F1 0.9621 (0.8534 with the full name key alone and one EM; 0.9235 before events
  // were compared as accounts of one story and roles were compared). What is still missed is
  // mostly records with a surname only or a pseudonym (news) and survivors recorded under two
  // names without the other as an alias; see docs/formats/linkage.md.
  EXPECT_GE(m.precision, 0.98);
  EXPECT_GE(m.recall, 0.90);
  EXPECT_GE(m.f1, 0.94);
}

}  // namespace
}  // namespace custodian::link
