// Korean names to romanization-invariant syllable keys (link.h, docs/formats/linkage.md).
//
// Hangul is exact: each syllable is decomposed (Unicode 15 §3.12) and its jamo mapped to coarse
// classes. Latin spellings are parsed into syllables by a table-driven dynamic programme over
// onsets, vowels and codas, then mapped to the same classes. The classes are as coarse as the
// coarsest system: McCune-Reischauer without breves writes ㅓ and ㅗ both as "o", and personal
// spellings write ㅓ as "u" (Chul) and ㅜ as "oo" (Soo), so ㅓ ㅗ ㅜ ㅡ are one class; MR writes
// ㄱ as k or g by position and RR as g, so voicing is dropped; apostrophes of aspirates are often
// left out, so aspiration is dropped. The South Korean initial-sound rule (두음법칙) is applied
// to every syllable so that the DPRK's 리, 련, 로 meet the ROK's 이, 연, 노.
#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "link/internal.h"
#include "link/link.h"

namespace custodian::link {
namespace {

using internal::FoldLetters;
using internal::IsHangulSyllable;

// Classes of the 19 leads: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ.
constexpr std::array<const char*, 19> kLeadClass = {
    "K", "K", "N", "T", "T", "R", "M", "P", "P", "S", "S", "", "C", "C", "C", "K", "T", "P", "H"};
// Classes of the 21 vowels: ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ. ㅐ and
// ㅔ are one class (most speakers no longer distinguish them); ㅢ is written ui, ŭi, ee or i (희).
constexpr std::array<const char*, 21> kVowelClass = {"A",  "E",  "YA", "YE", "O",  "E",  "YO",
                                                     "YE", "O",  "WA", "WE", "WE", "YO", "O",
                                                     "WO", "WE", "WI", "YO", "O",  "I",  "I"};
// The 28 tails as pronounced at the end of a syllable (the seven representative finals).
constexpr std::array<const char*, 28> kTailClass = {
    "",  "K", "K", "K", "N", "N", "N", "T",  "L", "K", "M", "L", "L", "L",
    "P", "L", "M", "P", "P", "T", "T", "NG", "T", "T", "K", "T", "P", "T"};

struct Syllable {
  std::string onset, vowel, coda;
};

// 두음법칙 applied everywhere: ㄹ and ㄴ are silent before ㅣ and the y-vowels, and ㄹ is ㄴ
// before the others.
std::string Canonical(Syllable s) {
  if (s.onset == "R" || s.onset == "N") {
    if (s.vowel == "I" || s.vowel[0] == 'Y') {
      s.onset.clear();
    } else {
      s.onset = "N";
    }
  }
  return s.onset + s.vowel + s.coda;
}

std::string CanonicalHangul(char32_t syllable) {
  const int index = static_cast<int>(syllable - 0xAC00);
  const int lead = index / (21 * 28);
  const int vowel = (index % (21 * 28)) / 28;
  const int tail = index % 28;
  return Canonical({kLeadClass[lead], kVowelClass[vowel], kTailClass[tail]});
}

struct Piece {
  std::u32string_view latin;
  const char* cls;
};

// Latin onsets, vowels and codas with their classes. The parser tries every entry, so order
// does not matter; "w" and "y" glides belong to the vowels.
constexpr Piece kOnsets[] = {
    {U"tch", "C"}, {U"ch", "C"}, {U"jj", "C"}, {U"j", "C"},  {U"kk", "K"},
    {U"kh", "K"},  {U"k", "K"},  {U"g", "K"},  {U"tt", "T"}, {U"th", "T"},
    {U"t", "T"},   {U"d", "T"},  {U"pp", "P"}, {U"ph", "P"}, {U"p", "P"},
    {U"b", "P"},   {U"f", "P"},  {U"ss", "S"}, {U"sh", "S"}, {U"s", "S"},
    {U"h", "H"},   {U"m", "M"},  {U"n", "N"},  {U"r", "R"},  {U"l", "R"},
};
constexpr Piece kVowels[] = {
    {U"yae", "YE"}, {U"yeo", "YO"}, {U"yoo", "YO"}, {U"you", "YO"}, {U"wae", "WE"}, {U"weo", "WO"},
    {U"ae", "E"},   {U"ai", "E"},   {U"eo", "O"},   {U"eu", "O"},   {U"oo", "O"},   {U"ou", "O"},
    {U"ee", "I"},   {U"ya", "YA"},  {U"ye", "YE"},  {U"yo", "YO"},  {U"yu", "YO"},  {U"yi", "I"},
    {U"wa", "WA"},  {U"we", "WE"},  {U"wi", "WI"},  {U"wo", "WO"},  {U"oe", "WE"},  {U"oi", "WE"},
    {U"ui", "I"},   {U"a", "A"},    {U"e", "E"},    {U"i", "I"},    {U"o", "O"},    {U"u", "O"},
};
constexpr Piece kCodas[] = {
    {U"ng", "NG"}, {U"k", "K"}, {U"n", "N"}, {U"l", "L"}, {U"m", "M"}, {U"p", "P"}, {U"t", "T"},
};

bool StartsWith(std::u32string_view text, size_t at, std::u32string_view prefix) {
  return text.size() - at >= prefix.size() && text.compare(at, prefix.size(), prefix) == 0;
}

// Splits one run of Latin letters into syllables with the least cost: one per syllable, plus
// 0.4 for a syllable without an onset after the first (so "mina" is mi-na, not min-a), plus 0.5
// for splitting n|g (so "kwangil" is kwang-il: ng is far more often a coda than n + g). Returns
// the cost, infinite (and `out` untouched) when the letters are not Korean syllables.
double SplitLatinRun(std::u32string_view run, std::vector<Syllable>& out) {
  const size_t n = run.size();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> cost(n + 1, kInf);
  struct Back {
    size_t from = 0;
    Syllable syllable;
    bool coda_n = false;
  };
  std::vector<Back> back(n + 1);
  cost[0] = 0;
  for (size_t i = 0; i < n; ++i) {
    if (cost[i] == kInf) continue;
    // Options for the onset, including none.
    std::vector<const Piece*> onsets = {nullptr};
    for (const Piece& p : kOnsets) {
      if (StartsWith(run, i, p.latin)) onsets.push_back(&p);
    }
    for (const Piece* onset : onsets) {
      const size_t v = i + (onset ? onset->latin.size() : 0);
      for (const Piece& vowel : kVowels) {
        if (!StartsWith(run, v, vowel.latin)) continue;
        const size_t c = v + vowel.latin.size();
        std::vector<const Piece*> codas = {nullptr};
        for (const Piece& p : kCodas) {
          if (StartsWith(run, c, p.latin)) codas.push_back(&p);
        }
        for (const Piece* coda : codas) {
          const size_t end = c + (coda ? coda->latin.size() : 0);
          double step = 1.0;
          if (onset == nullptr && i > 0) step += 0.4;
          if (onset != nullptr && onset->latin == U"g" && back[i].coda_n) step += 0.5;
          if (cost[i] + step < cost[end]) {
            cost[end] = cost[i] + step;
            back[end] = {i,
                         {onset ? onset->cls : "", vowel.cls, coda ? coda->cls : ""},
                         coda != nullptr && coda->latin == U"n"};
          }
        }
      }
    }
  }
  if (cost[n] == kInf) return kInf;
  out.clear();
  for (size_t at = n; at > 0; at = back[at].from) out.push_back(back[at].syllable);
  std::reverse(out.begin(), out.end());
  return cost[n];
}

// A run that does not split into syllables is most often a slip of the pen or the ear in a
// romanized name ("Okk", "Myogn", "Dongill"). The run is read with one slip undone when that
// makes it Korean: a doubled letter written once, two letters swapped back, or one letter
// dropped, preferred in that order, then by the cost of the split. Without such a reading
// the name falls back to being compared letter by letter, and one typo would separate a person
// from their other records.
Result<std::vector<Syllable>> ParseLatinRun(std::u32string_view run) {
  std::vector<Syllable> best;
  if (SplitLatinRun(run, best) < std::numeric_limits<double>::infinity()) return best;
  double best_cost = std::numeric_limits<double>::infinity();
  std::vector<Syllable> attempt;
  std::u32string repaired;
  auto consider = [&](double penalty) {
    const double cost = SplitLatinRun(repaired, attempt) + penalty;
    if (cost < best_cost) best_cost = cost, best.swap(attempt);
  };
  for (size_t i = 0; i + 1 < run.size(); ++i) {
    if (run[i] == run[i + 1]) {
      repaired = std::u32string(run.substr(0, i)) + std::u32string(run.substr(i + 1));
      consider(0);
    }
    repaired = run;
    std::swap(repaired[i], repaired[i + 1]);
    consider(0.2);
  }
  if (run.size() > 2) {
    for (size_t i = 0; i < run.size(); ++i) {
      repaired = std::u32string(run.substr(0, i)) + std::u32string(run.substr(i + 1));
      consider(0.4);
    }
  }
  if (best_cost == std::numeric_limits<double>::infinity()) {
    return InvalidArgumentError("Latin letters that do not read as Korean syllables");
  }
  return best;
}

// Splits folded text at breaks.
std::vector<std::u32string_view> Words(std::u32string_view folded) {
  std::vector<std::u32string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= folded.size(); ++i) {
    if (i == folded.size() || folded[i] == U' ') {
      if (i > start) out.push_back(folded.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// The canonical syllables of one folded word (no breaks inside): Hangul syllables one by one,
// Latin runs parsed; a mixture is read piece by piece.
Result<std::vector<std::string>> WordSyllables(std::u32string_view word) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < word.size()) {
    if (IsHangulSyllable(word[i])) {
      out.push_back(CanonicalHangul(word[i]));
      ++i;
      continue;
    }
    size_t j = i;
    while (j < word.size() && !IsHangulSyllable(word[j])) {
      if (word[j] < U'a' || word[j] > U'z') {
        return InvalidArgumentError("letters that are neither Hangul nor Latin");
      }
      ++j;
    }
    ASSIGN_OR_RETURN(std::vector<Syllable> parsed, ParseLatinRun(word.substr(i, j - i)));
    for (Syllable& s : parsed) out.push_back(Canonical(std::move(s)));
    i = j;
  }
  return out;
}

// Conventional spellings of common surnames (FACTS.md, "Korean names and romanization"; the
// table of data/synth/names.json), which are conventions rather than rules: "Park" and "Oh"
// do not parse as syllables, and "Lee" must meet 리 and 이. The weight (share of the population,
// ROK census 2015) decides which end of an unordered name is the surname.
struct Surname {
  std::u32string_view latin;
  char32_t hangul;
  double weight;
};
constexpr Surname kSurnames[] = {
    {U"kim", U'김', 21.5},  {U"gim", U'김', 21.5},   {U"lee", U'리', 14.7},  {U"yi", U'리', 14.7},
    {U"rhee", U'리', 14.7}, {U"ri", U'리', 14.7},    {U"i", U'리', 14.7},    {U"li", U'리', 14.7},
    {U"rhie", U'리', 14.7}, {U"yee", U'리', 14.7},   {U"park", U'박', 8.4},  {U"pak", U'박', 8.4},
    {U"bak", U'박', 8.4},   {U"bahk", U'박', 8.4},   {U"choi", U'최', 4.7},  {U"choe", U'최', 4.7},
    {U"jung", U'정', 4.4},  {U"jeong", U'정', 4.4},  {U"chung", U'정', 4.4}, {U"chong", U'정', 4.4},
    {U"jong", U'정', 4.4},  {U"cheong", U'정', 4.4}, {U"kang", U'강', 2.3},  {U"gang", U'강', 2.3},
    {U"cho", U'조', 2.1},   {U"jo", U'조', 2.1},     {U"yoon", U'윤', 2.1},  {U"yun", U'윤', 2.1},
    {U"youn", U'윤', 2.1},  {U"jang", U'장', 2.0},   {U"chang", U'장', 2.0}, {U"lim", U'림', 1.7},
    {U"im", U'림', 1.7},    {U"rim", U'림', 1.7},    {U"yim", U'림', 1.7},   {U"han", U'한', 1.5},
    {U"oh", U'오', 1.5},    {U"o", U'오', 1.5},      {U"seo", U'서', 1.5},   {U"suh", U'서', 1.5},
    {U"so", U'서', 1.5},    {U"shin", U'신', 1.5},   {U"sin", U'신', 1.5},   {U"kwon", U'권', 1.4},
    {U"gwon", U'권', 1.4},  {U"hwang", U'황', 1.4},  {U"ahn", U'안', 1.4},   {U"an", U'안', 1.4},
    {U"song", U'송', 1.3},  {U"jeon", U'전', 1.3},   {U"jun", U'전', 1.3},   {U"chun", U'전', 1.3},
    {U"chon", U'전', 1.3},  {U"jon", U'전', 1.3},    {U"hong", U'홍', 1.1},  {U"ryu", U'류', 1.0},
    {U"yu", U'류', 1.0},    {U"yoo", U'류', 1.0},    {U"you", U'류', 1.0},   {U"ko", U'고', 0.9},
    {U"koh", U'고', 0.9},   {U"go", U'고', 0.9},     {U"moon", U'문', 0.9},  {U"mun", U'문', 0.9},
    {U"son", U'손', 0.9},   {U"sohn", U'손', 0.9},   {U"yang", U'량', 0.8},  {U"ryang", U'량', 0.8},
    {U"bae", U'배', 0.8},   {U"pae", U'배', 0.8},    {U"baek", U'백', 0.8},  {U"paek", U'백', 0.8},
    {U"paik", U'백', 0.8},  {U"baik", U'백', 0.8},   {U"heo", U'허', 0.6},   {U"huh", U'허', 0.6},
    {U"hur", U'허', 0.6},   {U"ho", U'허', 0.6},     {U"nam", U'남', 0.6},   {U"joo", U'주', 0.5},
    {U"ju", U'주', 0.5},    {U"chu", U'주', 0.5},    {U"noh", U'로', 0.4},   {U"roh", U'로', 0.4},
    {U"ro", U'로', 0.4},    {U"no", U'로', 0.4},     {U"cha", U'차', 0.4},   {U"bang", U'방', 0.3},
    {U"pang", U'방', 0.3},
};

const Surname* FindSurname(std::u32string_view folded_word) {
  for (const Surname& s : kSurnames) {
    if (s.latin == folded_word) return &s;
  }
  return nullptr;
}

// Two-syllable surnames, recognised at the start of a Hangul name written without a space.
constexpr std::u32string_view kCompoundSurnames[] = {U"남궁", U"황보", U"선우", U"제갈",
                                                     U"독고", U"사공", U"서문", U"동방"};

// A whole word's letters without breaks, for the surname table.
std::u32string Joined(std::u32string_view folded) {
  std::u32string out;
  for (char32_t c : folded) {
    if (c != U' ') out += c;
  }
  return out;
}

Result<std::vector<std::string>> SurnameFromFolded(std::u32string_view folded) {
  const std::u32string word = Joined(folded);
  if (word.empty()) return InvalidArgumentError("empty surname");
  if (const Surname* known = FindSurname(word)) return std::vector{CanonicalHangul(known->hangul)};
  return WordSyllables(word);
}

Result<std::vector<std::string>> GivenFromFolded(std::u32string_view folded) {
  std::vector<std::string> out;
  for (std::u32string_view word : Words(folded)) {
    ASSIGN_OR_RETURN(std::vector<std::string> syllables, WordSyllables(word));
    out.insert(out.end(), syllables.begin(), syllables.end());
  }
  if (out.empty()) return InvalidArgumentError("empty given name");
  return out;
}

bool HasHangul(std::u32string_view text) {
  return std::any_of(text.begin(), text.end(), IsHangulSyllable);
}

// True when `word` (UTF-8, one token) is written in capitals and has at least two letters:
// "KIM" in "KIM Chol-su" marks the surname, as in many UN and press documents.
bool AllCapitals(std::string_view word) {
  int letters = 0;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') ++letters;
  }
  return letters >= 2;
}

std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ' || text[i] == '\t') {
      if (i > start) out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& syllables) {
  std::string out;
  for (const std::string& s : syllables) out += s;
  return out;
}

}  // namespace

std::string KoreanName::SurnameKey() const { return Join(surname); }
std::string KoreanName::GivenKey() const { return Join(given); }
std::string KoreanName::Key() const { return SurnameKey() + " " + GivenKey(); }

Result<std::vector<std::string>> KoreanSyllables(std::string_view word) {
  ASSIGN_OR_RETURN(std::u32string folded, FoldLetters(word, /*keep_breaks=*/true));
  if (folded.empty()) return InvalidArgumentError("empty name");
  return GivenFromFolded(folded);
}

Result<std::vector<std::string>> KoreanSurnameSyllables(std::string_view surname) {
  ASSIGN_OR_RETURN(std::u32string folded, FoldLetters(surname, /*keep_breaks=*/true));
  return SurnameFromFolded(folded);
}

Result<KoreanName> ParseKoreanName(std::string_view surname, std::string_view given) {
  KoreanName name;
  ASSIGN_OR_RETURN(name.surname, KoreanSurnameSyllables(surname));
  ASSIGN_OR_RETURN(name.given, KoreanSyllables(given));
  return name;
}

Result<KoreanName> ParseKoreanName(std::string_view full_name) {
  ASSIGN_OR_RETURN(std::vector<KoreanName> readings, KoreanNameReadings(full_name));
  return std::move(readings.front());
}

Result<std::vector<KoreanName>> KoreanNameReadings(std::string_view full_name) {
  ASSIGN_OR_RETURN(std::u32string folded, FoldLetters(full_name, /*keep_breaks=*/true));
  if (folded.empty()) return InvalidArgumentError("empty name");
  KoreanName name;
  if (HasHangul(folded)) {
    const std::vector<std::u32string_view> words = Words(folded);
    if (words.size() >= 2) {  // 김 철수: surname first, as Korean is written
      ASSIGN_OR_RETURN(name.surname, SurnameFromFolded(words[0]));
      ASSIGN_OR_RETURN(name.given, GivenFromFolded(folded.substr(words[0].size() + 1)));
      return std::vector{std::move(name)};
    }
    const std::u32string_view word = words[0];
    if (word.size() < 2) return InvalidArgumentError("a Hangul name needs at least two syllables");
    size_t surname_length = 1;
    for (std::u32string_view compound : kCompoundSurnames) {
      if (word.size() >= 3 && word.substr(0, 2) == compound) surname_length = 2;
    }
    ASSIGN_OR_RETURN(name.surname, WordSyllables(word.substr(0, surname_length)));
    ASSIGN_OR_RETURN(name.given, WordSyllables(word.substr(surname_length)));
    return std::vector{std::move(name)};
  }

  // Latin letters. A comma separates "Surname, Given".
  if (const size_t comma = full_name.find(','); comma != std::string_view::npos) {
    ASSIGN_OR_RETURN(name,
                     ParseKoreanName(full_name.substr(0, comma), full_name.substr(comma + 1)));
    return std::vector{std::move(name)};
  }
  const std::vector<std::string_view> tokens = SplitSpaces(full_name);
  if (tokens.size() < 2) {
    return InvalidArgumentError(
        "a name in Latin letters needs a surname and a given name separated by a space or comma");
  }
  auto rest = [&](size_t skip) {
    std::string given;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i == skip) continue;
      given += std::string(tokens[i]) + " ";
    }
    return given;
  };
  // One token in capitals among others that are not: that is the surname.
  size_t capitals = 0, capital_at = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (AllCapitals(tokens[i])) ++capitals, capital_at = i;
  }
  if (capitals == 1) {
    ASSIGN_OR_RETURN(name, ParseKoreanName(tokens[capital_at], rest(capital_at)));
    return std::vector{std::move(name)};
  }

  // Otherwise whichever end is a known surname; the more common if both are, the first (the
  // Korean order) if the table cannot tell.
  ASSIGN_OR_RETURN(std::u32string first, FoldLetters(tokens.front(), false));
  ASSIGN_OR_RETURN(std::u32string last, FoldLetters(tokens.back(), false));
  const Surname* first_known = FindSurname(first);
  const Surname* last_known = FindSurname(last);
  const bool surname_last =
      last_known != nullptr && (first_known == nullptr || last_known->weight > first_known->weight);
  const size_t at = surname_last ? tokens.size() - 1 : 0;
  ASSIGN_OR_RETURN(name, ParseKoreanName(tokens[at], rest(at)));
  std::vector<KoreanName> readings{std::move(name)};
  // A given name in two words puts a syllable at the other end too: "Sin Chul Jung" is 신철정
  // in Korean order or 정신철 in Western order, and 정 being the commoner surname says little.
  if (tokens.size() >= 3 && first_known != nullptr && last_known != nullptr) {
    const size_t other_at = surname_last ? 0 : tokens.size() - 1;
    if (Result<KoreanName> other = ParseKoreanName(tokens[other_at], rest(other_at)); other.ok()) {
      readings.push_back(std::move(*other));
    }
  }
  return readings;
}

}  // namespace custodian::link
