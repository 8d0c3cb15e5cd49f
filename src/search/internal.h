// Private to src/search: text analysis shared by indexing, querying and snippets, so that the
// three fold, split and key text in exactly the same way.
#ifndef CUSTODIAN_SEARCH_INTERNAL_H_
#define CUSTODIAN_SEARCH_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace custodian::search::internal {

// Term prefixes (docs/formats/search.md). Text terms have none: folded text never starts with
// an ASCII capital, so no text term can look like a prefixed one.
inline constexpr std::string_view kIdPrefix = "Q";
inline constexpr std::string_view kNamePrefix = "XN";
inline constexpr std::string_view kBlindPrefix = "XB";
inline constexpr std::string_view kSyllablePrefix = "XW";
inline constexpr std::string_view kAccessPrefix = "XA";

// The value slot of a document's texts, as JSON [[field, text], ...] in NFC, for snippets and
// phrase checks. A value rather than the document data: glass compresses data with zlib,
// which was a tenth of the cost of indexing.
inline constexpr unsigned kTextsSlot = 8;

// How a token is joined to the one before it.
enum class Link : uint8_t {
  kNone,      // start of text, or punctuation other than below
  kSpace,     // spaces or tabs only (not a line break)
  kHyphen,    // one hyphen: "Chol-su"
  kAdjacent,  // nothing: the characters of a Hangul run, "MSS가"
};

struct Token {
  std::string term;           // a folded word, or one folded CJK character
  size_t begin = 0, end = 0;  // bytes in Analysis::text
  bool cjk = false;           // Han, Hangul, Hiragana or Katakana: one character
  bool hangul = false;        // a precomposed Hangul syllable
  bool capitalised = false;   // the word starts with an upper- or titlecase letter
  bool letters_only = false;  // a word without digits
  Link link = Link::kNone;
};

struct Analysis {
  std::string text;  // the input in NFC; token offsets point into it
  std::vector<Token> tokens;
};

// Splits and folds text. Words are runs of letters, digits and marks; an apostrophe-like mark
// between letters joins them and is dropped (Ch'ŏl -> chol). Folding is NFKC, case folding,
// then removal of nonspacing marks (ŏ -> o). InvalidArgument for bad UTF-8 (with the offset).
Result<Analysis> Analyze(std::string_view text);
// A character that Analyze makes a token of its own (Han, Hangul, Hiragana or Katakana letters
// and digits).
bool IsCjk(char32_t c);

// A Korean name mentioned in text: tokens [first, last] and its canonical key.
struct NameMention {
  std::string key;
  size_t first = 0, last = 0;
};
// Names in free text: a run of three or more Hangul syllables that starts with a common
// surname (surname + two syllables: 김철수가 -> 김철수), or two or three capitalised words
// where an end word is a common surname and the given name has at least two syllables
// ("Kim Chol Su", "KIM Chol-su", "Yonghye Ko").
std::vector<NameMention> FindNames(const Analysis& analysis);

// The canonical syllables of one word as a key ("SINICO" for Sinuiju, Sinŭiju and 신의주), or
// "" when the word is not Korean or has fewer than two syllables.
std::string SyllableKey(std::string_view word);

// How many syllables of the Hangul run tokens[first, last) are keyed as a word: the whole run,
// and the run without a last one or two syllables when those read as a particle or a place
// suffix (신의주에서 -> 신의주에서, 신의주; 청진시에 -> 청진시에, 청진시, 청진), longest first,
// each at least two. The index and snippets both use this, so they meet the same words.
std::vector<size_t> KeyedRunLengths(const std::vector<Token>& tokens, size_t first, size_t last);

// True when the word's first syllable is a common Hangul surname and the word reads as a full
// name (3 or 4 syllables), for a query word such as 김철수.
bool LooksLikeHangulName(const Analysis& analysis, size_t first, size_t last);

std::string EscapeHtml(std::string_view text);

}  // namespace custodian::search::internal

#endif  // CUSTODIAN_SEARCH_INTERNAL_H_
