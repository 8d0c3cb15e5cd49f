// Relevance on the synthetic corpus of src/synth: every record of a generated corpus is
// indexed, and each recorded victim's true name (from the ground truth, never from the
// records) is searched in Hangul, Revised Romanization, McCune-Reischauer and a given-name-
// first spelling; the victim's own person records must be on the first page. The test also
// measures, and prints, how often name mentions detected in transcripts are not the name of
// anyone in the corpus, and how often an English word's syllable key meets a Hangul word's.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "search/internal.h"
#include "search/search.h"
#include "synth/hangul.h"
#include "synth/synth.h"
#include "testing/test_env.h"

namespace custodian::search {
namespace {

using Json = nlohmann::json;

#ifdef CUSTODIAN_SANITIZED
constexpr uint64_t kPersons = 150;
#else
constexpr uint64_t kPersons = 400;
#endif

struct Victim {
  std::vector<std::pair<std::u32string, std::u32string>> names;  // Hangul surname, given name
  std::set<std::string> person_records;
};

std::string Capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// "Seon-bun" from the syllables of a given name.
std::string Given(const std::u32string& given, synth::Romanization system) {
  std::string out;
  for (const std::string& s : synth::RomanizeSyllables(given, system)) {
    out += out.empty() ? s : "-" + s;
  }
  return Capitalised(out);
}

std::string Surname(const std::u32string& surname, synth::Romanization system) {
  std::string out;
  for (const std::string& s : synth::RomanizeSyllables(surname, system)) out += s;
  return Capitalised(out);
}

class RelevanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    synth::Options options;
    options.persons = kPersons;
    options.seed = 11;
    std::ostringstream corpus, truth;
    auto report = synth::Generate(options, corpus, truth);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    corpus_ = new std::string(corpus.str());
    truth_ = new std::string(truth.str());
  }
  static void TearDownTestSuite() {
    delete corpus_;
    delete truth_;
  }

  static std::vector<Json> Lines(const std::string& text) {
    std::vector<Json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) out.push_back(Json::parse(line));
    }
    return out;
  }

  // A Document for each corpus record: names of persons and organizations, and the texts
  // a user would search (titles, summaries, transcripts, descriptions, statements).
  static Document ToDocument(const Json& r) {
    Document d;
    d.id = r.at("id").get<std::string>();
    d.kind = r.at("kind").get<std::string>();
    d.access_tags = {"all"};
    if (r.contains("names") && r["names"].is_array()) {
      for (const Json& n : r["names"]) d.names.push_back(n.at("text").get<std::string>());
    }
    if (r.contains("name") && r["name"].is_object()) {
      for (const auto& [lang, text] : r["name"].items()) d.names.push_back(text.get<std::string>());
    }
    for (const char* field : {"title", "summary", "transcript", "description", "statement"}) {
      if (r.contains(field) && r[field].is_string()) {
        d.texts.emplace_back(field, r[field].get<std::string>());
      }
    }
    if (r.contains("violation") && r["violation"].is_string()) {
      d.violation_types = {r["violation"].get<std::string>()};
    }
    if (r.contains("type") && r["type"].is_string()) d.source_type = r["type"].get<std::string>();
    return d;
  }

  static std::string* corpus_;
  static std::string* truth_;
};

std::string* RelevanceTest::corpus_ = nullptr;
std::string* RelevanceTest::truth_ = nullptr;

TEST_F(RelevanceTest, NameQueriesInSeveralSpellingsFindTheTruePersonOnTheFirstPage) {
  testing::TempDir dir;
  auto opened = Index::Open(dir / "index");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Index& index = **opened;

  const std::vector<Json> records = Lines(*corpus_);
  const auto start = std::chrono::steady_clock::now();
  for (const Json& r : records) ASSERT_TRUE(index.Put(ToDocument(r)).ok()) << r.at("id");
  ASSERT_TRUE(index.Commit(records.size()).ok());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("indexed %zu records in %.2f s (%.0f records/s)\n", records.size(), seconds,
              records.size() / seconds);

  // Person records that carry a full name (not a surname alone or a pseudonym, as some news
  // articles give): only those can be found by a name.
  std::set<std::string> full_named;
  for (const Json& r : records) {
    if (r.at("kind") != "person") continue;
    for (const Json& n : r.at("names")) {
      const std::string type = n.value("type", "");
      if (type != "surname" && type != "pseudonym")
        full_named.insert(r.at("id").get<std::string>());
    }
  }

  // Each victim's true names from the ground truth: the birth name and, for survivors who took
  // one in South Korea, the new name (a record may give either).
  std::vector<Victim> victims;
  size_t unnamed = 0;
  for (const Json& line : Lines(*truth_)) {
    if (line.value("type", "") != "victim" || line.at("records").empty()) continue;
    Victim v;
    for (const char* which : {"name", "new_name"}) {
      if (!line.contains(which)) continue;
      const std::u32string ko = DecodeUtf8Lossy(line.at(which).at("ko").get<std::string>());
      ASSERT_GE(ko.size(), 2u);
      // Compound surnames are rare enough that the synthetic tables do not use them.
      v.names.push_back({ko.substr(0, 1), ko.substr(1)});
    }
    for (const auto& [source, rec] : line["records"].items()) {
      const std::string person = rec.at("person").get<std::string>();
      if (full_named.count(person) > 0) v.person_records.insert(person);
    }
    if (v.person_records.empty()) {
      ++unnamed;
      continue;
    }
    victims.push_back(std::move(v));
  }
  std::printf(
      "%zu recorded victims with a full name in some record; %zu only under a surname or "
      "pseudonym\n",
      victims.size(), unnamed);
  ASSERT_GT(victims.size(), kPersons / 5);

  using R = synth::Romanization;
  using Name = std::pair<std::u32string, std::u32string>;
  const std::vector<std::pair<std::string, std::function<std::string(const Name&)>>> spellings = {
      {"hangul", [](const Name& n) { return EncodeUtf8(n.first + n.second); }},
      {"rr",
       [](const Name& n) { return Surname(n.first, R::kRr) + " " + Given(n.second, R::kRr); }},
      {"mr",
       [](const Name& n) { return Surname(n.first, R::kMr) + " " + Given(n.second, R::kMr); }},
      {"given-first",
       [](const Name& n) {
         return Given(n.second, R::kMrAscii) + " " + Surname(n.first, R::kMrAscii);
       }},
  };
  for (const auto& [spelling, make] : spellings) {
    size_t found = 0;
    for (const Victim& v : victims) {
      // Every full-named person record of the victim is on the first page of the search for
      // one of the victim's names.
      std::set<std::string> seen;
      for (const Name& name : v.names) {
        Query q;
        q.text = make(name);
        q.all_access = true;
        q.limit = 10;
        q.count_facets = false;
        auto r = index.Search(q);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        for (const Hit& h : r->hits) {
          if (v.person_records.count(h.id) > 0) seen.insert(h.id);
        }
      }
      found += seen.size() == v.person_records.size();
      if (seen.size() != v.person_records.size()) {
        std::printf("  missed with %s: %s\n", spelling.c_str(), make(v.names[0]).c_str());
      }
    }
    const double rate = static_cast<double>(found) / victims.size();
    std::printf("%-12s all person records on the first page for %zu/%zu victims (%.1f%%)\n",
                spelling.c_str(), found, victims.size(), 100 * rate);
    EXPECT_GE(rate, 0.95) << spelling;
  }
}

// On a corpus of another seed than the one the word lists of names.cc were checked against.
TEST_F(RelevanceTest, MeasuresNameMentionAndSyllableKeyFalsePositives) {
  synth::Options options;
  options.persons = kPersons;
  options.seed = 23;
  std::ostringstream corpus_stream, truth_stream;
  ASSERT_TRUE(synth::Generate(options, corpus_stream, truth_stream).ok());
  const std::string corpus = corpus_stream.str();
  std::set<std::string> true_keys;
  std::vector<std::string> texts;
  for (const Json& r : Lines(corpus)) {
    const Document d = ToDocument(r);
    for (const std::string& n : d.names) {
      for (const std::string& k : NameKeys(n)) true_keys.insert(k);
    }
    for (const auto& [field, text] : d.texts) texts.push_back(text);
  }
  // Recall: the transcripts in which the interviewee says their own name.
  std::map<std::string, std::set<std::string>> keys_of;
  for (const Json& r : Lines(corpus)) {
    if (r.at("kind") != "person") continue;
    for (const std::string& n : ToDocument(r).names) {
      for (const std::string& k : NameKeys(n)) keys_of[r.at("id").get<std::string>()].insert(k);
    }
  }
  size_t introductions = 0, introductions_found = 0;
  for (const Json& r : Lines(corpus)) {
    if (r.at("kind") != "source" || !r.contains("transcript")) continue;
    const std::string transcript = r["transcript"].get<std::string>();
    if (transcript.find("My name is") == std::string::npos &&
        transcript.find("제 이름은") == std::string::npos) {
      continue;
    }
    ++introductions;
    auto a = internal::Analyze(transcript);
    ASSERT_TRUE(a.ok());
    const std::set<std::string>& own = keys_of[r.value("interviewee", "")];
    for (const internal::NameMention& m : internal::FindNames(*a)) {
      if (own.count(m.key) > 0) {
        ++introductions_found;
        break;
      }
    }
  }
  std::printf("transcripts where the interviewee gives their name: %zu, name detected: %zu\n",
              introductions, introductions_found);
  EXPECT_GE(introductions_found, introductions * 8 / 10);

  size_t mentions = 0, false_mentions = 0;
  std::map<std::string, size_t> false_examples;
  std::set<std::string> hangul_keys, english_words;
  for (const std::string& text : texts) {
    auto a = internal::Analyze(text);
    ASSERT_TRUE(a.ok());
    for (const internal::NameMention& m : internal::FindNames(*a)) {
      ++mentions;
      if (true_keys.count(m.key) == 0) {
        ++false_mentions;
        ++false_examples[a->text.substr(a->tokens[m.first].begin,
                                        a->tokens[m.last].end - a->tokens[m.first].begin)];
      }
    }
    const auto& t = a->tokens;
    for (size_t i = 0; i < t.size();) {
      size_t j = i + 1;
      if (t[i].hangul) {
        while (j < t.size() && t[j].hangul && t[j].link == internal::Link::kAdjacent) ++j;
        for (size_t n = j - i; n >= 2 && n + 2 >= j - i; --n) {
          std::string prefix;
          for (size_t k = i; k < i + n; ++k) prefix += t[k].term;
          hangul_keys.insert(internal::SyllableKey(prefix));
        }
      } else if (!t[i].cjk && !t[i].capitalised && t[i].letters_only && t[i].term.size() >= 4 &&
                 t[i].term[0] >= 'a' && t[i].term[0] <= 'z') {
        english_words.insert(t[i].term);
      }
      i = j;
    }
  }
  std::printf("name mentions in free text: %zu, of which %zu (%.1f%%) are nobody's name\n",
              mentions, false_mentions, mentions ? 100.0 * false_mentions / mentions : 0.0);
  std::vector<std::pair<size_t, std::string>> top;
  for (const auto& [text, n] : false_examples) top.emplace_back(n, text);
  std::sort(top.rbegin(), top.rend());
  for (size_t i = 0; i < top.size() && i < 15; ++i) {
    std::printf("  %zu x %s\n", top[i].first, top[i].second.c_str());
  }
  size_t keyed = 0, colliding = 0;
  std::string examples;
  for (const std::string& w : english_words) {
    const std::string key = internal::SyllableKey(w);
    if (key.empty()) continue;
    ++keyed;
    if (hangul_keys.count(key) > 0) {
      ++colliding;
      if (colliding <= 15) examples += " " + w;
    }
  }
  std::printf(
      "lowercase English words of 4+ letters: %zu, read as Korean: %zu, meeting a Hangul "
      "word's key: %zu (%.1f%% of words):%s\n",
      english_words.size(), keyed, colliding,
      english_words.empty() ? 0.0 : 100.0 * colliding / english_words.size(), examples.c_str());
  EXPECT_GT(mentions, 100u);
  EXPECT_LT(static_cast<double>(false_mentions) / mentions, 0.3);
  EXPECT_LT(static_cast<double>(colliding) / english_words.size(), 0.05);
}

}  // namespace
}  // namespace custodian::search
