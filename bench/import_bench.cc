// import_bench: how fast Repository::Import takes a realistic JSON Lines file through the full
// path (parse, validation against schema/vocabularies/existing records, canonical ledger entry,
// SHA-256 Merkle append, projections), next to the raw SQLite insert rate of the same rows on
// the same disk in the same run. See bench/README.md.
//
//   import_bench [--records N] [--runs R] [--seed S] [--json FILE] [--workdir DIR] [--keep]
//
// Output (stdout): the file's make-up and each run's figures, then one line per figure:
//   RESULT<TAB>figure=...<TAB>value=...<TAB>peer=...<TAB>peer_value=...<TAB>ratio=...<TAB>
//   target=...<TAB>pass=true|false<TAB>runs=R
// and, with --json, the same figures as a JSON array (the form bench/run collects).
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_repo.h"
#include "bench/harness.h"
#include "model/model.h"
#include "repo/repo.h"

namespace {

using namespace custodian::bench;  // NOLINT: the shared harness, in a .cc file

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;  // keeps "kind" and "id" first on every line

constexpr double kTarget = 50000;  // records/s, the figure

// ---- The generator ------------------------------------------------------------------------

struct Syllable {
  const char* hangul;
  const char* latin;
};

constexpr Syllable kSurnames[] = {
    {"김", "Kim"},   {"이", "Ri"}, {"박", "Pak"},  {"최", "Choe"}, {"정", "Jong"},
    {"강", "Kang"},  {"조", "Jo"}, {"윤", "Yun"},  {"장", "Jang"}, {"림", "Rim"},
    {"한", "Han"},   {"오", "O"},  {"서", "So"},   {"신", "Sin"},  {"권", "Kwon"},
    {"황", "Hwang"}, {"안", "An"}, {"송", "Song"}, {"전", "Jon"},  {"홍", "Hong"},
};
constexpr Syllable kGiven[] = {
    {"철", "chol"},  {"수", "su"},   {"영", "yong"},  {"희", "hui"},  {"명", "myong"},
    {"순", "sun"},   {"혜", "hye"},  {"광", "kwang"}, {"성", "song"}, {"옥", "ok"},
    {"정", "jong"},  {"일", "il"},   {"남", "nam"},   {"금", "kum"},  {"춘", "chun"},
    {"경", "kyong"}, {"혁", "hyok"}, {"련", "ryon"},  {"국", "guk"},  {"미", "mi"},
};

constexpr const char* kEnglishWords[] = {
    "the",       "guards",       "detained", "at",           "border",    "crossing",   "was",
    "taken",     "to",           "the",      "holding",      "centre",    "where",      "she",
    "he",        "they",         "were",     "interrogated", "for",       "several",    "days",
    "about",     "contact",      "with",     "South",        "Korea",     "and",        "religion",
    "family",    "members",      "later",    "learned",      "that",      "transfer",   "to",
    "labour",    "camp",         "witness",  "saw",          "beating",   "with",       "sticks",
    "in",        "winter",       "without",  "food",         "or",        "medical",    "care",
    "after",     "repatriation", "from",     "China",        "security",  "agents",     "of",
    "the",       "Ministry",     "of",       "State",        "Security",  "questioned", "every",
    "night",     "cell",         "was",      "crowded",      "twenty",    "people",     "could",
    "not",       "lie",          "down",     "released",     "months",    "later",      "never",
    "seen",      "again",        "public",   "trial",        "held",      "market",     "square",
    "residents", "ordered",      "to",       "attend",       "execution", "by",         "shooting",
};

constexpr const char* kKoreanWords[] = {
    "보위부", "구류장",   "조사",   "받았다", "국경",   "경비대", "강제송환", "중국",   "에서",
    "잡혀",   "왔다",     "교화소", "노동",   "단련대", "가족",   "소식",     "모른다", "매일",
    "밤",     "구타",     "당했다", "식사",   "옥수수", "한",     "줌",       "병",     "치료",
    "없이",   "공개처형", "장마당", "주민",   "동원",   "되었다", "그",       "사람",   "다시",
    "보지",   "못했다",   "감방",   "에는",   "스무",   "명이",
};

const char kIdAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford base32

struct Vocab {
  std::vector<std::string> violations, source_types, sexes, roles, statuses, qualifications,
      reliability, credibility, languages;
  std::vector<std::string> places;  // gazetteer ids where things happen or people come from
};

std::vector<std::string> Codes(const custodian::model::Vocabularies& vocabularies,
                               std::string_view name) {
  const custodian::model::Vocabulary* vocab = vocabularies.Find(name);
  if (vocab == nullptr) Die("no built-in vocabulary " + std::string(name));
  std::vector<std::string> out;
  for (const auto& term : vocab->terms()) out.push_back(term.code);
  return out;
}

Vocab LoadVocab() {
  const auto& v = custodian::model::Vocabularies::Builtin();
  Vocab out;
  out.violations = Codes(v, "violation_types");
  out.source_types = Codes(v, "source_types");
  out.sexes = Codes(v, "sexes");
  out.roles = Codes(v, "person_roles");
  out.statuses = Codes(v, "act_statuses");
  out.qualifications = Codes(v, "legal_qualifications");
  out.reliability = Codes(v, "reliability");
  out.credibility = Codes(v, "credibility");
  out.languages = Codes(v, "languages");
  // The same gazetteer Repository::Init seeds, so every place id exists in the repository.
  auto places = custodian::model::BuiltinGazetteer();
  if (!places.ok()) Die("built-in gazetteer: " + places.status().message());
  for (const auto& place : *places) {
    const std::string type = place.value("type", "");
    if (type == "county" || type == "city" || type == "detention_facility" ||
        type == "border_crossing" || type == "china_city" || type == "town") {
      out.places.push_back(place.value("id", ""));
    }
  }
  if (out.places.size() < 20) Die("too few gazetteer places");
  return out;
}

class Generator {
 public:
  Generator(uint64_t seed, const Vocab& vocab) : rng_(seed), vocab_(vocab) {}

  // One JSONL line (without the newline); `kind` and `id` are also returned for the checks.
  std::string Next(std::string& kind, std::string& id) {
    // ~25% persons, 15% sources, 10% incidents, 45% acts, 5% claims; a kind that would need a
    // record that does not exist yet is replaced by that record.
    int roll = Uniform(0, 99);
    if (roll < 25 || persons_.empty()) return Person(kind, id);
    if (roll < 40 || sources_.empty()) return Source(kind, id);
    if (roll < 50) return Incident(kind, id);
    if (roll < 95) return Act(kind, id);
    return Claim(kind, id);
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[static_cast<size_t>(Uniform(0, static_cast<int>(N) - 1))];
  }

  std::string NewId(const char* prefix) {
    std::string id = std::string(prefix) + "-";
    for (int i = 0; i < 12; ++i) id += kIdAlphabet[Uniform(0, 31)];
    return id;
  }

  // Prose of about [min, max] bytes, English with some Korean, in sentences.
  std::string Text(int min, int max, bool korean_share = true) {
    const size_t target = static_cast<size_t>(Uniform(min, max));
    std::string out;
    bool start = true;
    while (out.size() < target) {
      std::string word = korean_share && Chance(25) ? Pick(kKoreanWords) : Pick(kEnglishWords);
      if (start && !word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] -= 'a' - 'A';
      if (!out.empty()) out += ' ';
      out += word;
      start = false;
      if (Chance(8)) {
        out += '.';
        start = true;
      }
    }
    if (!start) out += '.';
    return out;
  }

  std::string Transcript(int min, int max) {
    const size_t target = static_cast<size_t>(Uniform(min, max));
    std::string out;
    while (out.size() < target) {
      out += "Q: " + Text(30, 90, false) + "\nA: " + Text(80, 260) + "\n";
    }
    return out;
  }

  std::string Date() {
    const int year = Uniform(1995, 2023);
    const int month = Uniform(1, 12);
    char buf[64];
    switch (Uniform(0, 6)) {
      case 0:
        std::snprintf(buf, sizeof buf, "%d-%02d-%02d", year, month, Uniform(1, 28));
        break;
      case 1:
        std::snprintf(buf, sizeof buf, "%d-%02d", year, month);
        break;
      case 2:
        std::snprintf(buf, sizeof buf, "%s %d",
                      std::array{"spring", "summer", "autumn", "winter"}[Uniform(0, 3)], year);
        break;
      case 3:
        std::snprintf(buf, sizeof buf, "about %d", year);
        break;
      case 4:
        std::snprintf(buf, sizeof buf, "%d년 %d월", year, month);
        break;
      case 5:
        std::snprintf(buf, sizeof buf, "between %d and %d", year, year + Uniform(1, 3));
        break;
      default:
        std::snprintf(buf, sizeof buf, "%d", year);
        break;
    }
    return buf;
  }

  OJson Refs(const std::vector<std::string>& pool, int min, int max) {
    OJson out = OJson::array();
    const int n = std::min(Uniform(min, max), static_cast<int>(pool.size()));
    for (int i = 0; i < n; ++i) {
      const std::string& id = Pick(pool);
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    return out;
  }

  std::string Emit(OJson& doc, std::string& kind, std::string& id) {
    kind = doc["kind"].get<std::string>();
    id = doc["id"].get<std::string>();
    return doc.dump();
  }

  std::string Person(std::string& kind, std::string& id) {
    const Syllable& sur = Pick(kSurnames);
    const Syllable& g1 = Pick(kGiven);
    const Syllable& g2 = Pick(kGiven);
    std::string latin_given = std::string(g1.latin) + "-" + g2.latin;
    OJson doc = {{"kind", "person"}, {"id", NewId("per")}};
    doc["names"] = OJson::array({
        {{"text", std::string(sur.hangul) + g1.hangul + g2.hangul}, {"lang", "ko"}},
        {{"text", std::string(sur.latin) + " " + latin_given},
         {"lang", "ko-Latn"},
         {"variant", "mr"}},
    });
    if (Chance(30)) {
      doc["names"].push_back({{"text", std::string(Pick(kGiven).hangul) + Pick(kGiven).hangul},
                              {"lang", "ko"},
                              {"type", "alias"}});
    }
    doc["sex"] = Chance(5) ? Pick(vocab_.sexes) : (Chance(55) ? "female" : "male");
    doc["born"] = std::to_string(Uniform(1940, 2005));
    if (Chance(30)) doc["born"] = "about " + doc["born"].get<std::string>();
    doc["origin"] = Pick(vocab_.places);
    doc["roles"] = OJson::array({Chance(70) ? "victim" : Pick(vocab_.roles)});
    if (Chance(30)) doc["roles"].push_back("witness");
    doc["description"] = Text(230, 800);
    persons_.push_back(doc["id"].get<std::string>());
    return Emit(doc, kind, id);
  }

  std::string Source(std::string& kind, std::string& id) {
    OJson doc = {{"kind", "source"}, {"id", NewId("src")}};
    const bool interview = Chance(75);
    doc["type"] = interview ? "interview" : Pick(vocab_.source_types);
    doc["title"] =
        "Interview " + std::to_string(sources_.size() + 1) + ", " + Pick(vocab_.places).substr(4);
    doc["date"] = Date();
    doc["languages"] = Chance(80) ? OJson::array({"ko"}) : OJson::array({"ko", "en"});
    if (interview) {
      doc["interviewer"] = "Field team " + std::to_string(Uniform(1, 12));
      if (!persons_.empty() && Chance(60)) doc["interviewee"] = Pick(persons_);
      doc["location"] = Pick(vocab_.places);
      doc["consent_to_use"] = true;
      doc["consent_to_share"] = Chance(50);
      doc["protection_concerns"] = Chance(40);
    } else {
      doc["citation"] = Text(40, 120, false);
      doc["url"] = "https://example.org/doc/" + NewId("d").substr(2);
    }
    doc["reliability"] = Pick(vocab_.reliability);
    doc["summary"] = Text(120, 300);
    if (interview || Chance(50)) doc["transcript"] = Transcript(650, 1550);
    sources_.push_back(doc["id"].get<std::string>());
    return Emit(doc, kind, id);
  }

  std::string Incident(std::string& kind, std::string& id) {
    OJson doc = {{"kind", "incident"}, {"id", NewId("inc")}};
    doc["title"] = Text(30, 80, false);
    doc["title"] = doc["title"].get<std::string>().substr(0, 200);
    doc["date"] = Date();
    doc["place"] = Pick(vocab_.places);
    doc["sources"] = Refs(sources_, 1, 3);
    doc["description"] = Text(500, 1100);
    incidents_.push_back(doc["id"].get<std::string>());
    return Emit(doc, kind, id);
  }

  std::string Act(std::string& kind, std::string& id) {
    OJson doc = {{"kind", "act"}, {"id", NewId("act")}};
    doc["violation"] = Pick(vocab_.violations);
    doc["victim"] = Pick(persons_);
    if (!incidents_.empty() && Chance(40)) doc["incident"] = Pick(incidents_);
    if (persons_.size() > 1 && Chance(20)) doc["perpetrators"] = Refs(persons_, 1, 2);
    doc["place"] = Pick(vocab_.places);
    doc["date"] = Date();
    doc["status"] = Pick(vocab_.statuses);
    if (Chance(50)) doc["legal_qualification"] = Pick(vocab_.qualifications);
    doc["sources"] = Refs(sources_, 1, 3);
    doc["description"] = Text(440, 960);
    acts_.push_back(doc["id"].get<std::string>());
    return Emit(doc, kind, id);
  }

  std::string Claim(std::string& kind, std::string& id) {
    OJson doc = {{"kind", "claim"}, {"id", NewId("clm")}};
    doc["subject"] = !acts_.empty() && Chance(80) ? Pick(acts_) : Pick(persons_);
    doc["statement"] = Text(250, 600);
    OJson grades = OJson::array();
    for (const auto& source : Refs(sources_, 1, 3)) {
      OJson grade = {{"source", source},
                     {"reliability", Pick(vocab_.reliability)},
                     {"credibility", Pick(vocab_.credibility)}};
      if (Chance(60)) grade["excerpt"] = Text(80, 250);
      grades.push_back(std::move(grade));
    }
    doc["sources"] = std::move(grades);
    return Emit(doc, kind, id);
  }

  std::mt19937_64 rng_;
  const Vocab& vocab_;
  std::vector<std::string> persons_, sources_, incidents_, acts_;
};

struct FileStats {
  uint64_t lines = 0;
  uint64_t bytes = 0;  // including newlines
  std::map<std::string, uint64_t> by_kind;
};

FileStats Generate(const std::string& path, uint64_t n, uint64_t seed) {
  Vocab vocab = LoadVocab();
  Generator gen(seed, vocab);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) Die("cannot write " + path);
  FileStats stats;
  std::string kind, id;
  for (uint64_t i = 0; i < n; ++i) {
    std::string line = gen.Next(kind, id);
    out << line << '\n';
    stats.bytes += line.size() + 1;
    ++stats.by_kind[kind];
  }
  stats.lines = n;
  out.close();
  if (!out) Die("cannot write " + path);
  return stats;
}

// ---- The measurements --------------------------------------------------------------------

// The same file with nothing to seal: each person's names become public_names (and its
// description is appended there in pieces of at most 290 bytes, so that the file keeps its
// size and the validator its work); birth dates are dropped. Importing it next to the
// original measures what sealing costs.
void WriteOpenVariant(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"kind\":\"person\"") == std::string::npos) {
      out << line << '\n';
      continue;
    }
    OJson doc = OJson::parse(line);
    OJson names = doc["names"];
    if (doc.contains("description")) {
      std::string text = doc["description"].get<std::string>();
      while (!text.empty()) {
        size_t cut = std::min<size_t>(text.size(), 290);
        while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        std::string piece = text.substr(0, cut);
        for (char& c : piece) c = c == '\n' ? ' ' : c;
        if (piece.find_first_not_of(' ') != std::string::npos) names.push_back({{"text", piece}});
        text.erase(0, cut);
      }
    }
    doc.erase("names");
    doc.erase("description");
    doc.erase("born");
    doc["public_names"] = std::move(names);
    out << doc.dump() << '\n';
  }
  if (!out) Die("cannot write " + to);
}

// Counts what is written to it and throws it away.
class CountingBuffer : public std::streambuf {
 public:
  uint64_t bytes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<uint64_t>(n);
    return n;
  }
  int overflow(int c) override {
    ++bytes;
    return c;
  }
};

struct CustodianTiming {
  Timing import;
  double export_wall = 0;  // the full (identity-revealing) export of the imported records
};

// Repository::Import of the whole file into a fresh repository (with the gazetteer), then a
// full export of it; the repository's creation is not timed.
CustodianTiming TimeCustodian(const std::string& jsonl, const std::string& dir, uint64_t expected) {
  custodian::repo::Options options;
  auto repo = custodian::repo::Repository::Init(dir, options, BenchInit(/*gazetteer=*/true));
  if (!repo.ok()) Die("init: " + repo.status().message());
  std::ifstream in(jsonl, std::ios::binary);
  if (!in) Die("cannot read " + jsonl);
  custodian::repo::ImportOptions options_for_import;
  options_for_import.source_name = jsonl;
  options_for_import.source_bytes = fs::file_size(jsonl);
  // Import reports progress one last time after the last line, just before it commits.
  Clock::time_point last_progress;
  options_for_import.progress = [&](uint64_t, uint64_t) { last_progress = Clock::now(); };

  const double cpu_start = CpuSeconds();
  const double wait_start = RunQueueWaitSeconds();
  const auto start = Clock::now();
  auto report = (*repo)->Import(in, options_for_import);
  const auto end = Clock::now();
  const double cpu_end = CpuSeconds();
  const double wait_end = RunQueueWaitSeconds();

  if (!report.ok()) Die("import: " + report.status().message());
  if (!report->applied || report->created != expected || report->rejected != 0) {
    std::string why = "import: created " + std::to_string(report->created) + " of " +
                      std::to_string(expected) + ", rejected " + std::to_string(report->rejected);
    for (const auto& e : report->errors) {
      why += "\n  line " + std::to_string(e.line) + ": " + e.message;
      if (&e - report->errors.data() >= 4) break;
    }
    Die(why);
  }
  CustodianTiming out;
  out.import = {.wall = Seconds(start, end),
                .cpu = cpu_end - cpu_start,
                .wait = wait_end - wait_start,
                .commit = Seconds(last_progress, end)};
  CountingBuffer sink;
  std::ostream null_out(&sink);
  const auto export_start = Clock::now();
  custodian::Status exported = (*repo)->Export(
      null_out, {.profile = custodian::protect::Profile::kFull, .purpose = "import_bench"});
  out.export_wall = Seconds(export_start, Clock::now());
  if (!exported.ok()) Die("export: " + exported.message());
  return out;
}

// The same rows, read from the same file, into one table of a fresh database with the store's
// pragmas: one transaction, one prepared statement. Timed from the first read to the COMMIT.
Timing TimeRawSqlite(const std::string& jsonl, const std::string& db_path, uint64_t expected) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    Die("cannot create " + db_path);
  }
  // As src/store/sqlite/sqlite_store.cc opens its database.
  Exec(db,
       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
       "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
  Exec(db, "CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT, body TEXT)");
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO records (id, kind, body) VALUES (?, ?, ?)", -1, &insert,
                         nullptr) != SQLITE_OK) {
    Die(std::string("prepare: ") + sqlite3_errmsg(db));
  }
  std::ifstream in(jsonl, std::ios::binary);
  if (!in) Die("cannot read " + jsonl);

  const double cpu_start = CpuSeconds();
  const double wait_start = RunQueueWaitSeconds();
  const auto start = Clock::now();
  Exec(db, "BEGIN IMMEDIATE");
  std::string line;
  uint64_t n = 0;
  static constexpr std::string_view kKindKey = "{\"kind\":\"";
  static constexpr std::string_view kIdKey = "\",\"id\":\"";
  while (std::getline(in, line)) {
    // Every generated line starts {"kind":"K","id":"I",...; no JSON parse on this side.
    std::string_view text = line;
    if (!text.starts_with(kKindKey)) Die("unexpected line " + std::to_string(n + 1));
    const size_t kind_end = text.find('"', kKindKey.size());
    const size_t id_begin = kind_end + kIdKey.size();
    const size_t id_end = text.find('"', id_begin);
    if (kind_end == std::string_view::npos || id_end == std::string_view::npos ||
        text.substr(kind_end, kIdKey.size()) != kIdKey) {
      Die("unexpected line " + std::to_string(n + 1));
    }
    std::string_view kind = text.substr(kKindKey.size(), kind_end - kKindKey.size());
    std::string_view id = text.substr(id_begin, id_end - id_begin);
    sqlite3_bind_text(insert, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, kind.data(), static_cast<int>(kind.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) Die(std::string("insert: ") + sqlite3_errmsg(db));
    sqlite3_reset(insert);
    ++n;
  }
  const auto commit_start = Clock::now();
  Exec(db, "COMMIT");
  const auto end = Clock::now();
  const double cpu_end = CpuSeconds();
  const double wait_end = RunQueueWaitSeconds();

  sqlite3_finalize(insert);
  sqlite3_close_v2(db);
  if (n != expected)
    Die("raw insert: " + std::to_string(n) + " rows, expected " + std::to_string(expected));
  return {.wall = Seconds(start, end),
          .cpu = cpu_end - cpu_start,
          .wait = wait_end - wait_start,
          .commit = Seconds(commit_start, end)};
}

}  // namespace

int main(int argc, char** argv) {
  custodian::bench::program_name = "import_bench";
  uint64_t records = 100000, runs = 5, seed = 20260101;
  std::string json_path, workdir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--records") {
      records = ParseCount("--records", value());
    } else if (arg == "--runs") {
      runs = ParseCount("--runs", value());
    } else if (arg == "--seed") {
      seed = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--json") {
      json_path = value();
    } else if (arg == "--workdir") {
      workdir = value();
    } else if (arg == "--keep") {
      keep = true;
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: import_bench [--records N (100000)] [--runs R (5)] [--seed S] [--json FILE]\n"
          "                    [--workdir DIR (a new directory under $TMPDIR)] [--keep]\n");
      return 0;
    } else {
      Die("unknown argument " + arg + " (try --help)");
    }
  }

  // Scratch space: the JSONL file, and per run a repository and a raw database.
  workdir = ScratchDirectory(workdir, "import-bench");
  const std::string jsonl = workdir + "/records.jsonl";

  std::printf("import_bench: %llu records, %llu runs, seed %llu, in %s\n",
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(runs),
              static_cast<unsigned long long>(seed), workdir.c_str());
  const auto gen_start = Clock::now();
  FileStats stats = Generate(jsonl, records, seed);
  const double mean_line = static_cast<double>(stats.bytes) / static_cast<double>(stats.lines);
  std::printf("generated %s: %.1f MB in %.2f s, mean line %.0f bytes (with newline)\n",
              jsonl.c_str(), stats.bytes / 1e6, Seconds(gen_start, Clock::now()), mean_line);
  for (const auto& [kind, n] : stats.by_kind) {
    std::printf("  %-9s %7llu  %4.1f%%\n", kind.c_str(), static_cast<unsigned long long>(n),
                100.0 * n / stats.lines);
  }
  const std::string open_jsonl = workdir + "/records-open.jsonl";
  WriteOpenVariant(jsonl, open_jsonl);
  std::printf("the same records with nothing to seal: %s, %.1f MB\n", open_jsonl.c_str(),
              fs::file_size(open_jsonl) / 1e6);
  std::fflush(stdout);

  std::vector<double> custodian_rate, raw_rate, custodian_cpu_rate, raw_cpu_rate;
  std::vector<double> seal_overhead, unseal_overhead;
  for (uint64_t run = 1; run <= runs; ++run) {
    const std::string repo_dir = workdir + "/repo-" + std::to_string(run);
    const std::string raw_db = workdir + "/raw-" + std::to_string(run) + ".db";
    fs::remove_all(repo_dir);
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(raw_db + suffix);

    const CustodianTiming sealed = TimeCustodian(jsonl, repo_dir, records);
    if (keep) {  // both repositories, e.g. to compare their ledgers across versions
      fs::remove_all(repo_dir + "-sealed");
      fs::rename(repo_dir, repo_dir + "-sealed");
    } else {
      fs::remove_all(repo_dir);
    }
    const CustodianTiming open = TimeCustodian(open_jsonl, repo_dir, records);
    const Timing& c = sealed.import;
    const Timing r = TimeRawSqlite(jsonl, raw_db, records);
    seal_overhead.push_back(100.0 * (c.wall / open.import.wall - 1));
    unseal_overhead.push_back(100.0 * (sealed.export_wall / open.export_wall - 1));
    std::printf(
        "run %llu: sealing: import %.2f s vs %.2f s with nothing to seal (%+.1f%%); full "
        "export %.2f s vs %.2f s (%+.1f%%)\n",
        static_cast<unsigned long long>(run), c.wall, open.import.wall, seal_overhead.back(),
        sealed.export_wall, open.export_wall, unseal_overhead.back());
    custodian_rate.push_back(records / c.wall);
    raw_rate.push_back(records / r.wall);
    custodian_cpu_rate.push_back(records / c.cpu);
    raw_cpu_rate.push_back(records / r.cpu);
    std::printf(
        "run %llu: custodian %.2f s (cpu %.2f, cpu-wait %.2f, commit %.2f) = %.0f "
        "records/s, %.1f MB/s | raw SQLite %.2f s (cpu %.2f, cpu-wait %.2f, commit %.2f) "
        "= %.0f records/s | ratio %.3f\n",
        static_cast<unsigned long long>(run), c.wall, c.cpu, c.wait, c.commit, records / c.wall,
        stats.bytes / c.wall / 1e6, r.wall, r.cpu, r.wait, r.commit, records / r.wall,
        r.wall / c.wall);
    std::fflush(stdout);
    if (!keep) {
      fs::remove_all(repo_dir);
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(raw_db + suffix);
    }
  }
  if (!keep) fs::remove(jsonl);
  if (!keep) fs::remove(open_jsonl);
  if (!keep && fs::is_empty(workdir)) fs::remove(workdir);

  const double value = Median(custodian_rate);
  const double peer = Median(raw_rate);
  const double ratio = value / peer;
  const bool pass = value >= kTarget;
  const std::string figure =
      "import records/s (" + CountLabel(records) + " mixed ~1KB JSONL, full path)";
  const std::string peer_name = "raw SQLite insert of same rows";

  const double cpu_value = Median(custodian_cpu_rate);
  const double cpu_peer = Median(raw_cpu_rate);
  std::printf(
      "median of %llu: custodian %.0f records/s, raw SQLite %.0f records/s, ratio %.3f; "
      "mean line %.0f bytes\n",
      static_cast<unsigned long long>(runs), value, peer, ratio, mean_line);
  std::printf(
      "per CPU second (median): custodian %.0f records/s, raw SQLite %.0f records/s, "
      "ratio %.3f\n",
      cpu_value, cpu_peer, cpu_value / cpu_peer);
  std::printf(
      "RESULT\tfigure=%s\tvalue=%.0f\tpeer=%s\tpeer_value=%.0f\tratio=%.4f\t"
      "target=>= %.0f\tpass=%s\truns=%llu\n",
      figure.c_str(), value, peer_name.c_str(), peer, ratio, kTarget, pass ? "true" : "false",
      static_cast<unsigned long long>(runs));

  // Witness protection's costs (issue 4): sealing on import and unsealing on a full export,
  // against the same records with nothing to seal; and one argon2id password verification.
  const double seal_value = Median(seal_overhead);
  const double unseal_value = Median(unseal_overhead);
  std::vector<double> verify_seconds;
  const std::string hash = custodian::crypto::HashPassword("a password for the benchmark",
                                                           custodian::crypto::DefaultArgon2Params())
                               .value();
  for (int i = 0; i < 5; ++i) {
    const auto t = Clock::now();
    if (!custodian::crypto::VerifyPassword(hash, "a password for the benchmark")) Die("argon2id");
    verify_seconds.push_back(Seconds(t, Clock::now()));
  }
  const double verify_value = Median(verify_seconds);
  const bool verify_pass = verify_value >= 0.2 && verify_value <= 0.5;
  const std::string seal_figure = "sealing overhead on import, % (same records, nothing to seal)";
  const std::string unseal_figure = "unsealing overhead on full export, %";
  const std::string verify_figure = "argon2id password verification, s (t=4, m=128 MiB)";
  std::printf("RESULT\tfigure=%s\tvalue=%.1f\ttarget=<= 25\tpass=%s\truns=%llu\n",
              seal_figure.c_str(), seal_value, seal_value <= 25 ? "true" : "false",
              static_cast<unsigned long long>(runs));
  std::printf("RESULT\tfigure=%s\tvalue=%.1f\ttarget=<= 25\tpass=%s\truns=%llu\n",
              unseal_figure.c_str(), unseal_value, unseal_value <= 25 ? "true" : "false",
              static_cast<unsigned long long>(runs));
  std::printf("RESULT\tfigure=%s\tvalue=%.3f\ttarget=0.2-0.5\tpass=%s\truns=5\n",
              verify_figure.c_str(), verify_value, verify_pass ? "true" : "false");

  if (!json_path.empty()) {
    nlohmann::ordered_json result = nlohmann::ordered_json::array();
    result.push_back({{"figure", seal_figure},
                      {"value", std::round(seal_value * 10) / 10},
                      {"target", "<= 25"},
                      {"pass", seal_value <= 25},
                      {"runs", runs},
                      {"unit", "%"},
                      {"samples", Rounded(seal_overhead, 1)}});
    result.push_back({{"figure", unseal_figure},
                      {"value", std::round(unseal_value * 10) / 10},
                      {"target", "<= 25"},
                      {"pass", unseal_value <= 25},
                      {"runs", runs},
                      {"unit", "%"},
                      {"samples", Rounded(unseal_overhead, 1)}});
    result.push_back({{"figure", verify_figure},
                      {"value", std::round(verify_value * 1000) / 1000},
                      {"target", "0.2-0.5"},
                      {"pass", verify_pass},
                      {"runs", 5},
                      {"unit", "s"}});
    result.push_back({
        {"figure", figure},
        {"value", std::llround(value)},
        {"peer", peer_name},
        {"peer_value", std::llround(peer)},
        {"ratio", std::round(ratio * 10000) / 10000},
        {"target", ">= " + std::to_string(static_cast<int>(kTarget))},
        {"pass", pass},
        {"runs", runs},
        {"unit", "records/s"},
        {"records", records},
        {"mean_line_bytes", std::llround(mean_line)},
        {"cpu_value", std::llround(cpu_value)},
        {"peer_cpu_value", std::llround(cpu_peer)},
        {"samples", Rounded(custodian_rate, 0)},
        {"peer_samples", Rounded(raw_rate, 0)},
    });
    std::ofstream out(json_path, std::ios::trunc);
    out << result.dump(2) << '\n';
    if (!out) Die("cannot write " + json_path);
  }
  return 0;
}
