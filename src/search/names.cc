// Korean names and place names across scripts (internal.h, search.h): canonical keys from
// link::ParseKoreanName and link::KoreanSyllables, and the detection of names mentioned in
// free text. Detection errs towards recall in the sense that matters here: a false mention
// only adds a name term that a query for that exact (unlikely) name would hit, while a missed
// one hides a testimony from a name search. The rates measured on the synthetic corpus are in
// docs/formats/search.md.
#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/utf8.h"
#include "link/link.h"
#include "search/internal.h"
#include "search/search.h"

namespace custodian::search {
namespace internal {
namespace {

// Indexing reads every word of every testimony, and testimonies repeat their words: the
// readings below are pure functions of their input, remembered per thread and all forgotten
// when there are too many.
struct TransparentHash {
  using is_transparent = void;  // look up a string_view without copying it
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename Value>
using Memo = std::unordered_map<std::string, Value, TransparentHash, std::equal_to<>>;
constexpr size_t kMemoSize = 200'000;

template <typename Value, typename Compute>
Value Remembered(Memo<Value>& memo, std::string_view key, Compute compute) {
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  if (memo.size() >= kMemoSize) memo.clear();
  return memo.emplace(std::string(key), compute()).first->second;
}

// Surnames that start a name in running text: the 33 of data/synth/names.json (the common
// ones in both Koreas) and a few more. Common surnames that are also frequent first syllables
// of ordinary words in testimonies (하, 나, 도, 소, 마, 지, 우, 구, 원, 공: 하였다, 나라, 도착,
// 소식, 마을, 지역, 우리, 구류장, 원래, 공개처형) are left out: names with them are still found
// through name fields and plain text, just not as name mentions.
constexpr std::u32string_view kSurnames =
    U"김리이박최정강조윤장림임한오서신권황안송전홍류유고문손량양배백허남주로노차방심곽성민진엄채천"
    U"현함변염추석설";
constexpr std::u32string_view kCompoundSurnames[] = {U"남궁", U"황보", U"선우", U"제갈",
                                                     U"독고", U"사공", U"서문", U"동방"};

// Two-syllable words of testimonies that start with a surname syllable and are far more often
// words than names: common words, and (from 남동 on) those found as false mentions in a
// synthetic corpus of seed 11; the rate is measured on another seed (docs/formats/search.md).
constexpr std::u32string_view kNotNames[] = {
    U"이름", U"이후", U"이송", U"이유", U"이번", U"이상", U"이미", U"이전", U"이곳", U"이제",
    U"정부", U"정치", U"정보", U"정말", U"조사", U"강제", U"한국", U"한번", U"안전", U"고문",
    U"고향", U"전에", U"전화", U"전쟁", U"주민", U"주변", U"신의", U"문제", U"남한", U"남편",
    U"오후", U"오전", U"장소", U"송환", U"서울", U"방법", U"방송", U"황해", U"최근", U"차례",
    U"국경", U"백두", U"노동", U"노력", U"조선", U"장마", U"전거", U"양강", U"함경", U"강원",
    U"성분", U"전국", U"허가", U"배급", U"서로", U"류치", U"신체", U"방문", U"안내", U"안에",
    U"임신", U"진술", U"추방", U"석방", U"선고", U"심문", U"채취", U"현장", U"변호", U"민족",
    U"남동", U"이어", U"심각", U"량강", U"성폭", U"변방", U"김책", U"채우", U"양동", U"남양",
    U"남성", U"조직", U"변기", U"주십", U"신고",
};
// Syllables that end a two-syllable word rather than a given name: 남성의, 조직에, 김씨는.
constexpr std::u32string_view kNotGivenLast = U"는를을에가의도로와과서";
constexpr std::u32string_view kTitles = U"씨님";

// First syllables of what follows a name: particles (가 이 은 는 을 를 의 에 에게 와 과 도 만
// 께 로 으로 랑 하고 한테), titles (씨 님) and the copula (입니다 이다 이라 였).
constexpr std::u32string_view kAfterName = U"가이은는을를의에와과도만께로으랑하한씨님입라였";

// Canonical keys of the surnames above, for Latin words ("Kim" -> KIM, "Rhee" -> I).
const std::set<std::string>& KnownSurnameKeys() {
  static const std::set<std::string>* const kKeys = [] {
    auto* keys = new std::set<std::string>;
    for (char32_t c : kSurnames) {
      auto syllables = link::KoreanSyllables(EncodeUtf8(std::u32string(1, c)));
      if (syllables.ok() && syllables->size() == 1) keys->insert((*syllables)[0]);
    }
    return keys;
  }();
  return *kKeys;
}

std::string Joined(const std::vector<std::string>& syllables) {
  std::string out;
  for (const std::string& s : syllables) out += s;
  return out;
}

bool IsLatinSurname(std::string_view word) {
  auto syllables = link::KoreanSurnameSyllables(word);
  return syllables.ok() && KnownSurnameKeys().count(Joined(*syllables)) > 0;
}

char32_t FirstChar(const Token& token) {
  const std::u32string c = DecodeUtf8Lossy(token.term);
  return c.empty() ? 0 : c[0];
}

// A Korean name read with a known order: the key if the given name has two syllables, as
// almost all Korean given names do; "Kyohwaso No" or "Then Kim" are not names.
std::string KeyOf(std::string_view surname, std::string_view given) {
  thread_local Memo<std::string> memo;
  std::string both = std::string(surname) + '\0' + std::string(given);
  return Remembered(memo, both, [&] {
    auto name = link::ParseKoreanName(surname, given);
    if (!name.ok() || name->given.size() != 2 || name->surname.empty()) return std::string();
    return name->Key();
  });
}

// How a capitalised Latin word reads in a name.
struct LatinWord {
  bool korean = false;  // it parses as Korean syllables ("Please", "Camp" do not)
  bool single_syllable = false;
  bool surname = false;
};

LatinWord ReadLatinWord(std::string_view text) {
  thread_local Memo<LatinWord> memo;
  return Remembered(memo, text, [&] {
    LatinWord word;
    auto syllables = link::KoreanSyllables(text);
    word.korean = syllables.ok();
    word.single_syllable = word.korean && syllables->size() == 1;
    word.surname = word.korean && IsLatinSurname(text);
    return word;
  });
}

void FindHangulNames(const Analysis& a, std::vector<NameMention>& out) {
  const std::vector<Token>& t = a.tokens;
  size_t i = 0;
  while (i < t.size()) {
    if (!t[i].hangul) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < t.size() && t[j].hangul && t[j].link == Link::kAdjacent) ++j;
    const size_t n = j - i;
    std::u32string run;
    for (size_t k = i; k < j; ++k) run += FirstChar(t[k]);
    size_t surname = 0;
    for (std::u32string_view compound : kCompoundSurnames) {
      if (n >= 4 && run.compare(0, 2, compound) == 0) surname = 2;
    }
    if (surname == 0 && n >= 3 && kSurnames.find(run[0]) != std::u32string_view::npos) {
      surname = 1;
      for (std::u32string_view word : kNotNames) {
        if (run.compare(0, 2, word) == 0) surname = 0;
      }
    }
    if (surname > 0 && (kTitles.find(run[surname]) != std::u32string_view::npos ||
                        kNotGivenLast.find(run[surname + 1]) != std::u32string_view::npos)) {
      surname = 0;
    }
    // A name is followed by nothing or by a particle, a title or the copula (김철수가,
    // 김철수씨, 김철수입니다); anything else is far more often a word (주십시오, 남동생이).
    if (surname > 0 && surname + 2 < n &&
        kAfterName.find(run[surname + 2]) == std::u32string_view::npos) {
      surname = 0;
    }
    if (surname > 0) {
      const std::string key =
          KeyOf(EncodeUtf8(run.substr(0, surname)), EncodeUtf8(run.substr(surname, 2)));
      if (!key.empty()) out.push_back({key, i, i + surname + 1});
    }
    i = j;
  }
}

// Latin names: words ("Chol-su" is one word of two tokens) that start with a capital, joined
// by spaces only.
void FindLatinNames(const Analysis& a, std::vector<NameMention>& out) {
  const std::vector<Token>& t = a.tokens;
  struct Word {
    size_t first, last;
    std::string_view text;
    bool surname;
    bool single_syllable;
  };
  auto flush = [&](std::vector<Word>& words) {
    std::vector<bool> used(words.size(), false);
    auto text_of = [&](size_t from, size_t to) {  // words [from, to]
      std::string s;
      for (size_t k = from; k <= to; ++k) s += std::string(words[k].text) + " ";
      return s;
    };
    for (size_t k = 0; k < words.size(); ++k) {
      if (!words[k].surname) continue;
      // Surname first: the longest window that reads as a name.
      bool found = false;
      for (size_t len : {size_t{3}, size_t{2}}) {
        if (k + len > words.size() || found) continue;
        const std::string key = KeyOf(words[k].text, text_of(k + 1, k + len - 1));
        if (key.empty()) continue;
        out.push_back({key, words[k].first, words[k + len - 1].last});
        for (size_t m = k; m < k + len; ++m) used[m] = true;
        found = true;
      }
      if (found || k == 0 || used[k - 1] || words[k - 1].surname) continue;
      // Surname last ("Yonghye Ko", "Chol Su Kim").
      size_t from = k - 1;
      if (k >= 2 && !used[k - 2] && !words[k - 2].surname && words[k - 1].single_syllable &&
          words[k - 2].single_syllable) {
        from = k - 2;
      }
      const std::string key = KeyOf(words[k].text, text_of(from, k - 1));
      if (key.empty()) continue;
      out.push_back({key, words[from].first, words[k].last});
      for (size_t m = from; m <= k; ++m) used[m] = true;
    }
    words.clear();
  };

  std::vector<Word> words;
  size_t i = 0;
  while (i < t.size()) {
    if (t[i].cjk || !t[i].letters_only || !t[i].capitalised) {
      flush(words);
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < t.size() && t[j].link == Link::kHyphen && !t[j].cjk && t[j].letters_only) ++j;
    if (!words.empty() && t[i].link != Link::kSpace) flush(words);
    const std::string_view text =
        std::string_view(a.text).substr(t[i].begin, t[j - 1].end - t[i].begin);
    const LatinWord word = ReadLatinWord(text);
    if (!word.korean) {  // "Please", "Camp": not a Korean word, so not part of a name
      flush(words);
      i = j;
      continue;
    }
    words.push_back({i, j - 1, text, word.surname, word.single_syllable});
    i = j;
  }
  flush(words);
}

}  // namespace

std::vector<NameMention> FindNames(const Analysis& analysis) {
  std::vector<NameMention> out;
  FindHangulNames(analysis, out);
  FindLatinNames(analysis, out);
  return out;
}

namespace {
std::string UncachedSyllableKey(std::string_view word) {
  auto syllables = link::KoreanSyllables(word);
  if (!syllables.ok() || syllables->size() < 2) return "";
  // Latin letters do not show where syllables break: "sinuiju" parses as si-nui-ju, whose
  // initial-sound rule drops the n (SI I CO), while 신의주 is SIN I CO. An n before i or y is
  // dropped on both sides, so the two readings meet.
  const std::string joined = Joined(*syllables);
  std::string key;
  for (size_t i = 0; i < joined.size(); ++i) {
    if (joined[i] == 'N' && i + 1 < joined.size() &&
        (joined[i + 1] == 'I' || joined[i + 1] == 'Y')) {
      continue;
    }
    key += joined[i];
  }
  return key;
}
}  // namespace

std::string SyllableKey(std::string_view word) {
  thread_local Memo<std::string> memo;
  return Remembered(memo, word, [&] { return UncachedSyllableKey(word); });
}

namespace {
// What follows a place or a noun in running text: case particles (에 의 은 는 이 가 을 를 과 와
// 도 로 만 께 나 랑), and the suffixes of places (시 군 구 읍 리 동 면 도). A verb form
// (갔습니다) ends otherwise, so it gets one key rather than three: syllable keys were a
// quarter of the terms of a testimony, and each term costs indexing time.
constexpr std::u32string_view kEnding = U"에의은는이가을를과와도로만께나랑시군구읍리동면";
constexpr std::u32string_view kTwoSyllableEndings[] = {U"에서", U"으로", U"에게", U"까지",
                                                       U"부터", U"처럼", U"보다", U"한테",
                                                       U"하고", U"이나", U"에는", U"에도"};
}  // namespace

std::vector<size_t> KeyedRunLengths(const std::vector<Token>& tokens, size_t first, size_t last) {
  const size_t n = last - first;
  std::vector<size_t> out;
  if (n < 2) return out;
  out.push_back(n);
  auto ending = [&](size_t k) {  // the syllable k from the end (1: the last)
    return kEnding.find(FirstChar(tokens[last - k])) != std::u32string_view::npos;
  };
  if (n >= 3 && ending(1)) out.push_back(n - 1);
  if (n >= 4) {
    std::u32string two = {FirstChar(tokens[last - 2]), FirstChar(tokens[last - 1])};
    bool drop = ending(1) && ending(2);
    for (std::u32string_view e : kTwoSyllableEndings) drop = drop || two == e;
    if (drop) out.push_back(n - 2);
  }
  return out;
}

bool LooksLikeHangulName(const Analysis& analysis, size_t first, size_t last) {
  const size_t n = last - first + 1;
  if (n < 3 || n > 4) return false;
  for (size_t k = first; k <= last; ++k) {
    if (!analysis.tokens[k].hangul) return false;
    if (k > first && analysis.tokens[k].link != Link::kAdjacent) return false;
  }
  std::u32string run;
  for (size_t k = first; k <= last; ++k) run += FirstChar(analysis.tokens[k]);
  for (std::u32string_view compound : kCompoundSurnames) {
    if (n == 4 && run.compare(0, 2, compound) == 0) return true;
  }
  return n == 3 && kSurnames.find(run[0]) != std::u32string_view::npos;
}

}  // namespace internal

std::vector<std::string> NameKeys(std::string_view name) {
  auto parsed = link::ParseKoreanName(name);
  if (!parsed.ok() || parsed->surname.empty() || parsed->given.empty()) return {};
  return {parsed->Key()};
}

}  // namespace custodian::search
