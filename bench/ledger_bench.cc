// ledger_bench: the ledger's own performance targets, each next to a peer measured in the same
// run on the same machine and disk. See bench/README.md.
//
//   1. appends: ledger::Log::Append through the real SQLite Store, ~1 KB canonical-JSON entries
//      in transactions of --batch entries, against raw SQLite inserts of the same blobs into
//      one (seq INTEGER PRIMARY KEY, entry BLOB) table with the same pragmas and batching.
//   2. verify: Repository::Verify (projections=false; and, as an extra figure,
//      projections=true) over a repository-shaped ledger, in bytes of entries per second,
//      against single-threaded crypto::Sha256 over the same entries from memory.
//   3. proofs: Log::InclusionProof(random index, size) on a ledger of --proof-entries (10M)
//      small entries, median and p99 per call, against as many raw SQLite primary-key reads
//      of node rows as each proof has hashes.
//
//   ledger_bench [--only appends,verify,proofs] [--entries N] [--append-entries N]
//                [--verify-entries N] [--proof-entries N] [--batch N] [--entry-bytes N]
//                [--proof-entry-bytes N] [--proof-batch N] [--proofs N] [--runs R] [--seed S]
//                [--no-projections] [--json FILE] [--workdir DIR] [--keep]
//
// Output (stdout): per-run lines, then one RESULT line per figure as import_bench prints them,
// and with --json the figures as a JSON array (the form bench/run collects). Progress of the
// long builds goes to stderr.
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/canonical_json.h"
#include "base/env.h"
#include "bench/bench_repo.h"
#include "bench/harness.h"
#include "crypto/crypto.h"
#include "ledger/ledger.h"
#include "repo/repo.h"
#include "store/store.h"

namespace {

using namespace custodian::bench;  // NOLINT: the shared harness, in a .cc file

namespace fs = std::filesystem;
using custodian::Result;
using custodian::Status;
using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;
using custodian::store::Store;

constexpr double kAppendTarget = 100000;  // entries/s
constexpr double kVerifyTarget = 0.5;     // verify bytes/s over raw SHA-256 bytes/s
constexpr double kProofTarget = 1000;     // microseconds, median

class Stopwatch {
 public:
  Stopwatch() : cpu_(CpuSeconds()), wait_(RunQueueWaitSeconds()), start_(Clock::now()) {}
  Timing Stop() const {
    const auto end = Clock::now();
    return {.wall = Seconds(start_, end),
            .cpu = CpuSeconds() - cpu_,
            .wait = RunQueueWaitSeconds() - wait_};
  }

 private:
  double cpu_, wait_;
  Clock::time_point start_;
};

// Nearest-rank percentile of an already sorted vector.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

std::string BytesLabel(uint64_t n) {
  if (n % 1024 == 0) return std::to_string(n / 1024) + " KB";
  return std::to_string(n) + " B";
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix);
}

uint64_t DirBytes(const std::string& path) {
  uint64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(path)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

// ---- Raw SQLite ----------------------------------------------------------------------------

// As src/store/sqlite/sqlite_store.cc opens its database.
constexpr const char* kStorePragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;";

sqlite3* OpenRaw(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Die("cannot open " + path + (db ? std::string(": ") + sqlite3_errmsg(db) : ""));
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

// ---- Entries --------------------------------------------------------------------------------

constexpr const char* kWords[] = {
    "the",        "guards",  "detained", "at",     "border",   "crossing", "was",     "taken",
    "to",         "holding", "centre",   "where",  "she",      "he",       "they",    "were",
    "questioned", "for",     "several",  "days",   "about",    "contact",  "with",    "family",
    "members",    "later",   "learned",  "that",   "transfer", "labour",   "camp",    "witness",
    "saw",        "beating", "in",       "winter", "without",  "food",     "or",      "medical",
    "care",       "after",   "security", "agents", "night",    "cell",     "crowded", "released",
    "months",     "보위부",  "구류장",   "조사",   "받았다",   "국경",     "경비대",  "강제송환",
    "중국",       "교화소",  "가족",     "소식",   "매일",     "구타",     "당했다",
};
constexpr const char* kHangulNames[] = {"김철수", "리영희", "박명순", "최광일", "정혜옥",
                                        "강성남", "조금춘", "윤경혁", "장련미", "림국순"};
constexpr const char* kLatinNames[] = {
    "Kim Chol-su",   "Ri Yong-hui", "Pak Myong-sun",  "Choe Kwang-il", "Jong Hye-ok",
    "Kang Song-nam", "Jo Kum-chun", "Yun Kyong-hyok", "Jang Ryon-mi",  "Rim Guk-sun"};
const char kIdAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford base32

// Unique, random-looking 12-character ids: seq times an odd constant is a bijection mod 2^60.
std::string IdFor(std::string_view prefix, uint64_t seq) {
  uint64_t x = (seq * 0x9E3779B97F4A7C15ULL) & ((uint64_t{1} << 60) - 1);
  std::string id = std::string(prefix) + "-";
  for (int i = 11; i >= 0; --i) id += kIdAlphabet[(x >> (5 * i)) & 31];
  return id;
}

// Ledger entries shaped as Repository writes them ("create" of a person or an interview
// source, canonical JSON, with "seq"), padded with prose to a size spread uniformly over
// [0.8, 1.2] x the target, so the mean is the target.
class EntryGenerator {
 public:
  EntryGenerator(uint64_t seed, size_t target) : rng_(seed), target_(target) {}

  std::string Next(uint64_t seq) {
    Json record;
    std::string kind;
    if (persons_.empty() || Uniform(0, 99) < 60) {
      kind = "person";
      const size_t n = static_cast<size_t>(Uniform(0, 9));
      record["names"] =
          Json::array({{{"text", kHangulNames[n]}, {"lang", "ko"}},
                       {{"text", kLatinNames[n]}, {"lang", "ko-Latn"}, {"variant", "mr"}}});
      record["sex"] = Uniform(0, 1) ? "female" : "male";
      record["born"] = std::to_string(Uniform(1940, 2005));
      record["roles"] = Json::array({Uniform(0, 3) ? "victim" : "witness"});
    } else {
      kind = "source";
      record["type"] = "interview";
      record["title"] = "Interview " + std::to_string(seq);
      char date[16];
      std::snprintf(date, sizeof date, "%d-%02d", Uniform(1995, 2023), Uniform(1, 12));
      record["date"] = date;
      record["languages"] = Json::array({"ko"});
      record["interviewer"] = "Field team " + std::to_string(Uniform(1, 12));
      record["interviewee"] =
          persons_[static_cast<size_t>(Uniform(0, static_cast<int>(persons_.size()) - 1))];
      record["consent_to_use"] = true;
    }
    const std::string id = IdFor(kind == "person" ? "per" : "src", seq);
    if (kind == "person" && persons_.size() < 10000) persons_.push_back(id);
    Json entry = {
        {"op", "create"},
        {"seq", seq},
        {"kind", kind},
        {"id", id},
        {"version", 1},
        {"record", record},
        {"at", custodian::FormatTimestamp(kEpochMicros + static_cast<int64_t>(seq) * 1000)},
        {"by", "ledger_bench"}};
    const size_t bare = custodian::CanonicalJson(entry).size();
    const size_t want = static_cast<size_t>(
        Uniform(static_cast<int>(target_ * 8 / 10), static_cast<int>(target_ * 12 / 10)));
    constexpr size_t kOverhead = sizeof(",\"description\":\"\"") - 1;
    if (want > bare + kOverhead) {
      entry["record"]["description"] = Text(want - bare - kOverhead);
    }
    return custodian::CanonicalJson(entry);
  }

 private:
  static constexpr int64_t kEpochMicros = 1767225600000000;  // 2026-01-01T00:00:00Z

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  // Exactly `n` bytes of prose (no character needs escaping).
  std::string Text(size_t n) {
    std::string out;
    out.reserve(n);
    for (;;) {
      const char* word = kWords[Uniform(0, static_cast<int>(std::size(kWords)) - 1)];
      const size_t len = std::strlen(word);
      if (out.size() + (out.empty() ? 0 : 1) + len > n) break;
      if (!out.empty()) out += ' ';
      out += word;
    }
    out.resize(n, '.');
    return out;
  }

  std::mt19937_64 rng_;
  size_t target_;
  std::vector<std::string> persons_;
};

// A small entry of exactly `bytes` bytes (at least ~24): {"pad":"...","seq":N}.
std::string SmallEntry(uint64_t seq, size_t bytes, std::mt19937_64& rng) {
  std::string head = "{\"pad\":\"";
  std::string tail = "\",\"seq\":" + std::to_string(seq) + "}";
  std::string out = head;
  while (out.size() + tail.size() < bytes) out += kIdAlphabet[rng() & 31];
  return out + tail;
}

// ---- Configuration --------------------------------------------------------------------------

struct Config {
  std::set<std::string> only;  // empty: all
  uint64_t append_entries = 1000000;
  uint64_t verify_entries = 1000000;
  uint64_t proof_entries = 10000000;
  uint64_t batch = 10000;
  uint64_t entry_bytes = 1024;
  uint64_t proof_entry_bytes = 64;
  uint64_t proof_batch = 100000;
  uint64_t proofs = 10000;
  uint64_t runs = 5;
  uint64_t seed = 20260101;
  bool projections = true;
  std::string json_path, workdir;
  bool keep = false;
  bool Want(const std::string& name) const { return only.empty() || only.count(name) > 0; }
};

OJson Figure(const std::string& figure, double value, const std::string& peer,
             std::optional<double> peer_value, std::optional<double> ratio,
             const std::string& target, bool pass, uint64_t runs, const std::string& unit) {
  OJson f = {{"figure", figure}, {"value", value}, {"peer", peer}};
  f["peer_value"] = peer_value ? OJson(*peer_value) : OJson(nullptr);
  f["ratio"] = ratio ? OJson(Round(*ratio, 4)) : OJson(nullptr);
  f["target"] = target;
  f["pass"] = pass;
  f["runs"] = runs;
  f["unit"] = unit;
  return f;
}

void PrintResult(const OJson& f) {
  auto num = [](const OJson& v) {
    if (v.is_null()) return std::string("-");
    std::ostringstream s;
    s << v.get<double>();
    return s.str();
  };
  std::printf(
      "RESULT\tfigure=%s\tvalue=%s\tpeer=%s\tpeer_value=%s\tratio=%s\ttarget=%s\t"
      "pass=%s\truns=%llu\n",
      f["figure"].get<std::string>().c_str(), num(f["value"]).c_str(),
      f["peer"].get<std::string>().c_str(), num(f["peer_value"]).c_str(), num(f["ratio"]).c_str(),
      f["target"].get<std::string>().c_str(), f["pass"].get<bool>() ? "true" : "false",
      static_cast<unsigned long long>(f["runs"].get<uint64_t>()));
  std::fflush(stdout);
}

// ---- 1. Appends -----------------------------------------------------------------------------

Timing TimeLogAppends(const std::vector<std::string>& entries, uint64_t n, uint64_t batch,
                      const std::string& path) {
  RemoveDb(path);
  auto store = Must(Store::OpenSqlite(path, Store::OpenMode::kCreate), "create " + path);
  auto log = Must(custodian::ledger::Log::Open(*store), "open the log");
  double commit = 0;
  Stopwatch watch;
  for (uint64_t from = 0; from < n; from += batch) {
    const uint64_t to = std::min(n, from + batch);
    Must(store->Begin(), "begin");
    for (uint64_t i = from; i < to; ++i) Must(log.Append(entries[i]).status(), "append");
    const auto c = Clock::now();
    Must(store->Commit(), "commit");
    commit += Seconds(c, Clock::now());
  }
  Timing t = watch.Stop();
  t.commit = commit;
  if (log.size() != n) Die("log size " + std::to_string(log.size()));
  store.reset();
  return t;
}

Timing TimeRawAppends(const std::vector<std::string>& entries, uint64_t n, uint64_t batch,
                      const std::string& path) {
  RemoveDb(path);
  sqlite3* db = OpenRaw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  Exec(db, kStorePragmas);
  Exec(db, "CREATE TABLE ledger_entries (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL)");
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO ledger_entries (seq, entry) VALUES (?, ?)", -1, &insert,
                         nullptr) != SQLITE_OK) {
    Die(std::string("prepare: ") + sqlite3_errmsg(db));
  }
  double commit = 0;
  Stopwatch watch;
  for (uint64_t from = 0; from < n; from += batch) {
    const uint64_t to = std::min(n, from + batch);
    Exec(db, "BEGIN IMMEDIATE");
    for (uint64_t i = from; i < to; ++i) {
      sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i));
      sqlite3_bind_blob(insert, 2, entries[i].data(), static_cast<int>(entries[i].size()),
                        SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) Die(std::string("insert: ") + sqlite3_errmsg(db));
      sqlite3_reset(insert);
    }
    const auto c = Clock::now();
    Exec(db, "COMMIT");
    commit += Seconds(c, Clock::now());
  }
  Timing t = watch.Stop();
  t.commit = commit;
  sqlite3_finalize(insert);
  sqlite3_close_v2(db);
  return t;
}

void BenchAppends(const Config& cfg, const std::vector<std::string>& entries, OJson& results) {
  const uint64_t n = cfg.append_entries;
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < n; ++i) bytes += entries[i].size();
  const double mean = static_cast<double>(bytes) / static_cast<double>(n);
  std::printf(
      "\n== appends: %llu entries (mean %.0f bytes, %.1f MB), transactions of %llu, "
      "%llu runs\n",
      static_cast<unsigned long long>(n), mean, bytes / 1e6,
      static_cast<unsigned long long>(cfg.batch), static_cast<unsigned long long>(cfg.runs));
  std::fflush(stdout);
  std::vector<double> rate, raw_rate, cpu_rate, raw_cpu_rate;
  const std::string log_db = cfg.workdir + "/append-log.db";
  const std::string raw_db = cfg.workdir + "/append-raw.db";
  for (uint64_t run = 1; run <= cfg.runs; ++run) {
    Timing c, r;
    // Alternate which goes first, so that neither always meets a warmer or a dirtier disk.
    if (run % 2) {
      c = TimeLogAppends(entries, n, cfg.batch, log_db);
      r = TimeRawAppends(entries, n, cfg.batch, raw_db);
    } else {
      r = TimeRawAppends(entries, n, cfg.batch, raw_db);
      c = TimeLogAppends(entries, n, cfg.batch, log_db);
    }
    rate.push_back(n / c.wall);
    raw_rate.push_back(n / r.wall);
    cpu_rate.push_back(n / c.cpu);
    raw_cpu_rate.push_back(n / r.cpu);
    std::printf(
        "run %llu: Log::Append %.2f s (cpu %.2f, cpu-wait %.2f, commits %.2f) = %.0f "
        "entries/s, %.1f MB/s | raw SQLite %.2f s (cpu %.2f, cpu-wait %.2f, commits "
        "%.2f) = %.0f entries/s | ratio %.3f\n",
        static_cast<unsigned long long>(run), c.wall, c.cpu, c.wait, c.commit, n / c.wall,
        bytes / c.wall / 1e6, r.wall, r.cpu, r.wait, r.commit, n / r.wall, r.wall / c.wall);
    std::fflush(stdout);
    if (!cfg.keep) {
      RemoveDb(log_db);
      RemoveDb(raw_db);
    }
  }
  const double value = Median(rate), peer = Median(raw_rate);
  std::printf(
      "median of %llu: Log::Append %.0f entries/s, raw SQLite %.0f entries/s, ratio "
      "%.3f; per CPU second %.0f vs %.0f\n",
      static_cast<unsigned long long>(cfg.runs), value, peer, value / peer, Median(cpu_rate),
      Median(raw_cpu_rate));
  OJson f = Figure("ledger appends entries/s (" + BytesLabel(cfg.entry_bytes) + ", batches of " +
                       CountLabel(cfg.batch) + ")",
                   std::round(value), "raw SQLite insert of same blobs, same batches",
                   std::round(peer), value / peer, ">= " + std::to_string(int(kAppendTarget)),
                   value >= kAppendTarget, cfg.runs, "entries/s");
  f["entries"] = n;
  f["mean_entry_bytes"] = std::llround(mean);
  f["batch"] = cfg.batch;
  f["cpu_value"] = std::round(Median(cpu_rate));
  f["peer_cpu_value"] = std::round(Median(raw_cpu_rate));
  f["samples"] = Rounded(rate, 0);
  f["peer_samples"] = Rounded(raw_rate, 0);
  PrintResult(f);
  results.push_back(f);
}

// ---- 2. Verify ------------------------------------------------------------------------------

// `openssl speed -evp sha256 -bytes 1024` in bytes/s, or nullopt.
std::optional<double> OpensslSpeed() {
  FILE* p = popen("openssl speed -seconds 2 -evp sha256 -bytes 1024 2>/dev/null", "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  if (pclose(p) != 0) return std::nullopt;
  // The last line reads "sha256   <1000s of bytes/s>k".
  std::istringstream lines(out);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (line.rfind("sha256", 0) == 0 || line.rfind("SHA256", 0) == 0) last = line;
  }
  std::istringstream words(last);
  std::string word, value;
  while (words >> word) value = word;
  if (value.empty() || value.back() != 'k') return std::nullopt;
  return std::strtod(value.c_str(), nullptr) * 1000;
}

// A repository begins with its init entry and its first admin's account entry.
constexpr uint64_t kFirstEntries = 2;

void BenchVerify(const Config& cfg, const std::vector<std::string>& entries, OJson& results) {
  const uint64_t n = cfg.verify_entries;
  const std::string dir = cfg.workdir + "/verify-repo";
  fs::remove_all(dir);
  std::printf("\n== verify: repository of 2 + %llu entries, %llu runs\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(cfg.runs));
  std::fflush(stdout);
  custodian::repo::Options options;
  Must(custodian::repo::Repository::Init(dir, options, BenchInit(/*gazetteer=*/false)).status(),
       "init " + dir);

  // The entries go in through the store and log directly (Import would validate and take far
  // longer to build); the projections are then made by Repository::Rebuild, and a checkpoint
  // signs the whole tree so that Verify checks a signed root too.
  std::string init_entry;
  const auto build_start = Clock::now();
  {
    auto store = Must(Store::OpenSqlite(dir + "/custodian.db", Store::OpenMode::kExisting),
                      "open the store");
    auto log = Must(custodian::ledger::Log::Open(*store), "open the log");
    init_entry = Must(store->ReadEntry(0), "read entry 0");
    for (uint64_t from = 0; from < n; from += cfg.batch) {
      const uint64_t to = std::min(n, from + cfg.batch);
      Must(store->Begin(), "begin");
      for (uint64_t i = from; i < to; ++i) Must(log.Append(entries[i]).status(), "append");
      Must(store->Commit(), "commit");
      if ((to / cfg.batch) % 20 == 0 || to == n) {
        std::fprintf(stderr, "verify: appended %llu / %llu\n", static_cast<unsigned long long>(to),
                     static_cast<unsigned long long>(n));
      }
    }
  }
  const double append_seconds = Seconds(build_start, Clock::now());
  auto repo = Must(custodian::repo::Repository::Open(dir, options), "open " + dir);
  Must(repo->SignIn(kBenchAdmin, kBenchPassword), "sign in");
  const auto rebuild_start = Clock::now();
  auto rebuilt = Must(repo->Rebuild([&](uint64_t done, uint64_t total) {
    if (done % 200000 < 4096 || done == total) {
      std::fprintf(stderr, "verify: projected %llu / %llu\n", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
    }
  }),
                      "rebuild the projections");
  const double rebuild_seconds = Seconds(rebuild_start, Clock::now());
  auto checkpoint = Must(repo->Checkpoint(), "checkpoint");
  if (checkpoint.size != n + kFirstEntries || rebuilt.entries != n + kFirstEntries)
    Die("unexpected ledger size");

  uint64_t bytes = init_entry.size();
  for (uint64_t i = 0; i < n; ++i) bytes += entries[i].size();
  std::printf(
      "built: %llu entries, %.1f MB of entries, appended in %.1f s, projections rebuilt "
      "in %.1f s; repository %.1f MB on disk\n",
      static_cast<unsigned long long>(n + kFirstEntries), bytes / 1e6, append_seconds,
      rebuild_seconds, DirBytes(dir) / 1e6);
  std::fflush(stdout);

  // The peer: SHA-256 of every entry, from memory, one thread.
  auto raw_sha = [&]() {
    uint8_t sink = 0;
    Stopwatch watch;
    sink ^= custodian::crypto::Sha256(init_entry)[0];
    for (uint64_t i = 0; i < n; ++i) sink ^= custodian::crypto::Sha256(entries[i])[0];
    Timing t = watch.Stop();
    if (sink == 0x5a) std::fprintf(stderr, " ");  // keeps the hashes from being optimised out
    return t;
  };
  auto verify = [&](bool projections) {
    custodian::repo::VerifyOptions v;
    v.projections = projections;
    Stopwatch watch;
    auto report = Must(repo->Verify(v), "verify");
    Timing t = watch.Stop();
    if (report.entries != n + kFirstEntries || report.checkpoints != 1 ||
        report.projections_checked != projections) {
      Die("verify reported " + std::to_string(report.entries) + " entries");
    }
    return t;
  };

  std::vector<double> verify_rate, raw_rate, proj_rate, ratio, proj_ratio, verify_cpu_rate;
  for (uint64_t run = 1; run <= cfg.runs; ++run) {
    Timing s, v, p;
    if (run % 2) {
      s = raw_sha();
      v = verify(false);
    } else {
      v = verify(false);
      s = raw_sha();
    }
    verify_rate.push_back(bytes / v.wall / 1e6);
    verify_cpu_rate.push_back(bytes / v.cpu / 1e6);
    raw_rate.push_back(bytes / s.wall / 1e6);
    ratio.push_back(s.wall / v.wall);
    std::printf(
        "run %llu: verify %.2f s (cpu %.2f, cpu-wait %.2f) = %.1f MB/s, %.0f entries/s "
        "| raw SHA-256 %.3f s = %.1f MB/s | ratio %.3f",
        static_cast<unsigned long long>(run), v.wall, v.cpu, v.wait, bytes / v.wall / 1e6,
        (n + kFirstEntries) / v.wall, s.wall, bytes / s.wall / 1e6, s.wall / v.wall);
    if (cfg.projections) {
      p = verify(true);
      proj_rate.push_back(bytes / p.wall / 1e6);
      proj_ratio.push_back(s.wall / p.wall);
      std::printf(" | with projections %.2f s (cpu %.2f) = %.1f MB/s, ratio %.3f", p.wall, p.cpu,
                  bytes / p.wall / 1e6, s.wall / p.wall);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::optional<double> openssl = OpensslSpeed();
  const double value = Median(verify_rate), peer = Median(raw_rate), r = value / peer;
  std::printf("median of %llu: verify %.1f MB/s, raw SHA-256 %.1f MB/s, ratio %.3f",
              static_cast<unsigned long long>(cfg.runs), value, peer, r);
  if (openssl) std::printf("; openssl speed -evp sha256 -bytes 1024: %.1f MB/s", *openssl / 1e6);
  std::printf("\n");

  OJson f = Figure("verify throughput / raw SHA-256", Round(value, 1),
                   "raw SHA-256 of same entries (crypto::Sha256, 1 thread, from memory)",
                   Round(peer, 1), r, ">= 0.5", r >= kVerifyTarget, cfg.runs, "MB/s");
  f["target_applies_to"] = "ratio";
  f["entries"] = n + kFirstEntries;
  f["entry_bytes"] = bytes;
  f["mean_entry_bytes"] = std::llround(static_cast<double>(bytes) / (n + kFirstEntries));
  f["entries_per_s"] = std::round(value * 1e6 / (static_cast<double>(bytes) / (n + kFirstEntries)));
  f["cpu_value"] = Round(Median(verify_cpu_rate), 1);
  if (openssl) f["openssl_speed_mb_per_s"] = Round(*openssl / 1e6, 1);
  f["build_append_seconds"] = Round(append_seconds, 1);
  f["build_rebuild_seconds"] = Round(rebuild_seconds, 1);
  f["samples"] = Rounded(verify_rate, 1);
  f["peer_samples"] = Rounded(raw_rate, 1);
  PrintResult(f);
  results.push_back(f);

  if (cfg.projections) {
    const double pv = Median(proj_rate);
    std::printf("median with projections: %.1f MB/s, ratio %.3f\n", pv, pv / peer);
    OJson g = Figure("verify with projections throughput / raw SHA-256 (informative)", Round(pv, 1),
                     "raw SHA-256 of same entries (crypto::Sha256, 1 thread)", Round(peer, 1),
                     pv / peer, "-", true, cfg.runs, "MB/s");
    g["informative"] = true;
    g["samples"] = Rounded(proj_rate, 1);
    PrintResult(g);
    results.push_back(g);
  }
  repo.reset();
  if (!cfg.keep) fs::remove_all(dir);
}

// ---- 3. Inclusion proofs --------------------------------------------------------------------

// Counts node reads, to say how many a proof costs (not used for timing).
class CountingLogStore final : public custodian::ledger::LogStore {
 public:
  explicit CountingLogStore(custodian::ledger::LogStore& inner) : inner_(inner) {}
  Result<uint64_t> EntryCount() override { return inner_.EntryCount(); }
  Status WriteEntry(uint64_t seq, std::string_view entry) override {
    return inner_.WriteEntry(seq, entry);
  }
  Result<std::string> ReadEntry(uint64_t seq) override { return inner_.ReadEntry(seq); }
  Status WriteNode(int level, uint64_t index, const custodian::ledger::Hash& hash) override {
    return inner_.WriteNode(level, index, hash);
  }
  Result<custodian::ledger::Hash> ReadNode(int level, uint64_t index) override {
    ++reads;
    return inner_.ReadNode(level, index);
  }
  uint64_t reads = 0;

 private:
  custodian::ledger::LogStore& inner_;
};

void BenchProofs(const Config& cfg, OJson& results) {
  const uint64_t n = cfg.proof_entries;
  const std::string path = cfg.workdir + "/proofs.db";
  RemoveDb(path);
  std::printf(
      "\n== inclusion proofs: ledger of %llu entries of %llu bytes, %llu proofs per run, "
      "%llu runs\n",
      static_cast<unsigned long long>(n), static_cast<unsigned long long>(cfg.proof_entry_bytes),
      static_cast<unsigned long long>(cfg.proofs), static_cast<unsigned long long>(cfg.runs));
  std::fflush(stdout);

  // Build: the real Store and Log, transactions of --proof-batch entries.
  Timing build;
  {
    auto store = Must(Store::OpenSqlite(path, Store::OpenMode::kCreate), "create " + path);
    auto log = Must(custodian::ledger::Log::Open(*store), "open the log");
    std::mt19937_64 rng(cfg.seed);
    Stopwatch watch;
    for (uint64_t from = 0; from < n; from += cfg.proof_batch) {
      const uint64_t to = std::min(n, from + cfg.proof_batch);
      Must(store->Begin(), "begin");
      for (uint64_t i = from; i < to; ++i) {
        Must(log.Append(SmallEntry(i, cfg.proof_entry_bytes, rng)).status(), "append");
      }
      Must(store->Commit(), "commit");
      if (to % 1000000 < cfg.proof_batch || to == n) {
        std::fprintf(stderr, "proofs: built %llu / %llu (%.0f s)\n",
                     static_cast<unsigned long long>(to), static_cast<unsigned long long>(n),
                     watch.Stop().wall);
      }
    }
    build = watch.Stop();
  }
  std::printf(
      "built in %.1f s (cpu %.1f, cpu-wait %.1f) = %.0f entries/s; database %.1f MB\n", build.wall,
      build.cpu, build.wait, n / build.wall,
      (fs::file_size(path) + (fs::exists(path + "-wal") ? fs::file_size(path + "-wal") : 0)) / 1e6);

  // Independent root: the same entries through a TreeBuilder in memory.
  custodian::ledger::Hash expected_root;
  {
    std::mt19937_64 rng(cfg.seed);
    custodian::ledger::TreeBuilder tree;
    for (uint64_t i = 0; i < n; ++i) {
      tree.Append(custodian::ledger::LeafHash(SmallEntry(i, cfg.proof_entry_bytes, rng)),
                  [](int, uint64_t, const custodian::ledger::Hash&) {});
    }
    expected_root = tree.Root();
  }

  // As Repository::ProveInclusion does: open the store, open the log on it, ask for the proof.
  auto store = Must(Store::OpenSqlite(path, Store::OpenMode::kExisting), "open " + path);
  const auto open_start = Clock::now();
  auto log = Must(custodian::ledger::Log::Open(*store), "open the log");
  const double open_us = Seconds(open_start, Clock::now()) * 1e6;
  if (log.size() != n) Die("log size " + std::to_string(log.size()));
  const custodian::ledger::Hash root = log.RootHash();
  if (root != expected_root) Die("the stored log's root differs from the recomputed root");

  // How many node reads a proof costs (sampled through a counting wrapper, not timed).
  double reads_per_proof = 0, hashes_per_proof = 0;
  {
    CountingLogStore counting(*store);
    auto counted = Must(custodian::ledger::Log::Open(counting), "open the counting log");
    std::mt19937_64 rng(cfg.seed + 7);
    constexpr int kSample = 1000;
    counting.reads = 0;
    uint64_t hashes = 0;
    for (int i = 0; i < kSample; ++i) {
      hashes += Must(counted.InclusionProof(rng() % n, n), "proof").size();
    }
    reads_per_proof = static_cast<double>(counting.reads) / kSample;
    hashes_per_proof = static_cast<double>(hashes) / kSample;
  }

  // The peer: the same number of random primary-key reads of node rows as each proof has
  // hashes, on a second raw connection to the same file.
  sqlite3* raw = OpenRaw(path, SQLITE_OPEN_READONLY);
  Exec(raw, "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
  sqlite3_stmt* read_node = nullptr;
  if (sqlite3_prepare_v2(raw, "SELECT hash FROM ledger_nodes WHERE key = ?", -1, &read_node,
                         nullptr) != SQLITE_OK) {
    Die(std::string("prepare: ") + sqlite3_errmsg(raw));
  }
  const int top_level = std::bit_width(n) - 1;

  std::vector<double> medians, p99s, means, peer_medians, peer_p99s;
  uint64_t verified = 0;
  std::mt19937_64 rng(cfg.seed + 1);
  for (uint64_t run = 1; run <= cfg.runs; ++run) {
    std::vector<uint64_t> indexes(cfg.proofs);
    for (auto& i : indexes) i = rng() % n;
    std::vector<std::vector<custodian::ledger::Hash>> proofs(cfg.proofs);
    std::vector<double> us(cfg.proofs), peer_us(cfg.proofs);
    for (size_t k = 0; k < indexes.size(); ++k) {
      const auto a = Clock::now();
      auto proof = log.InclusionProof(indexes[k], n);
      const auto b = Clock::now();
      if (!proof.ok()) Die("proof: " + proof.status().message());
      us[k] = Seconds(a, b) * 1e6;
      proofs[k] = std::move(proof).value();
    }
    for (size_t k = 0; k < indexes.size(); ++k) {
      const size_t reads = proofs[k].size();
      std::vector<int64_t> keys(reads);
      for (auto& key : keys) {
        const int level = static_cast<int>(rng() % (top_level + 1));
        const uint64_t index = rng() % (n >> level);
        key = static_cast<int64_t>((static_cast<uint64_t>(level) << 57) | index);
      }
      const auto a = Clock::now();
      for (int64_t key : keys) {
        sqlite3_bind_int64(read_node, 1, key);
        if (sqlite3_step(read_node) != SQLITE_ROW || sqlite3_column_bytes(read_node, 0) != 32) {
          Die("raw node read failed");
        }
        sqlite3_reset(read_node);
      }
      peer_us[k] = Seconds(a, Clock::now()) * 1e6;
    }
    // Every proof is checked against the root (outside the timing).
    for (size_t k = 0; k < indexes.size(); ++k) {
      std::string entry = Must(store->ReadEntry(indexes[k]), "read entry");
      Must(custodian::ledger::VerifyInclusion(indexes[k], n, custodian::ledger::LeafHash(entry),
                                              proofs[k], root),
           "proof of entry " + std::to_string(indexes[k]) + " does not verify");
      ++verified;
    }
    double sum = 0;
    for (double x : us) sum += x;
    means.push_back(sum / us.size());
    std::sort(us.begin(), us.end());
    std::sort(peer_us.begin(), peer_us.end());
    medians.push_back(Percentile(us, 0.5));
    p99s.push_back(Percentile(us, 0.99));
    peer_medians.push_back(Percentile(peer_us, 0.5));
    peer_p99s.push_back(Percentile(peer_us, 0.99));
    std::printf(
        "run %llu: InclusionProof median %.1f us, p99 %.1f us, mean %.1f us, max %.1f us "
        "| raw node reads median %.1f us, p99 %.1f us | ratio %.2f\n",
        static_cast<unsigned long long>(run), medians.back(), p99s.back(), means.back(), us.back(),
        peer_medians.back(), peer_p99s.back(), medians.back() / peer_medians.back());
    std::fflush(stdout);
  }
  sqlite3_finalize(read_node);
  sqlite3_close_v2(raw);
  const double value = Median(medians), peer = Median(peer_medians);
  const double p99 = Median(p99s), peer_p99 = Median(peer_p99s);
  std::printf(
      "median of %llu runs: InclusionProof median %.1f us, p99 %.1f us; %.1f hashes and "
      "%.1f node reads per proof; Log::Open %.0f us; %llu proofs verified\n",
      static_cast<unsigned long long>(cfg.runs), value, p99, hashes_per_proof, reads_per_proof,
      open_us, static_cast<unsigned long long>(verified));

  const std::string at = CountLabel(n);
  const std::string peer_name = "raw SQLite: as many random node-row reads as the proof has hashes";
  OJson f = Figure("inclusion proof median at " + at + " entries (us)", Round(value, 1), peer_name,
                   Round(peer, 1), value / peer, "< " + std::to_string(int(kProofTarget)),
                   value < kProofTarget, cfg.runs, "us");
  f["lower_is_better"] = true;
  f["entries"] = n;
  f["entry_bytes"] = cfg.proof_entry_bytes;
  f["proofs_per_run"] = cfg.proofs;
  f["hashes_per_proof"] = Round(hashes_per_proof, 1);
  f["node_reads_per_proof"] = Round(reads_per_proof, 1);
  f["verified"] = verified;
  f["mean_us"] = Round(Median(means), 1);
  f["build_seconds"] = Round(build.wall, 1);
  f["build_entries_per_s"] = std::round(n / build.wall);
  f["log_open_us"] = Round(open_us, 0);
  f["samples"] = Rounded(medians, 1);
  f["peer_samples"] = Rounded(peer_medians, 1);
  PrintResult(f);
  results.push_back(f);

  OJson g = Figure("inclusion proof p99 at " + at + " entries (us, informative)", Round(p99, 1),
                   peer_name, Round(peer_p99, 1), p99 / peer_p99, "-", true, cfg.runs, "us");
  g["informative"] = true;
  g["lower_is_better"] = true;
  g["samples"] = Rounded(p99s, 1);
  g["peer_samples"] = Rounded(peer_p99s, 1);
  PrintResult(g);
  results.push_back(g);

  OJson h = Figure("ledger build entries/s (" + at + " x " + std::to_string(cfg.proof_entry_bytes) +
                       " B, batches of " + CountLabel(cfg.proof_batch) + ", informative)",
                   std::round(n / build.wall), "-", std::nullopt, std::nullopt, "-", true, 1,
                   "entries/s");
  h["informative"] = true;
  h["seconds"] = Round(build.wall, 1);
  h["cpu_seconds"] = Round(build.cpu, 1);
  PrintResult(h);
  results.push_back(h);

  store.reset();
  if (!cfg.keep) RemoveDb(path);
}

uint64_t ParseCount(const std::string& flag, const char* text) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || v == 0) Die(flag + " needs a positive number");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  custodian::bench::program_name = "ledger_bench";
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--only") {
      std::string list = value();
      std::istringstream in(list);
      std::string name;
      while (std::getline(in, name, ',')) {
        if (name != "appends" && name != "verify" && name != "proofs") {
          Die("--only takes appends, verify and proofs");
        }
        cfg.only.insert(name);
      }
    } else if (arg == "--entries" || arg == "--records") {  // --records: as import_bench
      cfg.append_entries = cfg.verify_entries = cfg.proof_entries = ParseCount(arg, value());
    } else if (arg == "--append-entries") {
      cfg.append_entries = ParseCount(arg, value());
    } else if (arg == "--verify-entries") {
      cfg.verify_entries = ParseCount(arg, value());
    } else if (arg == "--proof-entries") {
      cfg.proof_entries = ParseCount(arg, value());
    } else if (arg == "--batch") {
      cfg.batch = ParseCount(arg, value());
    } else if (arg == "--entry-bytes") {
      cfg.entry_bytes = ParseCount(arg, value());
    } else if (arg == "--proof-entry-bytes") {
      cfg.proof_entry_bytes = ParseCount(arg, value());
    } else if (arg == "--proof-batch") {
      cfg.proof_batch = ParseCount(arg, value());
    } else if (arg == "--proofs") {
      cfg.proofs = ParseCount(arg, value());
    } else if (arg == "--runs") {
      cfg.runs = ParseCount(arg, value());
    } else if (arg == "--seed") {
      cfg.seed = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--no-projections") {
      cfg.projections = false;
    } else if (arg == "--json") {
      cfg.json_path = value();
    } else if (arg == "--workdir") {
      cfg.workdir = value();
    } else if (arg == "--keep") {
      cfg.keep = true;
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: ledger_bench [--only appends,verify,proofs] [--runs R (5)] [--seed S]\n"
          "  [--entries N]            sets the three sizes below at once (alias --records)\n"
          "  [--append-entries N (1000000)] [--batch N (10000)] [--entry-bytes N (1024)]\n"
          "  [--verify-entries N (1000000)] [--no-projections]\n"
          "  [--proof-entries N (10000000)] [--proof-entry-bytes N (64)]\n"
          "  [--proof-batch N (100000)] [--proofs N (10000)]\n"
          "  [--json FILE] [--workdir DIR (a new directory under $TMPDIR)] [--keep]\n");
      return 0;
    } else {
      Die("unknown argument " + arg + " (try --help)");
    }
  }
  if (cfg.entry_bytes < 400) Die("--entry-bytes must be at least 400");
  if (cfg.proof_entry_bytes < 32) Die("--proof-entry-bytes must be at least 32");

  cfg.workdir = ScratchDirectory(cfg.workdir, "ledger-bench");
  std::printf("ledger_bench: %llu runs, seed %llu, in %s\n",
              static_cast<unsigned long long>(cfg.runs), static_cast<unsigned long long>(cfg.seed),
              cfg.workdir.c_str());

  // The ~1 KB entries that appends and verify share (entry i has "seq": i + 2, as the verify
  // repository begins with its init entry and its admin account), generated before any timing.
  std::vector<std::string> entries;
  const uint64_t needed = std::max(cfg.Want("appends") ? cfg.append_entries : 0,
                                   cfg.Want("verify") ? cfg.verify_entries : 0);
  if (needed > 0) {
    const auto start = Clock::now();
    EntryGenerator gen(cfg.seed, cfg.entry_bytes);
    entries.reserve(needed);
    for (uint64_t i = 0; i < needed; ++i) entries.push_back(gen.Next(i + kFirstEntries));
    std::printf("generated %llu entries in %.1f s\n", static_cast<unsigned long long>(needed),
                Seconds(start, Clock::now()));
  }

  OJson results = OJson::array();
  if (cfg.Want("appends")) BenchAppends(cfg, entries, results);
  if (cfg.Want("verify")) BenchVerify(cfg, entries, results);
  entries.clear();
  entries.shrink_to_fit();
  if (cfg.Want("proofs")) BenchProofs(cfg, results);

  if (!cfg.keep && fs::is_empty(cfg.workdir)) fs::remove(cfg.workdir);
  if (!cfg.json_path.empty()) {
    std::ofstream out(cfg.json_path, std::ios::trunc);
    out << results.dump(2) << '\n';
    if (!out) Die("cannot write " + cfg.json_path);
  }
  return 0;
}
