// UTF-8 as RFC 3629 defines it: what decodes, what does not, and the lossy reading.
#include "base/utf8.h"

#include <gtest/gtest.h>

namespace custodian {
namespace {

TEST(Utf8Test, RoundTripsEveryLength) {
  const std::string text = "a\u00e9\uae40\U0001F600";  // 1, 2, 3 and 4 bytes
  Result<std::u32string> decoded = DecodeUtf8(text);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, U"a\u00e9\uae40\U0001F600");
  EXPECT_EQ(EncodeUtf8(*decoded), text);
}

TEST(Utf8Test, RefusesWhatIsNotUtf8NamingTheOffset) {
  const std::pair<std::string, size_t> bad[] = {
      {"\x80", 0},              // a continuation byte first
      {"ab\xC3", 2},            // cut short
      {"\xC0\xAF", 0},          // overlong '/'
      {"\xED\xA0\x80", 0},      // a UTF-16 surrogate
      {"\xF4\x90\x80\x80", 0},  // past U+10FFFF
      {"x\xE2\x28\xA1", 1},     // a bad continuation byte
      {"\xFF", 0},
  };
  for (const auto& [text, offset] : bad) {
    Result<std::u32string> r = DecodeUtf8(text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("byte " + std::to_string(offset)), std::string::npos)
        << r.status().message();
  }
}

TEST(Utf8Test, LossyReadsEachBadByteAsReplacement) {
  EXPECT_EQ(DecodeUtf8Lossy("a\xFF\uae40"), U"a\uFFFD\uae40");
  EXPECT_EQ(DecodeUtf8Lossy("\xC3"), U"\uFFFD");
  EXPECT_EQ(DecodeUtf8Lossy(""), U"");
}

TEST(Utf8Test, DecodesOneCodePointWhereAsked) {
  const std::string text = "a\uae40\xFF\U0001F600";
  size_t length = 0;
  EXPECT_EQ(DecodeUtf8At(text, 0, length), U'a');
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(DecodeUtf8At(text, 1, length), U'\uae40');
  EXPECT_EQ(length, 3u);
  EXPECT_EQ(DecodeUtf8At(text, 2, length), U'\uFFFD');  // inside a sequence
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(DecodeUtf8At(text, 4, length), U'\uFFFD');
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(DecodeUtf8At(text, 5, length), U'\U0001F600');
  EXPECT_EQ(length, 4u);
}

}  // namespace
}  // namespace custodian
