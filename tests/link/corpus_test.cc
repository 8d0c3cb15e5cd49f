// The synthetic corpus adapter (link.h, ParseSyntheticCorpus): birth years, identities from the
// ground truth, clear errors, and the unsupervised pairwise F1 the engine reaches on a small
// generated Korean corpus (labels used only to score the result). Prints aggregates only.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "link/link.h"
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

TEST(CorpusTest, ReadsPersonsAndIdentities) {
  const std::string corpus =
      R"({"kind":"organization","id":"org-s1-un"})"
      "\n"
      R"({"kind":"person","id":"per-s1-ngo-a-000007-r","names":[{"text":"김영희","lang":"ko"}],"sex":"female","born":"about 1950","origin":"plc-a"})"
      "\n"
      R"({"kind":"person","id":"per-s1-ngo-a-000007","names":[{"text":"Kim Chol Su","lang":"ko-Latn","variant":"dprk"},{"text":"김철수","lang":"ko"},{"text":"金哲洙","lang":"ko-Hani","type":"alias"}],"sex":"male","born":"1970s"})"
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
  EXPECT_EQ(r.records[0].place_path, std::vector<std::string>{"plc-a"});
  EXPECT_EQ(r.records[0].source, "ngo-a");
  EXPECT_EQ(r.records[1].surname, "김철수");  // Hangul preferred; the alias is not used
  EXPECT_EQ(r.records[1].birth_year, 0);
  EXPECT_EQ(r.records[2].source, "un");
  EXPECT_EQ(r.records[2].sex, Sex::kUnknown);
  EXPECT_EQ(r.person[1], r.person[2]);  // the victim, in two sources
  EXPECT_NE(r.person[0], r.person[1]);  // the informant is someone else
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
  const LabelledRecords file = ParseSyntheticCorpus(corpus.str(), truth.str()).value();
  LinkOptions link;
  link.names = NameSystem::kKorean;
  // Blocking on the full name key only (surname + given name). With the default rules the
  // candidates are dominated by pairs sharing only a surname (a fifth of Koreans are Kim) or only
  // a given name, and unlabelled EM then separates those two groups instead of matches from
  // non-matches (F1 0.46 here). This choice is made without labels: it is about what EM needs.
  link.blocking = {DefaultBlockingRules()[0]};
  const LinkResult result = Deduplicate(file.records, link).value();
  const PairwiseMetrics m = EvaluateClusters(result.clustering.cluster_of, file.person);
  std::printf(
      "synthetic Korean corpus (2,000 persons, seed 1): %zu records, %llu true pairs; "
      "precision %.4f recall %.4f F1 %.4f\n",
      file.records.size(), static_cast<unsigned long long>(m.true_pairs), m.precision, m.recall,
      m.f1);
  EXPECT_EQ(m.true_pairs, 176u);
  // Measured 2026-11-29: 1,282 records; precision 1.0000, recall 0.7443, F1 0.8534 (the corpus
  // and EM are deterministic, so this is the exact value; the margin of about 0.02 only absorbs
  // deliberate small changes). Short of the issue's 0.95: recall is lost to records without a
  // usable full name (pseudonyms, surnames only) and to given names whose keys differ (typos,
  // spellings that parse differently); see docs/formats/linkage.md.
  EXPECT_GE(m.precision, 0.97);
  EXPECT_GE(m.recall, 0.72);
  EXPECT_GE(m.f1, 0.83);
}

}  // namespace
}  // namespace custodian::link
