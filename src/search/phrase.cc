// Quoted phrases with CJK characters (query.h). CJK characters have no positions in the index
// (index.cc): the phrase's bigrams and words find the candidates, and the documents whose
// stored texts hold the phrase are kept. A phrase that every match must hold is checked by a
// match decider, which Xapian asks only about the candidates that could still reach the page
// (or are among the first it counts); any other (under OR or NOT) by PhraseCheck, a posting
// source ANDed with its bigrams, which is asked about every candidate of its branch.
#include <xapian.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "search/internal.h"
#include "search/query.h"

namespace custodian::search::internal {
namespace {

constexpr char kName[] = "custodian.PhraseCheck";

struct PhraseToken {
  std::string term;
  bool adjacent = false;  // a CJK character that must follow the one before in the same run
  bool cjk = false;
};

// Whether `tokens` holds the phrase at consecutive tokens, as Xapian's OP_PHRASE holds words at
// consecutive positions, with adjacent CJK characters adjacent in the text too.
bool HoldsPhrase(const std::vector<Token>& tokens, const std::vector<PhraseToken>& phrase) {
  if (phrase.empty() || tokens.size() < phrase.size()) return false;
  for (size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
    bool all = true;
    for (size_t k = 0; k < phrase.size() && all; ++k) {
      const Token& t = tokens[i + k];
      all = t.term == phrase[k].term && (!phrase[k].adjacent || t.link == Link::kAdjacent);
    }
    if (all) return true;
  }
  return false;
}

// Blocks whose characters NFKC case folding may turn into CJK characters (Hangul jamo and
// compatibility jamo, CJK radicals and Kangxi radicals, enclosed and squared CJK, compatibility
// ideographs, half- and full-width forms, enclosed ideographs): in a text without them, a
// phrase of CJK characters is where its bytes are.
bool MayFoldIntoCjk(char32_t c) {
  return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0x2FDF) ||
         (c >= 0x3130 && c <= 0x318F) || (c >= 0x3200 && c <= 0x33FF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x1F200 && c <= 0x1F2FF) ||
         (c >= 0x2F800 && c <= 0x2FA1F);
}

// A quoted phrase, checked in the texts a document stores (index.cc: kTextsSlot).
class TextPhrase {
 public:
  explicit TextPhrase(std::vector<PhraseToken> tokens) : tokens_(std::move(tokens)) {
    bool all_cjk = !tokens_.empty();
    for (size_t k = 0; k < tokens_.size(); ++k) {
      all_cjk = all_cjk && tokens_[k].cjk;
      if (k == 0 || !tokens_[k].adjacent) runs_.emplace_back();
      runs_.back() += tokens_[k].term;
    }
    if (!all_cjk) runs_.clear();
  }

  const std::vector<PhraseToken>& tokens() const { return tokens_; }

  bool HeldBy(const std::string& stored) const {
    if (!runs_.empty()) {
      const Verdict verdict = Scan(stored);
      if (verdict != Verdict::kUnknown) return verdict == Verdict::kHeld;
    }
    // Analyse the texts again, as the index did.
    const nlohmann::json texts = nlohmann::json::parse(stored, nullptr, false);
    if (!texts.is_array()) return false;
    for (const nlohmann::json& field : texts) {
      if (!field.is_array() || field.size() != 2 || !field[1].is_string()) continue;
      Result<Analysis> a = Analyze(field[1].get_ref<const std::string&>());
      if (a.ok() && HoldsPhrase(a->tokens, tokens_)) return true;
    }
    return false;
  }

 private:
  enum class Verdict { kHeld, kNotHeld, kUnknown };

  // A phrase of CJK characters read from the stored JSON itself, which is a hundred times
  // cheaper than analysing it: its runs in order, with nothing but ASCII punctuation, spaces
  // and JSON escapes (a line break is "\n") between them, inside one string. Unknown when
  // the text has a character that may fold into a CJK one, or when something other than ASCII
  // or a CJK character stands between two runs.
  Verdict Scan(std::string_view stored) const {
    // Those blocks start with these bytes, which UTF-8 uses for nothing else; Hangul does not.
    for (size_t p = 0, length = 0; p < stored.size(); ++p) {
      const auto b = static_cast<unsigned char>(stored[p]);
      if ((b == 0xE1 || b == 0xE2 || b == 0xE3 || b >= 0xEF) &&
          MayFoldIntoCjk(DecodeUtf8At(stored, p, length))) {
        return Verdict::kUnknown;
      }
    }
    bool unknown = false;
    for (size_t at = stored.find(runs_[0]); at != std::string_view::npos;
         at = stored.find(runs_[0], at + 1)) {
      size_t p = at + runs_[0].size(), k = 1;
      for (; k < runs_.size(); ++k) {
        while (p < stored.size()) {
          const auto c = static_cast<unsigned char>(stored[p]);
          if (c == '\\') {
            p += p + 1 < stored.size() && stored[p + 1] == 'u' ? 6 : 2;
          } else if (c < 0x80 && c != '"' && !std::isalnum(c)) {
            ++p;
          } else {
            break;
          }
        }
        if (p >= stored.size() || stored[p] == '"') break;  // the end of a text
        if (stored.compare(p, runs_[k].size(), runs_[k]) != 0) {
          // A word, a digit or another CJK character between: not here. Anything else may be
          // punctuation or a letter; analysis knows.
          size_t length = 0;
          const auto c = static_cast<unsigned char>(stored[p]);
          if (c >= 0x80 && !IsCjk(DecodeUtf8At(stored, p, length))) unknown = true;
          break;
        }
        p += runs_[k].size();
      }
      if (k == runs_.size()) return Verdict::kHeld;
    }
    return unknown ? Verdict::kUnknown : Verdict::kNotHeld;
  }

  std::vector<PhraseToken> tokens_;
  std::vector<std::string> runs_;  // of a phrase of CJK characters only: its adjacent runs
};

std::vector<PhraseToken> PhraseTokens(const std::vector<Token>& tokens) {
  std::vector<PhraseToken> phrase;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const bool adjacent =
        k > 0 && tokens[k].cjk && tokens[k - 1].cjk && tokens[k].link == Link::kAdjacent;
    phrase.push_back({tokens[k].term, adjacent, tokens[k].cjk});
  }
  return phrase;
}

class PhraseCheck : public Xapian::PostingSource {
 public:
  explicit PhraseCheck(std::vector<PhraseToken> phrase) : phrase_(std::move(phrase)) {
    // The words, and the bigrams of adjacent characters, are in every document that holds the
    // phrase: the rarest of them is where to look for candidates.
    const std::vector<PhraseToken>& t = phrase_.tokens();
    for (size_t k = 0; k < t.size(); ++k) {
      if (!t[k].cjk) {
        anchors_.push_back(t[k].term);
      } else if (k + 1 < t.size() && t[k + 1].adjacent) {
        anchors_.push_back(t[k].term + t[k + 1].term);
      }
    }
  }

  PhraseCheck* clone() const override { return new PhraseCheck(phrase_.tokens()); }
  std::string name() const override { return kName; }

  // Each token as: a flag byte ('a' adjacent CJK, 'c' CJK, 'w' word), two bytes of length,
  // the term.
  std::string serialise() const override {
    std::string out;
    for (const PhraseToken& t : phrase_.tokens()) {
      out += t.adjacent ? 'a' : t.cjk ? 'c' : 'w';
      out += static_cast<char>(t.term.size() >> 8);
      out += static_cast<char>(t.term.size() & 0xff);
      out += t.term;
    }
    return out;
  }

  PhraseCheck* unserialise(const std::string& s) const override {
    std::vector<PhraseToken> phrase;
    size_t i = 0;
    while (i < s.size()) {
      if (i + 3 > s.size() || (s[i] != 'a' && s[i] != 'c' && s[i] != 'w')) {
        throw Xapian::SerialisationError("bad custodian.PhraseCheck");
      }
      const size_t n =
          static_cast<unsigned char>(s[i + 1]) << 8 | static_cast<unsigned char>(s[i + 2]);
      if (i + 3 + n > s.size()) throw Xapian::SerialisationError("bad custodian.PhraseCheck");
      phrase.push_back({s.substr(i + 3, n), s[i] == 'a', s[i] != 'w'});
      i += 3 + n;
    }
    return new PhraseCheck(std::move(phrase));
  }

  void init(const Xapian::Database& db) override {
    db_ = db;
    started_ = false;
    at_end_ = false;
    current_ = 0;
    std::string rarest;
    freq_ = db.get_doccount();
    bool found = false;
    for (const std::string& term : anchors_) {
      const Xapian::doccount f = db.get_termfreq(term);
      if (!found || f < freq_) rarest = term, freq_ = f, found = true;
    }
    // Without a word or a bigram (one character, or characters apart), every document.
    it_ = db.postlist_begin(rarest);
    end_ = db.postlist_end(rarest);
  }

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return freq_; }
  Xapian::doccount get_termfreq_max() const override { return freq_; }

  void next(double) override {
    if (!started_) {
      started_ = true;
    } else if (it_ != end_ && *it_ <= current_) {
      it_.skip_to(current_ + 1);
    }
    Settle();
  }

  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    if (at_end_ || (current_ >= did && it_ != end_ && *it_ == current_)) return;
    it_.skip_to(did);
    Settle();
  }

  bool check(Xapian::docid did, double) override {
    started_ = true;
    it_.skip_to(did);
    if (it_ == end_) {
      at_end_ = true;
      return true;
    }
    // Not holding the phrase (or not a candidate): next() goes on after `did`.
    current_ = did;
    return *it_ == did && Holds(did);
  }

  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return current_; }

  std::string get_description() const override { return "PhraseCheck"; }

 private:
  // Moves to the first candidate from here on that holds the phrase, or to the end.
  void Settle() {
    while (it_ != end_ && !Holds(*it_)) ++it_;
    at_end_ = it_ == end_;
    if (!at_end_) current_ = *it_;
  }

  bool Holds(Xapian::docid did) const {
    return phrase_.HeldBy(db_.get_document(did, Xapian::DOC_ASSUME_VALID).get_value(kTextsSlot));
  }

  TextPhrase phrase_;
  std::vector<std::string> anchors_;
  Xapian::Database db_;
  Xapian::PostingIterator it_, end_;
  Xapian::doccount freq_ = 0;
  Xapian::docid current_ = 0;
  bool started_ = false, at_end_ = false;
};

// Keeps the documents whose texts hold every phrase, or that have one of its other terms.
class PhrasesDecider : public Xapian::MatchDecider {
 public:
  explicit PhrasesDecider(const std::vector<ParsedQuery::RequiredPhrase>& phrases) {
    for (const ParsedQuery::RequiredPhrase& p : phrases) {
      phrases_.push_back({TextPhrase(PhraseTokens(p.tokens)), p.or_terms});
    }
  }
  bool operator()(const Xapian::Document& doc) const override {
    const std::string stored = doc.get_value(kTextsSlot);
    for (const auto& [phrase, or_terms] : phrases_) {
      if (phrase.HeldBy(stored)) continue;
      bool other = false;
      for (const std::string& term : or_terms) {
        Xapian::TermIterator it = doc.termlist_begin();
        it.skip_to(term);
        other = other || (it != doc.termlist_end() && *it == term);
      }
      if (!other) return false;
    }
    return true;
  }

 private:
  std::vector<std::pair<TextPhrase, std::vector<std::string>>> phrases_;
};

}  // namespace

Xapian::Query PhraseInText(const std::vector<Token>& tokens) {
  return Xapian::Query((new PhraseCheck(PhraseTokens(tokens)))->release());
}

std::unique_ptr<Xapian::MatchDecider> PhrasesInText(
    const std::vector<ParsedQuery::RequiredPhrase>& phrases) {
  if (phrases.empty()) return nullptr;
  return std::make_unique<PhrasesDecider>(phrases);
}

void RegisterQuerySources(Xapian::Registry& registry) {
  registry.register_posting_source(PhraseCheck({}));
}

}  // namespace custodian::search::internal
