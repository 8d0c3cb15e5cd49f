// Tests for src/synth/hangul.h: syllable arithmetic (Unicode §3.12), the South Korean
// initial-sound rule, the five romanization systems on names whose spellings are well known
// (Cheol-su, Ch'ŏl-su, Chol Su, Chulsoo; Kim Jong Un; Thae Yong Ho), and particle choice.
#include "synth/hangul.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace custodian::synth {
namespace {

std::string Roman(const std::string& hangul, Romanization system, const char* joiner = "-") {
  std::string out;
  for (const std::string& part : RomanizeSyllables(DecodeUtf8(hangul), system)) {
    out += (out.empty() ? "" : joiner) + part;
  }
  return out;
}

TEST(HangulTest, ComposeAndDecomposeEverySyllable) {
  for (char32_t c = 0xAC00; c <= 0xD7A3; ++c) {
    ASSERT_TRUE(IsHangulSyllable(c));
    EXPECT_EQ(Compose(Decompose(c)), c);
  }
  EXPECT_FALSE(IsHangulSyllable(U'a'));
  EXPECT_FALSE(IsHangulSyllable(U'\u3131'));  // a compatibility jamo is not a syllable
  const Jamo kim = Decompose(U'김');
  EXPECT_EQ(kim.lead, 0);    // ㄱ
  EXPECT_EQ(kim.vowel, 20);  // ㅣ
  EXPECT_EQ(kim.tail, 16);   // ㅁ
}

TEST(HangulTest, Utf8RoundTrip) {
  const std::string text = "리영희 Ri Yong Hui 延吉 ŏ 😀";
  EXPECT_EQ(EncodeUtf8(DecodeUtf8(text)), text);
  EXPECT_EQ(DecodeUtf8("\xff")[0], U'\uFFFD');
}

TEST(HangulTest, InitialSoundRuleGivesTheSouthKoreanSpelling) {
  EXPECT_EQ(RokInitial(U'리'), U'이');
  EXPECT_EQ(RokInitial(U'림'), U'임');
  EXPECT_EQ(RokInitial(U'류'), U'유');
  EXPECT_EQ(RokInitial(U'량'), U'양');
  EXPECT_EQ(RokInitial(U'룡'), U'용');
  EXPECT_EQ(RokInitial(U'련'), U'연');
  EXPECT_EQ(RokInitial(U'로'), U'노');
  EXPECT_EQ(RokInitial(U'라'), U'나');
  EXPECT_EQ(RokInitial(U'녀'), U'여');
  EXPECT_EQ(RokInitial(U'김'), U'김');
  EXPECT_EQ(RokInitial(U'노'), U'노');
  EXPECT_EQ(RokInitial(U'a'), U'a');
}

TEST(HangulTest, RevisedRomanization) {
  EXPECT_EQ(Roman("철수", Romanization::kRr), "cheol-su");
  EXPECT_EQ(Roman("영희", Romanization::kRr), "yeong-hui");
  EXPECT_EQ(Roman("광혁", Romanization::kRr), "gwang-hyeok");
  EXPECT_EQ(Roman("은정", Romanization::kRr), "eun-jeong");
  EXPECT_EQ(Roman("김", Romanization::kRr), "gim");
  EXPECT_EQ(Roman("박", Romanization::kRr), "bak");
}

TEST(HangulTest, McCuneReischauerVoicesAfterVowelsAndNasals) {
  EXPECT_EQ(Roman("철수", Romanization::kMr), "ch'ŏl-su");
  EXPECT_EQ(Roman("영희", Romanization::kMr), "yŏng-hŭi");
  EXPECT_EQ(Roman("경대", Romanization::kMr), "kyŏng-dae");  // voiced after ㅇ
  EXPECT_EQ(Roman("혜보", Romanization::kMr), "hye-bo");     // voiced after a vowel
  EXPECT_EQ(Roman("덕보", Romanization::kMr), "tŏk-po");     // not after ㄱ
  EXPECT_EQ(Roman("철수", Romanization::kMrAscii), "chol-su");
  EXPECT_EQ(Roman("영희", Romanization::kMrAscii), "yong-hui");
}

TEST(HangulTest, DprkStyle) {
  EXPECT_EQ(Roman("정은", Romanization::kDprk, " "), "jong un");  // Kim Jong Un
  EXPECT_EQ(Roman("태영호", Romanization::kDprk, " "), "thae yong ho");
  EXPECT_EQ(Roman("봉주", Romanization::kDprk, " "), "pong ju");  // Pak Pong Ju
  EXPECT_EQ(Roman("영대", Romanization::kDprk, " "), "yong dae");
  EXPECT_EQ(Roman("철수", Romanization::kDprk, " "), "chol su");
}

TEST(HangulTest, CommonPersonalSpellings) {
  EXPECT_EQ(Roman("철수", Romanization::kCommon, ""), "chulsoo");
  EXPECT_EQ(Roman("영희", Romanization::kCommon, ""), "younghee");
  EXPECT_EQ(Roman("경호", Romanization::kCommon), "kyung-ho");
  EXPECT_EQ(Roman("명순", Romanization::kCommon), "myung-soon");
  EXPECT_EQ(Roman("혜숙", Romanization::kCommon), "hye-sook");
  EXPECT_EQ(Roman("신", Romanization::kCommon), "shin");
  EXPECT_EQ(Roman("윤", Romanization::kCommon), "yoon");
}

TEST(HangulTest, ParticlesFitTheLastSyllable) {
  EXPECT_EQ(ParticleAfter("어머니", Particle::kTopic), "는");
  EXPECT_EQ(ParticleAfter("온성", Particle::kTopic), "은");
  EXPECT_EQ(ParticleAfter("어머니", Particle::kSubject), "가");
  EXPECT_EQ(ParticleAfter("두만강", Particle::kObject), "을");
  EXPECT_EQ(ParticleAfter("교화 5년", Particle::kObject), "을");
  EXPECT_EQ(ParticleAfter("3주", Particle::kObject), "를");
  EXPECT_EQ(ParticleAfter("신의주", Particle::kDirection), "로");
  EXPECT_EQ(ParticleAfter("남양", Particle::kDirection), "으로");
  EXPECT_EQ(ParticleAfter("회령", Particle::kDirection), "으로");
  EXPECT_EQ(ParticleAfter("연길", Particle::kDirection), "로");  // ㄹ takes 로
  EXPECT_EQ(ParticleAfter("연길(延吉)", Particle::kDirection), "로");
  EXPECT_EQ(ParticleAfter("할머니", Particle::kAnd), "와");
  EXPECT_EQ(ParticleAfter("Yanji", Particle::kTopic), "는");
}

}  // namespace
}  // namespace custodian::synth
