// The search index on real Xapian databases in temporary directories: folding, Hangul and Han
// without spaces, names and places across scripts (in name fields and in free text), the query
// language and every kind of bad query, facet filters and counts, date overlap, access tags,
// sealed names (the index files are scanned for the plaintext), snippets, pagination,
// replacement and removal, batches over the shards, and last_seq across reopening.
#include "search/search.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "testing/test_env.h"

namespace custodian::search {
namespace {

using custodian::testing::TempDir;
using Ids = std::vector<std::string>;

Document Doc(std::string id, std::string text, std::string kind = "source") {
  Document d;
  d.id = std::move(id);
  d.kind = std::move(kind);
  d.texts = {{"transcript", std::move(text)}};
  d.access_tags = {"public"};
  return d;
}

Document Person(std::string id, std::vector<std::string> names) {
  Document d;
  d.id = std::move(id);
  d.kind = "person";
  d.names = std::move(names);
  d.access_tags = {"public"};
  return d;
}

// A stand-in for the caller's keyed HMAC: opaque, and different for another key.
std::function<std::string(std::string_view)> Blinder(std::string key) {
  return [key](std::string_view canonical) {
    uint64_t h = 1469598103934665603ull;
    for (char c : key + "|" + std::string(canonical)) {
      h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    }
    std::ostringstream out;
    out << std::hex << h;
    return out.str();
  };
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    index_.reset();
    auto opened = Index::Open(dir_ / "index");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    index_ = std::move(opened).value();
  }

  void Put(const Document& d) {
    Status s = index_->Put(d);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  Results Run(Query q) {
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : Results{};
  }

  // Ids matching `text` for a user who sees everything, sorted.
  Ids Find(const std::string& text, Query q = {}) {
    q.text = text;
    if (q.access_tags.empty()) q.all_access = true;
    q.limit = kMaxLimit;
    Ids ids;
    for (const Hit& h : Run(q).hits) ids.push_back(h.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  Status Error(const std::string& text) {
    Query q;
    q.text = text;
    q.all_access = true;
    auto r = index_->Search(q);
    return r.ok() ? OkStatus() : r.status();
  }

  static uint64_t CountOf(const Results& r, Facet f, const std::string& value) {
    for (const FacetCount& c : r.facets[static_cast<size_t>(f)]) {
      if (c.value == value) return c.count;
    }
    return 0;
  }

  // Every byte of every file of the index.
  std::string DiskBytes() {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "index")) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      all += s.str();
    }
    return all;
  }

  TempDir dir_;
  std::unique_ptr<Index> index_;
};

TEST_F(SearchTest, FoldsCaseDiacriticsApostrophesAndWidth) {
  Put(Doc("a", "Ch'ŏl-su was held in Sinŭiju by the ＭＳＳ."));
  Put(Doc("b", "Nothing to see here."));
  for (const char* q : {"chol", "CHOL", "Ch'ol", "Ch’ŏl", "Chʼŏl", "Chŏl", "sinuiju", "Sinŭiju",
                        "SINUIJU", "mss", "cholsu", "Chol-su", "\"chol su\""}) {
    EXPECT_EQ(Find(q), Ids{"a"}) << q;
  }
  // Decomposed input (NFD) folds like precomposed.
  EXPECT_EQ(Find("Sinu\u0306iju"), Ids{"a"});
}

TEST_F(SearchTest, HangulWithoutSpaces) {
  Put(Doc("a", "그는 2009년 신의주에서 보위부에 체포되었습니다."));
  Put(Doc("b", "그는 의주로 갔다. 신발을 샀다."));
  EXPECT_EQ(Find("신의주"), Ids{"a"});
  EXPECT_EQ(Find("보위부"), Ids{"a"});
  EXPECT_EQ(Find("체포"), Ids{"a"});
  EXPECT_EQ(Find("의주"), (Ids{"a", "b"}));
  EXPECT_EQ(Find("주의신"), Ids{});  // the characters, but not in this order
  EXPECT_EQ(Find("\"신의주에서 보위부에\""), Ids{"a"});
  EXPECT_EQ(Find("\"보위부에 신의주에서\""), Ids{});
  EXPECT_EQ(Find("2009"), Ids{"a"});
}

TEST_F(SearchTest, HanWithoutSpaces) {
  Put(Doc("a", "他在平壤被捕，后来被送到咸镜北道。"));
  Put(Doc("b", "壤土与平原"));
  EXPECT_EQ(Find("平壤"), Ids{"a"});
  EXPECT_EQ(Find("咸镜北道"), Ids{"a"});
  EXPECT_EQ(Find("壤平"), Ids{});
  EXPECT_EQ(Find("平"), (Ids{"a", "b"}));
  EXPECT_EQ(Find("道"), Ids{"a"});  // the last character of a run
  EXPECT_EQ(Find("原"), Ids{"b"});
}

TEST_F(SearchTest, NamesInNameFieldsAcrossScripts) {
  Put(Person("hangul", {"김철수"}));
  Put(Person("rr", {"Gim Cheol-su"}));
  Put(Person("un", {"KIM Chol-su"}));
  Put(Person("given-first", {"Chulsoo Kim"}));
  Put(Person("other", {"Kim Yong-hui"}));
  const Ids all = {"given-first", "hangul", "rr", "un"};
  EXPECT_EQ(Find("Kim Chol Su"), all);
  EXPECT_EQ(Find("김철수"), all);
  EXPECT_EQ(Find("Kim Ch'ŏl-su"), all);
  EXPECT_EQ(Find("\"Gim Cheolsu\""), all);
  EXPECT_EQ(Find("Kim Yong Hui"), Ids{"other"});
  EXPECT_EQ(NameKeys("김철수"), std::vector<std::string>{"KIM COLSO"});
  EXPECT_EQ(NameKeys("Kim Chol Su"), NameKeys("Gim Cheol-su"));
  EXPECT_TRUE(NameKeys("John Smith").empty());
  EXPECT_TRUE(NameKeys("").empty());
}

TEST_F(SearchTest, NameMentionsInFreeTextBothWays) {
  Put(Doc(
      "ko",
      "문: 자기소개를 해 주십시오.\n답: 제 이름은 김철수입니다. 1975년에 무산에서 태어났습니다."));
  Put(Doc("ko-particle", "그때 리영희가 보위부에 끌려갔습니다."));
  Put(Doc("en",
          "Q: Please tell us about yourself.\nA: My name is Chol-su Kim. I was born in Musan."));
  Put(Doc("en-caps", "The witness, KIM Chol Su, was arrested in 2009."));
  Put(Doc("en-last", "A: My name is Yonghye Ko. I was born in Puryong in 1979."));
  Put(Doc("noise", "Kim said nothing. The Political Prison Camp No. 16 is near Hwasong."));
  EXPECT_EQ(Find("Kim Chol Su"), (Ids{"en", "en-caps", "ko"}));
  EXPECT_EQ(Find("김철수"), (Ids{"en", "en-caps", "ko"}));
  EXPECT_EQ(Find("Ri Yong Hui"), Ids{"ko-particle"});
  EXPECT_EQ(Find("Lee Younghee"), Ids{"ko-particle"});  // ROK spelling of the DPRK's 리
  EXPECT_EQ(Find("이영희"), Ids{"ko-particle"});
  EXPECT_EQ(Find("고영혜"), Ids{"en-last"});
  EXPECT_EQ(Find("Ko Yong-hye"), Ids{"en-last"});
}

TEST_F(SearchTest, PlaceNamesAcrossSpellings) {
  Put(Doc("latin", "He was handed over at Sinuiju."));
  Put(Doc("mr", "He was handed over at Sinŭiju."));
  Put(Doc("hangul", "그는 신의주에서 넘겨졌다."));
  Put(Doc("hoeryong", "회령 보위부 구류장으로 이송돼 조사를 받았다."));
  Put(Doc("other", "He was handed over at Namyang."));
  Put(Doc("suffix", "그는 청진시에 살았다."));  // place suffix and particle: 청진시에 -> 청진
  const Ids sinuiju = {"hangul", "latin", "mr"};
  EXPECT_EQ(Find("Sinuiju"), sinuiju);
  EXPECT_EQ(Find("sinŭiju"), sinuiju);
  EXPECT_EQ(Find("신의주"), sinuiju);
  EXPECT_EQ(Find("Hoeryong"), Ids{"hoeryong"});
  EXPECT_EQ(Find("Chongjin"), Ids{"suffix"});
  EXPECT_EQ(Find("Ch'ŏngjin-si"), Ids{"suffix"});
  EXPECT_EQ(Find("handed Sinuiju"), (Ids{"latin", "mr"}));
  // Short English words are not read as Korean syllables.
  EXPECT_EQ(Find("at"), (Ids{"latin", "mr", "other"}));
}

TEST_F(SearchTest, BooleanAndPhrase) {
  Put(Doc("1", "forced labour in the camp"));
  Put(Doc("2", "torture in the holding centre"));
  Put(Doc("3", "forced labour and torture"));
  Put(Doc("4", "labour camp for the forced returnees"));
  EXPECT_EQ(Find("forced labour"), (Ids{"1", "3", "4"}));
  EXPECT_EQ(Find("forced AND labour"), (Ids{"1", "3", "4"}));
  EXPECT_EQ(Find("\"forced labour\""), (Ids{"1", "3"}));
  EXPECT_EQ(Find("camp OR centre"), (Ids{"1", "2", "4"}));
  EXPECT_EQ(Find("labour NOT torture"), (Ids{"1", "4"}));
  EXPECT_EQ(Find("labour AND NOT torture"), (Ids{"1", "4"}));
  EXPECT_EQ(Find("NOT labour"), Ids{"2"});
  EXPECT_EQ(Find("(camp OR centre) AND torture"), Ids{"2"});
  EXPECT_EQ(Find("\"forced labour\" OR (holding centre)"), (Ids{"1", "2", "3"}));
  EXPECT_EQ(Find("torture \"forced labour\""), Ids{"3"});
  // Lowercase operators are words.
  EXPECT_EQ(Find("labour and torture"), Ids{"3"});
}

TEST_F(SearchTest, BadQueriesAreInvalidArgumentWithoutEchoingTheQuery) {
  Put(Doc("1", "Zzyzxname testimony"));
  const std::vector<std::string> bad = {
      "",
      "   \t\n",
      "\"Zzyzxname testimony",
      "Zzyzxname \"testimony",
      "(Zzyzxname OR testimony",
      "Zzyzxname OR testimony)",
      ")",
      "()",
      "Zzyzxname AND",
      "OR Zzyzxname",
      "NOT",
      "Zzyzxname NOT",
      "Zzyzxname AND OR testimony",
      "Zzyzxname NOT NOT testimony",
      "Zzyzxname \xff\xfe",
      "Zzyzxname \xc3",
      std::string(kMaxQueryBytes + 1, 'a'),
      std::string(kMaxQueryDepth + 1, '(') + "Zzyzxname" + std::string(kMaxQueryDepth + 1, ')'),
      "!!! ... ---",
  };
  std::string many;
  for (size_t i = 0; i <= kMaxQueryWords; ++i) many += "Zzyzxname ";
  std::vector<std::string> all = bad;
  all.push_back(many);
  for (const std::string& q : all) {
    Status s = Error(q);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << "query: " << q.substr(0, 60);
    EXPECT_EQ(s.message().find("Zzyzxname"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("testimony"), std::string::npos) << s.message();
  }
  EXPECT_NE(Error("\"abc").message().find("quotation mark"), std::string::npos);
  EXPECT_NE(Error("(abc").message().find("parenthesis"), std::string::npos);
  EXPECT_NE(Error("abc AND").message().find("operator AND at byte 5"), std::string::npos);
  // At the limits is fine.
  std::string longest;
  for (size_t i = 0; i < kMaxQueryWords; ++i) longest += "w" + std::to_string(i) + " ";
  longest += std::string(kMaxQueryBytes - longest.size(), ' ');
  EXPECT_TRUE(Error(longest).ok());
  EXPECT_TRUE(
      Error(std::string(kMaxQueryDepth, '(') + "x" + std::string(kMaxQueryDepth, ')')).ok());
  // Bad paging and dates.
  Query q;
  q.text = "testimony";
  q.all_access = true;
  q.limit = kMaxLimit + 1;
  EXPECT_EQ(index_->Search(q).status().code(), StatusCode::kInvalidArgument);
  q.limit = 10;
  q.date_from = 20091301;
  EXPECT_EQ(index_->Search(q).status().code(), StatusCode::kInvalidArgument);
  q.date_from = 20100101;
  q.date_to = 20090101;
  EXPECT_EQ(index_->Search(q).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SearchTest, FacetFiltersAndCountsOverTheWholeMatchSet) {
  auto act = [](std::string id, std::vector<std::string> violations,
                std::vector<std::string> places, std::string unit) {
    Document d = Doc(std::move(id), "detention testimony", "act");
    d.violation_types = std::move(violations);
    d.places = std::move(places);
    d.units = {std::move(unit)};
    return d;
  };
  Put(act("a1", {"torture", "arbitrary_arrest"}, {"plc-nh", "plc-nh-musan"}, "org-mss"));
  Put(act("a2", {"torture"}, {"plc-nh", "plc-nh-hoeryong"}, "org-mss"));
  Put(act("a3", {"forced_labour"}, {"plc-ry", "plc-ry-hyesan"}, "org-mps"));
  Document s1 = Doc("s1", "detention testimony");
  s1.source_type = "interview";
  s1.grade = "b";
  Document s2 = Doc("s2", "detention testimony");
  s2.source_type = "article";
  s2.grade = "c";
  Put(s1);
  Put(s2);

  Query q;
  q.limit = 1;  // counts do not depend on the page
  Results r = Run([&] {
    Query x = q;
    x.text = "detention";
    x.all_access = true;
    return x;
  }());
  EXPECT_EQ(r.total, 5u);
  EXPECT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(CountOf(r, Facet::kKind, "act"), 3u);
  EXPECT_EQ(CountOf(r, Facet::kKind, "source"), 2u);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "torture"), 2u);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "arbitrary_arrest"), 1u);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "forced_labour"), 1u);
  EXPECT_EQ(CountOf(r, Facet::kPlace, "plc-nh"), 2u);
  EXPECT_EQ(CountOf(r, Facet::kUnit, "org-mss"), 2u);
  EXPECT_EQ(CountOf(r, Facet::kSourceType, "interview"), 1u);
  EXPECT_EQ(CountOf(r, Facet::kGrade, "c"), 1u);
  // Most frequent first.
  EXPECT_EQ(r.facets[static_cast<size_t>(Facet::kKind)][0].value, "act");

  auto with = [&](Facet f, std::vector<std::string> values) {
    Query x;
    x.filters[f] = std::move(values);
    return Find("detention", x);
  };
  EXPECT_EQ(with(Facet::kKind, {"act"}), (Ids{"a1", "a2", "a3"}));
  EXPECT_EQ(with(Facet::kViolationType, {"torture"}), (Ids{"a1", "a2"}));
  EXPECT_EQ(with(Facet::kViolationType, {"arbitrary_arrest", "forced_labour"}), (Ids{"a1", "a3"}));
  EXPECT_EQ(with(Facet::kPlace, {"plc-nh"}), (Ids{"a1", "a2"}));  // the province finds counties
  EXPECT_EQ(with(Facet::kPlace, {"plc-nh-musan"}), Ids{"a1"});
  EXPECT_EQ(with(Facet::kUnit, {"org-mps"}), Ids{"a3"});
  EXPECT_EQ(with(Facet::kSourceType, {"interview"}), Ids{"s1"});
  EXPECT_EQ(with(Facet::kGrade, {"c"}), Ids{"s2"});
  EXPECT_EQ(with(Facet::kGrade, {"z"}), Ids{});

  // Facets combine with AND, and the counts are those of the filtered set.
  Query both;
  both.text = "detention";
  both.all_access = true;
  both.filters[Facet::kPlace] = {"plc-nh"};
  both.filters[Facet::kViolationType] = {"arbitrary_arrest"};
  Results filtered = Run(both);
  EXPECT_EQ(filtered.total, 1u);
  EXPECT_EQ(CountOf(filtered, Facet::kViolationType, "torture"), 1u);
  EXPECT_EQ(CountOf(filtered, Facet::kKind, "source"), 0u);

  // Browsing without words.
  Query browse;
  browse.match_all = true;
  browse.all_access = true;
  browse.filters[Facet::kUnit] = {"org-mss"};
  EXPECT_EQ(Run(browse).total, 2u);
  browse.count_facets = false;
  EXPECT_TRUE(Run(browse).facets[0].empty());
}

TEST_F(SearchTest, DateRangesMatchWhenTheyOverlap) {
  auto dated = [](std::string id, int32_t lo, int32_t hi) {
    Document d = Doc(std::move(id), "arrest");
    d.date = DateRange{lo, hi};
    return d;
  };
  Put(dated("y2009", 20090101, 20091231));
  Put(dated("d20090315", 20090315, 20090315));
  Put(dated("y2010", 20100101, 20101231));
  Put(dated("1990s", 19900101, 19991231));
  Put(Doc("undated", "arrest"));
  auto between = [&](std::optional<int32_t> from, std::optional<int32_t> to) {
    Query q;
    q.date_from = from;
    q.date_to = to;
    return Find("arrest", q);
  };
  EXPECT_EQ(between(20090301, 20090331), (Ids{"d20090315", "y2009"}));
  EXPECT_EQ(between(20091231, 20100101), (Ids{"y2009", "y2010"}));  // ends are inclusive
  EXPECT_EQ(between(20090316, 20091230), Ids{"y2009"});
  EXPECT_EQ(between(20000101, 20081231), Ids{});
  EXPECT_EQ(between(19991231, 19991231), Ids{"1990s"});
  EXPECT_EQ(between(19950601, 20090101), (Ids{"1990s", "y2009"}));
  EXPECT_EQ(between(20100601, std::nullopt), Ids{"y2010"});
  EXPECT_EQ(between(std::nullopt, 19950101), Ids{"1990s"});
  EXPECT_EQ(between(std::nullopt, std::nullopt),
            (Ids{"1990s", "d20090315", "undated", "y2009", "y2010"}));
  EXPECT_EQ(index_->Put(dated("bad", 20100101, 20090101)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index_->Put(dated("bad", 20091301, 20091301)).code(), StatusCode::kInvalidArgument);
}

TEST_F(SearchTest, AccessTagsHideDocumentsFromResultsAndCounts) {
  Document open = Doc("open", "execution testimony");
  open.violation_types = {"execution"};
  Document team = Doc("team", "execution testimony");
  team.access_tags = {"team-a"};
  team.violation_types = {"execution"};
  Document secret = Doc("secret", "execution testimony");
  secret.access_tags = {"dossier-7"};
  secret.violation_types = {"execution", "torture"};
  Document untagged = Doc("untagged", "execution testimony");
  untagged.access_tags = {};
  for (const Document& d : {open, team, secret, untagged}) Put(d);

  Query q;
  q.text = "execution";
  q.access_tags = {"public", "team-a"};
  Results r = Run(q);
  Ids ids;
  for (const Hit& h : r.hits) ids.push_back(h.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (Ids{"open", "team"}));
  EXPECT_EQ(r.total, 2u);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "execution"), 2u);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "torture"), 0u);

  q.access_tags = {};  // no tags and not all_access: nothing
  EXPECT_EQ(Run(q).total, 0u);
  q.all_access = true;
  EXPECT_EQ(Run(q).total, 4u);
  Query browse;
  browse.match_all = true;
  browse.access_tags = {"dossier-7"};
  EXPECT_EQ(Run(browse).total, 1u);
}

// Above Query::exact_count_limit matches the total and the facets are estimates, and say so;
// the access filter is still part of the match, so a hidden document is neither counted nor
// gives a facet value, estimated or not.
TEST_F(SearchTest, LargeMatchSetsGiveFlaggedEstimatesThatRespectAccess) {
  // Every other document is hidden from the user below, and only those have torture. Word
  // frequencies are uneven, so that Xapian cannot infer the total from them.
  uint64_t visible = 0, starvation = 0, market = 0;
  for (int i = 0; i < 900; ++i) {
    const bool hidden = i % 2 == 1, famine = i % 3 != 0;
    std::string text = famine ? "famine testimony" : "testimony";
    if (i % 5 == 0) text += " market";
    Document d = Doc("d" + std::to_string(1000 + i), text);
    d.violation_types = {hidden ? "torture" : (i % 4 == 0 ? "starvation" : "forced_labour")};
    d.access_tags = {hidden ? "dossier-7" : "public"};
    Put(d);
    if (!hidden && famine) {
      ++visible;
      starvation += i % 4 == 0;
      market += i % 5 == 0;
    }
  }
  Query q;
  q.text = "famine";
  q.access_tags = {"public"};
  q.exact_count_limit = 60;
  Results r = Run(q);
  EXPECT_FALSE(r.total_exact);
  EXPECT_FALSE(r.facets_exact);
  EXPECT_GT(r.total, visible * 8 / 10);
  EXPECT_LT(r.total, visible * 12 / 10);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "torture"), 0u);  // hidden documents only
  EXPECT_GT(CountOf(r, Facet::kViolationType, "starvation"), starvation * 7 / 10);
  EXPECT_LT(CountOf(r, Facet::kViolationType, "starvation"), starvation * 13 / 10);
  EXPECT_EQ(r.hits.size(), 20u);

  // The same query counted exactly.
  q.exact_count_limit = 0;
  r = Run(q);
  EXPECT_TRUE(r.total_exact);
  EXPECT_TRUE(r.facets_exact);
  EXPECT_EQ(r.total, visible);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "starvation"), starvation);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "forced_labour"), visible - starvation);
  EXPECT_EQ(CountOf(r, Facet::kViolationType, "torture"), 0u);

  // A match set within the limit is exact without asking.
  q.text = "famine market";
  q.exact_count_limit = kDefaultExactCountLimit;
  r = Run(q);
  EXPECT_TRUE(r.total_exact);
  EXPECT_TRUE(r.facets_exact);
  EXPECT_EQ(r.total, market);

  // A page beyond the limit is still served, and its hits are the visible ones.
  q.text = "famine";
  q.exact_count_limit = 50;
  q.offset = visible - 20;
  q.limit = 30;
  r = Run(q);
  EXPECT_EQ(r.hits.size(), 20u);
  for (const Hit& h : r.hits) EXPECT_EQ((std::stoi(h.id.substr(1)) - 1000) % 2, 0) << h.id;
}

// Two characters are matched by their bigram, which exists only where they are adjacent in a
// run; a longer run by all its bigrams; a quoted phrase exactly, in the stored text.
TEST_F(SearchTest, HangulWordsMatchByTheirBigramsAndPhrasesExactly) {
  Put(Doc("run", "보위부 구류장에서 조사를 받았다."));
  Put(Doc("spaced", "보 위 부 구 류 장"));
  Put(Doc("reordered", "부위보 장류구"));
  Put(Doc("split", "보위 부에서 구류 장소"));
  // Every bigram of 구류장 (구류, 류장), but not in one run: a word matches it, a phrase not.
  Put(Doc("scattered", "구류소에 있다가 류장을 만났다"));
  EXPECT_EQ(Find("보위"), (Ids{"run", "split"}));
  EXPECT_EQ(Find("구류장"), (Ids{"run", "scattered"}));
  EXPECT_EQ(Find("\"구류장\""), Ids{"run"});
  EXPECT_EQ(Find("구류장에서"), Ids{"run"});
  // One syllable: where it starts a word or is one; not at the end of a longer word.
  EXPECT_EQ(Find("보"), (Ids{"run", "spaced", "split"}));
  EXPECT_EQ(Find("\"보위부 구류장\""), Ids{"run"});
  EXPECT_EQ(Find("\"구류장 보위부\""), Ids{});
  EXPECT_EQ(Find("\"보위 부에서\""), Ids{"split"});
}

// CJK characters have no positions in the index, so a quoted phrase with them is checked in
// the stored texts: alone, under NOT and OR, and mixed with words.
TEST_F(SearchTest, CjkPhrasesAreCheckedInTheTextUnderEveryOperator) {
  Put(Doc("exact", "그는 보위부 구류장에서 조사를 받았다. The MSS가 그를 때렸다."));
  Put(Doc("apart", "보위부에 갔다. 나중에 구류장에서 만났다. MSS 요원이 그를 때렸다."));
  Put(Doc("spaces", "보위부   구류장 (several spaces)"));
  Put(Person("name", {"보위부 구류장"}));  // reads as a Korean name: found by its name key
  EXPECT_EQ(Find("\"보위부 구류장\""), (Ids{"exact", "name", "spaces"}));
  EXPECT_EQ(Find("보위부 구류장"), (Ids{"apart", "exact", "name", "spaces"}));
  EXPECT_EQ(Find("보위부 NOT \"보위부 구류장\""), Ids{"apart"});
  EXPECT_EQ(Find("\"보위부 구류장\" OR 요원이"), (Ids{"apart", "exact", "name", "spaces"}));
  EXPECT_EQ(Find("\"the mss가\""), Ids{"exact"});
  EXPECT_EQ(Find("\"mss가 그를\""), Ids{"exact"});
  EXPECT_EQ(Find("\"mss 요원이\""), Ids{"apart"});
  EXPECT_EQ(Find("\"구류장 조사를\""), Ids{});  // a particle in between
  EXPECT_EQ(Find("\"갔다\""), Ids{"apart"});
  EXPECT_EQ(Find("\"구\""), (Ids{"apart", "exact", "spaces"}));
}

// A phrase of CJK characters is read from the stored text without analysing it again where that
// is exact, and analysed where it is not: other separators, characters that fold into CJK ones.
TEST_F(SearchTest, CjkPhrasesAreFoundWhateverSeparatesTheirWords) {
  Put(Doc("space", "그는 보위부 구류장에 있었다."));
  Put(Doc("line", "그는 보위부\n구류장에 있었다."));
  Put(Doc("quoted", "그는 보위부 \"구류장\"에 있었다."));
  Put(Doc("ellipsis", "그는 보위부…구류장에 있었다."));
  Put(Doc("letter", "그는 보위부 é 구류장에 있었다."));
  Put(Doc("word", "그는 보위부 MSS 구류장에 있었다."));
  Put(Doc("syllable", "그는 보위부의 구류장에 있었다."));
  Document fields = Doc("fields", "구류장에 있었다.");
  fields.texts.insert(fields.texts.begin(), {"title", "보위부"});
  Put(fields);
  Put(Doc("compat", "これはﾃｽﾄです。"));  // half-width katakana: テスト once folded (NFKC)
  Put(Doc("plain", "これはテストです。"));
  Put(Doc("dot", "これはテスト・サイトです。"));  // the katakana middle dot separates words
  EXPECT_EQ(Find("\"보위부 구류장\""), (Ids{"ellipsis", "line", "quoted", "space"}));
  EXPECT_EQ(Find("\"보위부 구류장\" 있었다"), (Ids{"ellipsis", "line", "quoted", "space"}));
  EXPECT_EQ(Find("\"テスト\""), (Ids{"compat", "dot", "plain"}));
  EXPECT_EQ(Find("\"テスト サイト\""), Ids{"dot"});
  EXPECT_EQ(Find("\"ｽﾄ\""), (Ids{"compat", "dot", "plain"}));
}

// The words of Hangul runs and romanized words meet through the index's vocabulary of syllable
// keys, which outlives the writer and takes nothing from a batch that was refused.
TEST_F(SearchTest, SpellingsMeetAcrossReopeningAndRefusedBatches) {
  Document bad = Doc("bad", "x");
  bad.date = DateRange{20100101, 20091231};
  const std::vector<Document> refused = {Doc("first", "그는 신의주에서 넘겨졌다."), bad};
  EXPECT_FALSE(index_->PutAll(refused).ok());
  EXPECT_EQ(Find("Sinuiju"), Ids{});
  Put(Doc("hangul", "그는 신의주에서 넘겨졌다."));
  ASSERT_TRUE(index_->Commit(1).ok());
  Reopen();
  Put(Doc("latin", "He was handed over at Shinuiju."));
  EXPECT_EQ(Find("Sinuiju"), (Ids{"hangul", "latin"}));
  EXPECT_EQ(Find("신의주"), (Ids{"hangul", "latin"}));
  // The spelling as typed ranks first.
  Query q;
  q.text = "Shinuiju";
  q.all_access = true;
  Results r = Run(q);
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, "latin");
  q.text = "신의주";
  r = Run(q);
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, "hangul");
}

TEST_F(SearchTest, SealedNamesAreFoundOnlyWithTheRightBlindFunction) {
  const std::string sealed = "박영순";
  const auto blind = Blinder("repository-key");
  Document d = Doc("src-1", "The witness was held at Onsong. [sealed passage removed]");
  for (const std::string& key : NameKeys(sealed)) d.blind_name_terms.push_back(blind(key));
  ASSERT_FALSE(d.blind_name_terms.empty());
  Put(d);
  Put(Doc("src-2", "Another testimony from Onsong."));
  ASSERT_TRUE(index_->Commit(1).ok());

  for (const char* q : {"박영순", "Pak Yong-sun", "Park Youngsoon", "\"Bak Yeong-sun\""}) {
    Query cleared;
    cleared.blind = blind;
    EXPECT_EQ(Find(q, cleared), Ids{"src-1"}) << q;
    EXPECT_EQ(Find(q), Ids{}) << q;  // not cleared
    Query wrong;
    wrong.blind = Blinder("another-key");
    EXPECT_EQ(Find(q, wrong), Ids{}) << q;
  }
  // Found, with a snippet of the public text only.
  Query cleared;
  cleared.text = "Pak Yong Sun";
  cleared.all_access = true;
  cleared.blind = blind;
  Results r = Run(cleared);
  ASSERT_EQ(r.hits.size(), 1u);
  ASSERT_FALSE(r.hits[0].snippets.empty());
  EXPECT_NE(r.hits[0].snippets[0].html.find("Onsong"), std::string::npos);

  Reopen();  // closes the database, so everything is on disk
  const std::string bytes = DiskBytes();
  ASSERT_GT(bytes.size(), 1000u);
  for (const std::string& plain :
       {sealed, std::string("PAK YONGSON"), std::string("YONGSON"), NameKeys(sealed)[0]}) {
    EXPECT_EQ(bytes.find(plain), std::string::npos) << plain << " found in the index files";
  }
  EXPECT_NE(bytes.find("onsong"), std::string::npos);  // the scan does see terms

  // Stored data may be compressed on disk, so read everything back through Xapian too: every
  // term, every document's data and values, the metadata and the vocabulary.
  index_.reset();
  Xapian::Database db(dir_ / "index");
  std::string logical;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) logical += *t + "\n";
  for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
    Xapian::Document doc = db.get_document(*d);
    logical += doc.get_data();
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) logical += *v;
  }
  for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
    logical += *k + db.get_metadata(*k);
  }
  for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k) {
    logical += "\n" + *k + "\n";
    for (auto w = db.synonyms_begin(*k); w != db.synonyms_end(*k); ++w) logical += *w + "\n";
  }
  EXPECT_NE(logical.find("Onsong"), std::string::npos);
  EXPECT_NE(logical.find("\nXW"), std::string::npos);  // the vocabulary was read
  EXPECT_NE(logical.find("XB" + blind(NameKeys(sealed)[0])), std::string::npos);
  for (const std::string& plain : {sealed, std::string("YONGSON"), NameKeys(sealed)[0]}) {
    EXPECT_EQ(logical.find(plain), std::string::npos) << plain << " found in the index";
  }
}

TEST_F(SearchTest, SnippetsHighlightWhatMatched) {
  Put(Doc("a", "Interview. Ch'ŏl-su said: <script>alert(1)</script> & then he left Sinŭiju."));
  Put(Doc("k", "그때 김철수가 신의주에서 체포되었습니다."));
  std::string filler;
  for (int i = 0; i < 80; ++i) filler += "word" + std::to_string(i) + " ";
  Put(Doc("long", filler + "the needle is here " + filler));

  auto snippet = [&](const std::string& text) {
    Query q;
    q.text = text;
    q.all_access = true;
    Results r = Run(q);
    return r.hits.empty() || r.hits[0].snippets.empty() ? std::string()
                                                        : r.hits[0].snippets[0].html;
  };
  const std::string a = snippet("chol");
  EXPECT_NE(a.find("<b>Ch&#39;ŏl</b>"), std::string::npos) << a;
  EXPECT_NE(a.find("&lt;script&gt;"), std::string::npos) << a;
  EXPECT_EQ(a.find("<script>"), std::string::npos) << a;
  EXPECT_NE(snippet("sinuiju").find("<b>Sinŭiju</b>"), std::string::npos);
  EXPECT_NE(snippet("Kim Chol Su").find("<b>김철수</b>가"), std::string::npos);
  EXPECT_NE(snippet("신의주").find("<b>신의주</b>에서"), std::string::npos);
  const std::string needle = snippet("needle");
  EXPECT_NE(needle.find("<b>needle</b>"), std::string::npos);
  EXPECT_EQ(needle.rfind("…", 0), 0u) << needle;
  EXPECT_LT(needle.size(), 400u);
  // A negated word is not highlighted.
  EXPECT_EQ(snippet("Sinuiju NOT needle").find("needle"), std::string::npos);
}

TEST_F(SearchTest, Pagination) {
  for (int i = 0; i < 25; ++i) {
    Put(Doc("d" + std::to_string(100 + i), "famine " + std::string(i + 1, 'x') + " testimony"));
  }
  std::set<std::string> seen;
  for (size_t offset : {0, 10, 20}) {
    Query q;
    q.text = "famine";
    q.all_access = true;
    q.offset = offset;
    q.limit = 10;
    Results r = Run(q);
    EXPECT_EQ(r.total, 25u);
    EXPECT_EQ(r.hits.size(), offset == 20 ? 5u : 10u);
    for (const Hit& h : r.hits) EXPECT_TRUE(seen.insert(h.id).second) << h.id;
  }
  EXPECT_EQ(seen.size(), 25u);
  Query past;
  past.text = "famine";
  past.all_access = true;
  past.offset = 100;
  EXPECT_EQ(Run(past).hits.size(), 0u);
  EXPECT_EQ(Run(past).total, 25u);
}

TEST_F(SearchTest, RanksByRelevance) {
  Put(Doc("once", "a long testimony about many things and one mention of kyohwaso among them"));
  Put(Doc("often", "kyohwaso kyohwaso: the kyohwaso"));
  Put(Doc("none", "nothing"));
  Query q;
  q.text = "kyohwaso";
  q.all_access = true;
  Results r = Run(q);
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, "often");
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
}

TEST_F(SearchTest, ReplaceAndRemove) {
  Put(Doc("a", "first version"));
  Put(Doc("b", "first draft"));
  EXPECT_EQ(Find("first"), (Ids{"a", "b"}));
  Put(Doc("a", "second version"));
  EXPECT_EQ(Find("first"), Ids{"b"});
  EXPECT_EQ(Find("second"), Ids{"a"});
  EXPECT_EQ(index_->size(), 2u);
  ASSERT_TRUE(index_->Remove("b").ok());
  ASSERT_TRUE(index_->Remove("never-there").ok());
  EXPECT_EQ(Find("first"), Ids{});
  EXPECT_EQ(index_->size(), 1u);
  EXPECT_EQ(index_->Put(Doc("", "x")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index_->Put(Doc("c", "bad \xff utf-8")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index_->Put(Doc(std::string(kMaxKeyBytes + 1, 'i'), "x")).code(),
            StatusCode::kInvalidArgument);
  Document nul = Doc("d", "x");
  nul.places = {std::string("plc\0x", 5)};
  EXPECT_EQ(index_->Put(nul).code(), StatusCode::kInvalidArgument);
}

TEST_F(SearchTest, LastSeqPersistsAndClearResets) {
  EXPECT_EQ(index_->last_seq(), 0u);
  Put(Doc("a", "kept"));
  ASSERT_TRUE(index_->Commit(42).ok());
  EXPECT_EQ(index_->last_seq(), 42u);
  Reopen();
  EXPECT_EQ(index_->last_seq(), 42u);
  EXPECT_EQ(Find("kept"), Ids{"a"});

  // One writer per directory.
  auto second = Index::Open(dir_ / "index");
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);

  ASSERT_TRUE(index_->Clear().ok());
  EXPECT_EQ(index_->last_seq(), 0u);
  EXPECT_EQ(index_->size(), 0u);
  EXPECT_EQ(Find("kept"), Ids{});
  Put(Doc("b", "rebuilt"));
  ASSERT_TRUE(index_->Commit(7).ok());
  Reopen();
  EXPECT_EQ(index_->last_seq(), 7u);
  EXPECT_EQ(Find("rebuilt"), Ids{"b"});
}

TEST_F(SearchTest, PutAllIndexesABatchOnEveryShardOrNothing) {
  std::vector<Document> batch;
  for (int i = 0; i < 300; ++i) {
    batch.push_back(Doc("doc-" + std::to_string(i),
                        "testimony " + std::to_string(i) + (i % 3 == 0 ? " 신의주에서 체포" : "")));
  }
  ASSERT_TRUE(index_->PutAll(batch).ok());
  EXPECT_EQ(index_->size(), 300u);
  EXPECT_EQ(Find("testimony").size(), 300u);
  EXPECT_EQ(Find("신의주").size(), 100u);
  EXPECT_EQ(Find("17"), Ids{"doc-17"});

  // Both shards hold some of them, and Xapian opens the directory as one database.
  ASSERT_TRUE(index_->Commit(1).ok());
  for (const char* shard : {"0", "1"}) {
    EXPECT_GT(Xapian::Database(dir_ / ("index/" + std::string(shard))).get_doccount(), 50u)
        << shard;
  }
  EXPECT_EQ(Xapian::Database(dir_ / "index").get_doccount(), 300u);

  // A replacement lands where the old version is, whichever call made either.
  Put(Doc("doc-5", "amended"));
  std::vector<Document> again = {Doc("doc-6", "amended"), Doc("doc-7", "amended")};
  ASSERT_TRUE(index_->PutAll(again).ok());
  EXPECT_EQ(Find("amended"), (Ids{"doc-5", "doc-6", "doc-7"}));
  EXPECT_EQ(index_->size(), 300u);

  // One bad document: none of the batch is put, and the error names it.
  std::vector<Document> bad;
  for (int i = 0; i < 40; ++i) bad.push_back(Doc("new-" + std::to_string(i), "fresh"));
  bad[25].texts[0].second = "bad \xff utf-8";
  Status status = index_->PutAll(bad);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("new-25"), std::string::npos) << status.ToString();
  bad[25] = Doc(std::string("bad\xff", 4), "fresh");
  status = index_->PutAll(bad);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("document 26 of the batch"), std::string::npos)
      << status.ToString();
  EXPECT_EQ(Find("fresh"), Ids{});
  EXPECT_EQ(index_->size(), 300u);
  EXPECT_TRUE(index_->PutAll({}).ok());
}

TEST_F(SearchTest, ReadersSearchBesideTheWriterWithoutItsLock) {
  EXPECT_EQ(Index::OpenForReading(dir_ / "elsewhere").status().code(), StatusCode::kNotFound);
  Put(Doc("a", "committed testimony"));
  ASSERT_TRUE(index_->Commit(3).ok());
  Put(Doc("b", "uncommitted testimony"));

  auto opened = Index::OpenForReading(dir_ / "index");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Index> reader = std::move(opened).value();
  auto second = Index::OpenForReading(dir_ / "index");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(reader->last_seq(), 3u);
  Query q;
  q.text = "testimony";
  q.all_access = true;
  auto found = reader->Search(q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->hits.size(), 1u);  // as of the last commit
  EXPECT_EQ(found->hits[0].id, "a");

  for (Status s :
       {reader->Put(Doc("c", "x")), reader->Remove("a"), reader->Commit(4), reader->Clear()}) {
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  }
  EXPECT_EQ(Find("testimony"), (Ids{"a", "b"}));  // the writer is untouched

  // An index of another format is not one to read.
  index_.reset();
  reader.reset();
  {
    Xapian::WritableDatabase shard(dir_ / "index/0", Xapian::DB_OPEN);
    shard.set_metadata("custodian.format", "custodian-search/2");
    shard.commit();
  }
  EXPECT_EQ(Index::OpenForReading(dir_ / "index").status().code(), StatusCode::kNotFound);
}

TEST_F(SearchTest, AShardCommittedLastDecidesWhereToReplayFrom) {
  std::vector<Document> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(Doc("d" + std::to_string(i), "text"));
  ASSERT_TRUE(index_->PutAll(batch).ok());
  ASSERT_TRUE(index_->Commit(9).ok());
  index_.reset();
  {
    // As if the process died after committing shard 1 at 12 but before shard 0.
    Xapian::WritableDatabase shard(dir_ / "index/1", Xapian::DB_OPEN);
    shard.set_metadata("custodian.last_seq", "12");
    shard.commit();
  }
  Reopen();
  EXPECT_EQ(index_->last_seq(), 9u);
  EXPECT_EQ(Find("text").size(), 20u);
}

TEST_F(SearchTest, AnIndexOfAnEarlierFormatIsClearedForARebuild) {
  index_.reset();
  std::filesystem::remove_all(dir_ / "index");
  {
    // Format /2: one database in the directory itself.
    Xapian::WritableDatabase old(dir_ / "index", Xapian::DB_CREATE);
    old.set_metadata("custodian.format", "custodian-search/2");
    old.set_metadata("custodian.last_seq", "40");
    Xapian::Document doc;
    doc.add_term("old");
    old.add_document(doc);
    old.commit();
  }
  Reopen();
  EXPECT_EQ(index_->last_seq(), 0u);
  EXPECT_EQ(index_->size(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "index/iamglass"));
  Put(Doc("new", "text"));
  EXPECT_EQ(Find("text"), Ids{"new"});
}

TEST_F(SearchTest, OpenFailsCleanlyOnAFile) {
  std::ofstream(dir_ / "not-a-dir") << "x";
  auto opened = Index::Open(dir_ / "not-a-dir");
  EXPECT_FALSE(opened.ok());
}

}  // namespace
}  // namespace custodian::search
