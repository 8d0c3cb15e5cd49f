// Tests for the strict I-JSON reader and the RFC 8785 canonical writer.
#include "base/canonical_json.h"

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace custodian {
namespace {

using nlohmann::json;

// Parses text the test itself wrote and knows to be valid.
json MustParse(std::string_view text) {
  Result<json> parsed = ParseJson(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << " for " << text;
  return parsed.ok() ? *parsed : json();
}

// The message of a parse failure, after checking that it is an InvalidArgument one.
std::string ParseError(std::string_view text, const JsonLimits& limits = {}) {
  Result<json> parsed = ParseJson(text, limits);
  EXPECT_FALSE(parsed.ok()) << "accepted: " << text.substr(0, 200);
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << parsed.status().ToString();
  return parsed.status().message();
}

std::string Utf8(char32_t code_point) {
  std::string out;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
  return out;
}

// UTF-16 code units of well-formed UTF-8, as an independent reference for key order.
std::u16string Utf16(std::string_view utf8) {
  std::u16string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char lead = static_cast<unsigned char>(utf8[i]);
    int length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t code_point = length == 1   ? lead
                          : length == 2 ? lead & 0x1F
                          : length == 3 ? lead & 0x0F
                                        : lead & 0x07;
    for (int j = 1; j < length; ++j) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(utf8[i + j]) & 0x3F);
    }
    if (code_point >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((code_point - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((code_point - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(code_point);
    }
    i += length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CanonicalJson

TEST(CanonicalJsonTest, Literals) {
  EXPECT_EQ(CanonicalJson(json(nullptr)), "null");
  EXPECT_EQ(CanonicalJson(json(true)), "true");
  EXPECT_EQ(CanonicalJson(json(false)), "false");
  EXPECT_EQ(CanonicalJson(json::array()), "[]");
  EXPECT_EQ(CanonicalJson(json::object()), "{}");
}

// RFC 8785 Appendix B: IEEE-754 bit patterns and their required serialization.
TEST(CanonicalJsonTest, RfcAppendixBNumberSamples) {
  const struct {
    uint64_t bits;
    const char* expected;
  } kSamples[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& sample : kSamples) {
    EXPECT_EQ(CanonicalJson(json(std::bit_cast<double>(sample.bits))), sample.expected)
        << std::hex << sample.bits;
  }
}

TEST(CanonicalJsonTest, NumbersFollowEcmaScriptLayout) {
  const struct {
    double value;
    const char* expected;
  } kCases[] = {
      {0.0, "0"},
      {-0.0, "0"},
      {1e21, "1e+21"},
      {1e-7, "1e-7"},
      {-1e-7, "-1e-7"},
      {1.25e-7, "1.25e-7"},
      {333333333.3333333, "333333333.3333333"},
      {1e23, "1e+23"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {9007199254740992.0, "9007199254740992"},
      {0.000001, "0.000001"},
      {0.0000015, "0.0000015"},
      {123456789012345680000.0, "123456789012345680000"},
      {1e20, "100000000000000000000"},
      {4.5, "4.5"},
      {2e-3, "0.002"},
      {0.1, "0.1"},
      {-2.5, "-2.5"},
      {2.0, "2"},
      {-2.0, "-2"},
      {100.0, "100"},
      {1.5e300, "1.5e+300"},
      {123.456, "123.456"},
  };
  for (const auto& c : kCases) EXPECT_EQ(CanonicalJson(json(c.value)), c.expected) << c.value;
}

TEST(CanonicalJsonTest, IntegersArePlainDigits) {
  EXPECT_EQ(CanonicalJson(json(0)), "0");
  EXPECT_EQ(CanonicalJson(json(-1)), "-1");
  EXPECT_EQ(CanonicalJson(json(int64_t{9007199254740992})), "9007199254740992");
  EXPECT_EQ(CanonicalJson(json(int64_t{-9007199254740992})), "-9007199254740992");
  EXPECT_EQ(CanonicalJson(json(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(CanonicalJson(json(UINT64_MAX)), "18446744073709551615");
}

// RFC 8785 §3.2.3: names compare as UTF-16 code units, so U+1F600 (D83D DE00) precedes U+FB33.
TEST(CanonicalJsonTest, RfcSortingExample) {
  json value = MustParse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  EXPECT_EQ(CanonicalJson(value),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
            "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
            "\"\U0001F600\":\"Emoji: Grinning Face\","
            "\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalJsonTest, SortsSupplementaryBeforeHighBmpAndPrefixesFirst) {
  json value = json::object();
  for (const char* key : {"\uFFFF", "\uE000", "\U00010000", "\U0010FFFF", "\uD7FF", "", "a", "ab",
                          "\U0001F600x", "\U0001F600"}) {
    value[key] = 0;
  }
  EXPECT_EQ(CanonicalJson(value),
            "{\"\":0,\"a\":0,\"ab\":0,\"\uD7FF\":0,\"\U00010000\":0,\"\U0001F600\":0,"
            "\"\U0001F600x\":0,\"\U0010FFFF\":0,\"\uE000\":0,\"\uFFFF\":0}");
}

// The example of RFC 8785 §3.2.2 (serialization of primitive data types).
TEST(CanonicalJsonTest, RfcPrimitiveSerializationExample) {
  json value = MustParse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  EXPECT_EQ(CanonicalJson(value),
            "{\"literals\":[null,true,false],"
            "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(CanonicalJsonTest, EscapesEveryControlCharacterAndNothingElse) {
  const char* const kShortForms[0x20] = {
      nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
      "\\b",   "\\t",   "\\n",   nullptr, "\\f",   "\\r",   nullptr, nullptr,
  };
  for (int c = 0; c < 0x20; ++c) {
    char expected_hex[7];
    std::snprintf(expected_hex, sizeof(expected_hex), "\\u%04x", c);
    std::string expected = kShortForms[c] != nullptr ? kShortForms[c] : expected_hex;
    EXPECT_EQ(CanonicalJson(json(std::string(1, static_cast<char>(c)))), "\"" + expected + "\"")
        << "control character " << c;
  }
  EXPECT_EQ(CanonicalJson(json("\u001F")), "\"\\u001f\"");  // lowercase hex
  EXPECT_EQ(CanonicalJson(json("\"")), R"("\"")");
  EXPECT_EQ(CanonicalJson(json("\\")), R"("\\")");
  // Everything else is literal: '/', DEL, U+2028, Hangul, emoji.
  std::string literal = "/\x7F\u2028\u2029\uC99D\uAC70 \uBCF4\uAD00\U0001F600";
  EXPECT_EQ(CanonicalJson(json(literal)), "\"" + literal + "\"");
  EXPECT_EQ(CanonicalJson(json(std::string("a\0b", 3))), "\"a\\u0000b\"");
}

TEST(CanonicalJsonTest, NestedValues) {
  json value = MustParse(R"( { "b" : [ 1 , { "d" : [ ] , "c" : { } } ] ,
                                      "a" : { "z" : null , "y" : [ true , 2.50 , -0.0 ] } } )");
  EXPECT_EQ(CanonicalJson(value), R"({"a":{"y":[true,2.5,0],"z":null},"b":[1,{"c":{},"d":[]}]})");
}

TEST(CanonicalJsonTest, AppendKeepsExistingContent) {
  std::string out = "prefix:";
  AppendCanonicalJson(json{{"k", {1, 2}}}, out);
  AppendCanonicalJson(json("x"), out);
  EXPECT_EQ(out, R"(prefix:{"k":[1,2]}"x")");
}

// Random values covering every branch of the writer: all string classes (controls, Hangul,
// U+E000..U+FFFF, emoji and other supplementary characters), all number kinds, deep nesting.
class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : random_(seed) {}

  json Value(int depth) {
    const int kind = Uniform(0, depth >= 8 ? 5 : 7);
    switch (kind) {
      case 0:
        return json(nullptr);
      case 1:
        return json(Uniform(0, 1) == 1);
      case 2:
        return Integer();
      case 3:
        return json(Double());
      case 4:
      case 5:
        return json(String(Uniform(0, 12)));
      case 6: {
        json array = json::array();
        for (int i = Uniform(0, 5); i > 0; --i) array.push_back(Value(depth + 1));
        return array;
      }
      default: {
        json object = json::object();
        for (int i = Uniform(0, 6); i > 0; --i) {
          const std::string key =
              Uniform(0, 2) == 0 ? "field_" + std::to_string(Uniform(0, 9)) : String(Uniform(0, 4));
          object[key] = Value(depth + 1);
        }
        return object;
      }
    }
  }

  std::string String(int length) {
    std::string out;
    for (int i = 0; i < length; ++i) out += Utf8(CodePoint());
    return out;
  }

 private:
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  char32_t CodePoint() {
    switch (Uniform(0, 8)) {
      case 0:
        return Uniform(0x00, 0x1F);  // controls
      case 1:
        return U"\"\\/\x7F"[Uniform(0, 3)];  // special ASCII
      case 2:
        return Uniform(0x80, 0x7FF);  // two-byte
      case 3:
        return Uniform(0xAC00, 0xD7A3);  // Hangul syllables
      case 4:
        return Uniform(0, 1) == 0 ? 0x2028 : 0x2029;
      case 5:
        return Uniform(0xE000, 0xFFFF);  // sorts after supplementary in UTF-16
      case 6:
        return Uniform(0x1F600, 0x1F64F);  // emoji
      case 7:
        return Uniform(0x10000, 0x10FFFF);  // any supplementary
      default:
        return Uniform(0x20, 0x7E);  // printable ASCII
    }
  }

  json Integer() {
    constexpr int64_t kLimit = int64_t{1} << 53;
    if (Uniform(0, 1) == 0) {
      return json(std::uniform_int_distribution<int64_t>(-kLimit, kLimit)(random_));
    }
    return json(std::uniform_int_distribution<uint64_t>(0, kLimit)(random_));
  }

  double Double() {
    switch (Uniform(0, 4)) {
      case 0: {  // any finite bit pattern, subnormals included
        double d;
        do {
          d = std::bit_cast<double>(std::uniform_int_distribution<uint64_t>()(random_));
        } while (!std::isfinite(d));
        return d;
      }
      case 1:  // short decimals, the common case in real entries
        return Uniform(-100000, 100000) / std::pow(10.0, Uniform(0, 8));
      case 2:  // integral doubles beyond 2^53, printed without an exponent below 1e21
        return std::ldexp(static_cast<double>(Uniform(1, 1 << 20)), Uniform(53, 75));
      case 3:
        return Uniform(0, 1) == 0 ? -0.0 : 2.0;
      default:  // near the ECMAScript layout boundaries 1e-7 and 1e21
        return Uniform(1, 999) * std::pow(10.0, Uniform(-10, 24));
    }
  }

  std::mt19937 random_;
};

TEST(CanonicalJsonTest, RandomValuesRoundTripAndAreIdempotent) {
  RandomJson generator(20240611);
  for (int i = 0; i < 2000; ++i) {
    json value = generator.Value(0);
    std::string canonical = CanonicalJson(value);
    Result<json> reparsed = ParseJson(canonical);
    ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString() << "\n" << canonical;
    EXPECT_EQ(*reparsed, value) << canonical;
    EXPECT_EQ(CanonicalJson(*reparsed), canonical);
  }
}

// An independent check of member order: read the canonical text back preserving order and
// compare neighbouring names as std::u16string, which orders by UTF-16 code units.
TEST(CanonicalJsonTest, RandomObjectsAreSortedByUtf16CodeUnits) {
  RandomJson generator(7);
  for (int i = 0; i < 500; ++i) {
    json value = json::object();
    for (int j = 0; j < 12; ++j) value[generator.String(1 + j % 3)] = j;
    nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(CanonicalJson(value));
    ASSERT_EQ(ordered.size(), value.size());
    std::u16string previous;
    bool first = true;
    for (const auto& member : ordered.items()) {
      std::u16string current = Utf16(member.key());
      if (!first) {
        EXPECT_LT(previous, current);
      }
      previous = current;
      first = false;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ParseJson

TEST(ParseJsonTest, AcceptsTopLevelScalarsAndSurroundingWhitespace) {
  EXPECT_EQ(MustParse("null"), json(nullptr));
  EXPECT_EQ(MustParse(" \t\r\n42 \n"), json(42));
  EXPECT_EQ(MustParse("\"text\""), json("text"));
  EXPECT_EQ(MustParse("true"), json(true));
  EXPECT_EQ(MustParse("-0.5"), json(-0.5));
  EXPECT_EQ(MustParse("\"\\ud83d\\ude00\""), json("\U0001F600"));
  EXPECT_EQ(MustParse(R"({"a":{"a":1},"b":{"a":2}})")["b"]["a"], json(2));
}

TEST(ParseJsonTest, RejectsEmptyInput) {
  EXPECT_EQ(ParseError(""), "malformed JSON at byte 0: empty input");
  EXPECT_NE(ParseError(" \n").find("truncated"), std::string::npos);
}

TEST(ParseJsonTest, RejectsTruncatedText) {
  std::string message = ParseError(R"({"a":[1,2)");
  EXPECT_NE(message.find("malformed JSON at byte 9"), std::string::npos) << message;
  EXPECT_NE(message.find("unexpected end of input"), std::string::npos) << message;
  EXPECT_NE(message.find("(is the input truncated?)"), std::string::npos) << message;
  EXPECT_NE(ParseError(R"({"key": "unfinished)").find("truncated"), std::string::npos);
}

TEST(ParseJsonTest, RejectsTrailingData) {
  EXPECT_EQ(ParseError("{}x"), "malformed JSON at byte 2: unexpected data after the JSON value");
  EXPECT_EQ(ParseError("{} {}"), "malformed JSON at byte 3: unexpected data after the JSON value");
  EXPECT_EQ(ParseError("1 2"), "malformed JSON at byte 2: unexpected data after the JSON value");
}

TEST(ParseJsonTest, RejectsDuplicateKeysNamingThem) {
  EXPECT_EQ(ParseError(R"({"a":1,"a":2})"),
            "duplicate object key \"a\" at byte 7 (I-JSON, RFC 7493 §2.3)");
  // Duplicates are found after unescaping, and in nested objects.
  EXPECT_EQ(ParseError(R"({"x":{"a\"b":1, "a\u0022b":2}})"),
            "duplicate object key \"a\\\"b\" at byte 16 (I-JSON, RFC 7493 §2.3)");
  EXPECT_NE(ParseError(R"({"\uAC00":1,"가":2})").find("\"가\""), std::string::npos);
  // A hostile key is quoted only in part.
  std::string long_key(5000, 'k');
  std::string message = ParseError("{\"" + long_key + "\":1,\"" + long_key + "\":2}");
  EXPECT_LT(message.size(), 200u) << message;
}

TEST(ParseJsonTest, RejectsInvalidUtf8) {
  EXPECT_NE(ParseError("\xff").find("byte 0"), std::string::npos);
  std::string in_string = ParseError("\"Secret\xff\"");
  EXPECT_NE(in_string.find("byte 7"), std::string::npos) << in_string;
  EXPECT_NE(in_string.find("ill-formed UTF-8"), std::string::npos) << in_string;
  // What was being read may be a name: the offset points at it, the message does not repeat it.
  EXPECT_EQ(in_string.find("Secret"), std::string::npos) << in_string;
  ParseError("{\"k\xfe\":1}");
  ParseError("\"\xE2\x82\"");          // truncated sequence
  ParseError("\"\x80\"");              // stray continuation byte
  ParseError("\"\xF4\x90\x80\x80\"");  // above U+10FFFF
  ParseError("\"\xED\xA0\x80\"");      // a surrogate encoded directly
}

TEST(ParseJsonTest, RejectsOverlongUtf8) {
  ParseError("\"\xC0\xAF\"");  // '/' in two bytes
  ParseError("\"\xC1\xBF\"");
  ParseError("\"\xE0\x80\xAF\"");      // '/' in three bytes
  ParseError("\"\xE0\x9F\xBF\"");      // U+07FF in three bytes
  ParseError("\"\xF0\x80\x80\xAF\"");  // '/' in four bytes
  ParseError("\"\xF0\x8F\xBF\xBF\"");  // U+FFFF in four bytes
}

TEST(ParseJsonTest, RejectsLoneSurrogateEscapes) {
  EXPECT_NE(ParseError(R"("\ud800")").find("surrogate"), std::string::npos);
  ParseError(R"("\udc00")");
  ParseError(R"("\ud800x")");
  ParseError(R"("\ud800\u0041")");
  ParseError(R"("\ude00\ud83d")");  // pair in the wrong order
  ParseError(R"({"\udbff":1})");
}

TEST(ParseJsonTest, DepthLimit) {
  auto nested_arrays = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(ParseJson(nested_arrays(64)).ok());
  EXPECT_EQ(ParseError(nested_arrays(65)), "JSON nested deeper than 64 levels at byte 64");

  std::string objects = "1";
  for (int i = 0; i < 65; ++i) objects.insert(0, "{\"a\": ").append("}");
  EXPECT_NE(ParseError(objects).find("deeper than 64 levels at byte 384"), std::string::npos);

  EXPECT_TRUE(ParseJson("[[1]]", {.max_depth = 2}).ok());
  EXPECT_EQ(ParseError("[[[1]]]", {.max_depth = 2}), "JSON nested deeper than 2 levels at byte 2");
  EXPECT_TRUE(ParseJson("7", {.max_depth = 0}).ok());
}

TEST(ParseJsonTest, HundredMegabytesOfOpenBracketsFailFast) {
  std::string hostile(100u << 20, '[');
  EXPECT_NE(ParseError(hostile).find("over the limit"), std::string::npos);

  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ParseError(hostile, {.max_bytes = 200u << 20}),
            "JSON nested deeper than 64 levels at byte 64");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(ParseJsonTest, SizeLimit) {
  JsonLimits limits{.max_bytes = 16};
  EXPECT_TRUE(ParseJson("\"" + std::string(14, 'x') + "\"", limits).ok());
  EXPECT_EQ(ParseError("\"" + std::string(15, 'x') + "\"", limits),
            "JSON text is 17 bytes, over the limit of 16");
  EXPECT_NE(ParseError(std::string((1u << 20) + 1, ' ')).find("over the limit of 1048576"),
            std::string::npos);
}

TEST(ParseJsonTest, IntegersBeyondTwoToThe53Rejected) {
  EXPECT_EQ(MustParse("9007199254740992"), json(int64_t{9007199254740992}));
  EXPECT_EQ(MustParse("-9007199254740992"), json(int64_t{-9007199254740992}));
  EXPECT_EQ(ParseError("9007199254740993"),
            "integer 9007199254740993 at byte 0 is beyond +-2^53 and would be read as "
            "9007199254740992 (I-JSON, RFC 7493 §2.2); store it as a string");
  EXPECT_NE(ParseError("[1, -9007199254740993]").find("integer -9007199254740993 at byte 4"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"id":18446744073709551615})").find("at byte 6"), std::string::npos);
  EXPECT_NE(ParseError("-9223372036854775809").find("beyond +-2^53"), std::string::npos);
  ParseError("123456789012345678901234567890");
  ParseError("1000000000000000000000");  // exact, but RFC 8785 spells that double 1e+21
}

// Large integral doubles print without an exponent below 1e21 (RFC 8785 §3.2.2.3); ParseJson must
// read CanonicalJson's output back, so such literals are accepted when exactly that spelling.
TEST(ParseJsonTest, AcceptsCanonicalSpellingsOfLargeDoubles) {
  for (const char* text : {"123456789012345680000", "295147905179352830000", "9007199254740994",
                           "-999999999999999700000", "100000000000000000000"}) {
    json value = MustParse(text);
    EXPECT_EQ(CanonicalJson(value), text);
  }
}

TEST(ParseJsonTest, RejectsNonFiniteNumbers) {
  ParseError("NaN");
  ParseError("[NaN]");
  ParseError("Infinity");
  ParseError("-Infinity");
  EXPECT_NE(ParseError("[1e400]").find("byte 1: number overflow"), std::string::npos);
}

// nlohmann's lexer alone would stop at a NUL byte and accept what came before it.
TEST(ParseJsonTest, RejectsNulBytesAnywhere) {
  EXPECT_EQ(ParseError(std::string("{}\0{\"forged\":1}", 15)),
            "malformed JSON at byte 2: NUL byte (JSON allows it only escaped, as \\u0000)");
  EXPECT_NE(ParseError(std::string("{}\0", 3)).find("byte 2: NUL"), std::string::npos);
  EXPECT_NE(ParseError(std::string("\"a\0\"", 4)).find("byte 2: NUL"), std::string::npos);
  EXPECT_EQ(MustParse(R"("a\u0000b")"), json(std::string("a\0b", 3)));
}

TEST(ParseJsonTest, RejectsOtherNonStandardSyntax) {
  EXPECT_EQ(ParseError("\xEF\xBB\xBF{}"),
            "malformed JSON at byte 0: byte order mark before the JSON value");
  ParseError("// comment\n{}");
  ParseError("{} /* comment */");
  ParseError("[1,]");
  ParseError("{'a':1}");
  ParseError("01");
  ParseError("+1");
  ParseError("\"tab\there\"");
  ParseError("{\"a\" 1}");
}

// Whatever the bytes, ParseJson answers with a value or an InvalidArgument status, never an
// exception or a crash (the sanitizers watch the latter).
TEST(ParseJsonTest, MangledInputNeverThrows) {
  RandomJson generator(99);
  std::mt19937 random(99);
  for (int i = 0; i < 3000; ++i) {
    std::string text = CanonicalJson(generator.Value(0));
    int edits = std::uniform_int_distribution<int>(1, 4)(random);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = std::uniform_int_distribution<size_t>(0, text.size() - 1)(random);
      switch (std::uniform_int_distribution<int>(0, 2)(random)) {
        case 0:
          text[at] = static_cast<char>(random());
          break;
        case 1:
          text.erase(at, 1);
          break;
        default:
          text.resize(at);
          break;
      }
    }
    Result<json> parsed(json(nullptr));
    ASSERT_NO_THROW(parsed = ParseJson(text)) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << parsed.status().ToString();
    }
  }
}

}  // namespace
}  // namespace custodian
