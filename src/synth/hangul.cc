// Hangul syllable arithmetic, the five romanization systems of hangul.h, the initial-sound rule
// and particle choice. Jamo orders follow Unicode's composition order.
#include "synth/hangul.h"

#include <array>

namespace custodian::synth {
namespace {

constexpr char32_t kFirstSyllable = 0xAC00;
constexpr char32_t kLastSyllable = 0xD7A3;
constexpr int kVowels = 21;
constexpr int kTails = 28;

// Lead indices: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
enum Lead { kG, kKk, kN, kD, kTt, kR, kM, kB, kPp, kS, kSs, kNg, kJ, kJj, kCh, kK, kT, kP, kH };
// Vowel indices: ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ
enum Vowel {
  kA,
  kAe,
  kYa,
  kYae,
  kEo,
  kE,
  kYeo,
  kYe,
  kO,
  kWa,
  kWae,
  kOe,
  kYo,
  kU,
  kWo,
  kWe,
  kWi,
  kYu,
  kEu,
  kUi,
  kI
};
// Tails that matter for the rules below: none, ㄴ, ㄹ, ㅁ, ㅇ.
constexpr int kNoTail = 0, kTailN = 4, kTailL = 8, kTailM = 16, kTailNg = 21;

using Table19 = std::array<const char*, 19>;
using Table21 = std::array<const char*, 21>;
using Table28 = std::array<const char*, 28>;

constexpr Table19 kRrLead = {"g",  "kk", "n", "d",  "tt", "r", "m", "b", "pp", "s",
                             "ss", "",   "j", "jj", "ch", "k", "t", "p", "h"};
// McCune-Reischauer: word-initial (unvoiced) and voiced forms.
constexpr Table19 kMrLead = {"k",  "kk", "n",  "t",   "tt",  "r",  "m",  "p",  "pp", "s",
                             "ss", "",   "ch", "tch", "ch'", "k'", "t'", "p'", "h"};
constexpr Table19 kMrLeadVoiced = {"g",  "kk", "n", "d",   "tt",  "r",  "m",  "b",  "pp", "s",
                                   "ss", "",   "j", "tch", "ch'", "k'", "t'", "p'", "h"};
// DPRK style (KCNA): aspirates as kh, th, ph; ㅈ is always j (Jong Un, Pak Pong Ju).
constexpr Table19 kDprkLead = {"k",  "kk", "n", "t",  "tt", "r",  "m",  "p",  "pp", "s",
                               "ss", "",   "j", "jj", "ch", "kh", "th", "ph", "h"};
constexpr Table19 kDprkLeadVoiced = {"g",  "kk", "n", "d",  "tt", "r",  "m",  "b",  "pp", "s",
                                     "ss", "",   "j", "jj", "ch", "kh", "th", "ph", "h"};
// Common personal spellings: Kim, Kwang, Kyung, Dae, Byung, Jung.
constexpr Table19 kCommonLead = {"k",  "kk", "n", "d",  "tt", "r", "m", "b", "pp", "s",
                                 "ss", "",   "j", "jj", "ch", "k", "t", "p", "h"};

constexpr Table21 kRrVowel = {"a",  "ae", "ya", "yae", "eo", "e",  "yeo", "ye", "o",  "wa", "wae",
                              "oe", "yo", "u",  "wo",  "we", "wi", "yu",  "eu", "ui", "i"};
constexpr Table21 kMrVowel = {"a",  "ae", "ya", "yae", "ŏ",  "e",  "yŏ", "ye", "o",  "wa", "wae",
                              "oe", "yo", "u",  "wŏ",  "we", "wi", "yu", "ŭ",  "ŭi", "i"};
constexpr Table21 kMrAsciiVowel = {"a",  "ae", "ya", "yae", "o",  "e",  "yo",
                                   "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                   "wo", "we", "wi", "yu",  "u",  "ui", "i"};
constexpr Table21 kCommonVowel = {"a",  "ae", "ya", "yae", "u",  "e",  "yu",
                                  "ye", "o",  "wa", "wae", "oe", "yo", "oo",
                                  "wo", "we", "wi", "yu",  "eu", "ui", "i"};

// Finals as pronounced at the end of a syllable; the same in every system here.
constexpr Table28 kTail = {"",  "k", "k", "k", "n", "n", "n", "t",  "l", "k", "m", "l", "l", "l",
                           "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"};

bool VoicesNext(int previous_tail) {
  return previous_tail == kNoTail || previous_tail == kTailN || previous_tail == kTailL ||
         previous_tail == kTailM || previous_tail == kTailNg;
}

std::string StripMrDiacritics(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\'') continue;
    // ŏ (U+014F) and ŭ (U+016D) are two bytes each in UTF-8.
    if (text.compare(i, 2, "ŏ") == 0) {
      out += 'o';
      ++i;
    } else if (text.compare(i, 2, "ŭ") == 0) {
      out += 'u';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// One syllable in the common personal style, which starts from RR-like consonants and writes
// ㅓ as u, ㅜ as oo and ㅢ after ㅎ as ee (Chul, Soo, Hee), with 영 as Young.
std::string CommonSyllable(const Jamo& j) {
  std::string lead = kCommonLead[j.lead];
  std::string vowel = kCommonVowel[j.vowel];
  if (j.lead == kS && (j.vowel == kI || j.vowel == kWi)) lead = "sh";  // Shin, Shi
  if (j.lead == kNg) {
    if (j.vowel == kYeo) vowel = j.tail == kTailNg ? "you" : "yeo";  // Young, Yeon
    if (j.vowel == kEo) vowel = "eo";
    if (j.vowel == kU) vowel = "woo";   // Woo, Woon
    if (j.vowel == kYu) vowel = "yoo";  // Yoon
  }
  if (j.lead == kH && j.vowel == kUi) vowel = "ee";  // Hee
  return lead + vowel + kTail[j.tail];
}

}  // namespace

bool IsHangulSyllable(char32_t c) { return c >= kFirstSyllable && c <= kLastSyllable; }

Jamo Decompose(char32_t syllable) {
  const int index = static_cast<int>(syllable - kFirstSyllable);
  return {index / (kVowels * kTails), (index % (kVowels * kTails)) / kTails, index % kTails};
}

char32_t Compose(const Jamo& jamo) {
  return kFirstSyllable +
         static_cast<char32_t>((jamo.lead * kVowels + jamo.vowel) * kTails + jamo.tail);
}

char32_t RokInitial(char32_t syllable) {
  if (!IsHangulSyllable(syllable)) return syllable;
  Jamo j = Decompose(syllable);
  // ㄹ and ㄴ before ㅣ or a y-vowel (ㅑ ㅕ ㅖ ㅛ ㅠ) become silent ㅇ: 리 -> 이, 녀 -> 여.
  const bool y_vowel = j.vowel == kI || j.vowel == kYa || j.vowel == kYeo || j.vowel == kYe ||
                       j.vowel == kYo || j.vowel == kYu || j.vowel == kYae;
  if ((j.lead == kR || j.lead == kN) && y_vowel) {
    j.lead = kNg;
  } else if (j.lead == kR) {
    j.lead = kN;  // ㄹ before any other vowel becomes ㄴ: 로 -> 노, 라 -> 나
  }
  return Compose(j);
}

std::vector<std::string> RomanizeSyllables(std::u32string_view syllables, Romanization system) {
  std::vector<std::string> out;
  int previous_tail = -1;  // -1: at the start of the word
  for (char32_t c : syllables) {
    if (!IsHangulSyllable(c)) {
      std::string other;
      AppendUtf8(c, other);
      out.push_back(other);
      previous_tail = -1;
      continue;
    }
    const Jamo j = Decompose(c);
    const bool voiced = previous_tail >= 0 && VoicesNext(previous_tail);
    std::string text;
    switch (system) {
      case Romanization::kRr:
        text = std::string(kRrLead[j.lead]) + kRrVowel[j.vowel] + kTail[j.tail];
        break;
      case Romanization::kMr:
      case Romanization::kMrAscii:
        text = std::string(voiced ? kMrLeadVoiced[j.lead] : kMrLead[j.lead]) + kMrVowel[j.vowel] +
               kTail[j.tail];
        // MR writes 시 as si; the apostrophe of an aspirate stays.
        if (system == Romanization::kMrAscii) text = StripMrDiacritics(std::move(text));
        break;
      case Romanization::kDprk:
        text = std::string(voiced ? kDprkLeadVoiced[j.lead] : kDprkLead[j.lead]) +
               kMrAsciiVowel[j.vowel] + kTail[j.tail];
        break;
      case Romanization::kCommon:
        text = CommonSyllable(j);
        break;
    }
    out.push_back(std::move(text));
    previous_tail = j.tail;
  }
  return out;
}

std::string_view ParticleAfter(std::string_view word, Particle particle) {
  // The last Hangul syllable decides; scan back over bytes to the start of each code point.
  int tail = kNoTail;
  const std::u32string decoded = DecodeUtf8(word);
  for (auto it = decoded.rbegin(); it != decoded.rend(); ++it) {
    if (IsHangulSyllable(*it)) {
      tail = Decompose(*it).tail;
      break;
    }
  }
  const bool consonant = tail != kNoTail;
  switch (particle) {
    case Particle::kTopic:
      return consonant ? "은" : "는";
    case Particle::kSubject:
      return consonant ? "이" : "가";
    case Particle::kObject:
      return consonant ? "을" : "를";
    case Particle::kAnd:
      return consonant ? "과" : "와";
    case Particle::kDirection:
      return consonant && tail != kTailL ? "으로" : "로";
  }
  return "";
}

}  // namespace custodian::synth
