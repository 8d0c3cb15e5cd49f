// Private to src/search: the query language (docs/formats/search.md) parsed into a Xapian
// query, with what snippets need to highlight the same matches, and the checks of quoted CJK
// phrases in stored text (phrase.cc) that the query needs beside it.
#ifndef CUSTODIAN_SEARCH_QUERY_H_
#define CUSTODIAN_SEARCH_QUERY_H_

#include <xapian.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "search/internal.h"

namespace custodian::search::internal {

struct ParsedQuery {
  Xapian::Query query;
  // Sequences of folded terms to highlight (a word, a hyphenated word's parts, a Hangul run, a
  // phrase), from the parts of the query that are not negated.
  std::set<std::vector<std::string>> sequences;
  std::set<std::string> name_keys;      // canonical name keys (without prefix)
  std::set<std::string> syllable_keys;  // canonical word keys (without prefix)
  // Quoted phrases with CJK characters that every match must hold, unless it has one of
  // `or_terms` (the phrase read as a name), left out of `query` (which has their bigrams and
  // words) for PhrasesInText to check.
  struct RequiredPhrase {
    std::vector<Token> tokens;
    std::vector<std::string> or_terms;
  };
  std::vector<RequiredPhrase> required_phrases;
};

// The words of the index that have a syllable key: the index's vocabulary (index.cc).
using Vocabulary = std::function<std::vector<std::string>(std::string_view key)>;
// The vocabulary of `db` (every shard of it): `kSyllablePrefix` + key -> words, in its synonym
// table.
Vocabulary VocabularyOf(const Xapian::Database& db);

// InvalidArgument (with a byte offset, never the query text) for an empty or over-long query,
// bad UTF-8, an unbalanced quote or parenthesis, an operator without an operand, too many
// words or too deep parentheses. A word with a syllable key also matches the words of
// `vocabulary` with that key (Sinuiju: 신의주).
Result<ParsedQuery> ParseQuery(std::string_view text,
                               const std::function<std::string(std::string_view)>& blind,
                               const Vocabulary& vocabulary);

// The documents whose stored texts hold `tokens` (a quoted phrase with CJK characters, which
// have no positions in the index) at consecutive tokens. Only cheap ANDed with terms that
// every such document has; a query that holds one needs RegisterQuerySources to be
// unserialised.
Xapian::Query PhraseInText(const std::vector<Token>& tokens);
void RegisterQuerySources(Xapian::Registry& registry);

// A match decider that keeps the documents whose stored texts hold every phrase, or that have
// one of its `or_terms` (null for no phrases). Xapian asks it only about the candidates that
// could reach the page, or are among the first it counts, so a common phrase costs a few
// thousand checks rather than one per candidate.
std::unique_ptr<Xapian::MatchDecider> PhrasesInText(
    const std::vector<ParsedQuery::RequiredPhrase>& phrases);

// A highlighted excerpt of about `max_bytes` of `text` around its densest matches of `query`
// (HTML-escaped, matches in <b>...</b>, "…" where cut); "" when nothing in it matches, or the
// start of the text with no highlight if `or_start` is set.
std::string MakeSnippet(std::string_view text, const ParsedQuery& query, size_t max_bytes,
                        bool or_start);

}  // namespace custodian::search::internal

#endif  // CUSTODIAN_SEARCH_QUERY_H_
