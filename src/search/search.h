// search: the full-text projection behind issue 7 ("find every testimony about a place, a
// person or a practice, in Korean or English"), on Xapian. docs/formats/search.md describes
// the terms, value slots and query syntax.
//
// What it promises:
// - The same folding at index and query time: NFKC, case folding, diacritics and in-word
//   apostrophes removed, so Ch'ŏl = Chol = chol and Sinŭiju = Sinuiju. Hangul, Han and kana are
//   indexed as character bigrams, so they are found without spaces (신의주 in 신의주에서): a word
//   of them matches a document holding all of its bigrams, and a quoted phrase matches that
//   exact sequence, checked in the stored text.
// - Names across scripts: 김철수, "Gim Cheol-su", "KIM Chol-su" and "Kim Chol Su" share the
//   canonical key of link::ParseKoreanName. Names in Document::names are keyed; names mentioned
//   in free text (김철수가, "My name is Chol-su Kim") are detected and keyed too; a query, or a
//   quoted part of it, that reads as a Korean name also matches those keys. Place names meet
//   across spellings the same way (Sinuiju / Sinŭiju / 신의주), through the canonical syllables
//   of single words, kept as a vocabulary of the index's words.
// - Sealed names are never in the index in plaintext: the caller indexes them only as opaque
//   blind terms (an HMAC of a NameKeys() key) and matches them with Query::blind.
// - Access control is a boolean filter inside the Xapian query: a document with none of the
//   caller's access tags is neither returned nor counted, in totals or in facets.
// - Bad queries (empty, too long, not UTF-8, an unbalanced quote or parenthesis, a dangling
//   operator) are InvalidArgument with a byte offset and never echo the query text; no
//   exception leaves this module (Xapian's are caught at the API and become a Status).
//
// The index is a projection: the caller rebuilds it from the ledger (Clear, then Put every
// document, then Commit with the ledger's last sequence number). A document stores only its
// id, kind and the texts given (for snippets and phrases); never names, blind terms or facets.
//
// Thread-safety: an Index serialises its own calls with a mutex, so it may be shared between
// threads; Xapian allows one writer per directory, so one process opens a directory once for
// writing (readers: OpenForReading).
// PutAll and Commit use a thread per shard of the index (docs/formats/search.md, "Layout").
#ifndef CUSTODIAN_SEARCH_SEARCH_H_
#define CUSTODIAN_SEARCH_SEARCH_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace custodian::search {

// Limits. A longer query, or one with more words or deeper parentheses, is InvalidArgument.
inline constexpr size_t kMaxQueryBytes = 4096;
inline constexpr size_t kMaxQueryWords = 64;
inline constexpr size_t kMaxQueryDepth = 16;
inline constexpr size_t kMaxLimit = 1000;  // hits per page
// Query::exact_count_limit's default: enough to give an exact total and facet counts for a
// selective search, small enough that a word in a third of a million testimonies stays fast.
inline constexpr size_t kDefaultExactCountLimit = 2000;
// Ids, facet values, access tags and blind terms longer than this are InvalidArgument.
inline constexpr size_t kMaxKeyBytes = 200;

// The facets a result is counted by and a query can be filtered by.
enum class Facet : uint8_t { kKind, kViolationType, kPlace, kUnit, kSourceType, kGrade };
inline constexpr size_t kFacetCount = 6;
std::string_view FacetName(Facet facet);  // "kind", "violation_type", ...

// A date range as yyyymmdd integers, both ends inclusive (a year 2009 is 20090101..20091231).
struct DateRange {
  int32_t lo = 0;
  int32_t hi = 0;
};

struct Document {
  std::string id;    // unique; Put replaces the document with the same id
  std::string kind;  // "source", "person", ...: also the kKind facet
  // Field name -> plaintext that may be indexed and shown in snippets; the caller has already
  // replaced sealed passages.
  std::vector<std::pair<std::string, std::string>> texts;
  std::vector<std::string> names;  // public names in any script: indexed as text and as keys
  // Opaque terms the caller computed from sealed names (a keyed HMAC over a NameKeys() key);
  // indexed under their own prefix, never stored.
  std::vector<std::string> blind_name_terms;
  std::vector<std::string> violation_types;
  std::vector<std::string> places;  // every ancestor place id too, so a province finds a county
  std::vector<std::string> units;
  std::string source_type;
  std::string grade;
  std::optional<DateRange> date;  // the fuzzy range of the event or source, if known
  std::vector<std::string> access_tags;
};

struct Query {
  // The user's query (syntax in docs/formats/search.md): words (all must match), "phrases",
  // AND, OR, NOT (in capitals) and parentheses. Empty is InvalidArgument unless match_all.
  std::string text;
  bool match_all = false;  // ignore `text` and match every document: browsing by facets
  // Facet -> accepted values: any of them within a facet, every facet given.
  std::map<Facet, std::vector<std::string>> filters;
  // yyyymmdd, inclusive: a document matches when its date range overlaps [date_from, date_to].
  // Either end may be open. With either set, documents without a date do not match.
  std::optional<int32_t> date_from;
  std::optional<int32_t> date_to;
  // What the user may see: every document (all_access), or those with at least one of
  // access_tags. Neither: nothing matches.
  bool all_access = false;
  std::vector<std::string> access_tags;
  // Set when the user is cleared for sealed names: turns a canonical name key into the blind
  // term the caller put into Document::blind_name_terms.
  std::function<std::string(std::string_view canonical_key)> blind;
  size_t offset = 0;
  size_t limit = 20;  // at most kMaxLimit
  bool count_facets = true;
  // Counting every match costs time in proportion to the match set (a common word matches
  // hundreds of thousands of testimonies). The total and facet counts are exact when the match
  // set is at most this large (or Xapian knows its size exactly); otherwise they are estimates
  // from the matches examined, and Results says so. 0: always exact, however slow.
  size_t exact_count_limit = kDefaultExactCountLimit;
};

struct Snippet {
  std::string field;
  // HTML: the text is escaped and matches are wrapped in <b>...</b>; "…" marks a cut.
  std::string html;
};

struct Hit {
  std::string id;
  std::string kind;
  double score = 0;               // BM25
  std::vector<Snippet> snippets;  // the fields with a highlighted match, in document order
};

struct FacetCount {
  std::string value;
  uint64_t count = 0;
};

struct Results {
  // The number of matches: exact if total_exact, otherwise an estimate from the matches
  // counted (docs/formats/search.md, "Results"; an interface says "about 120,000"). Either
  // way, documents the user may not see are not in it.
  uint64_t total = 0;
  bool total_exact = true;
  std::vector<Hit> hits;
  // Per facet (indexed by Facet), over the whole match set: most frequent first, ties by
  // value. Empty when Query::count_facets is false. When facets_exact is false, the counts
  // are those of the matches examined scaled to `total` (estimates; a rare value may be
  // missing).
  std::array<std::vector<FacetCount>, kFacetCount> facets;
  bool facets_exact = true;
};

// The canonical keys of a Korean name in any script or romanization ("KIM COLSO" for 김철수,
// "Kim Chol Su", "Gim Cheol-su"); empty when the name does not read as Korean. A query that
// reads as this name produces the same keys, so the caller blinds these for sealed names.
std::vector<std::string> NameKeys(std::string_view name);

class Index {
 public:
  // Opens the Xapian database in `dir`, creating it if missing. An index written by another
  // version of this module is cleared (last_seq() 0), so the caller rebuilds it. Unavailable if
  // another writer holds it; DataLoss if it is corrupt.
  static Result<std::unique_ptr<Index>> Open(const std::string& dir);
  // Opens an existing index for searching only. It takes no lock, so any number of readers
  // and one writer may have the index open together; a reader sees it as of the last Commit
  // before it was opened. NotFound if `dir` holds no index of this format (Open makes one);
  // Put, PutAll, Remove, Commit and Clear are then FailedPrecondition.
  static Result<std::unique_ptr<Index>> OpenForReading(const std::string& dir);
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Adds or replaces (by id) a document. InvalidArgument for an empty id, bad UTF-8, a value
  // over kMaxKeyBytes or containing NUL, or an inverted or impossible date range. Visible to
  // Search at once, durable after Commit.
  Status Put(const Document& document);
  // Put for many documents, indexed on several threads: the way to rebuild or catch up. If one
  // is invalid, none is put and the error names it. (A Xapian error while writing may leave
  // some put: the caller replays from last_seq(), as after a crash.)
  Status PutAll(std::span<const Document> documents);
  // Removes the document with this id; removing a missing id is not an error.
  Status Remove(std::string_view id);
  // Makes every change durable together with the ledger sequence number they reflect.
  Status Commit(uint64_t ledger_seq);
  // The sequence number of the last Commit (0 for a new or cleared index).
  uint64_t last_seq() const;
  // Removes every document and resets last_seq() to 0, durably: the start of a rebuild.
  Status Clear();
  uint64_t size() const;  // documents, including uncommitted changes

  Result<Results> Search(const Query& query) const;

 private:
  struct Impl;
  explicit Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custodian::search

#endif  // CUSTODIAN_SEARCH_SEARCH_H_
