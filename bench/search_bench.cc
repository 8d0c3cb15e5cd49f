// search_bench: the full-text index (src/search, docs/formats/search.md) on synthetic
// testimonies, against SQLite FTS5 with the trigram tokenizer on the same documents and the
// same queries in the same run. Issue 7's figures: on 1,000,000 testimonies, indexing >= 5,000
// documents/s, query latency median < 10 ms and p99 < 50 ms over a mixed query set, and faster
// than FTS5 at equal or better recall. See bench/README.md.
//
//   search_bench [--docs N] [--queries Q] [--runs R] [--index-runs I] [--seed S]
//                [--json FILE] [--workdir DIR] [--keep] [--index-only] [--reuse]
//                [--exact-up-to N] [--no-xapian-floor]
//
// 1. Testimonies: synth::Generate (seeds S, S+1, ... until there are N sources) into a scratch
//    directory; only the source records are kept, turned into search documents as
//    repo::SearchIndexer::Build does for a source (texts title, summary, transcript and the
//    names of its location; kind, source_type, grade = reliability, date range, location and
//    its ancestors as places, access tag "records").
// 2. Custodian: search::Index::PutAll in batches of 1,000, Commit every 50,000 and at the end.
//    Peer: an FTS5 table (tokenize='trigram') of the same texts, one transaction. For scale,
//    Xapian alone: its TermGenerator on the same texts, one thread (informative).
// 3. A mixed query set drawn from the corpus, Q queries per category: English words, two-word
//    phrases, Hangul words (2-4 syllables), place names in a romanization (relevant: documents
//    with any spelling of the place in the gazetteer, Hangul included), victims' names as
//    another documentation project romanized them (relevant, from the ground truth: that
//    victim's testimonies in other projects that give the name in another spelling), and
//    two-word AND and OR. Relevance comes from the documents themselves, by a tokenizer of
//    this file's own, not Custodian's.
// 4. Latency: a first page of 20 hits, with snippets and facet counts for Custodian; the 20
//    best by bm25 with a snippet plus a COUNT(*) of the matches for FTS5 (Custodian's total is
//    exact up to Query::exact_count_limit matches and an estimate above, as an interface shows
//    it; FTS5's count is always exact). Recall: over each engine's full match set. For
//    Custodian the full set is read through Xapian directly with the query Custodian's parser
//    builds (search/query.h) and the same access filter, because Search pages at most 1,000
//    hits and matches again per page; its count is checked against Search's total where that
//    is exact, and the error of the estimates is reported.
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/fuzzy_date.h"
#include "base/utf8.h"
#include "bench/harness.h"
#include "model/model.h"
#include "search/internal.h"  // the access-tag prefix, for the full match set
#include "search/query.h"     // Custodian's own query parser, for the full match set
#include "search/search.h"
#include "synth/synth.h"

namespace {

using namespace custodian::bench;  // NOLINT: the shared harness, in a .cc file
namespace search = custodian::search;
namespace synth = custodian::synth;
namespace fs = std::filesystem;
using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

constexpr size_t kCommitEvery = 50000;
constexpr size_t kPutBatch = 1000;
constexpr size_t kPageSize = 20;
constexpr const char* kAccessTag = "records";  // repo's tag for every record but dossiers

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

uint64_t DirBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(k, v.size() - 1)];
}

// ---- 1. the testimonies ---------------------------------------------------------------------

// Hands every complete line written to the stream to `on_line`.
class LineSink : public std::streambuf {
 public:
  explicit LineSink(std::function<void(std::string_view)> on_line) : on_line_(std::move(on_line)) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    const char ch = static_cast<char>(c);
    xsputn(&ch, 1);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::string_view in(s, static_cast<size_t>(n));
    while (!in.empty()) {
      const size_t nl = in.find('\n');
      if (nl == std::string_view::npos) {
        line_.append(in);
        break;
      }
      line_.append(in.substr(0, nl));
      on_line_(line_);
      line_.clear();
      in.remove_prefix(nl + 1);
    }
    return n;
  }

 private:
  std::function<void(std::string_view)> on_line_;
  std::string line_;
};

// A source record as both engines index it.
struct Doc {
  std::string id, title, summary, transcript, place_text, source_type, grade;
  int32_t date_lo = 0, date_hi = 0;  // yyyymmdd; 0: no date
  std::vector<std::string> places;
};

void PutString(std::ostream& out, const std::string& s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  out.write(reinterpret_cast<const char*>(&n), sizeof n);
  out.write(s.data(), n);
}
bool GetString(std::istream& in, std::string& s) {
  uint32_t n = 0;
  if (!in.read(reinterpret_cast<char*>(&n), sizeof n)) return false;
  s.resize(n);
  return static_cast<bool>(in.read(s.data(), n));
}
void WriteDoc(std::ostream& out, const Doc& d) {
  for (const std::string* s :
       {&d.id, &d.title, &d.summary, &d.transcript, &d.place_text, &d.source_type, &d.grade}) {
    PutString(out, *s);
  }
  out.write(reinterpret_cast<const char*>(&d.date_lo), sizeof d.date_lo);
  out.write(reinterpret_cast<const char*>(&d.date_hi), sizeof d.date_hi);
  const uint32_t n = static_cast<uint32_t>(d.places.size());
  out.write(reinterpret_cast<const char*>(&n), sizeof n);
  for (const std::string& p : d.places) PutString(out, p);
}
bool ReadDoc(std::istream& in, Doc& d) {
  for (std::string* s :
       {&d.id, &d.title, &d.summary, &d.transcript, &d.place_text, &d.source_type, &d.grade}) {
    if (!GetString(in, *s)) return false;
  }
  uint32_t n = 0;
  in.read(reinterpret_cast<char*>(&d.date_lo), sizeof d.date_lo);
  in.read(reinterpret_cast<char*>(&d.date_hi), sizeof d.date_hi);
  if (!in.read(reinterpret_cast<char*>(&n), sizeof n)) return false;
  d.places.resize(n);
  for (std::string& p : d.places) GetString(in, p);
  return static_cast<bool>(in);
}

// Reads the prepared documents in batches.
class DocReader {
 public:
  explicit DocReader(const fs::path& path) : in_(path, std::ios::binary) {
    if (!in_) Die("cannot read " + path.string());
  }
  // Up to `n` documents; empty at the end.
  std::vector<Doc>& Next(size_t n) {
    batch_.resize(n);
    size_t got = 0;
    while (got < n && ReadDoc(in_, batch_[got])) ++got;
    batch_.resize(got);
    return batch_;
  }

 private:
  std::ifstream in_;
  std::vector<Doc> batch_;
};

struct Place {
  std::string parent, type;
  std::vector<std::pair<std::string, std::string>> names;  // (lang, text)
  std::string joined;                                      // " · " between them
};

int32_t Ymd(int32_t day) {
  const std::string iso = custodian::DayToIso(day);
  return std::stoi(iso.substr(0, 4)) * 10000 + std::stoi(iso.substr(5, 2)) * 100 +
         std::stoi(iso.substr(8, 2));
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// As repo::SearchIndexer::Build makes a source's document.
search::Document ToDocument(const Doc& d) {
  search::Document doc;
  doc.id = d.id;
  doc.kind = "source";
  doc.access_tags = {kAccessTag};
  if (!d.title.empty()) doc.texts.emplace_back("title", d.title);
  if (!d.summary.empty()) doc.texts.emplace_back("summary", d.summary);
  if (!d.transcript.empty()) doc.texts.emplace_back("transcript", d.transcript);
  if (!d.place_text.empty()) doc.texts.emplace_back("place", d.place_text);
  doc.places = d.places;
  doc.source_type = d.source_type;
  doc.grade = d.grade;
  if (d.date_lo != 0) doc.date = search::DateRange{d.date_lo, d.date_hi};
  return doc;
}

// ---- the ground truth's own tokenizer -------------------------------------------------------
//
// Deliberately simple and independent of src/search: Latin words are runs of letters and
// digits (ASCII, Latin-1 and Latin Extended-A), apostrophes between letters dropped, lowercased,
// with the breves and accents of romanized Korean removed; Hangul syllables form runs.

bool IsHangul(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }
bool IsLatinLetter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c >= 0xC0 && c <= 0x17F && c != 0xD7 && c != 0xF7);
}
bool IsApos(char32_t c) { return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x2BC; }
char32_t FoldLatin(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  switch (c) {
    case 0x14E:  // Ŏ
    case 0x14F:  // ŏ
    case 0xD6:
    case 0xF6:
    case 0xD3:
    case 0xF3:
      return 'o';
    case 0x16C:  // Ŭ
    case 0x16D:  // ŭ
    case 0xDC:
    case 0xFC:
    case 0xDA:
    case 0xFA:
      return 'u';
    case 0xC9:
    case 0xE9:
    case 0xC8:
    case 0xE8:
      return 'e';
    default:
      return c;
  }
}

struct GtWord {
  std::string folded;
  bool ascii_letters = false;  // letters a-z only, no apostrophe, no diacritic
  bool space_before = false;   // exactly one ' ' between it and the previous word
};
struct GtText {
  std::vector<GtWord> words;
  std::vector<std::u32string> hangul_runs;
  std::vector<bool> after_run;  // per run: one ' ' between it and the previous run
};

void Tokenize(std::string_view text, GtText& out) {
  const std::u32string s = custodian::DecodeUtf8Lossy(text);
  size_t i = 0, last_end = std::string::npos;
  while (i < s.size()) {
    if (IsHangul(s[i])) {
      size_t j = i;
      while (j < s.size() && IsHangul(s[j])) ++j;
      out.after_run.push_back(i >= 2 && s[i - 1] == ' ' && IsHangul(s[i - 2]));
      out.hangul_runs.emplace_back(s.substr(i, j - i));
      i = j;
      last_end = std::string::npos;
      continue;
    }
    if (!IsLatinLetter(s[i])) {
      ++i;
      continue;
    }
    GtWord w;
    w.ascii_letters = true;
    w.space_before = last_end != std::string::npos && i == last_end + 1 && s[last_end] == ' ';
    size_t j = i;
    std::u32string folded;
    while (j < s.size()) {
      if (IsLatinLetter(s[j])) {
        const char32_t c = s[j];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) w.ascii_letters = false;
        folded += FoldLatin(c);
        ++j;
      } else if (IsApos(s[j]) && j + 1 < s.size() && IsLatinLetter(s[j + 1]) && j > i) {
        w.ascii_letters = false;
        ++j;
      } else {
        break;
      }
    }
    w.folded = custodian::EncodeUtf8(folded);
    out.words.push_back(std::move(w));
    last_end = j;
    i = j;
  }
}

std::string FoldWord(std::string_view word) {
  GtText t;
  Tokenize(word, t);
  return t.words.size() == 1 && t.hangul_runs.empty() ? t.words[0].folded : "";
}

// ---- 3. the query set -----------------------------------------------------------------------

enum Category { kWord, kPhrase, kHangul, kHangulPhrase, kPlace, kName, kAnd, kOr, kCategories };
const char* kCategoryName[kCategories] = {"english word",      "two-word phrase",
                                          "hangul word",       "quoted hangul phrase",
                                          "place (romanized)", "victim name (other romanization)",
                                          "word AND word",     "word OR word"};

struct QuerySpec {
  Category category;
  std::string ours;  // Custodian's query text
  std::string fts;   // FTS5 MATCH expression
  // Relevance: folded Latin words (all of them for kAnd and kPhrase as a pair, any for the
  // others), Hangul sequences (any), or given documents (names).
  std::vector<std::string> any_words;  // relevant if one of these words is in the document
  std::vector<std::string> all_words;  // relevant if all are (kAnd)
  std::string phrase_a, phrase_b;      // relevant if "a b" with one space between
  std::vector<std::u32string> hangul;  // relevant if one is inside a Hangul run
  std::u32string hangul_phrase;        // "a b": a run ending in a, one space, a run starting b
  std::vector<uint32_t> relevant;      // document indexes, sorted
  // Names: candidate documents and the spellings to look for in each.
  std::map<uint32_t, std::vector<std::string>> name_docs;
};

std::string FtsQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A victim recorded by two or more projects, from the ground truth.
struct Victim {
  std::vector<std::pair<std::string, std::string>> records;  // (person id, source id)
};

}  // namespace

int main(int argc, char** argv) {
  program_name = "search_bench";
  uint64_t docs_wanted = 1000000;
  size_t per_category = 30;
  int runs = 5, index_runs = 1;
  uint64_t seed = 1;
  std::string json_path, workdir_flag;
  bool keep = false, index_only = false, reuse = false, xapian_floor = true;
  size_t exact_count_limit = search::kDefaultExactCountLimit;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--docs" || arg == "--records") {
      docs_wanted = ParseCount("--docs", next());
    } else if (arg == "--queries") {
      per_category = ParseCount("--queries", next());
    } else if (arg == "--runs") {
      runs = static_cast<int>(ParseCount("--runs", next()));
    } else if (arg == "--index-runs") {
      index_runs = static_cast<int>(ParseCount("--index-runs", next()));
    } else if (arg == "--seed") {
      seed = ParseCount("--seed", next());
    } else if (arg == "--json") {
      json_path = next();
    } else if (arg == "--workdir") {
      workdir_flag = next();
    } else if (arg == "--keep") {
      keep = true;
    } else if (arg == "--no-xapian-floor") {
      xapian_floor = false;
    } else if (arg == "--index-only") {
      index_only = true;
    } else if (arg == "--reuse") {
      reuse = true;
    } else if (arg == "--exact-up-to") {
      const char* v = next();
      exact_count_limit = std::string(v) == "0" ? 0 : ParseCount("--exact-up-to", v);
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: search_bench [--docs N] [--queries Q] [--runs R] [--index-runs I] [--seed S]\n"
          "                    [--json FILE] [--workdir DIR] [--keep] [--index-only] [--reuse]\n"
          "                    [--exact-up-to N] [--no-xapian-floor]\n"
          "  --docs N        testimonies (synthetic source records) to index (default 1000000;\n"
          "                  --records is an alias)\n"
          "  --queries Q     queries per category, 7 categories (default 30)\n"
          "  --runs R        runs of the whole query set for latency; medians (default 5)\n"
          "  --index-runs I  indexing runs of both engines; median (default 1)\n"
          "  --seed S        first synth seed (default 1; S+1... if one corpus is too small)\n"
          "  --json FILE     write the figures as JSON (for bench/run)\n"
          "  --workdir DIR   scratch directory (default: a new one under $TMPDIR)\n"
          "  --keep          keep the scratch directory (corpus, both indexes)\n"
          "  --index-only    time indexing only (Custodian, and Xapian alone; no queries, no "
          "FTS5)\n"
          "  --no-xapian-floor  skip indexing the texts with Xapian's TermGenerator alone\n"
          "  --reuse         with --workdir of a --keep run of the same --docs and --seed: query\n"
          "                  the indexes there instead of building them (no indexing figures)\n"
          "  --exact-up-to N Query::exact_count_limit (default %zu; 0: totals and facets always\n"
          "                  exact)\n",
          search::kDefaultExactCountLimit);
      return 0;
    } else {
      Die("unknown argument " + arg + " (try --help)");
    }
  }
  if (docs_wanted > 0xFFFFFFF0ull) Die("--docs is too large");

  const fs::path work =
      !workdir_flag.empty()
          ? fs::path(workdir_flag)
          : fs::temp_directory_path() /
                ("search_bench." + std::to_string(static_cast<long long>(getpid())));
  fs::create_directories(work);
  const auto bench_start = Clock::now();
  std::vector<Figure> figures;

  // ---- 1a. generate ------------------------------------------------------------------------
  const fs::path sources_path = work / "sources.jsonl", persons_path = work / "persons.jsonl";
  uint64_t sources_seen = 0;
  std::vector<std::string> victim_lines;  // recorded by two or more projects (first seed)
  std::vector<uint64_t> seeds_used;
  uint64_t persons_total = 0;
  {
    std::ofstream sources_out(sources_path, std::ios::binary);
    std::ofstream persons_out(persons_path, std::ios::binary);
    LineSink corpus_sink([&](std::string_view line) {
      if (line.starts_with("{\"kind\":\"source\"")) {
        if (sources_seen < docs_wanted) {
          sources_out << line << '\n';
          ++sources_seen;
        }
      } else if (line.starts_with("{\"kind\":\"person\"")) {
        persons_out << line << '\n';
      }
    });
    LineSink truth_sink([&](std::string_view line) {
      if (victim_lines.size() >= 20000 || !line.starts_with("{\"type\":\"victim\"")) return;
      const size_t h = line.find("\"history\":\"");
      if (h == std::string_view::npos) return;
      const size_t end = line.find('"', h + 11);
      const std::string_view history = line.substr(h + 11, end - h - 11);
      if (std::count(history.begin(), history.end(), '1') >= 2) victim_lines.emplace_back(line);
    });
    std::ostream corpus(&corpus_sink), truth(&truth_sink);
    const auto start = Clock::now();
    for (uint64_t s = seed; sources_seen < docs_wanted; ++s) {
      synth::Options options;
      options.seed = s;
      // About 0.47 sources per person with the built-in projects.
      options.persons = std::min<uint64_t>(
          synth::kMaxPersons, static_cast<uint64_t>((docs_wanted - sources_seen) / 0.45) + 1000);
      Must(synth::Generate(options, corpus, truth), "generate");
      seeds_used.push_back(s);
      persons_total += options.persons;
      if (seeds_used.size() > 64) Die("the generator gives too few sources");
    }
    corpus.flush();
    sources_out.close();
    persons_out.close();
    if (!sources_out || !persons_out) Die("cannot write to " + work.string());
    std::printf(
        "generated %llu persons (seeds %llu..%llu) in %.1f s: %llu testimonies kept; %zu "
        "victims recorded by two or more projects noted\n",
        static_cast<unsigned long long>(persons_total),
        static_cast<unsigned long long>(seeds_used.front()),
        static_cast<unsigned long long>(seeds_used.back()), Seconds(start, Clock::now()),
        static_cast<unsigned long long>(sources_seen), victim_lines.size());
    std::fflush(stdout);
  }
  const size_t n_docs = sources_seen;

  // ---- 1b. gazetteer, prepared documents, a sample for the queries ------------------------
  std::unordered_map<std::string, Place> places;
  for (const Json& p : Must(custodian::model::BuiltinGazetteer(), "gazetteer")) {
    Place place;
    place.parent = Str(p, "parent");
    place.type = Str(p, "type");
    if (auto it = p.find("names"); it != p.end() && it->is_array()) {
      for (const Json& n : *it) {
        place.names.emplace_back(Str(n, "lang"), Str(n, "text"));
        place.joined += (place.joined.empty() ? "" : " · ") + Str(n, "text");
      }
    }
    places.emplace(Str(p, "id"), std::move(place));
  }

  // Victims: the sources we need to find again as document indexes.
  std::vector<Victim> victims;
  std::unordered_map<std::string, uint32_t> wanted_sources;  // id -> doc index (filled below)
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> wanted_persons;
  for (const std::string& line : victim_lines) {
    const Json v = Json::parse(line, nullptr, false);
    if (!v.is_object() || !v.contains("records")) continue;
    Victim victim;
    for (const auto& [key, r] : v["records"].items()) {
      const std::string person = Str(r, "person"), source = Str(r, "source");
      if (person.empty() || source.empty()) continue;
      victim.records.emplace_back(person, source);
      wanted_sources.emplace(source, UINT32_MAX);
      wanted_persons.emplace(person, std::vector<std::pair<std::string, std::string>>{});
    }
    if (victim.records.size() >= 2) victims.push_back(std::move(victim));
  }
  victim_lines.clear();
  victim_lines.shrink_to_fit();

  const fs::path docs_path = work / "docs.bin";
  std::vector<Doc> sample;
  const size_t stride = std::max<size_t>(1, n_docs / 4000);
  uint64_t text_bytes = 0;
  {
    const auto start = Clock::now();
    std::ifstream in(sources_path, std::ios::binary);
    std::ofstream out(docs_path, std::ios::binary);
    std::string line;
    uint32_t index = 0;
    while (std::getline(in, line)) {
      const Json j = Json::parse(line, nullptr, false);
      if (!j.is_object()) Die("bad corpus line " + std::to_string(index + 1));
      Doc d;
      d.id = Str(j, "id");
      d.title = Str(j, "title");
      d.summary = Str(j, "summary");
      d.transcript = Str(j, "transcript");
      d.source_type = Str(j, "type");
      d.grade = Str(j, "reliability");
      if (const std::string date = Str(j, "date"); !date.empty()) {
        auto fuzzy = custodian::ParseFuzzyDate(date);
        if (fuzzy.ok() && fuzzy->precision != custodian::DatePrecision::kUnknown) {
          d.date_lo = Ymd(fuzzy->first_day);
          d.date_hi = Ymd(fuzzy->last_day);
        }
      }
      if (const std::string location = Str(j, "location"); !location.empty()) {
        for (std::string at = location; !at.empty() && d.places.size() < 64;) {
          d.places.push_back(at);
          auto it = places.find(at);
          if (it == places.end()) break;
          if (at == location) d.place_text = it->second.joined;
          at = it->second.parent;
        }
      }
      text_bytes += d.title.size() + d.summary.size() + d.transcript.size() + d.place_text.size();
      if (auto it = wanted_sources.find(d.id); it != wanted_sources.end()) it->second = index;
      WriteDoc(out, d);
      if (index % stride == 0) sample.push_back(std::move(d));
      ++index;
    }
    out.close();
    if (!out) Die("cannot write " + docs_path.string());
    std::printf("prepared %zu documents (%.1f MB of text, mean %.0f bytes) in %.1f s\n", n_docs,
                static_cast<double>(text_bytes) / 1e6,
                static_cast<double>(text_bytes) / static_cast<double>(n_docs),
                Seconds(start, Clock::now()));
    fs::remove(sources_path);
  }
  {
    std::ifstream in(persons_path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      const size_t a = line.find("\"id\":\"");
      if (a == std::string::npos) continue;
      const size_t b = line.find('"', a + 6);
      auto it = wanted_persons.find(line.substr(a + 6, b - a - 6));
      if (it == wanted_persons.end()) continue;
      const Json p = Json::parse(line, nullptr, false);
      if (!p.is_object() || !p.contains("names")) continue;
      for (const Json& n : p["names"]) it->second.emplace_back(Str(n, "lang"), Str(n, "text"));
    }
    fs::remove(persons_path);
  }

  // ---- 3a. choose the queries from the sample ---------------------------------------------
  std::mt19937_64 rng(seed * 7919 + 17);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<QuerySpec> queries;
  {
    std::vector<GtText> tokenized(sample.size());
    for (size_t i = 0; i < sample.size(); ++i) {
      for (const std::string* s : {&sample[i].title, &sample[i].summary, &sample[i].transcript}) {
        Tokenize(*s, tokenized[i]);
      }
    }
    auto content_word = [](const GtWord& w) { return w.ascii_letters && w.folded.size() >= 4; };
    auto random_word = [&](const GtText& t) -> std::string {
      std::vector<const GtWord*> ok;
      for (const GtWord& w : t.words)
        if (content_word(w)) ok.push_back(&w);
      return ok.empty() ? "" : ok[pick(ok.size())]->folded;
    };
    std::set<std::string> seen;
    auto add = [&](QuerySpec q) {
      if (seen.insert(std::to_string(q.category) + "\t" + q.ours).second)
        queries.push_back(std::move(q));
    };
    for (int attempt = 0; attempt < 100000; ++attempt) {
      const Category c = static_cast<Category>(attempt % kCategories);
      size_t have = 0;
      for (const QuerySpec& q : queries) have += q.category == c;
      if (c == kName || c == kPlace || have >= per_category) continue;
      const GtText& t = tokenized[pick(tokenized.size())];
      QuerySpec q{.category = c};
      if (c == kWord) {
        const std::string w = random_word(t);
        if (w.empty()) continue;
        q.ours = w;
        q.fts = FtsQuoted(w);
        q.any_words = {w};
      } else if (c == kPhrase) {
        std::vector<size_t> ok;
        for (size_t k = 1; k < t.words.size(); ++k) {
          if (t.words[k].space_before && t.words[k - 1].ascii_letters && t.words[k].ascii_letters &&
              t.words[k - 1].folded.size() >= 3 && t.words[k].folded.size() >= 3)
            ok.push_back(k);
        }
        if (ok.empty()) continue;
        const size_t k = ok[pick(ok.size())];
        q.phrase_a = t.words[k - 1].folded;
        q.phrase_b = t.words[k].folded;
        q.ours = "\"" + q.phrase_a + " " + q.phrase_b + "\"";
        q.fts = FtsQuoted(q.phrase_a + " " + q.phrase_b);
      } else if (c == kHangul) {
        if (t.hangul_runs.empty()) continue;
        const std::u32string& run = t.hangul_runs[pick(t.hangul_runs.size())];
        if (run.size() < 2) continue;
        const size_t len = 2 + pick(std::min<size_t>(3, run.size() - 1));
        const std::u32string word = run.substr(0, len);
        q.hangul = {word};
        q.ours = custodian::EncodeUtf8(word);
        q.fts = FtsQuoted(q.ours);
      } else if (c == kHangulPhrase) {
        // A short word and the start of the next, as a user would quote them: 보위부 구류장.
        std::vector<size_t> ok;
        for (size_t k = 1; k < t.hangul_runs.size(); ++k) {
          if (t.after_run[k] && t.hangul_runs[k - 1].size() >= 2 &&
              t.hangul_runs[k - 1].size() <= 4 && t.hangul_runs[k].size() >= 2)
            ok.push_back(k);
        }
        if (ok.empty()) continue;
        const size_t k = ok[pick(ok.size())];
        const std::u32string& next = t.hangul_runs[k];
        const size_t len = std::min<size_t>(next.size(), 2 + pick(2));
        q.hangul_phrase = t.hangul_runs[k - 1] + U" " + next.substr(0, len);
        q.ours = "\"" + custodian::EncodeUtf8(q.hangul_phrase) + "\"";
        q.fts = FtsQuoted(custodian::EncodeUtf8(q.hangul_phrase));
      } else if (c == kAnd || c == kOr) {
        const std::string a = random_word(t);
        const std::string b = random_word(c == kAnd ? t : tokenized[pick(tokenized.size())]);
        if (a.empty() || b.empty() || a == b) continue;
        q.ours = a + (c == kAnd ? " AND " : " OR ") + b;
        q.fts = FtsQuoted(a) + (c == kAnd ? " AND " : " OR ") + FtsQuoted(b);
        (c == kAnd ? q.all_words : q.any_words) = {a, b};
      }
      add(std::move(q));
    }

    // Places: single-word Latin spellings only, chosen as often as the sample mentions them.
    struct PlaceForms {
      std::string id;
      std::vector<std::string> latin;      // as written in the gazetteer
      std::vector<std::string> folded;     // by the tokenizer above
      std::vector<std::u32string> hangul;  // with and without 군, 시, 구...
    };
    std::vector<PlaceForms> forms;
    std::unordered_map<std::string, size_t> by_folded;
    for (const auto& [id, place] : places) {
      if (place.type != "county" && place.type != "city" && place.type != "province" &&
          place.type != "china_city" && place.type != "town" && place.type != "district")
        continue;
      PlaceForms f{.id = id};
      bool single = true;
      for (const auto& [lang, text] : place.names) {
        if (lang == "ko") {
          const std::u32string h = custodian::DecodeUtf8Lossy(text);
          if (!std::all_of(h.begin(), h.end(), IsHangul)) continue;
          f.hangul.push_back(h);
          static const std::u32string kSuffixes = U"군시구읍리도";
          if (h.size() >= 3 && kSuffixes.find(h.back()) != std::u32string::npos)
            f.hangul.push_back(h.substr(0, h.size() - 1));
        } else if (lang == "en" || lang == "ko-Latn") {
          const std::string folded = FoldWord(text);
          if (folded.empty()) {
            single = false;
            continue;
          }
          if (std::find(f.latin.begin(), f.latin.end(), text) == f.latin.end())
            f.latin.push_back(text);
          if (std::find(f.folded.begin(), f.folded.end(), folded) == f.folded.end())
            f.folded.push_back(folded);
        }
      }
      if (!single || f.latin.empty()) continue;
      for (const std::string& w : f.folded) by_folded.emplace(w, forms.size());
      forms.push_back(std::move(f));
    }
    std::vector<size_t> mentions;
    for (const GtText& t : tokenized) {
      for (const GtWord& w : t.words) {
        if (auto it = by_folded.find(w.folded); it != by_folded.end())
          mentions.push_back(it->second);
      }
    }
    for (int attempt = 0; attempt < 10000 && !mentions.empty(); ++attempt) {
      size_t have = 0;
      for (const QuerySpec& q : queries) have += q.category == kPlace;
      if (have >= per_category) break;
      const PlaceForms& f = forms[mentions[pick(mentions.size())]];
      QuerySpec q{.category = kPlace};
      q.ours = f.latin[pick(f.latin.size())];
      q.fts = FtsQuoted(q.ours);
      q.any_words = f.folded;
      q.hangul = f.hangul;
      add(std::move(q));
    }

    // Names: a victim's romanized name as one project wrote it; relevant, the victim's
    // testimonies in the other projects that name them in another spelling.
    std::shuffle(victims.begin(), victims.end(), rng);
    size_t name_candidates = 0;
    for (const Victim& v : victims) {
      if (name_candidates >= per_category * 4) break;
      for (size_t a = 0; a < v.records.size(); ++a) {
        std::string query;
        for (const auto& [lang, text] : wanted_persons[v.records[a].first]) {
          if (lang == "ko-Latn" && text.find(' ') != std::string::npos) query = text;
        }
        if (query.empty()) continue;
        QuerySpec q{.category = kName, .ours = query, .fts = FtsQuoted(query)};
        for (size_t b = 0; b < v.records.size(); ++b) {
          if (b == a) continue;
          const auto it = wanted_sources.find(v.records[b].second);
          if (it == wanted_sources.end() || it->second == UINT32_MAX) continue;
          std::vector<std::string> spellings;
          bool same = false;
          for (const auto& [lang, text] : wanted_persons[v.records[b].first]) {
            if (lang != "ko" && lang != "ko-Latn") continue;
            if (text == query) same = true;
            spellings.push_back(text);
          }
          if (!same && !spellings.empty()) q.name_docs[it->second] = spellings;
        }
        if (!q.name_docs.empty()) {
          add(std::move(q));
          ++name_candidates;
        }
        break;
      }
    }
  }

  // ---- 3b. relevance, by one pass over every document ---------------------------------------
  {
    const auto start = Clock::now();
    std::unordered_map<std::string, std::vector<size_t>> word_needles, phrase_needles;
    std::unordered_map<std::u32string, std::vector<size_t>> hangul_needles, hangul_phrases;
    std::unordered_map<uint32_t, std::vector<size_t>> name_needles;
    size_t longest_hangul = 0;
    for (size_t qi = 0; qi < queries.size(); ++qi) {
      const QuerySpec& q = queries[qi];
      for (const std::string& w : q.any_words) word_needles[w].push_back(qi);
      for (const std::string& w : q.all_words) word_needles[w].push_back(qi);
      if (!q.phrase_a.empty()) phrase_needles[q.phrase_a + " " + q.phrase_b].push_back(qi);
      for (const std::u32string& h : q.hangul) {
        hangul_needles[h].push_back(qi);
        longest_hangul = std::max(longest_hangul, h.size());
      }
      for (const auto& [doc, spellings] : q.name_docs) name_needles[doc].push_back(qi);
      if (!q.hangul_phrase.empty()) hangul_phrases[q.hangul_phrase].push_back(qi);
    }
    DocReader reader(docs_path);
    uint32_t index = 0;
    std::vector<std::vector<uint8_t>> hits_all(queries.size());
    for (std::vector<Doc>* batch = &reader.Next(10000); !batch->empty();
         batch = &reader.Next(10000)) {
      for (const Doc& d : *batch) {
        GtText t;
        for (const std::string* s : {&d.title, &d.summary, &d.transcript, &d.place_text})
          Tokenize(*s, t);
        std::set<size_t> any;                         // queries satisfied
        std::map<size_t, std::set<std::string>> all;  // kAnd: words seen
        for (size_t k = 0; k < t.words.size(); ++k) {
          if (auto it = word_needles.find(t.words[k].folded); it != word_needles.end()) {
            for (size_t qi : it->second) {
              if (queries[qi].category == kAnd) {
                all[qi].insert(t.words[k].folded);
              } else {
                any.insert(qi);
              }
            }
          }
          if (k > 0 && t.words[k].space_before && !phrase_needles.empty()) {
            auto it = phrase_needles.find(t.words[k - 1].folded + " " + t.words[k].folded);
            if (it != phrase_needles.end()) any.insert(it->second.begin(), it->second.end());
          }
        }
        for (const std::u32string& run : t.hangul_runs) {
          for (size_t a = 0; a < run.size(); ++a) {
            for (size_t len = 2; len <= longest_hangul && a + len <= run.size(); ++len) {
              auto it = hangul_needles.find(run.substr(a, len));
              if (it != hangul_needles.end()) any.insert(it->second.begin(), it->second.end());
            }
          }
        }
        // Quoted Hangul phrases: the end of a run (up to 4 syllables), one space, the start
        // of the next (up to 3).
        for (size_t k = 1; k < t.hangul_runs.size() && !hangul_phrases.empty(); ++k) {
          if (!t.after_run[k]) continue;
          const std::u32string& a = t.hangul_runs[k - 1];
          const std::u32string& b = t.hangul_runs[k];
          for (size_t la = 2; la <= std::min<size_t>(4, a.size()); ++la) {
            for (size_t lb = 2; lb <= std::min<size_t>(3, b.size()); ++lb) {
              auto it = hangul_phrases.find(a.substr(a.size() - la) + U" " + b.substr(0, lb));
              if (it != hangul_phrases.end()) any.insert(it->second.begin(), it->second.end());
            }
          }
        }
        for (const auto& [qi, words] : all) {
          if (words.size() == queries[qi].all_words.size()) any.insert(qi);
        }
        if (auto it = name_needles.find(index); it != name_needles.end()) {
          for (size_t qi : it->second) {
            for (const std::string& name : queries[qi].name_docs.at(index)) {
              bool found = false;
              for (const std::string* s : {&d.title, &d.summary, &d.transcript})
                found = found || s->find(name) != std::string::npos;
              if (found) {
                any.insert(qi);
                break;
              }
            }
          }
        }
        for (size_t qi : any) queries[qi].relevant.push_back(index);
        ++index;
      }
    }
    // Names keep the first Q queries whose victim is named in another project's testimony.
    std::vector<QuerySpec> kept;
    size_t names = 0;
    for (QuerySpec& q : queries) {
      if (q.relevant.empty()) continue;
      if (q.category == kName && names++ >= per_category) continue;
      kept.push_back(std::move(q));
    }
    queries = std::move(kept);
    std::printf("relevance of %zu queries computed in %.1f s\n", queries.size(),
                Seconds(start, Clock::now()));
  }
  size_t per_cat_count[kCategories] = {};
  for (const QuerySpec& q : queries) ++per_cat_count[q.category];
  for (int c = 0; c < kCategories; ++c) {
    size_t rel = 0;
    for (const QuerySpec& q : queries)
      if (q.category == c) rel += q.relevant.size();
    std::printf("  %-34s %3zu queries, mean %.0f relevant documents\n", kCategoryName[c],
                per_cat_count[c], per_cat_count[c] ? double(rel) / double(per_cat_count[c]) : 0.0);
  }
  std::fflush(stdout);

  // ---- 2. index: Custodian and FTS5 ----------------------------------------------------------
  const fs::path xapian_dir = work / "xapian", fts_path = work / "fts.sqlite";
  std::vector<double> ours_rate, ours_cpu_rate, fts_rate, fts_cpu_rate, floor_rate, floor_cpu_rate;
  std::unique_ptr<search::Index> index;
  sqlite3* db = nullptr;
  double rss_after_ours = 0;
  bool reused = false;
  if (reuse && fs::exists(xapian_dir) && fs::exists(fts_path)) {
    index = Must(search::Index::Open(xapian_dir.string()), "open the index");
    if (index->size() == n_docs && sqlite3_open(fts_path.c_str(), &db) == SQLITE_OK) {
      reused = true;
      for (auto* v : {&ours_rate, &ours_cpu_rate, &fts_rate, &fts_cpu_rate}) v->push_back(0);
      std::printf("reusing the indexes in %s\n", work.c_str());
    } else {
      index.reset();  // another format or size: rebuild
    }
  }
  for (int run = 0; !reused && run < index_runs; ++run) {
    // Custodian.
    index.reset();
    fs::remove_all(xapian_dir);
    index = Must(search::Index::Open(xapian_dir.string()), "open the index");
    {
      DocReader reader(docs_path);
      double wall = 0, cpu = 0, commit = 0;
      size_t done = 0;
      for (std::vector<Doc>* batch = &reader.Next(kCommitEvery); !batch->empty();
           batch = &reader.Next(kCommitEvery)) {
        std::vector<search::Document> documents;
        documents.reserve(batch->size());
        for (const Doc& d : *batch) documents.push_back(ToDocument(d));
        const auto start = Clock::now();
        const double cpu_start = CpuSeconds();
        // In batches, as the repository catches up (repo::UpdateSearchIndex).
        for (size_t i = 0; i < documents.size(); i += kPutBatch) {
          const size_t n = std::min(kPutBatch, documents.size() - i);
          Must(index->PutAll({documents.data() + i, n}), "put a batch");
        }
        const auto commit_start = Clock::now();
        Must(index->Commit(done + batch->size()), "commit");
        wall += Seconds(start, Clock::now());
        commit += Seconds(commit_start, Clock::now());
        cpu += CpuSeconds() - cpu_start;
        done += batch->size();
      }
      if (index->size() != n_docs) Die("the index holds " + std::to_string(index->size()));
      ours_rate.push_back(static_cast<double>(n_docs) / wall);
      ours_cpu_rate.push_back(static_cast<double>(n_docs) / cpu);
      rss_after_ours = std::max(rss_after_ours, PeakRssMb());
      std::printf(
          "index run %d: custodian %.1f s (cpu %.1f, commits %.1f) = %.0f docs/s, %.0f MB on "
          "disk, peak RSS so far %.0f MB\n",
          run + 1, wall, cpu, commit, ours_rate.back(), DirBytes(xapian_dir) / 1e6, rss_after_ours);
      std::fflush(stdout);
    }
    // Xapian alone, for scale: its own TermGenerator (English rules and positions; no CJK
    // n-grams, names, keys, facets or threads) on the same texts, one database.
    if (xapian_floor) {
      const fs::path floor_dir = work / "xapian-floor";
      fs::remove_all(floor_dir);
      Xapian::WritableDatabase floor(floor_dir.string(), Xapian::DB_CREATE_OR_OVERWRITE);
      Xapian::TermGenerator generator;
      DocReader reader(docs_path);
      double wall = 0, cpu = 0;
      for (std::vector<Doc>* batch = &reader.Next(kCommitEvery); !batch->empty();
           batch = &reader.Next(kCommitEvery)) {
        const auto start = Clock::now();
        const double cpu_start = CpuSeconds();
        for (const Doc& d : *batch) {
          Xapian::Document doc;
          generator.set_document(doc);
          std::string data;
          for (const std::string* text : {&d.title, &d.summary, &d.transcript, &d.place_text}) {
            generator.index_text(*text);
            generator.increase_termpos(100);
            data += *text;
          }
          doc.add_boolean_term("Q" + d.id);
          doc.set_data(data);
          floor.add_document(doc);
        }
        floor.commit();
        wall += Seconds(start, Clock::now());
        cpu += CpuSeconds() - cpu_start;
      }
      floor.close();
      fs::remove_all(floor_dir);
      floor_rate.push_back(static_cast<double>(n_docs) / wall);
      floor_cpu_rate.push_back(static_cast<double>(n_docs) / cpu);
      std::printf("index run %d: xapian termgenerator alone %.1f s (cpu %.1f) = %.0f docs/s\n",
                  run + 1, wall, cpu, floor_rate.back());
      std::fflush(stdout);
    }
    if (index_only) continue;
    // FTS5, the same texts, one transaction.
    if (db) sqlite3_close(db);
    fs::remove(fts_path);
    fs::remove(fts_path.string() + "-wal");
    fs::remove(fts_path.string() + "-shm");
    if (sqlite3_open(fts_path.c_str(), &db) != SQLITE_OK) Die("cannot open " + fts_path.string());
    Exec(db, "PRAGMA journal_mode=WAL");
    Exec(db, "PRAGMA synchronous=FULL");
    Exec(db, "PRAGMA cache_size=-65536");
    Exec(db,
         "CREATE VIRTUAL TABLE fts USING fts5(title, summary, transcript, place, "
         "tokenize='trigram')");
    {
      sqlite3_stmt* insert = nullptr;
      if (sqlite3_prepare_v2(db,
                             "INSERT INTO fts(rowid, title, summary, transcript, place) VALUES "
                             "(?, ?, ?, ?, ?)",
                             -1, &insert, nullptr) != SQLITE_OK)
        Die(std::string("prepare: ") + sqlite3_errmsg(db));
      DocReader reader(docs_path);
      double wall = 0, cpu = 0, commit = 0;
      int64_t rowid = 1;
      Exec(db, "BEGIN");
      for (std::vector<Doc>* batch = &reader.Next(kCommitEvery); !batch->empty();
           batch = &reader.Next(kCommitEvery)) {
        const auto start = Clock::now();
        const double cpu_start = CpuSeconds();
        for (const Doc& d : *batch) {
          sqlite3_bind_int64(insert, 1, rowid++);
          int col = 2;
          for (const std::string* s : {&d.title, &d.summary, &d.transcript, &d.place_text}) {
            sqlite3_bind_text(insert, col++, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
          }
          if (sqlite3_step(insert) != SQLITE_DONE)
            Die(std::string("insert: ") + sqlite3_errmsg(db));
          sqlite3_reset(insert);
        }
        wall += Seconds(start, Clock::now());
        cpu += CpuSeconds() - cpu_start;
      }
      const auto start = Clock::now();
      const double cpu_start = CpuSeconds();
      Exec(db, "COMMIT");
      commit = Seconds(start, Clock::now());
      wall += commit;
      cpu += CpuSeconds() - cpu_start;
      sqlite3_finalize(insert);
      fts_rate.push_back(static_cast<double>(n_docs) / wall);
      fts_cpu_rate.push_back(static_cast<double>(n_docs) / cpu);
      std::printf(
          "index run %d: fts5 trigram %.1f s (cpu %.1f, commit %.1f) = %.0f docs/s, %.0f MB on "
          "disk | ratio %.2f\n",
          run + 1, wall, cpu, commit, fts_rate.back(),
          (fs::file_size(fts_path) + (fs::exists(fts_path.string() + "-wal")
                                          ? fs::file_size(fts_path.string() + "-wal")
                                          : 0)) /
              1e6,
          ours_rate.back() / fts_rate.back());
      std::fflush(stdout);
    }
  }
  const double xapian_mb = DirBytes(xapian_dir) / 1e6;
  if (index_only) {
    index.reset();
    if (!keep) fs::remove_all(work);
    return 0;
  }
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  const double fts_mb = fs::file_size(fts_path) / 1e6;

  // ---- 4. queries: latency, then full match sets for recall --------------------------------
  sqlite3_stmt *fts_top = nullptr, *fts_count = nullptr, *fts_all = nullptr;
  for (auto [stmt, sql] :
       {std::pair{&fts_top,
                  "SELECT rowid, snippet(fts, -1, '<b>', '</b>', '…', 24) FROM fts WHERE fts "
                  "MATCH ?1 ORDER BY rank LIMIT 20"},
        std::pair{&fts_count, "SELECT count(*) FROM fts WHERE fts MATCH ?1"},
        std::pair{&fts_all, "SELECT rowid FROM fts WHERE fts MATCH ?1"}}) {
    if (sqlite3_prepare_v2(db, sql, -1, stmt, nullptr) != SQLITE_OK)
      Die(std::string("prepare: ") + sqlite3_errmsg(db));
  }
  auto fts_run = [&](sqlite3_stmt* stmt, const std::string& match,
                     std::vector<uint32_t>* rows) -> int64_t {
    sqlite3_bind_text(stmt, 1, match.data(), static_cast<int>(match.size()), SQLITE_STATIC);
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (stmt == fts_count)
        n = sqlite3_column_int64(stmt, 0);
      else {
        ++n;
        if (rows) rows->push_back(static_cast<uint32_t>(sqlite3_column_int64(stmt, 0) - 1));
        if (stmt == fts_top) (void)sqlite3_column_text(stmt, 1);
      }
    }
    if (rc != SQLITE_DONE) Die(std::string("fts5 query ") + match + ": " + sqlite3_errmsg(db));
    sqlite3_reset(stmt);
    return n;
  };

  std::vector<std::vector<double>> ours_ms(queries.size()), fts_ms(queries.size());
  std::vector<double> ours_run_median, ours_run_p99, fts_run_median, fts_run_p99;
  std::vector<uint64_t> ours_total(queries.size());
  std::vector<bool> ours_exact(queries.size(), true);
  std::vector<int64_t> fts_total(queries.size());
  std::vector<size_t> order(queries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (int run = 0; run < runs; ++run) {
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<double> ours_this, fts_this;
    // Alternate which engine goes first.
    for (int side = 0; side < 2; ++side) {
      const bool ours_side = (side == 0) == (run % 2 == 0);
      for (size_t qi : order) {
        const QuerySpec& q = queries[qi];
        if (ours_side) {
          search::Query query;
          query.text = q.ours;
          query.access_tags = {kAccessTag};
          query.limit = kPageSize;
          query.count_facets = true;
          query.exact_count_limit = exact_count_limit;
          const auto start = Clock::now();
          search::Results r = Must(index->Search(query), "search " + q.ours);
          const double ms = Seconds(start, Clock::now()) * 1e3;
          ours_ms[qi].push_back(ms);
          ours_this.push_back(ms);
          ours_total[qi] = r.total;
          ours_exact[qi] = r.total_exact;
        } else {
          const auto start = Clock::now();
          fts_run(fts_top, q.fts, nullptr);
          fts_total[qi] = fts_run(fts_count, q.fts, nullptr);
          const double ms = Seconds(start, Clock::now()) * 1e3;
          fts_ms[qi].push_back(ms);
          fts_this.push_back(ms);
        }
      }
    }
    ours_run_median.push_back(Median(ours_this));
    ours_run_p99.push_back(Percentile(ours_this, 0.99));
    fts_run_median.push_back(Median(fts_this));
    fts_run_p99.push_back(Percentile(fts_this, 0.99));
    std::printf(
        "query run %d: custodian median %.2f ms, p99 %.2f ms, max %.1f ms | fts5 median %.2f "
        "ms, p99 %.2f ms, max %.1f ms (%zu queries)\n",
        run + 1, ours_run_median.back(), ours_run_p99.back(), Percentile(ours_this, 1.0),
        fts_run_median.back(), fts_run_p99.back(), Percentile(fts_this, 1.0), queries.size());
    std::fflush(stdout);
  }

  // Full match sets. The index is sharded, so Xapian's docids interleave the shards: each
  // document's docid comes from its id term.
  Xapian::Database xdb(xapian_dir.string());
  std::vector<uint32_t> doc_of_docid(xdb.get_lastdocid() + 1, UINT32_MAX);
  {
    DocReader reader(docs_path);
    uint32_t i = 0;
    for (std::vector<Doc>* batch = &reader.Next(kCommitEvery); !batch->empty();
         batch = &reader.Next(kCommitEvery)) {
      for (const Doc& d : *batch) {
        Xapian::PostingIterator p =
            xdb.postlist_begin(std::string(search::internal::kIdPrefix) + d.id);
        if (p == xdb.postlist_end("")) Die("the index does not hold " + d.id);
        doc_of_docid[*p] = i++;
      }
    }
  }
  struct Scores {
    double recall = 0, precision = 0;
  };
  std::vector<Scores> ours_score(queries.size()), fts_score(queries.size());
  size_t count_mismatches = 0, estimated = 0;
  std::vector<double> estimate_error;  // |estimate - actual| / actual, for estimated totals
  auto score = [](const std::vector<uint32_t>& relevant, std::vector<uint32_t> got) {
    std::sort(got.begin(), got.end());
    size_t common = 0;
    for (size_t a = 0, b = 0; a < relevant.size() && b < got.size();) {
      if (relevant[a] == got[b])
        ++common, ++a, ++b;
      else if (relevant[a] < got[b])
        ++a;
      else
        ++b;
    }
    return Scores{relevant.empty() ? 1.0 : double(common) / double(relevant.size()),
                  got.empty() ? 1.0 : double(common) / double(got.size())};
  };
  const search::internal::Vocabulary vocabulary = search::internal::VocabularyOf(xdb);
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    const QuerySpec& q = queries[qi];
    auto parsed =
        Must(search::internal::ParseQuery(q.ours, nullptr, vocabulary), "parse " + q.ours);
    Xapian::Enquire enquire(xdb);
    enquire.set_query(
        Xapian::Query(Xapian::Query::OP_FILTER, parsed.query,
                      Xapian::Query(std::string(search::internal::kAccessPrefix) + kAccessTag)));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    const auto phrases = search::internal::PhrasesInText(parsed.required_phrases);
    Xapian::MSet mset = enquire.get_mset(0, xdb.get_doccount(), 0, nullptr, phrases.get());
    std::vector<uint32_t> got;
    got.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) got.push_back(doc_of_docid.at(*it));
    if (ours_exact[qi]) {
      if (got.size() != ours_total[qi]) ++count_mismatches;
    } else {
      ++estimated;
      estimate_error.push_back(
          std::abs(static_cast<double>(ours_total[qi]) - static_cast<double>(got.size())) /
          static_cast<double>(std::max<size_t>(got.size(), 1)));
    }
    ours_score[qi] = score(q.relevant, got);
    std::vector<uint32_t> fts_got;
    fts_run(fts_all, q.fts, &fts_got);
    fts_score[qi] = score(q.relevant, fts_got);
    if (static_cast<int64_t>(fts_got.size()) != fts_total[qi]) ++count_mismatches;
  }
  for (auto* stmt : {fts_top, fts_count, fts_all}) sqlite3_finalize(stmt);

  // ---- report ----------------------------------------------------------------------------
  double ours_recall_sum = 0, fts_recall_sum = 0;
  std::printf("\n%-34s %5s | %-20s | %-20s | %-17s | %s\n", "category", "n", "recall ours / fts5",
              "precision ours/fts5", "median ms ours/fts5", "queries where fts5 < ours recall");
  OJson by_category = OJson::object();
  for (int c = 0; c < kCategories; ++c) {
    double orr = 0, frr = 0, op = 0, fp = 0;
    std::vector<double> oms, fms;
    size_t n = 0, fts_worse = 0;
    for (size_t qi = 0; qi < queries.size(); ++qi) {
      if (queries[qi].category != c) continue;
      ++n;
      orr += ours_score[qi].recall;
      frr += fts_score[qi].recall;
      op += ours_score[qi].precision;
      fp += fts_score[qi].precision;
      oms.push_back(Median(ours_ms[qi]));
      fms.push_back(Median(fts_ms[qi]));
      if (fts_score[qi].recall < ours_score[qi].recall - 1e-12) ++fts_worse;
    }
    if (n == 0) continue;
    const double dn = static_cast<double>(n);
    std::printf("%-34s %5zu | %8.4f / %-9.4f | %8.4f / %-9.4f | %7.2f / %-7.2f | %zu\n",
                kCategoryName[c], n, orr / dn, frr / dn, op / dn, fp / dn, Median(oms), Median(fms),
                fts_worse);
    by_category[kCategoryName[c]] = {{"queries", n},
                                     {"recall", Round(orr / dn, 4)},
                                     {"peer_recall", Round(frr / dn, 4)},
                                     {"precision", Round(op / dn, 4)},
                                     {"peer_precision", Round(fp / dn, 4)},
                                     {"median_ms", Round(Median(oms), 3)},
                                     {"peer_median_ms", Round(Median(fms), 3)}};
  }
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    ours_recall_sum += ours_score[qi].recall;
    fts_recall_sum += fts_score[qi].recall;
  }
  // The slowest queries, for whoever optimises next.
  {
    std::vector<size_t> slow(queries.size());
    for (size_t i = 0; i < slow.size(); ++i) slow[i] = i;
    std::sort(slow.begin(), slow.end(),
              [&](size_t a, size_t b) { return Median(ours_ms[a]) > Median(ours_ms[b]); });
    std::printf("slowest custodian queries (median ms, total matches):");
    for (size_t k = 0; k < std::min<size_t>(5, slow.size()); ++k) {
      std::printf(" [%s] %.1f ms %llu;", kCategoryName[queries[slow[k]].category],
                  Median(ours_ms[slow[k]]), static_cast<unsigned long long>(ours_total[slow[k]]));
    }
    std::printf("\n");
  }
  // Where Custodian misses relevant documents (place and name queries are synthetic text).
  {
    size_t shown = 0;
    for (size_t qi = 0; qi < queries.size() && shown < 8; ++qi) {
      if (ours_score[qi].recall >= 1) continue;
      std::printf("  recall %.3f (fts5 %.3f) for %s query [%s], %zu relevant\n",
                  ours_score[qi].recall, fts_score[qi].recall, kCategoryName[queries[qi].category],
                  queries[qi].ours.c_str(), queries[qi].relevant.size());
      ++shown;
    }
  }
  if (count_mismatches)
    std::printf("WARNING: %zu full match sets differ in size from the engines' exact counts\n",
                count_mismatches);
  if (estimated)
    std::printf(
        "custodian estimated the total of %zu of %zu queries (the others exact): error median "
        "%.1f%%, max %.1f%%\n",
        estimated, queries.size(), Median(estimate_error) * 100,
        Percentile(estimate_error, 1.0) * 100);
  const double nq = static_cast<double>(queries.size());
  const double ours_recall = ours_recall_sum / nq, fts_recall = fts_recall_sum / nq;
  const double peak_rss = PeakRssMb();
  const std::string size_label = CountLabel(n_docs) + " testimonies";
  std::printf(
      "index size: custodian (Xapian) %.0f MB, fts5 trigram %.0f MB; peak RSS %.0f MB (after "
      "custodian indexing %.0f MB); whole benchmark %.0f s\n",
      xapian_mb, fts_mb, peak_rss, rss_after_ours, Seconds(bench_start, Clock::now()));

  const std::string runs_note = index_runs == 1 ? "one run" : "median of runs";
  Figure indexing{.figure = "search indexing docs/s (" + size_label + ", synthetic)",
                  .value = std::round(Median(ours_rate)),
                  .peer = "SQLite FTS5 trigram, same texts, one transaction",
                  .peer_value = std::round(Median(fts_rate)),
                  .has_peer = true,
                  .target = ">= 5000",
                  .has_target = true,
                  .pass = Median(ours_rate) >= 5000,
                  .runs = index_runs,
                  .unit = "docs/s"};
  indexing.extra = {{"docs", n_docs},
                    {"text_bytes", text_bytes},
                    {"cpu_value", std::round(Median(ours_cpu_rate))},
                    {"peer_cpu_value", std::round(Median(fts_cpu_rate))},
                    {"samples", Rounded(ours_rate, 0)},
                    {"peer_samples", Rounded(fts_rate, 0)},
                    {"index_mb", Round(xapian_mb, 1)},
                    {"peer_index_mb", Round(fts_mb, 1)},
                    {"peak_rss_mb", Round(peak_rss, 1)},
                    {"peak_rss_mb_after_indexing", Round(rss_after_ours, 1)},
                    {"runs_note", runs_note},
                    {"seeds", seeds_used},
                    {"persons", persons_total}};
  if (!reused) figures.push_back(indexing);  // a --reuse run measured no indexing
  if (!reused && !floor_rate.empty()) {
    Figure floor{.figure = "search indexing docs/s against Xapian alone (" + size_label + ")",
                 .value = std::round(Median(ours_rate)),
                 .peer = "Xapian TermGenerator, same texts, one thread, no CJK/names/keys",
                 .peer_value = std::round(Median(floor_rate)),
                 .has_peer = true,
                 .runs = index_runs,
                 .unit = "docs/s"};
    floor.extra = {{"cpu_value", std::round(Median(ours_cpu_rate))},
                   {"peer_cpu_value", std::round(Median(floor_cpu_rate))},
                   {"peer_samples", Rounded(floor_rate, 0)}};
    figures.push_back(floor);
  }
  Figure median{.figure = "search query median ms (" + size_label + ", mixed set)",
                .value = Round(Median(ours_run_median), 3),
                .peer = "SQLite FTS5 trigram: top 20 by bm25 with snippet + COUNT(*)",
                .peer_value = Round(Median(fts_run_median), 3),
                .has_peer = true,
                .target = "< 10",
                .has_target = true,
                .pass = Median(ours_run_median) < 10,
                .runs = runs,
                .unit = "ms",
                .lower_is_better = true};
  median.extra = {{"queries", queries.size()},
                  {"samples", Rounded(ours_run_median, 3)},
                  {"peer_samples", Rounded(fts_run_median, 3)},
                  {"faster_than_peer", Median(ours_run_median) < Median(fts_run_median)}};
  figures.push_back(median);
  Figure p99{.figure = "search query p99 ms (" + size_label + ", mixed set)",
             .value = Round(Median(ours_run_p99), 3),
             .peer = "(same, p99)",
             .peer_value = Round(Median(fts_run_p99), 3),
             .has_peer = true,
             .target = "< 50",
             .has_target = true,
             .pass = Median(ours_run_p99) < 50,
             .runs = runs,
             .unit = "ms",
             .lower_is_better = true};
  p99.extra = {{"samples", Rounded(ours_run_p99, 3)},
               {"peer_samples", Rounded(fts_run_p99, 3)},
               {"faster_than_peer", Median(ours_run_p99) < Median(fts_run_p99)}};
  figures.push_back(p99);
  Figure recall{.figure = "search recall, mean over queries (" + size_label + ", mixed set)",
                .value = Round(ours_recall, 4),
                .peer = "SQLite FTS5 trigram, same queries",
                .peer_value = Round(fts_recall, 4),
                .has_peer = true,
                .target = ">= peer",
                .has_target = true,
                .pass = ours_recall >= fts_recall,
                .runs = 1,
                .unit = "recall"};
  recall.extra = {{"by_category", by_category}, {"target_applies_to", "peer"}};
  figures.push_back(recall);

  ReportFigures(figures, json_path);
  index.reset();
  sqlite3_close(db);
  if (!keep)
    fs::remove_all(work);
  else
    std::printf("kept %s\n", work.c_str());
  return 0;
}
