// Quoted phrases with CJK characters (query.h). CJK characters have no positions in the index
// (index.cc): the phrase's bigrams and words find the candidates, and PhraseCheck, a posting
// source ANDed with them, keeps the documents whose stored texts hold the phrase. Being a
// posting source rather than a match decider, it is checked only on the documents the rest
// of its branch proposes, and it works under NOT and OR like any other query.
#include <xapian.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

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

class PhraseCheck : public Xapian::PostingSource {
 public:
  explicit PhraseCheck(std::vector<PhraseToken> phrase) : phrase_(std::move(phrase)) {
    // A phrase of CJK characters only appears verbatim in the text when its words are one space
    // apart (the characters fold to themselves), which saves analysing it again.
    bool all_cjk = true;
    for (size_t k = 0; k < phrase_.size(); ++k) {
      all_cjk = all_cjk && phrase_[k].cjk;
      if (k > 0 && !phrase_[k].adjacent) verbatim_ += ' ';
      verbatim_ += phrase_[k].term;
    }
    if (!all_cjk) verbatim_.clear();
    // The words, and the bigrams of adjacent characters, are in every document that holds the
    // phrase: the rarest of them is where to look for candidates.
    for (size_t k = 0; k < phrase_.size(); ++k) {
      if (!phrase_[k].cjk) {
        anchors_.push_back(phrase_[k].term);
      } else if (k + 1 < phrase_.size() && phrase_[k + 1].adjacent) {
        anchors_.push_back(phrase_[k].term + phrase_[k + 1].term);
      }
    }
  }

  PhraseCheck* clone() const override { return new PhraseCheck(phrase_); }
  std::string name() const override { return kName; }

  // Each token as: a flag byte ('a' adjacent CJK, 'c' CJK, 'w' word), two bytes of length,
  // the term.
  std::string serialise() const override {
    std::string out;
    for (const PhraseToken& t : phrase_) {
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

  std::string get_description() const override { return "PhraseCheck(" + verbatim_ + ")"; }

 private:
  // Moves to the first candidate from here on that holds the phrase, or to the end.
  void Settle() {
    while (it_ != end_ && !Holds(*it_)) ++it_;
    at_end_ = it_ == end_;
    if (!at_end_) current_ = *it_;
  }

  bool Holds(Xapian::docid did) const {
    const nlohmann::json texts = nlohmann::json::parse(
        db_.get_document(did, Xapian::DOC_ASSUME_VALID).get_value(kTextsSlot), nullptr, false);
    if (!texts.is_array()) return false;
    for (const nlohmann::json& field : texts) {
      if (!field.is_array() || field.size() != 2 || !field[1].is_string()) continue;
      const std::string& text = field[1].get_ref<const std::string&>();
      if (!verbatim_.empty() && text.find(verbatim_) != std::string::npos) return true;
      Result<Analysis> a = Analyze(text);
      if (a.ok() && HoldsPhrase(a->tokens, phrase_)) return true;
    }
    return false;
  }

  std::vector<PhraseToken> phrase_;
  std::string verbatim_;
  std::vector<std::string> anchors_;
  Xapian::Database db_;
  Xapian::PostingIterator it_, end_;
  Xapian::doccount freq_ = 0;
  Xapian::docid current_ = 0;
  bool started_ = false, at_end_ = false;
};

}  // namespace

Xapian::Query PhraseInText(const std::vector<Token>& tokens) {
  std::vector<PhraseToken> phrase;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const bool adjacent =
        k > 0 && tokens[k].cjk && tokens[k - 1].cjk && tokens[k].link == Link::kAdjacent;
    phrase.push_back({tokens[k].term, adjacent, tokens[k].cjk});
  }
  return Xapian::Query((new PhraseCheck(std::move(phrase)))->release());
}

void RegisterQuerySources(Xapian::Registry& registry) {
  registry.register_posting_source(PhraseCheck({}));
}

}  // namespace custodian::search::internal
