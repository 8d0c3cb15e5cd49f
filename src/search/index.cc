// The Xapian index (search.h; docs/formats/search.md): documents to terms, values and data,
// queries with their filters, facet counts by a match spy, and the index's lifecycle as a
// projection of the ledger. Every Xapian call is inside a try block at the API, so no
// exception leaves the module.
#include <xapian.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "base/utf8.h"
#include "search/internal.h"
#include "search/query.h"
#include "search/search.h"

namespace custodian::search {
namespace {

using internal::Analysis;
using internal::Analyze;
using internal::Link;
using internal::Token;
using Json = nlohmann::json;

// Bump when terms, values or data change meaning: Open then clears the index for a rebuild.
constexpr std::string_view kFormat = "custodian-search/4";
constexpr std::string_view kFormatKey = "custodian.format";
constexpr std::string_view kSeqKey = "custodian.last_seq";

constexpr Xapian::valueno kDateLoSlot = 0;
constexpr Xapian::valueno kDateHiSlot = 1;
constexpr Xapian::valueno kFirstFacetSlot = 2;  // + Facet
static_assert(kFirstFacetSlot + kFacetCount <= internal::kTextsSlot);
// Positions between fields, so that a phrase never spans two of them.
constexpr Xapian::termpos kFieldGap = 100;
constexpr size_t kSnippetBytes = 240;
// Xapian buffers changes in memory (per term, a std::map keyed by docid) and writes them out
// every 10,000 documents by default (XAPIAN_FLUSH_THRESHOLD). Inserting into those maps is most
// of the cost of indexing, and it grows with their depth, while each write-out costs a commit:
// with bench/search_bench --index-only, writing out every 30,000 documents took 100 s of CPU
// for 30,000 testimonies against 57 s every 2,000, and every 1,000 was no better than 2,000
// on 40,000 (83 s against 81 s). Xapian's own flush is a commit too, so this changes nothing
// that last_seq() promises.
constexpr uint32_t kFlushEvery = 2000;
// Past this many words a shard forgets which it has keyed (keying one again is harmless): the
// vocabulary of real testimonies grows without end, slowly.
constexpr size_t kMaxKeyedWords = 1 << 21;

// Boolean filter term prefixes, by Facet.
constexpr std::array<std::string_view, kFacetCount> kFacetPrefix = {"XT", "XV", "XP",
                                                                    "XU", "XS", "XG"};

Xapian::valueno FacetSlot(Facet f) { return kFirstFacetSlot + static_cast<Xapian::valueno>(f); }

Status FromXapian(const Xapian::Error& e, std::string_view during, bool with_message) {
  const std::string type = e.get_type();
  std::string message = "search index: " + type + " while " + std::string(during);
  // Messages of database errors name files; those of query-time errors may carry terms, which
  // are user input, so they are left out.
  if (with_message) message += ": " + e.get_msg();
  if (type == "DatabaseLockError") {
    return UnavailableError(message + " (another process has the index open for writing)");
  }
  if (type == "DatabaseCorruptError" || type == "DatabaseVersionError") {
    return DataLossError(message + "; clear and rebuild the index");
  }
  if (type == "DatabaseOpeningError" || type == "DatabaseModifiedError") {
    return UnavailableError(message);
  }
  return InternalError(message);
}

bool ValidDate(int32_t d) {
  const int32_t month = d / 100 % 100, day = d % 100;
  return d >= 101 && d <= 99991231 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status CheckKey(std::string_view value, std::string_view what, bool may_be_empty) {
  if (value.empty() && !may_be_empty) return InvalidArgumentError(std::string(what) + " is empty");
  if (value.size() > kMaxKeyBytes) {
    return InvalidArgumentError(std::string(what) + " is longer than " +
                                std::to_string(kMaxKeyBytes) + " bytes");
  }
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(std::string(what) + " contains a NUL byte");
  }
  if (auto decoded = DecodeUtf8(value); !decoded.ok()) {
    return InvalidArgumentError(std::string(what) + ": " + decoded.status().message());
  }
  return OkStatus();
}

// Multi-valued facet slots hold the values joined by NUL (values never contain one).
std::string JoinValues(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += '\0';
    out += values[i];
  }
  return out;
}

// A word with its syllable key ("" if it has none), for the vocabulary (below).
struct KeyedWord {
  std::string key, word;
};

// Terms of one analysed text, from position `pos` on; returns the next free position. Words
// that may have a syllable key and are not in `keyed` (the shard's words already in its
// vocabulary) are added to `words`.
//
// Only words have positions. CJK characters are found by their bigrams (a one-character query
// by the terms that start with it), and quoted phrases with CJK characters are checked against
// the stored text (PhraseCheck): postings with positions are what Xapian's indexing spends its
// time on, and the positions of every Hangul syllable were most of a Korean testimony's.
Xapian::termpos IndexText(const Analysis& a, Xapian::termpos pos, Xapian::Document& doc,
                          const std::unordered_set<std::string>& keyed,
                          std::vector<KeyedWord>& words) {
  const std::vector<Token>& t = a.tokens;
  auto key = [&](std::string word) {
    if (keyed.count(word) == 0) {
      std::string k = internal::SyllableKey(word);
      words.push_back({std::move(k), std::move(word)});
    }
  };
  for (size_t i = 0; i < t.size();) {
    size_t j = i + 1;
    if (t[i].cjk) {
      while (j < t.size() && t[j].cjk && t[j].link == Link::kAdjacent) ++j;
      for (size_t k = i; k + 1 < j; ++k) doc.add_term(t[k].term + t[k + 1].term);
      // The last character, which starts no bigram: of a Han run, where any character may be
      // a word, and of a one-syllable Hangul word. A longer Hangul word ends in a particle or
      // an ending far more often than in a word of its own, and one term in six was those.
      if (!t[i].hangul || j - i == 1) doc.add_term(t[j - 1].term);
      // Place names meet their romanizations: keys of the run and of the run without a
      // particle or suffix (신의주에서 -> 신의주).
      if (t[i].hangul) {
        for (size_t n : internal::KeyedRunLengths(t, i, j)) {
          std::string prefix;
          for (size_t k = i; k < i + n; ++k) prefix += t[k].term;
          key(std::move(prefix));
        }
      }
    } else {
      while (j < t.size() && !t[j].cjk && t[j].link == Link::kHyphen) ++j;
      std::string joined;
      bool letters = true;
      for (size_t k = i; k < j; ++k) {
        doc.add_posting(t[k].term, pos + static_cast<Xapian::termpos>(k));
        joined += t[k].term;
        letters = letters && t[k].letters_only;
      }
      // No position: a phrase query names the parts, never the joined word.
      if (j - i > 1) doc.add_term(joined);
      const bool ascii = std::all_of(joined.begin(), joined.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      if (letters && (!ascii || joined.size() >= 4)) key(std::move(joined));
    }
    i = j;
  }
  for (const internal::NameMention& m : internal::FindNames(a)) {
    doc.add_term(std::string(internal::kNamePrefix) + m.key);
  }
  return pos + static_cast<Xapian::termpos>(t.size()) + kFieldGap;
}

// Counts the matches and each facet's values (values are multi-valued, which Xapian's
// ValueCountMatchSpy does not decode). Xapian shows a spy every match in docid order until it
// has check_at_least of them; after that it skips the matches that cannot reach the page, so
// it shows only some. Counting only the first `sample` keeps the sample unbiased: a prefix of
// the docid space, whose share of the whole gives the estimates.
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(std::array<std::map<std::string, uint64_t>, kFacetCount>* counts, bool facets,
           uint64_t sample)
      : counts_(counts), facets_(facets), sample_(sample) {}
  void operator()(const Xapian::Document& doc, double) override {
    ++shown_;
    if (counted_ >= sample_) return;
    ++counted_;
    last_docid_ = doc.get_docid();
    if (!facets_) return;
    for (size_t f = 0; f < kFacetCount; ++f) {
      const std::string value = doc.get_value(FacetSlot(static_cast<Facet>(f)));
      if (value.empty()) continue;
      size_t start = 0;
      while (true) {
        const size_t nul = value.find('\0', start);
        ++(*counts_)[f][value.substr(start, nul - start)];
        if (nul == std::string::npos) break;
        start = nul + 1;
      }
    }
  }
  std::string name() const override { return "custodian.FacetSpy"; }
  uint64_t shown() const { return shown_; }      // every match Xapian showed
  uint64_t counted() const { return counted_; }  // the first of them, counted
  Xapian::docid last_docid() const { return last_docid_; }

 private:
  std::array<std::map<std::string, uint64_t>, kFacetCount>* counts_;
  bool facets_;
  uint64_t sample_;
  uint64_t shown_ = 0, counted_ = 0;
  Xapian::docid last_docid_ = 0;
};

}  // namespace

std::string_view FacetName(Facet facet) {
  switch (facet) {
    case Facet::kKind:
      return "kind";
    case Facet::kViolationType:
      return "violation_type";
    case Facet::kPlace:
      return "place";
    case Facet::kUnit:
      return "unit";
    case Facet::kSourceType:
      return "source_type";
    case Facet::kGrade:
      return "grade";
  }
  return "?";
}

namespace {

// The index is kShards Xapian databases in subdirectories of `dir`, each written by its own
// thread during a batch (Xapian's indexing is single-threaded per database, and it is most of
// the cost of a rebuild), and searched together. A document's shard follows from its id, so a
// replacement lands where the old version is. A stub file (XAPIANDB) lists the shards, so Xapian
// tools open the directory as one database.
constexpr size_t kShards = 2;

size_t ShardOf(std::string_view id) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs and builds
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return static_cast<size_t>(h % kShards);
}

// Runs fn(shard) for every shard, on a thread each when `parallel`; returns the first error.
Status ForEachShard(bool parallel, const std::function<Status(size_t)>& fn) {
  std::array<Status, kShards> status;
  auto run = [&](size_t s) {
    try {
      status[s] = fn(s);
    } catch (const Xapian::Error& e) {
      status[s] = FromXapian(e, "writing the index", false);
    } catch (const std::exception& e) {  // std::bad_alloc, std::system_error
      status[s] = InternalError(std::string("search index: ") + e.what());
    }
  };
  if (!parallel) {
    for (size_t s = 0; s < kShards; ++s) run(s);
  } else {
    std::vector<std::thread> threads;
    for (size_t s = 1; s < kShards; ++s) threads.emplace_back(run, s);
    run(0);
    for (std::thread& t : threads) t.join();
  }
  for (Status& s : status) RETURN_IF_ERROR(std::move(s));
  return OkStatus();
}

// A document as Xapian stores it, with the words it brings to its shard's vocabulary, or why
// it cannot be indexed.
struct BuiltDocument {
  Xapian::Document doc;
  std::vector<KeyedWord> words;
};

Result<BuiltDocument> BuildDocument(const Document& d,
                                    const std::unordered_set<std::string>& keyed) {
  RETURN_IF_ERROR(CheckKey(d.id, "document id", false));
  RETURN_IF_ERROR(CheckKey(d.kind, "kind", true));
  RETURN_IF_ERROR(CheckKey(d.source_type, "source_type", true));
  RETURN_IF_ERROR(CheckKey(d.grade, "grade", true));
  for (const auto* list : {&d.violation_types, &d.places, &d.units, &d.access_tags}) {
    for (const std::string& v : *list) RETURN_IF_ERROR(CheckKey(v, "facet value or tag", false));
  }
  for (const std::string& b : d.blind_name_terms) {
    if (b.empty() || b.size() > kMaxKeyBytes) {
      return InvalidArgumentError("a blind name term is empty or longer than " +
                                  std::to_string(kMaxKeyBytes) + " bytes");
    }
  }
  if (d.date && (!ValidDate(d.date->lo) || !ValidDate(d.date->hi) || d.date->lo > d.date->hi)) {
    return InvalidArgumentError("date range " + std::to_string(d.date->lo) + ".." +
                                std::to_string(d.date->hi) +
                                " is not two yyyymmdd dates with lo <= hi");
  }
  std::vector<Analysis> texts, names;
  for (const auto& [field, text] : d.texts) {
    RETURN_IF_ERROR(CheckKey(field, "field name", false));
    auto analysed = Analyze(text);
    if (!analysed.ok()) return analysed.status().WithContext("field '" + field + "'");
    texts.push_back(std::move(analysed).value());
  }
  for (size_t i = 0; i < d.names.size(); ++i) {
    auto analysed = Analyze(d.names[i]);
    if (!analysed.ok()) return analysed.status().WithContext("name " + std::to_string(i + 1));
    names.push_back(std::move(analysed).value());
  }

  BuiltDocument built;
  Xapian::Document& doc = built.doc;
  Xapian::termpos pos = 1;
  for (const Analysis& a : texts) pos = IndexText(a, pos, doc, keyed, built.words);
  for (size_t i = 0; i < names.size(); ++i) {
    pos = IndexText(names[i], pos, doc, keyed, built.words);
    for (const std::string& key : NameKeys(d.names[i])) {
      doc.add_term(std::string(internal::kNamePrefix) + key);
    }
  }
  for (const std::string& b : d.blind_name_terms) {
    doc.add_term(std::string(internal::kBlindPrefix) + b);
  }
  auto facet = [&](Facet f, const std::vector<std::string>& values) {
    for (const std::string& v : values) {
      doc.add_boolean_term(std::string(kFacetPrefix[static_cast<size_t>(f)]) + v);
    }
    if (!values.empty()) doc.add_value(FacetSlot(f), JoinValues(values));
  };
  auto single = [](const std::string& v) {
    return v.empty() ? std::vector<std::string>{} : std::vector<std::string>{v};
  };
  facet(Facet::kKind, single(d.kind));
  facet(Facet::kViolationType, d.violation_types);
  facet(Facet::kPlace, d.places);
  facet(Facet::kUnit, d.units);
  facet(Facet::kSourceType, single(d.source_type));
  facet(Facet::kGrade, single(d.grade));
  for (const std::string& tag : d.access_tags) {
    doc.add_boolean_term(std::string(internal::kAccessPrefix) + tag);
  }
  if (d.date) {
    doc.add_value(kDateLoSlot, Xapian::sortable_serialise(d.date->lo));
    doc.add_value(kDateHiSlot, Xapian::sortable_serialise(d.date->hi));
  }
  doc.add_boolean_term(std::string(internal::kIdPrefix) + d.id);
  // Only what results and snippets need: never names, blind terms or facets.
  doc.set_data(Json({{"id", d.id}, {"kind", d.kind}}).dump());
  Json stored = Json::array();
  for (size_t i = 0; i < texts.size(); ++i) {
    stored.push_back(Json::array({d.texts[i].first, texts[i].text}));
  }
  doc.add_value(internal::kTextsSlot, stored.dump());
  return built;
}

}  // namespace

struct Index::Impl {
  struct Shard {
    Xapian::WritableDatabase db;
    uint32_t unflushed = 0;  // documents put or removed since Xapian last wrote its buffers
    // Words whose syllable key this process has already put in the shard's vocabulary (or
    // found to have none), so that a word is keyed once rather than in every document.
    std::unordered_set<std::string> keyed;
  };
  std::string dir;
  mutable std::mutex mu;
  bool writable = true;
  std::array<Shard, kShards> shards;              // when writable
  std::array<Xapian::Database, kShards> readers;  // the shards (the writers', when writable)
  Xapian::Database all;                           // every shard
  uint64_t last_seq = 0;

  Status CheckWritable() const {
    if (writable) return OkStatus();
    return FailedPreconditionError("the search index was opened for reading only");
  }

  // Reads the format and sequence number of every shard in `readers` and joins them in `all`;
  // false if a shard is of another format.
  bool Join() {
    all = Xapian::Database();
    // The shards are committed one after the other: after a crash between two commits, the
    // index is as far as its least advanced shard, and replaying from there is harmless
    // because Put replaces and Remove is idempotent.
    last_seq = UINT64_MAX;
    for (size_t s = 0; s < kShards; ++s) {
      if (readers[s].get_metadata(std::string(kFormatKey)) != kFormat) return false;
      all.add_database(readers[s]);
      const std::string seq = readers[s].get_metadata(std::string(kSeqKey));
      last_seq = std::min<uint64_t>(last_seq, seq.empty() ? 0 : std::stoull(seq));
    }
    return true;
  }

  static std::string ShardDir(const std::string& dir, size_t s) {
    return dir + "/" + std::to_string(s);
  }

  // Opens the shards, creating them if missing; an index of another format (or layout) is
  // recreated empty. `overwrite` recreates it regardless.
  Status OpenDb(bool overwrite) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // Format /2 and before were one database in `dir` itself.
    if (overwrite || fs::exists(dir + "/iamglass", ec)) {
      for (size_t s = 0; s < kShards; ++s) shards[s].db.close();
      fs::remove_all(dir, ec);
      if (ec) return UnavailableError("search index: cannot remove " + dir + ": " + ec.message());
    }
    fs::create_directories(dir, ec);
    if (ec) return UnavailableError("search index: cannot create " + dir + ": " + ec.message());
    bool stale = false;
    for (size_t s = 0; s < kShards; ++s) {
      shards[s].db = Xapian::WritableDatabase(ShardDir(dir, s), Xapian::DB_CREATE_OR_OPEN);
      shards[s].unflushed = 0;
      shards[s].keyed.clear();
      stale = stale || shards[s].db.get_metadata(std::string(kFormatKey)) != kFormat;
    }
    if (stale) {  // another format, or a shard lost: start again from nothing
      for (size_t s = 0; s < kShards; ++s) {
        shards[s].db.close();
        shards[s].db = Xapian::WritableDatabase(ShardDir(dir, s), Xapian::DB_CREATE_OR_OVERWRITE);
        shards[s].db.set_metadata(std::string(kFormatKey), std::string(kFormat));
        shards[s].db.commit();
      }
    }
    const std::string stub = dir + "/XAPIANDB";
    if (!fs::exists(stub, ec)) {
      std::ofstream out(stub + ".tmp", std::ios::trunc);
      for (size_t s = 0; s < kShards; ++s) out << "glass " << s << "\n";
      out.close();
      fs::rename(stub + ".tmp", stub, ec);
      if (!out || ec) return UnavailableError("search index: cannot write " + stub);
    }
    for (size_t s = 0; s < kShards; ++s) readers[s] = shards[s].db;
    if (!Join()) return InternalError("search index: a shard lost its format stamp");
    return OkStatus();
  }

  // Makes Xapian write a shard's buffers when they hold enough documents (kFlushEvery), or
  // when `now`.
  void Written(Shard& shard, uint32_t documents, bool now = false) {
    shard.unflushed += documents;
    if (now || shard.unflushed >= kFlushEvery) {
      shard.db.commit();
      shard.unflushed = 0;
    }
  }
};

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::~Index() {
  // Xapian commits pending changes on close; last_seq() still names the last Commit, and
  // replaying entries after it is harmless because Put replaces and Remove is idempotent.
  if (!impl_->writable) return;
  for (Impl::Shard& shard : impl_->shards) {
    try {
      shard.db.close();
    } catch (const Xapian::Error&) {
    }
  }
}

Result<std::unique_ptr<Index>> Index::Open(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  try {
    RETURN_IF_ERROR(impl->OpenDb(false));
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "opening " + dir, true);
  } catch (const std::exception&) {
    return DataLossError("search index: bad sequence number in " + dir + "; clear and rebuild it");
  }
  return std::unique_ptr<Index>(new Index(std::move(impl)));
}

Result<std::unique_ptr<Index>> Index::OpenForReading(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->writable = false;
  try {
    for (size_t s = 0; s < kShards; ++s) {
      impl->readers[s] = Xapian::Database(Impl::ShardDir(dir, s));
    }
    if (!impl->Join()) return NotFoundError("the search index in " + dir + " is of another format");
  } catch (const Xapian::DatabaseOpeningError&) {
    return NotFoundError("no search index in " + dir);
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "opening " + dir, true);
  } catch (const std::exception&) {
    return DataLossError("search index: bad sequence number in " + dir + "; clear and rebuild it");
  }
  return std::unique_ptr<Index>(new Index(std::move(impl)));
}

Status Index::Put(const Document& document) { return PutAll({&document, 1}); }

Status Index::PutAll(std::span<const Document> documents) {
  // Analysis and Xapian's inverter are the cost of indexing; with a batch, documents are built
  // on a thread per shard, then each shard's are written on a thread of its own.
  RETURN_IF_ERROR(impl_->CheckWritable());
  const bool parallel = documents.size() >= 16;
  std::vector<std::optional<BuiltDocument>> built(documents.size());
  std::vector<Status> invalid(documents.size());
  std::vector<size_t> shard_of(documents.size());
  for (size_t i = 0; i < documents.size(); ++i) shard_of[i] = ShardOf(documents[i].id);
  std::lock_guard lock(impl_->mu);
  // Any thread builds any document (only writing is tied to a shard), the next one not yet
  // taken, so that neither waits for the other.
  std::atomic<size_t> next{0};
  RETURN_IF_ERROR(ForEachShard(parallel, [&](size_t) {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < documents.size();) {
      Result<BuiltDocument> doc = BuildDocument(documents[i], impl_->shards[shard_of[i]].keyed);
      if (doc.ok()) {
        built[i] = std::move(doc).value();
      } else {
        invalid[i] = doc.status();
      }
    }
    return OkStatus();
  }));
  // Nothing is written unless every document can be.
  for (size_t i = 0; i < documents.size(); ++i) {
    if (!invalid[i].ok()) {
      if (documents.size() == 1) return invalid[i];
      // The id, when it is itself sound: it is what the caller can look up.
      const std::string& id = documents[i].id;
      return invalid[i].WithContext(CheckKey(id, "id", false).ok()
                                        ? "document '" + id + "'"
                                        : "document " + std::to_string(i + 1) + " of the batch");
    }
  }
  // Every shard writes its buffers in the same batch, when one of them is due: writing them
  // out is a tenth of the work, and a shard doing it alone kept the other waiting.
  std::array<uint32_t, kShards> incoming{};
  for (size_t s : shard_of) ++incoming[s];
  bool flush = false;
  for (size_t s = 0; s < kShards; ++s) {
    flush = flush || impl_->shards[s].unflushed + incoming[s] >= kFlushEvery;
  }
  return ForEachShard(parallel, [&](size_t s) {
    Impl::Shard& shard = impl_->shards[s];
    std::vector<KeyedWord*> words;
    for (size_t i = 0; i < documents.size(); ++i) {
      if (shard_of[i] != s) continue;
      for (KeyedWord& w : built[i]->words) words.push_back(&w);
    }
    // Xapian keeps one key's synonyms in memory and writes them out when another key comes.
    std::sort(words.begin(), words.end(), [](const KeyedWord* a, const KeyedWord* b) {
      return std::tie(a->key, a->word) < std::tie(b->key, b->word);
    });
    if (shard.keyed.size() > kMaxKeyedWords) shard.keyed.clear();
    for (KeyedWord* w : words) {
      if (!shard.keyed.insert(w->word).second) continue;
      if (!w->key.empty()) {
        shard.db.add_synonym(std::string(internal::kSyllablePrefix) + w->key, w->word);
      }
    }
    for (size_t i = 0; i < documents.size(); ++i) {
      if (shard_of[i] != s) continue;
      shard.db.replace_document(std::string(internal::kIdPrefix) + documents[i].id, built[i]->doc);
    }
    impl_->Written(shard, incoming[s], flush);
    return OkStatus();
  });
}

Status Index::Remove(std::string_view id) {
  RETURN_IF_ERROR(impl_->CheckWritable());
  RETURN_IF_ERROR(CheckKey(id, "document id", false));
  try {
    std::lock_guard lock(impl_->mu);
    Impl::Shard& shard = impl_->shards[ShardOf(id)];
    shard.db.delete_document(std::string(internal::kIdPrefix) + std::string(id));
    impl_->Written(shard, 1);
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "removing a document", false);
  }
  return OkStatus();
}

Status Index::Commit(uint64_t ledger_seq) {
  RETURN_IF_ERROR(impl_->CheckWritable());
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(ForEachShard(true, [&](size_t s) {
    Impl::Shard& shard = impl_->shards[s];
    shard.db.set_metadata(std::string(kSeqKey), std::to_string(ledger_seq));
    shard.db.commit();
    shard.unflushed = 0;
    return OkStatus();
  }));
  impl_->last_seq = ledger_seq;
  return OkStatus();
}

uint64_t Index::last_seq() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last_seq;
}

uint64_t Index::size() const {
  std::lock_guard lock(impl_->mu);
  try {
    return impl_->all.get_doccount();
  } catch (const Xapian::Error&) {
    return 0;
  }
}

Status Index::Clear() {
  RETURN_IF_ERROR(impl_->CheckWritable());
  std::lock_guard lock(impl_->mu);
  try {
    return impl_->OpenDb(true);
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "clearing " + impl_->dir, true);
  }
}

Result<Results> Index::Search(const Query& q) const {
  if (q.limit > kMaxLimit) {
    return InvalidArgumentError("limit " + std::to_string(q.limit) + " is over " +
                                std::to_string(kMaxLimit) + "; page through the results");
  }
  if (q.offset > 100'000'000) return InvalidArgumentError("offset is too large");
  for (const std::optional<int32_t>& d : {q.date_from, q.date_to}) {
    if (d && !ValidDate(*d)) {
      return InvalidArgumentError("date " + std::to_string(*d) + " is not a yyyymmdd date");
    }
  }
  if (q.date_from && q.date_to && *q.date_from > *q.date_to) {
    return InvalidArgumentError("date_from is after date_to");
  }
  std::lock_guard lock(impl_->mu);
  try {
    internal::ParsedQuery parsed;
    if (q.match_all) {
      parsed.query = Xapian::Query::MatchAll;
    } else {
      ASSIGN_OR_RETURN(parsed,
                       internal::ParseQuery(q.text, q.blind, internal::VocabularyOf(impl_->all)));
    }
    std::vector<Xapian::Query> filters;
    for (const auto& [facet, values] : q.filters) {
      std::vector<Xapian::Query> any;
      for (const std::string& v : values) {
        any.emplace_back(std::string(kFacetPrefix[static_cast<size_t>(facet)]) + v);
      }
      if (any.empty()) continue;
      filters.emplace_back(Xapian::Query::OP_OR, any.begin(), any.end());
    }
    // Overlap of [lo, hi] with [from, to]: lo <= to and hi >= from.
    if (q.date_to) {
      filters.emplace_back(Xapian::Query::OP_VALUE_LE, kDateLoSlot,
                           Xapian::sortable_serialise(*q.date_to));
    }
    if (q.date_from) {
      filters.emplace_back(Xapian::Query::OP_VALUE_GE, kDateHiSlot,
                           Xapian::sortable_serialise(*q.date_from));
    }
    if (!q.all_access) {
      std::vector<Xapian::Query> tags;
      for (const std::string& tag : q.access_tags) {
        tags.emplace_back(std::string(internal::kAccessPrefix) + tag);
      }
      filters.push_back(tags.empty()
                            ? Xapian::Query::MatchNothing
                            : Xapian::Query(Xapian::Query::OP_OR, tags.begin(), tags.end()));
    }
    Xapian::Query query = parsed.query;
    if (!filters.empty()) {
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    }

    // Each shard is matched on a thread of its own, for its own best offset + limit hits and
    // its share of the counting; the pages are then merged by weight. Each shard weighs with
    // its own statistics (document frequencies, mean length), as sharded engines commonly do:
    // documents are spread over the shards by a hash of their id, so the two differ little.
    struct ShardMatch {
      Xapian::MSet mset;
      std::array<std::map<std::string, uint64_t>, kFacetCount> counts;
      uint64_t lower = 0, upper = 0, counted = 0, shown = 0;
      Xapian::docid last_docid = 0, shard_last_docid = 0;
    };
    std::array<ShardMatch, kShards> match;
    const Xapian::doccount page_end = static_cast<Xapian::doccount>(q.offset + q.limit);
    // Xapian counts references without atomics, so two threads may not share a Query: each
    // gets its own copy, through its serialised form.
    const std::string serialised = query.serialise();
    RETURN_IF_ERROR(ForEachShard(true, [&](size_t s) {
      const Xapian::Database& db = impl_->readers[s];
      ShardMatch& m = match[s];
      Xapian::Enquire enquire(db);
      Xapian::Registry registry;
      internal::RegisterQuerySources(registry);
      enquire.set_query(Xapian::Query::unserialise(serialised, registry));
      // Xapian stops counting after check_at_least matches (once it has the best page): the
      // total is then an estimate, and the spy has seen only the matches examined. (Counting
      // in a match of its own, without a page, and ranking in another without the spy was
      // slower: 24.6 ms median at 1M testimonies against 13.5.)
      const Xapian::doccount all = db.get_doccount();
      Xapian::doccount check = all;
      if (q.exact_count_limit > 0) {
        uint64_t share = (q.exact_count_limit + kShards - 1) / kShards;
        // Each match of a CJK phrase is read from its text before it counts, and a phrase
        // of common words can be one candidate in twenty: count a quarter as many.
        if (!parsed.required_phrases.empty()) share = (share + 3) / 4;
        check = static_cast<Xapian::doccount>(
            std::min<uint64_t>(all, std::max<uint64_t>(share, page_end)));
      }
      FacetSpy spy(&m.counts, q.count_facets, check);
      enquire.add_matchspy(&spy);
      const std::unique_ptr<Xapian::MatchDecider> phrases =
          internal::PhrasesInText(parsed.required_phrases);
      m.mset = enquire.get_mset(0, page_end, check, nullptr, phrases.get());
      enquire.clear_matchspies();
      m.lower = m.mset.get_matches_lower_bound();
      m.upper = m.mset.get_matches_upper_bound();
      m.counted = spy.counted();
      m.shown = spy.shown();
      m.last_docid = spy.last_docid();
      m.shard_last_docid = db.get_lastdocid();
      return OkStatus();
    }));

    Results results;
    results.facets_exact = true;
    // Per shard: its total (exact, or estimated) and the factor that scales its facet counts.
    std::array<double, kShards> scale{};
    for (size_t s = 0; s < kShards; ++s) {
      const ShardMatch& m = match[s];
      uint64_t total = m.lower;
      if (m.lower != m.upper) {
        results.total_exact = false;
        // Matches are spread over the docid space about evenly (documents are put in ledger
        // order, not by content), so the share of it that the counted prefix covers scales the
        // count. Xapian's own estimate was off by 43% (median) on the benchmark's queries, and
        // it rounds; words that cluster in a stretch of docids are what this gets wrong.
        const double covered =
            m.last_docid == 0
                ? 1.0
                : static_cast<double>(m.last_docid) /
                      static_cast<double>(std::max<Xapian::docid>(m.shard_last_docid, 1));
        const double estimate = static_cast<double>(m.counted) / std::max(covered, 1e-9);
        total = std::clamp<uint64_t>(static_cast<uint64_t>(std::llround(estimate)),
                                     std::max<uint64_t>(m.lower, m.shown), m.upper);
      }
      results.total += total;
      // Xapian may know the total exactly (a single term's frequency) without having shown
      // the spy every match, so exact facets need both.
      const bool exact = m.lower == m.upper && m.counted == total;
      results.facets_exact = results.facets_exact && (!q.count_facets || exact);
      scale[s] = exact || m.counted == 0
                     ? 1.0
                     : static_cast<double>(total) / static_cast<double>(m.counted);
    }

    // The page: the best of every shard's best, by weight (ties by shard, then rank).
    struct Candidate {
      double weight;
      size_t shard;
      Xapian::MSetIterator it;
    };
    std::vector<Candidate> candidates;
    for (size_t s = 0; s < kShards; ++s) {
      for (auto it = match[s].mset.begin(); it != match[s].mset.end(); ++it) {
        candidates.push_back({it.get_weight(), s, it});
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; });
    for (size_t k = q.offset; k < candidates.size() && k < page_end; ++k) {
      Hit hit;
      hit.score = candidates[k].weight;
      const Xapian::Document doc = candidates[k].it.get_document();
      const Json data = Json::parse(doc.get_data(), nullptr, false);
      const Json texts = Json::parse(doc.get_value(internal::kTextsSlot), nullptr, false);
      if (!data.is_object() || !texts.is_array()) {
        return DataLossError("search index: unreadable document data");
      }
      hit.id = data.value("id", "");
      hit.kind = data.value("kind", "");
      for (const Json& field : texts) {
        const std::string text = field[1].get<std::string>();
        std::string html = internal::MakeSnippet(text, parsed, kSnippetBytes, false);
        if (!html.empty()) hit.snippets.push_back({field[0].get<std::string>(), std::move(html)});
      }
      if (hit.snippets.empty() && !texts.empty()) {
        const Json& first = texts[0];
        hit.snippets.push_back(
            {first[0].get<std::string>(),
             internal::MakeSnippet(first[1].get<std::string>(), parsed, kSnippetBytes, true)});
      }
      results.hits.push_back(std::move(hit));
    }

    std::array<std::map<std::string, uint64_t>, kFacetCount> counts;
    for (size_t s = 0; s < kShards; ++s) {
      for (size_t f = 0; f < kFacetCount; ++f) {
        for (const auto& [value, count] : match[s].counts[f]) {
          counts[f][value] +=
              results.facets_exact
                  ? count
                  : static_cast<uint64_t>(std::llround(static_cast<double>(count) * scale[s]));
        }
      }
    }
    for (size_t f = 0; f < kFacetCount; ++f) {
      for (const auto& [value, count] : counts[f]) {
        results.facets[f].push_back(
            {value, std::clamp<uint64_t>(count, 1, std::max<uint64_t>(results.total, 1))});
      }
      std::stable_sort(results.facets[f].begin(), results.facets[f].end(),
                       [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; });
    }
    return results;
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "searching", false);
  } catch (const Json::exception&) {
    return DataLossError("search index: unreadable document data; clear and rebuild the index");
  } catch (const std::exception& e) {
    return InternalError(std::string("search index: ") + e.what() + " while searching");
  }
}

}  // namespace custodian::search
