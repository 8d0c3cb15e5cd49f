// The query language (docs/formats/search.md): a small recursive-descent parser instead of
// Xapian's QueryParser, because the QueryParser quietly repairs unbalanced quotes and
// parentheses (a user would get a different search than they typed, and no error), and because
// every word must be folded and expanded with the same analysis as the index (name keys,
// syllable keys, Hangul runs as exact sequences) before it becomes terms.
#include "search/query.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "search/internal.h"
#include "search/search.h"

namespace custodian::search::internal {
namespace {

enum class LexType { kWord, kPhrase, kOpen, kClose, kAnd, kOr, kNot };

struct Lexeme {
  LexType type;
  size_t begin = 0, end = 0;  // the word or the phrase's content, in bytes
};

std::string At(size_t offset) { return " at byte " + std::to_string(offset + 1); }

// A quotation mark: ASCII " or the typographic “ ”, which keyboards and word processors
// produce; returns its length in bytes, 0 if `text` does not start with one.
size_t QuoteAt(std::string_view text, size_t i) {
  if (text[i] == '"') return 1;
  if (text.substr(i, 3) == "\u201C" || text.substr(i, 3) == "\u201D") return 3;
  return 0;
}

Result<std::vector<Lexeme>> Lex(std::string_view text) {
  std::vector<Lexeme> out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(') {
      out.push_back({LexType::kOpen, i, i + 1});
      ++i;
    } else if (c == ')') {
      out.push_back({LexType::kClose, i, i + 1});
      ++i;
    } else if (const size_t q = QuoteAt(text, i); q > 0) {
      size_t j = i + q;
      size_t close = 0;
      while (j < text.size() && (close = QuoteAt(text, j)) == 0) ++j;
      if (j >= text.size()) {
        return InvalidArgumentError("unbalanced quotation mark" + At(i) +
                                    ": close the phrase with \" or remove the quote");
      }
      out.push_back({LexType::kPhrase, i + q, j});
      i = j + close;
    } else {
      size_t j = i;
      while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\n' &&
             text[j] != '\r' && text[j] != '(' && text[j] != ')' && QuoteAt(text, j) == 0) {
        ++j;
      }
      const std::string_view word = text.substr(i, j - i);
      LexType type = LexType::kWord;
      if (word == "AND") type = LexType::kAnd;
      if (word == "OR") type = LexType::kOr;
      if (word == "NOT") type = LexType::kNot;
      out.push_back({type, i, j});
      i = j;
    }
  }
  return out;
}

Xapian::Query Or(std::vector<Xapian::Query> parts) {
  if (parts.size() == 1) return parts[0];
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

Xapian::Query Phrase(const std::vector<std::string>& terms) {
  if (terms.size() == 1) return Xapian::Query(terms[0]);
  return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                       static_cast<Xapian::termcount>(terms.size()));
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Lexeme> lexemes,
         const std::function<std::string(std::string_view)>& blind, const Vocabulary& vocabulary,
         ParsedQuery& out)
      : text_(text), lex_(std::move(lexemes)), blind_(blind), vocabulary_(vocabulary), out_(out) {
    // In a query of words and phrases only, every phrase is required of every match.
    conjunctive_ = std::none_of(lex_.begin(), lex_.end(), [](const Lexeme& l) {
      return l.type == LexType::kOr || l.type == LexType::kNot || l.type == LexType::kOpen;
    });
  }

  Result<Xapian::Query> Parse() {
    // A whole query of plain words may be a name: "Kim Chol Su", "Chulsoo Kim".
    bool plain = lex_.size() >= 2;
    for (const Lexeme& l : lex_) plain = plain && l.type == LexType::kWord;
    std::vector<Xapian::Query> names;
    if (plain) {
      RETURN_IF_ERROR(
          AddNames(text_.substr(lex_.front().begin, lex_.back().end - lex_.front().begin), names));
    }
    ASSIGN_OR_RETURN(Xapian::Query query, ParseOr());
    if (at_ < lex_.size()) {
      return InvalidArgumentError("unbalanced parenthesis" + At(lex_[at_].begin) +
                                  ": remove it or add a matching (");
    }
    if (query.empty() && names.empty()) {
      return InvalidArgumentError("the query has no words to search for");
    }
    if (words_ > kMaxQueryWords) {
      return InvalidArgumentError("the query has more than " + std::to_string(kMaxQueryWords) +
                                  " words; shorten it");
    }
    if (names.empty()) return query;
    if (!query.empty()) names.insert(names.begin(), query);
    return Or(std::move(names));
  }

 private:
  const Lexeme* Peek() const { return at_ < lex_.size() ? &lex_[at_] : nullptr; }

  static bool StartsOperand(const Lexeme* l) {
    return l != nullptr && (l->type == LexType::kWord || l->type == LexType::kPhrase ||
                            l->type == LexType::kOpen || l->type == LexType::kNot);
  }

  Status MissingOperand(const Lexeme& op) const {
    return InvalidArgumentError("operator " +
                                std::string(text_.substr(op.begin, op.end - op.begin)) +
                                At(op.begin) + " needs a word, phrase or group on each side");
  }

  // An empty query (a word of punctuation only) drops out of AND and OR.
  static Xapian::Query Combine(Xapian::Query::op op, Xapian::Query a, Xapian::Query b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return Xapian::Query(op, a, b);
  }

  Result<Xapian::Query> ParseOr() {
    ASSIGN_OR_RETURN(Xapian::Query left, ParseAnd());
    while (Peek() != nullptr && Peek()->type == LexType::kOr) {
      const Lexeme& op = lex_[at_++];
      if (!StartsOperand(Peek())) return MissingOperand(op);
      ASSIGN_OR_RETURN(Xapian::Query right, ParseAnd());
      left = Combine(Xapian::Query::OP_OR, std::move(left), std::move(right));
    }
    return left;
  }

  Result<Xapian::Query> ParseAnd() {
    if (Peek() != nullptr && (Peek()->type == LexType::kAnd || Peek()->type == LexType::kOr)) {
      return MissingOperand(*Peek());
    }
    if (!StartsOperand(Peek())) {
      if (Peek() == nullptr) return Xapian::Query();
      return InvalidArgumentError("unbalanced parenthesis" + At(Peek()->begin) +
                                  ": remove it or add a matching (");
    }
    ASSIGN_OR_RETURN(Xapian::Query left, ParseUnary());
    while (Peek() != nullptr) {
      const LexType type = Peek()->type;
      if (type == LexType::kAnd || type == LexType::kNot) {
        const Lexeme& op = lex_[at_++];
        if (type == LexType::kAnd && Peek() != nullptr && Peek()->type == LexType::kNot) {
          continue;  // "a AND NOT b" is "a NOT b"
        }
        if (!StartsOperand(Peek()) || Peek()->type == LexType::kNot) return MissingOperand(op);
        if (type == LexType::kNot) ++negated_;
        ASSIGN_OR_RETURN(Xapian::Query right, ParseUnary());
        if (type == LexType::kNot) {
          --negated_;
          if (!right.empty()) {
            left = Xapian::Query(Xapian::Query::OP_AND_NOT,
                                 left.empty() ? Xapian::Query::MatchAll : left, right);
          }
        } else {
          left = Combine(Xapian::Query::OP_AND, std::move(left), std::move(right));
        }
      } else if (type == LexType::kWord || type == LexType::kPhrase || type == LexType::kOpen) {
        ASSIGN_OR_RETURN(Xapian::Query right, ParseUnary());
        left = Combine(Xapian::Query::OP_AND, std::move(left), std::move(right));
      } else {
        break;
      }
    }
    return left;
  }

  Result<Xapian::Query> ParseUnary() {
    const Lexeme& l = lex_[at_++];
    switch (l.type) {
      case LexType::kNot: {
        if (!StartsOperand(Peek()) || Peek()->type == LexType::kNot) return MissingOperand(l);
        ++negated_;
        ASSIGN_OR_RETURN(Xapian::Query operand, ParseUnary());
        --negated_;
        if (operand.empty()) return operand;
        return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, operand);
      }
      case LexType::kOpen: {
        if (++depth_ > kMaxQueryDepth) {
          return InvalidArgumentError("parentheses nested more than " +
                                      std::to_string(kMaxQueryDepth) + " deep" + At(l.begin));
        }
        if (Peek() != nullptr && Peek()->type == LexType::kClose) {
          return InvalidArgumentError("empty parentheses" + At(l.begin));
        }
        ASSIGN_OR_RETURN(Xapian::Query inner, ParseOr());
        if (Peek() == nullptr || Peek()->type != LexType::kClose) {
          return InvalidArgumentError("unbalanced parenthesis" + At(l.begin) +
                                      ": close the group with ) or remove the (");
        }
        ++at_;
        --depth_;
        return inner;
      }
      case LexType::kWord:
        return Word(l);
      case LexType::kPhrase:
        return QuotedPhrase(l);
      default:
        return MissingOperand(l);
    }
  }

  // Name terms (plain and, for a cleared user, blind) for a text that reads as a Korean name,
  // as queries in `out` and, if given, as terms in `terms`.
  Status AddNames(std::string_view name, std::vector<Xapian::Query>& out,
                  std::vector<std::string>* terms = nullptr) {
    std::vector<std::string> found;
    for (const std::string& key : NameKeys(name)) {
      if (negated_ == 0) out_.name_keys.insert(key);
      found.push_back(std::string(kNamePrefix) + key);
      if (blind_) {
        std::string blind = blind_(key);
        if (blind.size() > kMaxKeyBytes) {
          return InvalidArgumentError("the blind function returned a term over " +
                                      std::to_string(kMaxKeyBytes) + " bytes");
        }
        if (!blind.empty()) found.push_back(std::string(kBlindPrefix) + blind);
      }
    }
    for (const std::string& term : found) out.emplace_back(term);
    if (terms != nullptr) terms->insert(terms->end(), found.begin(), found.end());
    return OkStatus();
  }

  void Highlight(std::vector<std::string> sequence) {
    if (negated_ == 0 && !sequence.empty()) out_.sequences.insert(std::move(sequence));
  }

  // One word as typed: "Chol-su", "신의주에서", "MSS가". Its pieces (a hyphenated word, a
  // CJK run, other words) must all match.
  Result<Xapian::Query> Word(const Lexeme& l) {
    ASSIGN_OR_RETURN(Analysis a, Analyze(text_.substr(l.begin, l.end - l.begin)));
    words_ += a.tokens.size();
    const std::vector<Token>& t = a.tokens;
    std::vector<Xapian::Query> pieces;
    size_t i = 0;
    while (i < t.size()) {
      std::vector<Xapian::Query> alternatives;
      size_t j = i + 1;
      if (t[i].cjk) {
        while (j < t.size() && t[j].cjk && t[j].link == Link::kAdjacent) ++j;
        std::vector<std::string> chars;
        std::string run;
        for (size_t k = i; k < j; ++k) chars.push_back(t[k].term), run += t[k].term;
        alternatives.push_back(Run(chars));
        Highlight(chars);
        if (t[i].hangul) AddSyllableKey(run, alternatives);
        if (LooksLikeHangulName(a, i, j - 1)) RETURN_IF_ERROR(AddNames(run, alternatives));
      } else {
        while (j < t.size() && !t[j].cjk && t[j].link == Link::kHyphen) ++j;
        std::vector<std::string> parts;
        std::string joined;
        for (size_t k = i; k < j; ++k) parts.push_back(t[k].term), joined += t[k].term;
        alternatives.emplace_back(joined);
        if (parts.size() > 1) alternatives.push_back(Phrase(parts));
        Highlight(parts);
        Highlight({joined});
        bool letters = true;
        for (size_t k = i; k < j; ++k) letters = letters && t[k].letters_only;
        if (letters) AddSyllableKey(joined, alternatives);
      }
      pieces.push_back(Or(std::move(alternatives)));
      i = j;
    }
    if (pieces.empty()) return Xapian::Query();
    if (pieces.size() == 1) return pieces[0];
    return Xapian::Query(Xapian::Query::OP_AND, pieces.begin(), pieces.end());
  }

  // A run of CJK characters (folded), by its bigrams, each indexed only for two characters
  // adjacent in a run: all of them must be in the document. Checking that they also follow
  // each other would read every candidate's text; documents holding every bigram of a word of
  // three or more characters without the word itself are rare, and a quoted phrase does check
  // the exact sequence. One character matches the terms that start with it: where it starts
  // a bigram, is a one-character run, or ends a Han run (index.cc).
  static Xapian::Query Run(const std::vector<std::string>& chars) {
    if (chars.size() == 1) return Xapian::Query(Xapian::Query::OP_WILDCARD, chars[0]);
    std::vector<Xapian::Query> bigrams;
    for (size_t k = 0; k + 1 < chars.size(); ++k) bigrams.emplace_back(chars[k] + chars[k + 1]);
    return Xapian::Query(Xapian::Query::OP_AND, bigrams.begin(), bigrams.end());
  }

  // Sinuiju, Sinŭiju and 신의주 share a syllable key: the word also matches the index's words
  // with its key. ASCII words only below 4 letters are left alone (English "in", "an", "son"
  // would meet unrelated Hangul words).
  void AddSyllableKey(const std::string& word, std::vector<Xapian::Query>& out) {
    const bool ascii = std::all_of(word.begin(), word.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii && word.size() < 4) return;
    const std::string key = SyllableKey(word);
    if (key.empty()) return;
    if (negated_ == 0) out_.syllable_keys.insert(key);
    // Another spelling weighs half as much as the word as typed, so the documents that use
    // the user's spelling come first among equals.
    for (const std::string& other : vocabulary_(key)) {
      if (other == word) continue;  // the word itself is already an alternative
      // The vocabulary holds Hangul runs and folded Latin words (index.cc), valid UTF-8.
      const std::u32string chars = DecodeUtf8Lossy(other);
      if (!chars.empty() && chars[0] >= 0xAC00 && chars[0] <= 0xD7A3) {
        std::vector<std::string> syllables;
        for (char32_t c : chars) syllables.push_back(EncodeUtf8(std::u32string(1, c)));
        // A run is found by its bigrams; together they weigh as one term.
        const double bigrams = static_cast<double>(std::max<size_t>(chars.size() - 1, 1));
        out.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Run(syllables), 0.5 / bigrams);
      } else {
        out.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(other), 0.5);
      }
    }
  }

  Result<Xapian::Query> QuotedPhrase(const Lexeme& l) {
    const std::string_view content = text_.substr(l.begin, l.end - l.begin);
    ASSIGN_OR_RETURN(Analysis a, Analyze(content));
    words_ += a.tokens.size();
    const std::vector<Token>& t = a.tokens;
    std::vector<std::string> terms;
    for (const Token& token : t) terms.push_back(token.term);
    std::vector<Xapian::Query> names;
    std::vector<std::string> name_terms;
    RETURN_IF_ERROR(AddNames(content, names, &name_terms));
    std::vector<Xapian::Query> alternatives;
    if (std::none_of(t.begin(), t.end(), [](const Token& token) { return token.cjk; })) {
      if (!terms.empty()) alternatives.push_back(Phrase(terms));
    } else {
      // CJK characters have no positions: each run by its bigrams, each stretch of words as a
      // phrase, and the whole phrase checked in the texts of the documents that have them all:
      // by the match decider when every match must hold it (or be found by the phrase read as a
      // name), else by a posting source.
      std::vector<Xapian::Query> parts;
      for (size_t i = 0; i < t.size();) {
        size_t j = i + 1;
        while (j < t.size() && t[j].cjk == t[i].cjk &&
               (!t[i].cjk || t[j].link == Link::kAdjacent)) {
          ++j;
        }
        const std::vector<std::string> stretch(terms.begin() + i, terms.begin() + j);
        parts.push_back(t[i].cjk ? Run(stretch) : Phrase(stretch));
        i = j;
      }
      if (conjunctive_) {
        out_.required_phrases.push_back({t, name_terms});
      } else {
        parts.push_back(PhraseInText(t));
      }
      alternatives.push_back(
          parts.size() == 1 ? parts[0]
                            : Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end()));
    }
    if (!terms.empty()) Highlight(terms);
    alternatives.insert(alternatives.end(), names.begin(), names.end());
    if (alternatives.empty()) return Xapian::Query();
    return Or(std::move(alternatives));
  }

  std::string_view text_;
  std::vector<Lexeme> lex_;
  const std::function<std::string(std::string_view)>& blind_;
  const Vocabulary& vocabulary_;
  ParsedQuery& out_;
  bool conjunctive_ = false;
  size_t at_ = 0;
  size_t depth_ = 0;
  size_t words_ = 0;
  int negated_ = 0;
};

}  // namespace

Vocabulary VocabularyOf(const Xapian::Database& db) {
  return [db](std::string_view key) {
    const std::string term = std::string(kSyllablePrefix) + std::string(key);
    return std::vector<std::string>(db.synonyms_begin(term), db.synonyms_end(term));
  };
}

Result<ParsedQuery> ParseQuery(std::string_view text,
                               const std::function<std::string(std::string_view)>& blind,
                               const Vocabulary& vocabulary) {
  if (text.size() > kMaxQueryBytes) {
    return InvalidArgumentError("the query is longer than " + std::to_string(kMaxQueryBytes) +
                                " bytes; shorten it");
  }
  if (auto decoded = DecodeUtf8(text); !decoded.ok()) {
    return InvalidArgumentError("the query is not valid UTF-8: " + decoded.status().message());
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgumentError("the query is empty; type words to search for");
  }
  ASSIGN_OR_RETURN(std::vector<Lexeme> lexemes, Lex(text));
  ParsedQuery out;
  Parser parser(text, std::move(lexemes), blind, vocabulary, out);
  ASSIGN_OR_RETURN(out.query, parser.Parse());
  return out;
}

}  // namespace custodian::search::internal
