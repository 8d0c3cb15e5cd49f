// Korean name normalisation (link.h): every spelling of a name in FACTS.md and issue 8 gives
// one key, different names give different keys, and text that is not a Korean name is an error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "link/link.h"

namespace custodian::link {
namespace {

std::string Key(std::string_view full_name) {
  Result<KoreanName> name = ParseKoreanName(full_name);
  EXPECT_TRUE(name.ok()) << name.status().ToString();
  return name.ok() ? name->Key() : "";
}

std::string Word(std::string_view word) {
  Result<std::vector<std::string>> s = KoreanSyllables(word);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  std::string out;
  if (s.ok()) {
    for (const std::string& syllable : *s) out += syllable;
  }
  return out;
}

std::string Surname(std::string_view word) {
  Result<std::vector<std::string>> s = KoreanSurnameSyllables(word);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  std::string out;
  if (s.ok()) {
    for (const std::string& syllable : *s) out += syllable;
  }
  return out;
}

TEST(KoreanNameTest, EverySpellingOfKimCheolsuMeets) {
  const std::string expected = Key("김철수");
  EXPECT_EQ(expected, "KIM COLSO");
  for (const char* spelling :
       {"Kim Chol Su", "Gim Cheol-su", "KIM Chol-su", "Chulsoo Kim", "Kim Ch'ŏl-su", "김 철수",
        "Kim Ch\u2019\u014fl-su", "Kim, Cheolsu", "kim cheol su", "Cheol-su KIM", "Kim Chul-soo",
        "Kim Ch'o\u0306l-su"}) {
    EXPECT_EQ(Key(spelling), expected) << "spelling #" << spelling;
  }
}

TEST(KoreanNameTest, DifferentNamesDiffer) {
  EXPECT_NE(Key("김철수"), Key("김철호"));
  EXPECT_NE(Key("Kim Chol Su"), Key("Kim Chol Ho"));
  EXPECT_NE(Key("김철수"), Key("박철수"));
  EXPECT_NE(Key("김영희"), Key("김영호"));
  EXPECT_NE(Word("Song-il"), Word("Sun-il"));  // ㅗ/ㅜ merge, but the coda ng/n does not
  EXPECT_NE(Word("Kwang-il"), Word("Kwan-gil"));
}

TEST(KoreanNameTest, SurnameVariants) {
  const std::vector<std::vector<const char*>> groups = {
      {"김", "Kim", "Gim", "KIM"},
      {"리", "이", "Ri", "Lee", "Yi", "Rhee", "I", "Li"},
      {"박", "Pak", "Park", "Bak"},
      {"최", "Choe", "Choi", "Ch'oe"},
      {"정", "Jong", "Jeong", "Chung", "Chong", "Jung", "Chŏng"},
      {"림", "임", "Rim", "Lim", "Im", "Yim"},
      {"류", "유", "Ryu", "Yu", "Yoo"},
      {"로", "노", "Ro", "Roh", "Noh", "No"},
      {"강", "Kang", "Gang"},
      {"윤", "Yun", "Yoon", "Youn"},
      {"서", "Seo", "Suh", "So", "Sŏ"},
      {"백", "Baek", "Paik", "Paek"},
      {"권", "Kwon", "Gwon", "Kwŏn"},
      {"오", "O", "Oh"},
      {"안", "An", "Ahn"},
      {"신", "Sin", "Shin"},
  };
  std::vector<std::string> keys;
  for (const auto& group : groups) {
    const std::string key = Surname(group[0]);
    for (const char* spelling : group) EXPECT_EQ(Surname(spelling), key) << spelling;
    keys.push_back(key);
  }
  // The groups stay apart.
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = i + 1; j < keys.size(); ++j) EXPECT_NE(keys[i], keys[j]) << i << " " << j;
  }
}

TEST(KoreanNameTest, GivenNamesInEverySystem) {
  // RR, MR, MR without breves, DPRK style, personal spelling (as src/synth writes them).
  const std::vector<std::vector<const char*>> groups = {
      {"영희", "Yeong-hui", "Yŏng-hŭi", "Yong-hui", "Yong Hui", "Younghee"},
      {"경대", "Gyeong-dae", "Kyŏng-dae", "Kyong-dae", "Kyong Dae", "Kyungdae"},
      {"태용", "Tae-yong", "T'ae-yong", "Thae Yong", "Taeyong"},
      {"정은", "Jeong-eun", "Chŏng-ŭn", "Jong Un", "Jungeun"},
      {"룡남", "용남", "Ryong Nam", "Yong-nam", "Yongnam"},
      {"련희", "연희", "Ryon Hui", "Yeon-hui", "Yeonhee"},
      {"혁", "Hyeok", "Hyŏk", "Hyok", "Hyuk"},
      {"광일", "Gwang-il", "Kwang Il", "Kwangil"},
  };
  for (const auto& group : groups) {
    const std::string key = Word(group[0]);
    for (const char* spelling : group) EXPECT_EQ(Word(spelling), key) << spelling;
  }
}

TEST(KoreanNameTest, NameOrderAndCompoundSurnames) {
  EXPECT_EQ(Key("Pak Yong Sik"), Key("Yong Sik Pak"));
  EXPECT_EQ(Key("Kim Jong Un"), Key("김정은"));
  EXPECT_EQ(Key("Jong Un Kim"), Key("김정은"));  // both ends are surnames: Kim is commoner
  Result<KoreanName> namgung = ParseKoreanName("남궁민수");
  ASSERT_TRUE(namgung.ok());
  EXPECT_EQ(namgung->surname.size(), 2u);
  EXPECT_EQ(namgung->given.size(), 2u);
  Result<KoreanName> separate = ParseKoreanName("Ri", "Sol-ju");
  ASSERT_TRUE(separate.ok());
  EXPECT_EQ(separate->Key(), Key("리설주"));
}

TEST(KoreanNameTest, ANameWithASurnameAtBothEndsReadsBothWays) {
  // 정 is commoner than 신, so ParseKoreanName reads Western order; the person may be 신철정.
  Result<std::vector<KoreanName>> both = KoreanNameReadings("Sin Chul Jung");
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].Key(), Key("Sin Chul Jung"));
  EXPECT_EQ((*both)[0].Key(), Key("정신철"));
  EXPECT_EQ((*both)[1].Key(), Key("신철정"));
  // One reading where the order is decided, or only one end is a surname, or the given name
  // is one word.
  for (const char* decided :
       {"SIN Chul Jung", "Jung, Sin Chul", "Pak Yong Sik", "Kim Song", "신철정", "신 철정"}) {
    Result<std::vector<KoreanName>> one = KoreanNameReadings(decided);
    ASSERT_TRUE(one.ok()) << decided << ": " << one.status().ToString();
    EXPECT_EQ(one->size(), 1u) << decided;
    EXPECT_EQ(one->front().Key(), Key(decided)) << decided;
  }
  EXPECT_EQ(KoreanNameReadings("Sin Chul \xff").status().code(), StatusCode::kInvalidArgument);
}

TEST(KoreanNameTest, OneSlipInARomanizationIsUndone) {
  // A doubled letter, two letters swapped, one letter too many: the name still reads as Korean,
  // and as the name it was meant to be.
  EXPECT_EQ(Key("Kim Okk Ryon"), Key("Kim Ok-ryon"));
  EXPECT_EQ(Key("Park Dongill"), Key("Park Dong-il"));
  EXPECT_EQ(Word("Myogn"), Word("Myong"));
  EXPECT_EQ(Key("Yang Ok Myogn"), Key("Yang Ok-myong"));
  // Spellings that parse as they are keep their reading.
  EXPECT_EQ(Word("Okryon"), Word("Ok-ryon"));
  EXPECT_NE(Word("Myong"), Word("Myon"));
}

TEST(KoreanNameTest, BadInputIsAClearError) {
  for (const char* bad :
       {"", "   ", "Smith John", "Kim", "김", "Kim \xff\xfe", "Kim Chol\xc0\xaf"}) {
    Result<KoreanName> name = ParseKoreanName(bad);
    EXPECT_FALSE(name.ok()) << bad;
    if (!name.ok()) {
      EXPECT_EQ(name.status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_FALSE(KoreanSyllables("Xavier").ok());
  EXPECT_FALSE(KoreanSurnameSyllables("").ok());
  EXPECT_FALSE(ParseKoreanName("Kim", "").ok());
}

}  // namespace
}  // namespace custodian::link
