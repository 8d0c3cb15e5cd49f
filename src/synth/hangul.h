// Private to src/synth: Hangul syllables, romanization and Korean particles.
//
// Names in the corpus must vary the way they do between real documentation projects: Hangul in
// the DPRK or the South Korean spelling (리 or 이), and Latin letters in one of five systems.
// ICU's Hangul-Latin transform is letter by letter and has neither Revised Romanization nor the
// DPRK's style (DESIGN.md, "Known facts"), so the tables are ours. Every Hangul string built here
// is made of precomposed syllables (U+AC00..U+D7A3), which is NFC by construction.
#ifndef CUSTODIAN_SYNTH_HANGUL_H_
#define CUSTODIAN_SYNTH_HANGUL_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"

namespace custodian::synth {

// Unicode 15 §3.12: syllable = 0xAC00 + (lead * 21 + vowel) * 28 + tail; 19 leads, 21 vowels,
// 28 tails (tail 0 = no final consonant).
struct Jamo {
  int lead = 0;
  int vowel = 0;
  int tail = 0;
};

bool IsHangulSyllable(char32_t c);
Jamo Decompose(char32_t syllable);  // precondition: IsHangulSyllable
char32_t Compose(const Jamo& jamo);

// UTF-8 of the project's own data and generated text: valid by construction (the tables are
// checked when loaded), so an invalid byte reads as U+FFFD instead of failing.
inline std::u32string DecodeUtf8(std::string_view text) { return DecodeUtf8Lossy(text); }
using custodian::AppendUtf8;
using custodian::EncodeUtf8;

// The South Korean spelling of a syllable at the start of a word (the initial-sound rule,
// 두음법칙): 리 -> 이, 로 -> 노, 룡 -> 용, 녀 -> 여. Other syllables are returned unchanged.
char32_t RokInitial(char32_t syllable);

enum class Romanization {
  kRr,       // Revised Romanization (ROK 2000): Cheol-su, Yeong-hui
  kMr,       // McCune-Reischauer with breves and apostrophes: Ch'ŏl-su, Yŏng-hŭi
  kMrAscii,  // the same without diacritics, as most English documents write it: Chol-su
  kDprk,     // the DPRK's own MR-based style (KCNA): Chol Su, Thae Yong, Jong Un
  kCommon,   // personal spellings that follow no system: Chulsoo, Younghee
};

// The lowercase romanization of each syllable of a given name (or any word), applying the
// system's rule at syllable boundaries: MR and the DPRK style voice an initial ㄱ ㄷ ㅂ ㅈ after
// a vowel or ㄴ ㄹ ㅁ ㅇ (Kyŏng-dae, Yong Dae). Other assimilations are left out, as they usually
// are when names are written syllable by syllable.
std::vector<std::string> RomanizeSyllables(std::u32string_view syllables, Romanization system);

// Korean particles whose form depends on whether the word before ends in a consonant.
enum class Particle {
  kTopic,      // 은 / 는
  kSubject,    // 이 / 가
  kObject,     // 을 / 를
  kAnd,        // 과 / 와
  kDirection,  // 으로 / 로 (로 also after ㄹ)
};

// The form of `particle` that follows `word`, judged by its last Hangul syllable, so that
// "연길(延吉)" takes the particle of 길. A word without Hangul takes the form for a vowel.
std::string_view ParticleAfter(std::string_view word, Particle particle);

}  // namespace custodian::synth

#endif  // CUSTODIAN_SYNTH_HANGUL_H_
