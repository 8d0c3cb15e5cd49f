// The linkage engine (link.h): string measures against published values, UTF-8 and name
// folding, blocking, EM on a synthetic set whose truth is known (but never given to EM),
// probabilities and explanations, the clustering chain guard, and bad input.
#include "link/link.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/fuzzy_date.h"

namespace custodian::link {
namespace {

std::u32string U(std::string_view s) { return DecodeUtf8(s).value(); }

TEST(StringMeasuresTest, JaroWinklerKnownValues) {
  // Winkler (1990) and the usual textbook examples.
  EXPECT_NEAR(Jaro(U"MARTHA", U"MARHTA"), 0.9444, 1e-4);
  EXPECT_NEAR(JaroWinkler(U"MARTHA", U"MARHTA"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler(U"DIXON", U"DICKSONX"), 0.8133, 1e-4);
  EXPECT_NEAR(JaroWinkler(U"DWAYNE", U"DUANE"), 0.84, 1e-4);
  EXPECT_NEAR(JaroWinkler(U"JELLYFISH", U"SMELLYFISH"), 0.8963, 1e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler(U"", U""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler(U"abc", U""), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler(U"abc", U"xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler(U"same", U"same"), 1.0);
  // Symmetric on these inputs, and in [0, 1].
  EXPECT_DOUBLE_EQ(JaroWinkler(U"MARHTA", U"MARTHA"), JaroWinkler(U"MARTHA", U"MARHTA"));
  // Code points, not bytes: 김철수/김철호 share two of three syllables and a two-syllable prefix.
  EXPECT_NEAR(Jaro(U("김철수"), U("김철호")), 7.0 / 9.0, 1e-12);
  EXPECT_NEAR(JaroWinkler(U("김철수"), U("김철호")), 7.0 / 9.0 + 0.2 * (2.0 / 9.0), 1e-12);
  // Strings longer than the small buffers.
  const std::u32string long_a(100, U'a');
  std::u32string long_b = long_a;
  long_b[50] = U'b';
  EXPECT_NEAR(JaroWinkler(long_a, long_b), 1 - 0.6 * (1 - (0.99 + 0.99 + 1) / 3), 1e-9);
}

TEST(StringMeasuresTest, Levenshtein) {
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting"), 3u);
  EXPECT_EQ(Levenshtein(U"flaw", U"lawn"), 2u);
  EXPECT_EQ(Levenshtein(U"", U"abc"), 3u);
  EXPECT_EQ(Levenshtein(U"abc", U""), 3u);
  EXPECT_EQ(Levenshtein(U"", U""), 0u);
  EXPECT_EQ(Levenshtein(U("김철수"), U("김철호")), 1u);
  EXPECT_EQ(Levenshtein(U("Ch'ŏl"), U("Ch'ol")), 1u);
  EXPECT_DOUBLE_EQ(LevenshteinSimilarity(U"kitten", U"sitting"), 1 - 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(LevenshteinSimilarity(U"", U""), 1.0);
  const std::u32string long_a(200, U'x');
  EXPECT_EQ(Levenshtein(long_a, std::u32string(190, U'x')), 10u);
}

TEST(StringMeasuresTest, Soundex) {
  EXPECT_EQ(Soundex(U"robert"), "R163");
  EXPECT_EQ(Soundex(U"rupert"), "R163");
  EXPECT_EQ(Soundex(U"ashcraft"), "A261");
  EXPECT_EQ(Soundex(U"tymczak"), "T522");
  EXPECT_EQ(Soundex(U"pfister"), "P236");
  EXPECT_EQ(Soundex(U"honeyman"), "H555");
  EXPECT_EQ(Soundex(U"Lee"), "L000");
  EXPECT_EQ(Soundex(U""), "");
  EXPECT_EQ(Soundex(U("김")), "");
}

TEST(TextTest, StrictUtf8) {
  EXPECT_EQ(DecodeUtf8("a김ŏ😀").value(), U"a김ŏ😀");
  EXPECT_EQ(EncodeUtf8(U"a김ŏ😀"), "a김ŏ😀");
  for (const char* bad :
       {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe3\x81", "a\x80", "\xf4\x90\x80\x80"}) {
    Result<std::u32string> r = DecodeUtf8(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(TextTest, NormalizeName) {
  EXPECT_EQ(NormalizeName("O'Brien-Smith").value(), U"obriensmith");
  EXPECT_EQ(NormalizeName("Ch'ŏl-su").value(), U"cholsu");
  EXPECT_EQ(NormalizeName("ÉLODIE").value(), U"elodie");
  EXPECT_EQ(NormalizeName("  김 철수 ").value(), U("김철수"));
  EXPECT_EQ(NormalizeName("").value(), U"");
  EXPECT_FALSE(NormalizeName("bad \xff").ok());
}

// ---- A synthetic population with known duplicates -----------------------------------------

struct Population {
  std::vector<Record> records;
  std::vector<uint32_t> person;
};

// `persons` people, each with one record, and `duplicated` of them with a second record that
// carries a typo in one field. Names are drawn from small syllable lists, so some collide.
Population MakePopulation(int persons, int duplicated, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* parts[] = {"an", "be", "co", "da", "el", "fi", "go", "ha", "is", "jo", "ka", "lu",
                         "ma", "ne", "or", "pi", "qu", "ra", "si", "tu", "ve", "wy", "xa", "zo"};
  auto word = [&](int syllables) {
    std::string w;
    for (int i = 0; i < syllables; ++i) w += parts[pick(24)];
    return w;
  };
  auto typo = [&](std::string s) {
    if (s.size() > 2) s[static_cast<size_t>(1 + pick(static_cast<int>(s.size()) - 1))] = 'x';
    return s;
  };
  Population p;
  for (int i = 0; i < persons; ++i) {
    Record r;
    r.given_name = word(2);
    r.surname = word(3);
    r.birth_year = 1930 + pick(70);
    r.birth_month = 1 + pick(12);
    r.birth_day = 1 + pick(28);
    r.sex = pick(2) ? Sex::kMale : Sex::kFemale;
    r.locality = word(2);
    r.postcode = std::to_string(1000 + pick(9000));
    p.records.push_back(r);
    p.person.push_back(static_cast<uint32_t>(i));
    if (i < duplicated) {
      Record d = r;
      switch (pick(4)) {
        case 0:
          d.given_name = typo(d.given_name);
          break;
        case 1:
          d.surname = typo(d.surname);
          break;
        case 2:
          d.birth_day = d.birth_day % 28 + 1;
          break;
        default:
          d.postcode.clear();
          break;
      }
      p.records.push_back(d);
      p.person.push_back(static_cast<uint32_t>(i));
    }
  }
  return p;
}

TEST(LinkerTest, CandidatesAreUniqueSortedAndFindTheDuplicates) {
  const Population p = MakePopulation(2000, 500, 7);
  auto linker = Linker::Create(p.records, LinkOptions{}).value();
  BlockingStats stats;
  const auto candidates = linker->Candidates(&stats);
  EXPECT_EQ(stats.candidate_pairs, candidates.size());
  EXPECT_GE(stats.pairs_before_dedup, candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    EXPECT_LT(candidates[i].first, candidates[i].second);
    if (i > 0) {
      EXPECT_LT(candidates[i - 1], candidates[i]);
    }
  }
  // Far fewer than all pairs, and nearly every true pair among them.
  EXPECT_LT(candidates.size(), p.records.size() * (p.records.size() - 1) / 2 / 50);
  EXPECT_GE(EvaluatePairs(candidates, p.person).recall, 0.99);
}

TEST(LinkerTest, OversizedBlocksAreSkippedAndCounted) {
  std::vector<Record> same(30);
  for (Record& r : same) r.surname = "smith", r.given_name = "john";
  LinkOptions options;
  options.blocking = {{KeyPart::kSurnamePhonetic}};
  options.max_block_size = 10;
  auto linker = Linker::Create(same, options).value();
  BlockingStats stats;
  EXPECT_TRUE(linker->Candidates(&stats).empty());
  EXPECT_EQ(stats.oversized_blocks, 1u);
}

TEST(LinkerTest, EmConvergesWithoutLabels) {
  const Population p = MakePopulation(3000, 600, 11);
  auto linker = Linker::Create(p.records, LinkOptions{}).value();
  const auto candidates = linker->Candidates();
  const std::vector<Comparison> comparisons = linker->CompareAll(candidates);
  const Model model = linker->Train(comparisons);
  EXPECT_TRUE(model.converged);
  EXPECT_GT(model.iterations, 1);
  // The estimated share of matches among candidates is close to the true one.
  size_t true_matches = 0;
  for (const auto& [a, b] : candidates) true_matches += p.person[a] == p.person[b];
  const double share = static_cast<double>(true_matches) / static_cast<double>(candidates.size());
  EXPECT_NEAR(model.prior, share, 0.05);
  // Exact agreement is far likelier among matches than among non-matches, for every field used.
  for (Field f : {Field::kGivenName, Field::kSurname, Field::kBirthDate, Field::kLocality}) {
    const size_t top = static_cast<size_t>(LevelCount(f) - 1);
    const size_t i = static_cast<size_t>(f);
    EXPECT_GT(model.m[i][top], 0.7) << FieldName(f);
    EXPECT_GT(model.m[i][top] / model.u[i][top], 5) << FieldName(f);
  }
  EXPECT_FALSE(model.active[static_cast<size_t>(Field::kIdNumber)]);
  // Calibration: the mean probability is close to the share of true matches.
  double mean = 0;
  for (const Comparison& c : comparisons) mean += linker->Probability(model, c);
  EXPECT_NEAR(mean / static_cast<double>(comparisons.size()), share, 0.05);
  // And the whole pipeline separates the duplicates.
  const LinkResult result = Deduplicate(p.records, LinkOptions{}).value();
  const PairwiseMetrics metrics = EvaluateClusters(result.clustering.cluster_of, p.person);
  EXPECT_GE(metrics.precision, 0.95);
  EXPECT_GE(metrics.recall, 0.95);
}

TEST(LinkerTest, ExplanationAddsUpAndTermFrequencyFavoursRareNames) {
  Population p = MakePopulation(1500, 300, 3);
  // Many people called "common"; two records of one person with a rare given name.
  for (size_t i = 0; i < 200; ++i) p.records[i * 5].given_name = "common";
  ASSERT_EQ(p.person[0], p.person[1]);
  p.records[1].given_name = "common";
  auto linker = Linker::Create(p.records, LinkOptions{}).value();
  const Model model = linker->Train(linker->CompareAll(linker->Candidates()));
  const Comparison c = linker->Compare(0, 1);  // person 0's two records: given "common"
  const Explanation e = linker->Explain(model, c);
  double sum = e.prior_weight;
  for (const Explanation::Part& part : e.parts) sum += part.weight + part.tf_adjustment;
  EXPECT_NEAR(sum, e.total_weight, 1e-9);
  EXPECT_NEAR(e.probability, linker->Probability(model, c), 1e-12);
  EXPECT_EQ(e.parts.size(), kFieldCount);
  const auto& given = e.parts[static_cast<size_t>(Field::kGivenName)];
  ASSERT_EQ(given.level, LevelCount(Field::kGivenName) - 1);  // exact
  EXPECT_LT(given.tf_adjustment, 0);                          // "common" is common
  // A pair sharing a rare exact given name gets a positive adjustment.
  bool checked = false;
  for (uint32_t a = 2; a < 40 && !checked; ++a) {
    if (p.person[a] == p.person[a + 1] && p.records[a].given_name == p.records[a + 1].given_name &&
        p.records[a].given_name != "common") {
      EXPECT_GT(linker->Compare(a, a + 1).tf_given, 0);
      checked = true;
    }
  }
  EXPECT_TRUE(checked);
}

TEST(LinkerTest, KoreanModeComparesRomanizationsAsEqual) {
  std::vector<Record> records(3);
  records[0].surname = "김철수";       // a full name in one field
  records[1].surname = "Chulsoo Kim";  // order and spelling differ
  records[2].surname = "Kim";
  records[2].given_name = "Chol Ho";
  LinkOptions options;
  options.names = NameSystem::kKorean;
  auto linker = Linker::Create(records, options).value();
  const Comparison same = linker->Compare(0, 1);
  EXPECT_EQ(same.level[static_cast<size_t>(Field::kSurname)], 4);
  EXPECT_EQ(same.level[static_cast<size_t>(Field::kGivenName)], 4);
  const Comparison other = linker->Compare(0, 2);
  EXPECT_EQ(other.level[static_cast<size_t>(Field::kSurname)], 4);
  EXPECT_LT(other.level[static_cast<size_t>(Field::kGivenName)], 3);
  // All three share the Korean surname key, so one blocking rule finds the pairs.
  options.blocking = {{KeyPart::kSurnamePhonetic}};
  EXPECT_EQ(Linker::Create(records, options).value()->Candidates().size(), 3u);
}

// The level of `field` between records a and b, each given only as a full Korean name.
uint8_t KoreanNameLevel(const std::vector<std::string>& names, uint32_t a, uint32_t b,
                        Field field = Field::kGivenName) {
  std::vector<Record> records(names.size());
  for (size_t i = 0; i < names.size(); ++i) records[i].surname = names[i];
  LinkOptions options;
  options.names = NameSystem::kKorean;
  return Linker::Create(records, options).value()->Compare(a, b).level[static_cast<size_t>(field)];
}

TEST(LinkerTest, HangulSpellingsSeparateNamesThatShareAKey) {
  const std::vector<std::string> names = {
      "정순희",
      "정선희",         // ㅓ and ㅜ share a class: the same key, another name
      "Chong Sun Hui",  // romanized: the key is all that can be compared
      "정순희",
  };
  EXPECT_EQ(KoreanNameLevel(names, 0, 1), 3);
  EXPECT_EQ(KoreanNameLevel(names, 0, 2), 4);
  EXPECT_EQ(KoreanNameLevel(names, 1, 2), 4);
  EXPECT_EQ(KoreanNameLevel(names, 0, 3), 4);
  // The DPRK and ROK spellings of one name are one spelling (the initial-sound rule).
  EXPECT_EQ(KoreanNameLevel({"리영희", "이영희"}, 0, 1), 4);
  EXPECT_EQ(KoreanNameLevel({"리영희", "이영희"}, 0, 1, Field::kSurname), 4);
}

TEST(LinkerTest, KoreanGivenNamesAreComparedSyllableBySyllable) {
  const std::vector<std::string> names = {
      "박련심",
      "박런심",           // ㅕ heard as ㅓ: one letter of one syllable
      "Pak Ryon Sin",     // a final ㄴ for ㅁ, romanized
      "박련희",           // another second syllable
      "박영희",           // nothing in common but the surname
      "Pak Ryon Sim Ok",  // three syllables
  };
  EXPECT_EQ(KoreanNameLevel(names, 0, 1), 2);
  EXPECT_EQ(KoreanNameLevel(names, 0, 2), 2);
  EXPECT_EQ(KoreanNameLevel(names, 0, 3), 1);
  EXPECT_EQ(KoreanNameLevel(names, 0, 4), 0);
  EXPECT_EQ(KoreanNameLevel(names, 0, 5), 1);
  EXPECT_EQ(KoreanNameLevel(names, 1, 2), 0);  // each syllable a letter apart: none equal
}

TEST(LinkerTest, OtherNamesAreComparedAndBlocked) {
  std::vector<Record> records(3);
  records[0].surname = "김철수";
  records[0].other_names = {"박영남"};  // a name taken later
  records[1].surname = "Pak Yong Nam";
  records[2].surname = "Kim Chol Ho";
  LinkOptions options;
  options.names = NameSystem::kKorean;
  options.blocking = {{KeyPart::kSurnamePhonetic, KeyPart::kGivenPhonetic}};
  auto linker = Linker::Create(records, options).value();
  // The second name meets record 1; the first name alone would not.
  const auto candidates = linker->Candidates();
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0], std::make_pair(0u, 1u));
  const Comparison c = linker->Compare(0, 1);
  EXPECT_EQ(c.level[static_cast<size_t>(Field::kGivenName)], 4);
  EXPECT_EQ(c.level[static_cast<size_t>(Field::kSurname)], 4);
  // The best-agreeing pair of names counts: record 2 is compared with 김철수.
  EXPECT_EQ(linker->Compare(0, 2).level[static_cast<size_t>(Field::kSurname)], 4);
  // A bad other name is an error naming the field, not the value.
  records[2].other_names = {"secret\xff"};
  Result<std::unique_ptr<Linker>> bad = Linker::Create(records, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("record 2: field 'other_names'"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("secret"), std::string::npos);
}

TEST(LinkerTest, ARomanizedNameThatReadsBothWaysMeetsEitherHangulName) {
  std::vector<Record> records(4);
  records[0].surname = "Sin Chul Jung";  // 정신철 in Western order, or 신철정
  records[1].surname = "신철정";
  records[2].surname = "Park";
  records[2].other_names = {"Hong Hak Song"};  // in another name too
  records[3].surname = "홍학송";
  LinkOptions options;
  options.names = NameSystem::kKorean;
  options.blocking = {{KeyPart::kSurnamePhonetic, KeyPart::kGivenPhonetic}};
  auto linker = Linker::Create(records, options).value();
  EXPECT_EQ(linker->Candidates(), (std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {2, 3}}));
  for (auto [a, b] : {std::pair{0u, 1u}, std::pair{2u, 3u}}) {
    const Comparison c = linker->Compare(a, b);
    EXPECT_EQ(c.level[static_cast<size_t>(Field::kSurname)], 4) << a;
    EXPECT_EQ(c.level[static_cast<size_t>(Field::kGivenName)], 4) << a;
  }
  // Latin names are read one way only: the second reading is a Korean-name rule.
  options.names = NameSystem::kLatin;
  EXPECT_TRUE(Linker::Create(records, options).value()->Candidates().empty());
}

TEST(LinkerTest, GivenSyllableBlockingSurvivesATypoInOneSyllable) {
  std::vector<Record> records(3);
  records[0].surname = "Kim Chol Su";
  records[1].surname = "Kim Chil Su";  // a misheard first syllable
  records[2].surname = "Kim Yong Ho";
  LinkOptions options;
  options.names = NameSystem::kKorean;
  options.blocking = {{KeyPart::kSurnamePhonetic, KeyPart::kGivenPhonetic}};
  EXPECT_TRUE(Linker::Create(records, options).value()->Candidates().empty());
  options.blocking = {{KeyPart::kSurnamePhonetic, KeyPart::kGivenSyllable}};
  const auto candidates = Linker::Create(records, options).value()->Candidates();
  ASSERT_EQ(candidates.size(), 1u);  // the second syllable meets; its position must match too
  EXPECT_EQ(candidates[0], std::make_pair(0u, 1u));
}

TEST(LinkerTest, BirthYearRangesAndPlacePaths) {
  std::vector<Record> records(6);
  records[0].birth_year = 1975;
  records[1].birth_year = 1970;  // "1970s"
  records[1].birth_year_latest = 1979;
  records[2].birth_year = 1974;  // "between 1974 and 1975"
  records[2].birth_year_latest = 1975;
  records[3].birth_year = 1978;
  records[4].birth_year = 1985;
  records[0].place_path = {"north-hamgyong", "hoeryong"};
  records[1].place_path = {"north-hamgyong"};
  records[2].place_path = {"north-hamgyong", "musan"};
  records[3].place_path = {"ryanggang", "hyesan"};
  records[4].place_path = {"north-hamgyong", "hoeryong"};
  for (Record& r : records) r.surname = "x";
  auto linker = Linker::Create(records, LinkOptions{}).value();
  auto date = [&](uint32_t a, uint32_t b) {
    return linker->Compare(a, b).level[static_cast<size_t>(Field::kBirthDate)];
  };
  auto place = [&](uint32_t a, uint32_t b) {
    return linker->Compare(a, b).level[static_cast<size_t>(Field::kPlace)];
  };
  EXPECT_EQ(date(0, 1), 1);  // inside the decade: compatible, weakly
  EXPECT_EQ(date(1, 4), 0);  // outside it
  EXPECT_EQ(date(0, 2), 3);  // a short range that contains the year
  EXPECT_EQ(date(2, 3), 2);  // three years apart
  EXPECT_EQ(date(0, 3), 2);
  EXPECT_EQ(date(0, 4), 0);
  EXPECT_EQ(date(0, 5), kMissing);
  EXPECT_EQ(place(0, 4), 3);
  EXPECT_EQ(place(0, 1), 2);  // the province contains the county
  EXPECT_EQ(place(0, 2), 1);  // neighbouring counties of one province
  EXPECT_EQ(place(0, 3), 0);
  EXPECT_EQ(place(0, 5), kMissing);
  // A range must not run backwards, nor stand without its first year.
  records[5].birth_year_latest = 1980;
  EXPECT_FALSE(Linker::Create(records, LinkOptions{}).ok());
  records[5].birth_year = 1990;
  EXPECT_FALSE(Linker::Create(records, LinkOptions{}).ok());
  records[5].birth_year = 1980;
  EXPECT_TRUE(Linker::Create(records, LinkOptions{}).ok());
}

TEST(LinkerTest, EventsAgreeWhenTheShorterAccountIsPartOfTheLonger) {
  const std::vector<Event> route = {
      {"plc-yanji", 2011},      {"plc-tumen-detention", 2011}, {"plc-namyang-crossing", 2012},
      {"plc-onsong-mss", 2012}, {"plc-kyohwaso-12", 2012},     {"plc-yanji", 2011}};
  std::vector<Record> records(10);
  records[0].events = route;  // five places; the repeat counts once
  records[1].events = {{"plc-yanji", 2011}};
  records[2].events = {{"plc-yanji", 2012}, {"plc-onsong-mss", 0}, {"plc-musan", 1999}};
  records[3].events = {{"plc-yanji", 2011}, {"plc-kyohwaso-12", 2016}};  // years apart
  records[4].events = {{"plc-musan", 2011}};
  records[5].events = {{"plc-yanji", 2012},
                       {"plc-tumen-detention", 2010},
                       {"plc-namyang-crossing", 2012},
                       {"plc-onsong-mss", 2013}};
  records[6].events = route;
  records[6].events[4].year = 2020;  // the same road, but a camp years apart
  records[7].events = {{"plc-yanji", 2011}, {"plc-onsong-mss", 2012}};
  records[8].events = route;
  records[8].events.push_back({"plc-musan", 2005});
  records[9].events = route;
  records[9].events.push_back({"plc-hoeryong", 2005});
  for (Record& r : records) r.surname = "x";
  auto linker = Linker::Create(records, LinkOptions{}).value();
  auto level = [&](uint32_t a, uint32_t b) {
    return linker->Compare(a, b).level[static_cast<size_t>(Field::kEvents)];
  };
  EXPECT_EQ(level(0, 5), 4);  // four places, every one within a year
  EXPECT_EQ(level(0, 8), 4);  // the shorter account is all in the longer
  EXPECT_EQ(level(0, 7), 3);  // two places, both agree
  EXPECT_EQ(level(8, 9), 3);  // five places agree, one each does not
  EXPECT_EQ(level(0, 1), 2);  // the one place of a short account
  EXPECT_EQ(level(1, 5), 2);  // a year apart
  EXPECT_EQ(level(0, 2), 1);  // two agree (a year unknown on one side), Musan is not in 0
  EXPECT_EQ(level(0, 3), 1);  // one agrees, another is years apart
  EXPECT_EQ(level(0, 6), 1);  // four agree, the camp years apart
  EXPECT_EQ(level(0, 4), 0);  // no place in common
  EXPECT_EQ(level(5, 0), level(0, 5));
  records[4].events.clear();
  linker = Linker::Create(records, LinkOptions{}).value();
  EXPECT_EQ(level(0, 4), kMissing);
  EXPECT_EQ(LevelCount(Field::kEvents), 5);
  // One blocking key per event with a year.
  LinkOptions options;
  options.blocking = {{KeyPart::kEvent}};
  const auto candidates = Linker::Create(records, options).value()->Candidates();
  EXPECT_NE(std::find(candidates.begin(), candidates.end(), std::make_pair(0u, 1u)),
            candidates.end());
  EXPECT_EQ(std::find(candidates.begin(), candidates.end(), std::make_pair(0u, 4u)),
            candidates.end());
  // Bad events are errors that name the field.
  records[1].events = {{"plc\xff", 2011}};
  Result<std::unique_ptr<Linker>> bad = Linker::Create(records, LinkOptions{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("record 1: field 'events'"), std::string::npos);
  records[1].events = {{"plc-a", 12345}};
  EXPECT_FALSE(Linker::Create(records, LinkOptions{}).ok());
}

TEST(LinkerTest, MonthsOfEventsAgreeWhenAWitnessMisremembersOnlyTheYear) {
  auto day = [](const char* iso) { return IsoToDay(iso).value(); };
  auto on = [&](const char* place, const char* date) {
    FuzzyDate d = ParseFuzzyDate(date).value();
    return EventOnDays(place, d.first_day, d.last_day);
  };
  // A day or a month gives the month; a season, part of a year or a range gives only the year.
  EXPECT_EQ(on("plc-a", "2009-03-14"), (Event{"plc-a", 2009, 3}));
  EXPECT_EQ(on("plc-a", "2009년 3월"), (Event{"plc-a", 2009, 3}));
  EXPECT_EQ(on("plc-a", "spring 2009"), (Event{"plc-a", 2009, 0}));
  EXPECT_EQ(on("plc-a", "between 2008 and 2010"), (Event{"plc-a", 2008, 0}));
  EXPECT_EQ(on("plc-a", "winter 2009"), (Event{"plc-a", 2009, 0}));  // December to February
  EXPECT_EQ(on("plc-a", "unknown"), (Event{"plc-a", 0, 0}));
  EXPECT_EQ(EventOnDays("plc-a", day("2009-12-31"), day("2009-12-31")), (Event{"plc-a", 2009, 12}));

  std::vector<Record> records(6);
  records[0].events = {{"plc-onsong-mss", 2012, 3}, {"plc-kyohwaso-12", 2012, 5}};
  records[1].events = {{"plc-onsong-mss", 2013, 3}};  // the year misremembered
  records[2].events = {{"plc-onsong-mss", 2012, 8}};  // another month: someone else
  records[3].events = {{"plc-onsong-mss", 2012, 0}};  // "2012": nothing to compare
  records[4].events = {{"plc-hoeryong", 2012, 3}};    // no place in common
  records[5].events = {{"plc-onsong-mss", 2012, 8}, {"plc-onsong-mss", 2012, 3}};  // twice there
  for (Record& r : records) r.surname = "x";
  auto linker = Linker::Create(records, LinkOptions{}).value();
  auto level = [&](uint32_t a, uint32_t b) {
    return linker->Compare(a, b).level[static_cast<size_t>(Field::kEventMonths)];
  };
  EXPECT_EQ(level(0, 1), 1);
  EXPECT_EQ(level(0, 2), 0);
  EXPECT_EQ(level(0, 3), kMissing);
  EXPECT_EQ(level(0, 4), kMissing);
  EXPECT_EQ(level(0, 5), 1);  // one of the two stays agrees
  EXPECT_EQ(level(2, 0), level(0, 2));
  // A place whose dates fall in different months is not matched for the events levels either.
  auto events = [&](uint32_t a, uint32_t b) {
    return linker->Compare(a, b).level[static_cast<size_t>(Field::kEvents)];
  };
  EXPECT_EQ(events(0, 1), 2);  // the one place of a one-place account, a year apart
  EXPECT_EQ(events(0, 2), 0);  // the same place and year, another month
  EXPECT_EQ(events(0, 3), 2);  // no month on one side: the year decides
  EXPECT_EQ(LevelCount(Field::kEventMonths), 2);
  EXPECT_EQ(FieldName(Field::kEventMonths), "event_months");
  // A month outside 1-12 is an error that names the field.
  records[1].events = {{"plc-onsong-mss", 2013, 13}};
  Result<std::unique_ptr<Linker>> bad = Linker::Create(records, LinkOptions{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("record 1: field 'events'"), std::string::npos);
}

TEST(LinkerTest, RolesAreComparedAndPrimaryRoleChoosesTheTellingOne) {
  EXPECT_EQ(PrimaryRole(std::vector<std::string>{"witness", "victim", "source_person"}), "victim");
  EXPECT_EQ(PrimaryRole(std::vector<std::string>{"source_person", "relative", "witness"}),
            "relative");
  EXPECT_EQ(PrimaryRole(std::vector<std::string>{"witness", "source_person"}), "witness");
  EXPECT_EQ(PrimaryRole(std::vector<std::string>{}), "");
  std::vector<Record> records(3);
  for (Record& r : records) r.surname = "x";
  records[0].role = "victim";
  records[1].role = "relative";
  records[2].role = "victim";
  auto linker = Linker::Create(records, LinkOptions{}).value();
  const size_t role = static_cast<size_t>(Field::kRole);
  EXPECT_EQ(linker->Compare(0, 1).level[role], 0);
  EXPECT_EQ(linker->Compare(0, 2).level[role], 1);
  records[1].role.clear();
  linker = Linker::Create(records, LinkOptions{}).value();
  EXPECT_EQ(linker->Compare(0, 1).level[role], kMissing);
  records[1].role = "\xc0";
  Result<std::unique_ptr<Linker>> bad = Linker::Create(records, LinkOptions{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("record 1: field 'role'"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("\xc0"), std::string::npos);
}

TEST(LinkerTest, SharedRoutesWeighLessBetweenPeopleOfOneProvince) {
  // Two provinces whose people take one road each, in a few years: within a province routes
  // are shared by strangers, across provinces never.
  std::vector<Record> records;
  for (int i = 0; i < 400; ++i) {
    Record r;
    r.surname = "s" + std::to_string(i);
    const bool north = i % 2 == 0;
    r.place_path = {north ? "plc-north" : "plc-south"};
    const int year = 2000 + (i / 2) % 4;
    const std::string road = north ? "north-" : "south-";
    r.events = {{road + "crossing", year}, {road + "holding", year}};
    records.push_back(std::move(r));
  }
  LinkOptions options;
  options.random_pairs = 20000;
  auto linker = Linker::Create(records, options).value();
  const Model model = linker->Train({});
  const size_t events = static_cast<size_t>(Field::kEvents);
  ASSERT_EQ(model.u_same_province[events].size(), static_cast<size_t>(LevelCount(Field::kEvents)));
  // Fields strangers of a province do not share more than others have no such u.
  EXPECT_TRUE(model.u_same_province[static_cast<size_t>(Field::kSurname)].empty());
  // Both places within a year (level 3): 10 of 16 year pairs in one province, none across.
  EXPECT_NEAR(model.u_same_province[events][3], 0.625, 0.03);
  EXPECT_NEAR(model.u[events][3], 0.3125, 0.03);
  // Scoring uses the province's u when the origins share a province, the general u otherwise.
  Model scoring = model;
  scoring.active.fill(false);
  scoring.active[events] = true;
  scoring.prior = 0.5;
  scoring.m[events] = {0.01, 0.01, 0.24, 0.5, 0.24};
  Comparison same_province;
  same_province.level.fill(kMissing);
  same_province.level[events] = 3;
  same_province.level[static_cast<size_t>(Field::kPlace)] = 3;
  Comparison unknown_origin = same_province;
  unknown_origin.level[static_cast<size_t>(Field::kPlace)] = kMissing;
  const Explanation near = linker->Explain(scoring, same_province);
  const Explanation far = linker->Explain(scoring, unknown_origin);
  EXPECT_NEAR(near.parts[events].weight, std::log2(0.5 / model.u_same_province[events][3]), 1e-9);
  EXPECT_NEAR(far.parts[events].weight, std::log2(0.5 / model.u[events][3]), 1e-9);
  EXPECT_LT(near.probability, far.probability);
  EXPECT_DOUBLE_EQ(linker->Probability(scoring, same_province), near.probability);
}

TEST(LinkerTest, ViolationsAgreeAsAccountsAndWeighLessWithinAProvince) {
  std::vector<Record> records(6);
  records[0].violations = {"arbitrary_arrest", "torture", "torture"};
  records[1].violations = {"torture"};                      // every one of the shorter account
  records[2].violations = {"torture", "public_execution"};  // some, not every one
  records[3].violations = {"forced_labour"};                // none in common
  records[5].violations = {" torture", ""};                 // spaces and blanks do not count
  LinkOptions options;
  auto linker = Linker::Create(records, options).value();
  const size_t violations = static_cast<size_t>(Field::kViolations);
  EXPECT_EQ(linker->Compare(0, 1).level[violations], 2);
  EXPECT_EQ(linker->Compare(0, 2).level[violations], 1);
  EXPECT_EQ(linker->Compare(0, 3).level[violations], 0);
  EXPECT_EQ(linker->Compare(0, 4).level[violations], kMissing);
  EXPECT_EQ(linker->Compare(1, 5).level[violations], 2);
  records[3].violations = {"forced\xff"};
  Result<std::unique_ptr<Linker>> bad = Linker::Create(records, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("record 3: field 'violations'"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("forced"), std::string::npos);

  // People of one province tell of one violation, of the other another: agreement is certain
  // within a province and even odds at random.
  std::vector<Record> people(400);
  for (size_t i = 0; i < people.size(); ++i) {
    people[i].surname = "s" + std::to_string(i);
    people[i].place_path = {i % 2 == 0 ? "plc-north" : "plc-south"};
    people[i].violations = {i % 2 == 0 ? "detention" : "forced_labour"};
  }
  options.random_pairs = 20000;
  const Model model = Linker::Create(people, options).value()->Train({});
  ASSERT_EQ(model.u_same_province[violations].size(), 3u);
  EXPECT_GT(model.u_same_province[violations][2], 0.99);
  EXPECT_NEAR(model.u[violations][2], 0.5, 0.03);
  Model scoring = model;
  scoring.active.fill(false);
  scoring.active[violations] = true;
  scoring.prior = 0.5;
  scoring.m[violations] = {0.1, 0.1, 0.8};
  Comparison same_province;
  same_province.level.fill(kMissing);
  same_province.level[violations] = 2;
  same_province.level[static_cast<size_t>(Field::kPlace)] = 3;
  const Explanation near = linker->Explain(scoring, same_province);
  EXPECT_NEAR(near.parts[violations].weight, std::log2(0.8 / model.u_same_province[violations][2]),
              1e-9);
}

TEST(LinkerTest, CountiesOfOneProvinceAreComparedInKm) {
  // Hoeryong and Musan, 49 km apart in North Hamgyong; Kilju, 170 km south in the same province;
  // Hyesan, in another province (rounded gazetteer points).
  const GeoPoint hoeryong{42.44, 129.75}, musan{42.23, 129.22}, kilju{40.96, 129.33},
      hyesan{41.40, 128.18};
  EXPECT_NEAR(DistanceKm(hoeryong, hoeryong), 0, 1e-9);
  EXPECT_NEAR(DistanceKm(hoeryong, musan), 49.4, 1.0);
  EXPECT_NEAR(DistanceKm(hoeryong, kilju), DistanceKm(kilju, hoeryong), 1e-9);
  EXPECT_NEAR(DistanceKm({0, 0}, {0, 1}), 111.19, 0.01);  // a degree of the equator
  std::vector<Record> records(7);
  const std::pair<std::vector<std::string>, GeoPoint> origins[] = {
      {{"nh", "nh-hoeryong"}, hoeryong},
      {{"nh", "nh-musan"}, musan},
      {{"nh", "nh-kilju"}, kilju},
      {{"rg", "rg-hyesan"}, hyesan},
      {{"nh", "nh-hoeryong"}, hoeryong},
      {{"nh", "nh-x"}, {42.45, 129.76}},
      {{"nh"}, {41.8, 129.7}}};
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].place_path = origins[i].first;
    records[i].origin_at = origins[i].second;
  }
  records[4].origin_at.reset();
  LinkOptions options;
  auto linker = Linker::Create(records, options).value();
  const size_t km = static_cast<size_t>(Field::kOriginDistance);
  EXPECT_EQ(linker->Compare(0, 5).level[km], 2);         // another county, next door
  EXPECT_EQ(linker->Compare(0, 1).level[km], 1);         // 49 km
  EXPECT_EQ(linker->Compare(0, 2).level[km], 0);         // the far end of the province
  EXPECT_EQ(linker->Compare(0, 3).level[km], kMissing);  // another province: the place says it
  EXPECT_EQ(linker->Compare(0, 6).level[km], kMissing);  // a county inside: the place says it
  EXPECT_EQ(linker->Compare(1, 4).level[km], kMissing);  // a point unknown
  records[4].origin_at = hoeryong;
  EXPECT_EQ(Linker::Create(records, options).value()->Compare(0, 4).level[km], kMissing);
  // A point off the earth is an error naming the record and field.
  records[2].origin_at = GeoPoint{91, 0};
  Result<std::unique_ptr<Linker>> bad = Linker::Create(records, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("record 2: field 'origin_at'"), std::string::npos);
}

void ExpectSameResult(const LinkResult& a, const LinkResult& b) {
  ASSERT_EQ(a.pairs.size(), b.pairs.size());
  for (size_t i = 0; i < a.pairs.size(); ++i) {
    EXPECT_EQ(a.pairs[i].a, b.pairs[i].a);
    EXPECT_EQ(a.pairs[i].b, b.pairs[i].b);
    EXPECT_EQ(a.pairs[i].probability, b.pairs[i].probability);
  }
  EXPECT_EQ(a.clustering.cluster_of, b.clustering.cluster_of);
}

TEST(LinkerTest, CompanionsAgreeWhenTheyWereClusteredTogetherFirst) {
  // Two victims (0, 2) and the relatives who told their stories (1, 3); a victim (4) with a
  // relative (5) who is someone else; a victim (6) without one; two victims (7, 8) told of in
  // one account by the same relative (9).
  std::vector<Record> records(10);
  const std::vector<std::pair<uint32_t, uint32_t>> ties = {{0, 1}, {2, 3}, {4, 5}, {7, 9}, {8, 9}};
  for (auto [victim, relative] : ties) {
    records[victim].companions.push_back(relative);
    records[relative].companions.push_back(victim);
  }
  records[0].companions.push_back(1);  // a repeat says nothing more
  LinkOptions options;
  auto linker = Linker::Create(records, options).value();
  ASSERT_TRUE(linker->has_companions());
  // Before a first clustering the field says nothing.
  EXPECT_EQ(linker->CompanionLevel(0, 2), kMissing);
  EXPECT_EQ(linker->Compare(0, 2).level[static_cast<size_t>(Field::kCompanions)], kMissing);
  // A first clustering put the two relatives (1, 3) together, and 5 alone.
  linker->CompareCompanionsBy({0, 1, 2, 1, 4, 5, 6, 7, 8, 9});
  EXPECT_EQ(linker->CompanionLevel(0, 2), 1);
  EXPECT_EQ(linker->Compare(0, 2).level[static_cast<size_t>(Field::kCompanions)], 1);
  EXPECT_EQ(linker->CompanionLevel(0, 4), 0);
  EXPECT_EQ(linker->CompanionLevel(0, 6), kMissing);
  EXPECT_EQ(linker->CompanionLevel(7, 8), 0);  // one account of two people: not a match by it
  // A clustering of other records is not used.
  linker->CompareCompanionsBy({0, 1});
  EXPECT_EQ(linker->CompanionLevel(0, 2), kMissing);
  // Without companions, nothing to compare.
  EXPECT_FALSE(Linker::Create(std::vector<Record>(3), options).value()->has_companions());

  // A companion must be another record of the input; the error names the record and field.
  for (uint32_t bad : {10u, 6u}) {
    records[6].companions = {bad};
    Result<std::unique_ptr<Linker>> refused = Linker::Create(records, options);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("record 6: field 'companions'"), std::string::npos);
  }
}

TEST(LinkerTest, CompanionWeightsAreFittedOnTheFirstPass) {
  Model model;
  // Likely matches mostly have companions clustered together, likely non-matches mostly not.
  const std::vector<uint8_t> levels = {1, 1, 1, 0, 0, 0, 0, 1, kMissing};
  std::vector<ScoredPair> first;
  for (double p : {0.9, 0.8, 0.9, 0.1, 0.2, 0.05, 0.6, 0.1, 0.99}) first.push_back({0, 1, p});
  FitCompanions(model, first, levels);
  const size_t f = static_cast<size_t>(Field::kCompanions);
  ASSERT_TRUE(model.active[f]);
  // m(1) = (0.9 + 0.8 + 0.9 + 0.1) / 3.65, u(1) = (0.1 + 0.2 + 0.1 + 0.9) / 4.35.
  EXPECT_NEAR(model.m[f][1], 2.7 / 3.65, 1e-12);
  EXPECT_NEAR(model.u[f][1], 1.3 / 4.35, 1e-12);
  EXPECT_NEAR(model.m[f][0] + model.m[f][1], 1.0, 1e-12);
  EXPECT_NEAR(model.u[f][0] + model.u[f][1], 1.0, 1e-12);
  // No pair with a level: the field stays out of the model.
  Model none;
  FitCompanions(none, std::vector<ScoredPair>{{0, 1, 0.5}}, std::vector<uint8_t>{kMissing});
  EXPECT_FALSE(none.active[f]);

  // Evidence adds to a probability's weight: 0.5 is weight 0, one bit makes it 2/3.
  EXPECT_NEAR(AddWeight(0.5, 1), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(AddWeight(0.2, 0), 0.2, 1e-12);
  EXPECT_NEAR(AddWeight(0.2, -2), 1.0 / 17.0, 1e-12);
  EXPECT_EQ(AddWeight(1.0, -5), 1.0);
  EXPECT_EQ(AddWeight(0.0, 5), 0.0);
}

TEST(LinkerTest, ThreadsDoNotChangeTheResult) {
  const Population p = MakePopulation(1500, 300, 5);
  LinkOptions one;
  one.random_pairs = 20000;  // keeps the Debug and sanitizer builds quick
  LinkOptions two = one;
  two.threads = 2;
  ExpectSameResult(Deduplicate(p.records, one).value(), Deduplicate(p.records, two).value());
}

TEST(LinkerTest, DeduplicateGivenTheRecordsToKeepGivesTheSameResult) {
  const Population p = MakePopulation(1500, 300, 7);
  LinkOptions options;
  options.random_pairs = 20000;
  const LinkResult viewed = Deduplicate(p.records, options).value();
  std::vector<Record> copy = p.records;
  ExpectSameResult(viewed, Deduplicate(std::move(copy), options).value());
  EXPECT_TRUE(copy.empty());
  // Scored as Train and Probability score them one by one.
  auto linker = Linker::Create(p.records, options).value();
  const auto comparisons = linker->CompareAll(linker->Candidates());
  const Model model = linker->Train(comparisons);
  ASSERT_EQ(comparisons.size(), viewed.pairs.size());
  for (size_t i = 0; i < comparisons.size(); i += 37) {
    EXPECT_EQ(linker->Probability(model, comparisons[i]), viewed.pairs[i].probability);
  }
  std::vector<Record> bad = p.records;
  bad[3].given_name = "\xff";
  EXPECT_EQ(Deduplicate(std::move(bad), options).status().code(), StatusCode::kInvalidArgument);
}

TEST(LinkerTest, TrainingSessionsEstimateMWithoutLabels) {
  // Sessions on rules that block on names, then on dates: each field's m comes from a session
  // that does not block on it, u from random pairs, the prior over all record pairs.
  const Population p = MakePopulation(3000, 600, 13);
  LinkOptions options;
  options.random_pairs = 50000;
  options.training_blocking = {{KeyPart::kSurnamePhonetic, KeyPart::kGivenPhonetic},
                               {KeyPart::kBirthDate}};
  auto linker = Linker::Create(p.records, options).value();
  const Model model = linker->Train(linker->CompareAll(linker->Candidates()));
  for (Field f : {Field::kGivenName, Field::kSurname, Field::kBirthDate, Field::kLocality}) {
    const size_t top = static_cast<size_t>(LevelCount(f) - 1);
    const size_t i = static_cast<size_t>(f);
    // A quarter of the duplicates carry their one typo in this field (none for locality).
    EXPECT_GT(model.m[i][top], 0.6) << FieldName(f);
    EXPECT_GT(model.m[i][top] / model.u[i][top], 5) << FieldName(f);
  }
  // 600 true pairs among 3600 records.
  const double all_pairs = 3600.0 * 3599.0 / 2;
  EXPECT_GT(model.prior, 300 / all_pairs);
  EXPECT_LT(model.prior, 1200 / all_pairs);
  options.training_blocking.push_back({KeyPart::kPostcode});
  const LinkResult result = Deduplicate(p.records, options).value();
  const PairwiseMetrics metrics = EvaluateClusters(result.clustering.cluster_of, p.person);
  EXPECT_GE(metrics.precision, 0.95);
  EXPECT_GE(metrics.recall, 0.95);
}

// ---- Clustering ---------------------------------------------------------------------------

TEST(ClusterTest, ChainGuardStopsAWeakChain) {
  // A~B and B~C are strong, A~C (never a candidate) is weak: no transitive A~C.
  const std::vector<ScoredPair> pairs = {{0, 1, 0.99}, {1, 2, 0.98}};
  LinkOptions options;
  Clustering weak = Cluster(3, pairs, options, [](uint32_t a, uint32_t b) {
    EXPECT_EQ(a, 0u);
    EXPECT_EQ(b, 2u);
    return 0.01;
  });
  EXPECT_EQ(weak.clusters, 2u);
  EXPECT_EQ(weak.cluster_of[0], weak.cluster_of[1]);
  EXPECT_NE(weak.cluster_of[1], weak.cluster_of[2]);
  EXPECT_EQ(weak.merges_refused_chain, 1u);
  EXPECT_EQ(weak.pairs_scored_on_demand, 1u);
  // When A~C is also supported, all three are one person.
  Clustering strong = Cluster(3, pairs, options, [](uint32_t, uint32_t) { return 0.6; });
  EXPECT_EQ(strong.clusters, 1u);
  EXPECT_EQ(strong.merges_refused_chain, 0u);
}

TEST(ClusterTest, LongChainDoesNotCollapse) {
  // 0-1-2-...-19, each neighbour strong, everything else weak: plain transitive closure would
  // make one cluster of 20; the guard keeps clusters of at most two.
  std::vector<ScoredPair> pairs;
  for (uint32_t i = 0; i + 1 < 20; ++i) pairs.push_back({i, i + 1, 0.9});
  const Clustering c = Cluster(20, pairs, LinkOptions{}, [](uint32_t, uint32_t) { return 0.0; });
  std::vector<int> size(c.clusters, 0);
  for (uint32_t id : c.cluster_of) ++size[id];
  for (int s : size) EXPECT_LE(s, 2);
  EXPECT_GE(c.clusters, 10u);
}

TEST(ClusterTest, SizeCap) {
  std::vector<ScoredPair> pairs;
  for (uint32_t i = 0; i < 10; ++i) {
    for (uint32_t j = i + 1; j < 10; ++j) pairs.push_back({i, j, 0.99});
  }
  LinkOptions options;
  options.max_cluster_size = 4;
  const Clustering c = Cluster(10, pairs, options, [](uint32_t, uint32_t) { return 0.99; });
  std::vector<int> size(c.clusters, 0);
  for (uint32_t id : c.cluster_of) ++size[id];
  for (int s : size) EXPECT_LE(s, 4);
  EXPECT_GT(c.merges_refused_size, 0u);
}

TEST(EvaluateTest, PairwiseCounts) {
  // Truth: {0,1,2} {3,4}; predicted: {0,1} {2,3,4}.
  const std::vector<uint32_t> truth = {7, 7, 7, 9, 9};
  const std::vector<uint32_t> predicted = {0, 0, 1, 1, 1};
  const PairwiseMetrics m = EvaluateClusters(predicted, truth);
  EXPECT_EQ(m.true_pairs, 4u);
  EXPECT_EQ(m.predicted_pairs, 4u);
  EXPECT_EQ(m.correct_pairs, 2u);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.f1, 0.5);
  const std::vector<std::pair<uint32_t, uint32_t>> pairs = {{0, 1}, {1, 2}, {2, 3}};
  const PairwiseMetrics p = EvaluatePairs(pairs, truth);
  EXPECT_EQ(p.correct_pairs, 2u);
  EXPECT_DOUBLE_EQ(p.precision, 2.0 / 3.0);
}

// ---- Bad input ----------------------------------------------------------------------------

TEST(BadInputTest, InvalidUtf8NamesTheRecordAndFieldButNotTheValue) {
  std::vector<Record> records(3);
  records[0].given_name = "anna";
  records[1].given_name = "secret\xff";
  Result<std::unique_ptr<Linker>> linker = Linker::Create(records, LinkOptions{});
  ASSERT_FALSE(linker.ok());
  EXPECT_EQ(linker.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(linker.status().message().find("record 1"), std::string::npos);
  EXPECT_NE(linker.status().message().find("name"), std::string::npos);
  EXPECT_EQ(linker.status().message().find("secret"), std::string::npos);

  records[1].given_name = "anna";
  records[2].street = "\xc0\xaf street";
  linker = Linker::Create(records, LinkOptions{});
  ASSERT_FALSE(linker.ok());
  EXPECT_NE(linker.status().message().find("record 2: field 'street'"), std::string::npos);

  records[2].street.clear();
  records[2].birth_month = 140;
  linker = Linker::Create(records, LinkOptions{});
  ASSERT_FALSE(linker.ok());
  EXPECT_NE(linker.status().message().find("birth_date"), std::string::npos);
}

TEST(BadInputTest, EmptyRecordsAndBadOptions) {
  // Records with nothing known: no candidates, no crash, every record its own cluster.
  std::vector<Record> empty(5);
  Result<LinkResult> result = Deduplicate(empty, LinkOptions{});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->pairs.empty());
  EXPECT_EQ(result->clustering.clusters, 5u);
  Result<LinkResult> none = Deduplicate(std::vector<Record>(), LinkOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->clustering.clusters, 0u);

  LinkOptions bad;
  bad.match_threshold = 1.5;
  EXPECT_FALSE(Linker::Create(empty, bad).ok());
  bad = LinkOptions{};
  bad.blocking = {{}};
  EXPECT_FALSE(Linker::Create(empty, bad).ok());
  bad = LinkOptions{};
  bad.link_threshold = 0.9;  // above the match threshold
  EXPECT_FALSE(Linker::Create(empty, bad).ok());
}

TEST(CsvTest, QuotesBlanksAndLineEndings) {
  const auto rows =
      ParseCsv("a, b ,c\r\n\"x, y\",\"say \"\"hi\"\"\", \"two\nlines\"\n\n1,,3\n").value();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"1", "", "3"}));
  EXPECT_TRUE(ParseCsv("").value().empty());
}

TEST(CsvTest, MalformedInputNamesTheLine) {
  Result<std::vector<std::vector<std::string>>> r = ParseCsv("a,b\nc,\"open\nd,e\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos);
  r = ParseCsv("a,b\n\"x\"y,z\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos);
  r = ParseCsv("a,b\nc,d\"e\n");
  ASSERT_FALSE(r.ok());
  r = ParseCsv("a,b\nc,\xff\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace custodian::link
