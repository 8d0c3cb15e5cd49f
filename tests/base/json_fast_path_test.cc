// Differential tests of ParseJson's two readers: the simdjson fast path must accept exactly what
// the strict nlohmann path accepts, with the same value down to the number type and the sign of
// zero, and must leave every rejection (and so every message) to the strict path.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "base/canonical_json.h"

namespace custodian {
namespace {

using nlohmann::json;

// Equal as values and as DOMs: same types throughout (unsigned vs signed integers included),
// doubles bit for bit (so -0.0 differs from 0.0).
::testing::AssertionResult Same(const json& a, const json& b, const std::string& path = "$") {
  if (a.type() != b.type()) {
    return ::testing::AssertionFailure()
           << path << ": type " << a.type_name() << " vs " << b.type_name() << " (" << a.dump()
           << " vs " << b.dump() << ")";
  }
  switch (a.type()) {
    case json::value_t::number_float: {
      double x = a.get<double>(), y = b.get<double>();
      if (std::memcmp(&x, &y, sizeof x) != 0) {
        return ::testing::AssertionFailure() << path << ": " << x << " vs " << y;
      }
      return ::testing::AssertionSuccess();
    }
    case json::value_t::array:
      if (a.size() != b.size()) return ::testing::AssertionFailure() << path << ": array sizes";
      for (size_t i = 0; i < a.size(); ++i) {
        auto r = Same(a[i], b[i], path + "[" + std::to_string(i) + "]");
        if (!r) return r;
      }
      return ::testing::AssertionSuccess();
    case json::value_t::object: {
      if (a.size() != b.size()) return ::testing::AssertionFailure() << path << ": object sizes";
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key()) return ::testing::AssertionFailure() << path << ": keys differ";
        auto r = Same(ia.value(), ib.value(), path + "." + ia.key());
        if (!r) return r;
      }
      return ::testing::AssertionSuccess();
    }
    default:
      if (a != b) return ::testing::AssertionFailure() << path << ": " << a << " vs " << b;
      return ::testing::AssertionSuccess();
  }
}

struct Outcome {
  bool fast_accepted = false;
  bool accepted = false;
};

// Parses `text` both ways and checks that they agree; says whether the fast path took it.
Outcome CheckAgree(const std::string& text, const JsonLimits& limits = {}) {
  SCOPED_TRACE("input: " + json(text).dump(-1, ' ', true, json::error_handler_t::replace));
  Result<json> fast = internal::ParseJsonChecked(text, limits, /*fast_path=*/true);
  Result<json> strict = internal::ParseJsonChecked(text, limits, /*fast_path=*/false);
  std::optional<json> fast_only = internal::ParseJsonFastPathOnly(text, limits);
  Outcome outcome{.fast_accepted = fast_only.has_value(), .accepted = strict.ok()};
  EXPECT_EQ(fast.ok(), strict.ok()) << (fast.ok() ? "" : fast.status().message())
                                    << (strict.ok() ? "" : strict.status().message());
  if (fast.ok() && strict.ok()) {
    EXPECT_TRUE(Same(*fast, *strict));
  } else if (!fast.ok() && !strict.ok()) {
    EXPECT_EQ(fast.status().ToString(), strict.status().ToString());
  }
  if (fast_only) {
    EXPECT_TRUE(strict.ok()) << "fast path accepted what the strict path rejects: "
                             << strict.status().message();
    if (strict.ok()) {
      EXPECT_TRUE(Same(*fast_only, *strict));
    }
  }
  return outcome;
}

// Writes random JSON texts in many spellings (escapes, number forms, whitespace), with a few
// deliberate faults, so that both readers see valid, borderline and invalid input.
class TextGenerator {
 public:
  explicit TextGenerator(uint64_t seed) : rng_(seed) {}

  std::string Document() {
    std::string out;
    Space(out);
    Value(out, 0);
    Space(out);
    return out;
  }

  // A document with one random fault: a byte replaced, inserted or removed, or truncated.
  std::string Mutated() {
    std::string text = Document();
    static constexpr char kHostile[] = {'\0',   '\x01', '\x1f', '\x7f', '\x80', '\xbf', '\xc0',
                                        '\xc1', '\xed', '\xf4', '\xf5', '\xff', '"',    '\\',
                                        ',',    ':',    '[',    ']',    '{',    '}',    ' ',
                                        '-',    '+',    '0',    '1',    '.',    'e',    'u',
                                        'd',    'n',    't',    'f',    '\n',   '\t'};
    int faults = 1 + static_cast<int>(rng_() % 3);
    for (int i = 0; i < faults && !text.empty(); ++i) {
      size_t at = rng_() % text.size();
      char c = kHostile[rng_() % sizeof(kHostile)];
      switch (rng_() % 4) {
        case 0:
          text[at] = c;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 2:
          text.erase(at, 1);
          break;
        default:
          text.resize(at);
          break;
      }
    }
    return text;
  }

 private:
  size_t Pick(size_t n) { return rng_() % n; }

  void Space(std::string& out) {
    static constexpr const char* kSpaces[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    out += kSpaces[Pick(std::size(kSpaces))];
  }

  void Value(std::string& out, int depth) {
    size_t choice = Pick(depth > 6 ? 5 : 8);
    switch (choice) {
      case 0:
        out += Pick(2) ? "true" : "false";
        return;
      case 1:
        out += "null";
        return;
      case 2:
      case 3:
        Number(out);
        return;
      case 4:
        String(out);
        return;
      case 5:
      case 6: {
        out += '{';
        size_t n = Pick(5);
        std::vector<std::string> keys;
        for (size_t i = 0; i < n; ++i) {
          if (i > 0) out += ',';
          Space(out);
          // Now and then a key repeats: I-JSON forbids duplicates.
          if (!keys.empty() && Pick(12) == 0) {
            out += keys[Pick(keys.size())];
          } else {
            std::string key;
            String(key);
            keys.push_back(key);
            out += key;
          }
          Space(out);
          out += ':';
          Space(out);
          Value(out, depth + 1);
        }
        out += '}';
        return;
      }
      default: {
        out += '[';
        size_t n = Pick(5);
        for (size_t i = 0; i < n; ++i) {
          if (i > 0) out += ',';
          Space(out);
          Value(out, depth + 1);
          Space(out);
        }
        out += ']';
        return;
      }
    }
  }

  void Number(std::string& out) {
    static constexpr const char* kSpelled[] = {"0",
                                               "-0",
                                               "0.0",
                                               "-0.0",
                                               "1",
                                               "-1",
                                               "1.5",
                                               "1e5",
                                               "1E5",
                                               "1e+5",
                                               "1e-5",
                                               "2.50",
                                               "-0e0",
                                               "0e-0",
                                               "1e400",
                                               "-1e400",
                                               "1e-400",
                                               "4.9e-324",
                                               "5e-325",
                                               "1e21",
                                               "1e22",
                                               "9007199254740992",
                                               "-9007199254740992",
                                               "9007199254740993",
                                               "-9007199254740993",
                                               "18446744073709551615",
                                               "18446744073709551616",
                                               "9223372036854775807",
                                               "-9223372036854775808",
                                               "-9223372036854775809",
                                               "123456789012345680000",
                                               "123456789012345678901",
                                               "100000000000000000000000",
                                               "1e23",
                                               "0.1",
                                               "0.30000000000000004",
                                               "3.141592653589793238462643383279",
                                               "1.7976931348623157e308",
                                               "2.2250738585072014e-308",
                                               "9007199254740993.0",
                                               "01",
                                               "1.",
                                               ".5",
                                               "+1",
                                               "-",
                                               "1e",
                                               "1e+",
                                               "0x10",
                                               "Infinity",
                                               "NaN"};
    if (Pick(3) == 0) {
      out += kSpelled[Pick(std::size(kSpelled))];
      return;
    }
    // Random integers and decimals of many lengths.
    if (Pick(2)) out += '-';
    size_t digits = 1 + Pick(20);
    out += static_cast<char>('1' + Pick(9));
    for (size_t i = 1; i < digits; ++i) out += static_cast<char>('0' + Pick(10));
    if (Pick(3) == 0) {
      out += '.';
      for (size_t i = 0, n = 1 + Pick(18); i < n; ++i) out += static_cast<char>('0' + Pick(10));
    }
    if (Pick(4) == 0) {
      out += "eE"[Pick(2)];
      if (Pick(2)) out += "+-"[Pick(2)];
      out += std::to_string(Pick(330));
    }
  }

  void String(std::string& out) {
    static constexpr const char* kPieces[] = {"a",
                                              "kind",
                                              "id",
                                              " ",
                                              "김철수",
                                              "спасибо",
                                              "€",
                                              "😀",
                                              "\xef\xbf\xbf",
                                              "\xee\x80\x80",
                                              "\\n",
                                              "\\t",
                                              "\\\"",
                                              "\\\\",
                                              "\\/",
                                              "\\b",
                                              "\\f",
                                              "\\r",
                                              "\\u0000",
                                              "\\u001f",
                                              "\\u0041",
                                              "\\u00e9",
                                              "\\uAC00",
                                              "\\uffff",
                                              "\\ud83d\\ude00",
                                              "\\uD83D\\uDE00",
                                              "\\ud800",
                                              "\\udfff",
                                              "\\ud800\\u0041",
                                              "\\udc00\\ud800",
                                              "\\u",
                                              "\\x",
                                              "\\u12",
                                              "\x7f",
                                              "-0",
                                              "2009-03",
                                              "[sensitive]",
                                              "\xc0\xaf",
                                              "\xed\xa0\x80",
                                              "\xf4\x90\x80\x80",
                                              "\xe0\x80\xaf",
                                              "\x01",
                                              "\xf0\x9f\x98",
                                              "\x80"};
    out += '"';
    for (size_t i = 0, n = Pick(6); i < n; ++i) {
      // Mostly well-formed pieces; the invalid ones (last rows) now and then.
      size_t piece = Pick(8) == 0 ? Pick(std::size(kPieces)) : Pick(30);
      out += kPieces[piece];
    }
    out += '"';
  }

  std::mt19937_64 rng_;
};

TEST(JsonFastPath, AgreesWithStrictPathOnRandomDocuments) {
  TextGenerator generator(20261129);
  int fast = 0, accepted = 0;
  constexpr int kDocuments = 20000;
  for (int i = 0; i < kDocuments; ++i) {
    Outcome outcome = CheckAgree(generator.Document());
    fast += outcome.fast_accepted;
    accepted += outcome.accepted;
  }
  // Not a vacuous pass: plenty of valid documents, most of them taken by the fast path.
  EXPECT_GT(accepted, kDocuments / 10);
  EXPECT_GT(fast, accepted / 3);
}

TEST(JsonFastPath, AgreesWithStrictPathOnDamagedDocuments) {
  TextGenerator generator(7);
  for (int i = 0; i < 20000; ++i) CheckAgree(generator.Mutated());
}

TEST(JsonFastPath, AgreesUnderTightDepthLimits) {
  TextGenerator generator(99);
  for (int depth = 0; depth <= 4; ++depth) {
    for (int i = 0; i < 2000; ++i) CheckAgree(generator.Document(), {.max_depth = depth});
  }
}

TEST(JsonFastPath, HostileInputs) {
  const std::string deep_ok = std::string(64, '[') + std::string(64, ']');
  const std::string deep_bad = std::string(65, '[') + std::string(65, ']');
  const std::string very_deep = std::string(5000, '[') + std::string(5000, ']');
  const std::vector<std::string> inputs = {
      "",
      " ",
      "\xef\xbb\xbf{}",
      std::string("{}\0", 3),
      std::string("{\"a\":\"\0\"}", 9),
      "{} x",
      "{}}",
      "[1,]",
      "[,1]",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{'a':1}",
      "{a:1}",
      "[1 2]",
      "[\"a\"\"b\"]",
      "\"abc",
      "\"\\\"",
      "nul",
      "nulls",
      "true false",
      "{\"a\":1,\"a\":1}",
      "{\"a\":{\"b\":1,\"b\":2}}",
      "{\"\\u0061\":1,\"a\":2}",
      "-0",
      "[-0]",
      "[0,-0]",
      "{\"d\":\"2009-03\",\"n\":0}",
      "{\"n\":-0.0}",
      "-0.0e5",
      "0",
      "9007199254740993",
      "-9007199254740993",
      "123456789012345680000",
      "1e400",
      "1e-400",
      "[1e308, 1.7976931348623157e308, 1.7976931348623159e308]",
      "\"\\ud800\"",
      "\"\\udc00\"",
      "\"\\ud800\\ud800\"",
      "\"\\ud83d\\ude00\"",
      "\"\xed\xa0\x80\"",
      "\"\xc0\xaf\"",
      "\"\xf4\x90\x80\x80\"",
      "\"\x1f\"",
      "\"\t\"",
      "\"\x7f\"",
      "[\"\xe2\x82\"]",
      deep_ok,
      deep_bad,
      very_deep,
      "[[[[[[[[[[[[",
      "{\"a\":[{\"b\":[",
      "\x0c[]",
      "[]\x0c",
      "\xa0[]",
      "[1]\r\n",
      "\n\t [ 1 , 2 ] \t\n"};
  for (const std::string& text : inputs) CheckAgree(text);
}

TEST(JsonFastPath, DefersWhatOnlyTheStrictPathDecides) {
  // Each of these is valid JSON that simdjson reads, but whose I-JSON verdict or exact value
  // needs the strict path.
  for (const std::string& text : std::vector<std::string>{
           "{\"a\":1,\"a\":2}", "-0", "{\"n\":-0,\"d\":\"x\"}", "-0.0", "9007199254740993",
           "123456789012345680000", "[1e300]", std::string(65, '[') + std::string(65, ']')}) {
    SCOPED_TRACE(text.substr(0, 80));
    EXPECT_FALSE(internal::ParseJsonFastPathOnly(text).has_value());
    CheckAgree(text);
  }
  // ... and these it takes itself.
  for (const std::string& text : std::vector<std::string>{
           "{\"a\":1,\"b\":[true,null,\"x\"]}", "0", "-1", "9007199254740992", "-9007199254740992",
           "1.5e-7", "\"\\ud83d\\ude00\"", std::string(64, '[') + std::string(64, ']')}) {
    SCOPED_TRACE(text.substr(0, 80));
    EXPECT_TRUE(internal::ParseJsonFastPathOnly(text).has_value());
    CheckAgree(text);
  }
}

TEST(JsonFastPath, LargeTextsUseTheStrictPathAndAgree) {
  std::string text = "{\"transcript\":\"";
  while (text.size() < (300 << 10)) text += "김철수 was taken to the holding centre. ";
  text += "\"}";
  EXPECT_FALSE(internal::ParseJsonFastPathOnly(text).has_value());
  EXPECT_TRUE(CheckAgree(text).accepted);
}

}  // namespace
}  // namespace custodian
