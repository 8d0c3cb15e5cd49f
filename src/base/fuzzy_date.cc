// FuzzyDate: a small lexer and recursive-descent parser over the ways people write dates, and
// the EDTF and English renderings. Arithmetic is done in int64_t throughout so that hand-built
// FuzzyDates at the int32_t extremes cannot overflow.
#include "base/fuzzy_date.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custodian {
namespace {

constexpr int64_t kMinYear = 1000;
constexpr int64_t kMaxYear = 2999;
constexpr size_t kMaxInputBytes = 200;
// Enough of the input to recognise it in a log line without letting it flood one.
constexpr size_t kMaxQuotedBytes = 60;
constexpr std::string_view kExamples =
    "expected e.g. 2009, 2009-03, 2009-03-14, spring 2009, 1990s, between 2008 and 2010";

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms").

struct Civil {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

constexpr int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;                                               // [0, 399]
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                          // [0, 146096]
  return era * 146097 + doe - 719468;
}

constexpr Civil CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

constexpr bool IsLeapYear(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr int DaysInMonth(int64_t year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

constexpr int64_t kMinDay = DaysFromCivil(kMinYear, 1, 1);
constexpr int64_t kMaxDay = DaysFromCivil(kMaxYear, 12, 31);
static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2009, 2, 14) == 14289);

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 4> kSeasonNames = {"spring", "summer", "autumn", "winter"};

// ---------------------------------------------------------------------------------------------
// Formatting.

std::string PadNumber(int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (digits.size() < static_cast<size_t>(width)) digits.insert(0, width - digits.size(), '0');
  return digits;
}

// ISO 8601 expanded years carry a sign outside 0000-9999; only hand-built dates get there.
std::string FormatYear(int64_t year) {
  if (year < 0) return "-" + PadNumber(-year, 4);
  if (year > 9999) return "+" + std::to_string(year);
  return PadNumber(year, 4);
}

std::string FormatYearMonth(const Civil& civil) {
  return FormatYear(civil.year) + "-" + PadNumber(civil.month, 2);
}

std::string FormatIsoDay(const Civil& civil) {
  return FormatYearMonth(civil) + "-" + PadNumber(civil.day, 2);
}

// How an end of an interval is written: as a day, a month or a year.
enum class EndForm { kDay, kMonth, kYear };

// The coarsest form that still names `civil` exactly as the first (or last) day, but within
// one year (month) of the other end no coarser than a month (day), so that "early 2009" reads
// 2009-01/2009-04 rather than 2009/2009-04.
EndForm FormOfEnd(const Civil& civil, const Civil& other, bool is_start) {
  const bool day_exact = civil.day == (is_start ? 1 : DaysInMonth(civil.year, civil.month));
  const bool month_exact = day_exact && civil.month == (is_start ? 1 : 12);
  const bool same_year = civil.year == other.year;
  if (!day_exact || (same_year && civil.month == other.month)) return EndForm::kDay;
  if (!month_exact || same_year) return EndForm::kMonth;
  return EndForm::kYear;
}

std::string EdtfEnd(const Civil& civil, EndForm form) {
  switch (form) {
    case EndForm::kDay:
      return FormatIsoDay(civil);
    case EndForm::kMonth:
      return FormatYearMonth(civil);
    case EndForm::kYear:
      return FormatYear(civil.year);
  }
  return FormatIsoDay(civil);
}

std::string EnglishMonth(const Civil& civil) {
  return std::string(kMonthNames[civil.month - 1]) + " " + FormatYear(civil.year);
}

std::string EnglishDay(const Civil& civil) {
  return std::to_string(civil.day) + " " + EnglishMonth(civil);
}

std::string EnglishEnd(const Civil& civil, EndForm form) {
  switch (form) {
    case EndForm::kDay:
      return EnglishDay(civil);
    case EndForm::kMonth:
      return EnglishMonth(civil);
    case EndForm::kYear:
      return FormatYear(civil.year);
  }
  return EnglishDay(civil);
}

// The first year of the decade holding `year`, rounding down for the negative years that only
// hand-built dates have.
int64_t DecadeOf(int64_t year) { return year - ((year % 10) + 10) % 10; }

// Season index 0-3 (spring..winter) and the year it is named after, for a season's first day.
std::pair<int, int64_t> SeasonOf(const Civil& civil) {
  if (civil.month <= 2) return {3, civil.year - 1};  // January and February belong to winter
  return {(civil.month - 3) / 3, civil.year};
}

// "early 2009", "mid-1990s" and so on when a range is exactly one of the parts the parser
// produces; nullopt otherwise.
std::optional<std::string> DescribePart(const Civil& first, const Civil& last) {
  static constexpr std::array<std::string_view, 3> kParts = {"early ", "mid-", "late "};
  const bool whole_months = first.day == 1 && last.day == DaysInMonth(last.year, last.month);
  if (!whole_months) return std::nullopt;
  if (first.year == last.year) {
    for (int part = 0; part < 3; ++part) {
      if (first.month == 1 + 4 * part && last.month == 4 + 4 * part) {
        return std::string(kParts[part]) + FormatYear(first.year);
      }
    }
    return std::nullopt;
  }
  if (first.month != 1 || last.month != 12) return std::nullopt;
  constexpr std::array<std::pair<int, int>, 3> kDecadeParts = {{{0, 3}, {4, 6}, {7, 9}}};
  const int64_t decade = DecadeOf(first.year);
  for (int part = 0; part < 3; ++part) {
    if (first.year == decade + kDecadeParts[part].first &&
        last.year == decade + kDecadeParts[part].second) {
      return std::string(kParts[part]) + FormatYear(decade) + "s";
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Quoting input in error messages.

// Length of the well-formed UTF-8 sequence at `i`, or 0 if the bytes there are not one.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;  // UTF-16 surrogates are not characters
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = i + 2; k < i + length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// Characters that would let quoted input forge or hide parts of a log line or terminal output:
// C1 controls and the bidirectional overrides and isolates.
bool IsDeceptiveCharacter(std::string_view sequence) {
  if (sequence.size() == 2) return sequence[0] == '\xC2' && sequence[1] < '\xA0';
  if (sequence.size() != 3 || sequence[0] != '\xE2') return false;
  const unsigned char second = static_cast<unsigned char>(sequence[1]);
  const unsigned char third = static_cast<unsigned char>(sequence[2]);
  if (second == 0x80) return third == 0x8E || third == 0x8F || (third >= 0xAA && third <= 0xAE);
  if (second == 0x81) return third >= 0xA6 && third <= 0xA9;
  return false;
}

// The input in single quotes for an error message: printable text as is, every other byte as
// \xNN, cut at kMaxQuotedBytes on a character boundary.
std::string QuoteForMessage(std::string_view text) {
  std::string out = "'";
  size_t i = 0;
  while (i < text.size()) {
    if (i >= kMaxQuotedBytes) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t length = Utf8SequenceLength(text, i);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (length > 1 && !IsDeceptiveCharacter(text.substr(i, length))) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", c);
      out += escaped;
      ++i;
    }
  }
  out += "'";
  return out;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view TrimAsciiSpace(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Lexer.

enum class TokenKind {
  kNumber,      // ASCII digits
  kWord,        // ASCII letters, lower-cased
  kKorean,      // one of kKoreanMorphemes
  kHyphen,      // '-': ISO separator or range
  kDash,        // en or em dash: range only
  kSlash,       // '/': ISO separator or EDTF interval
  kDot,         // '.': abbreviations and 2009.03.14
  kComma,       // "March 14, 2009"
  kTilde,       // EDTF approximate, or the Korean range separator between two dates
  kApostrophe,  // "1990's"
};

struct Token {
  TokenKind kind;
  std::string text;  // digits, lower-cased letters or the Korean morpheme; empty otherwise
  bool space_before;
};

// The Korean date vocabulary, two-syllable words first so that 년대 wins over 년 and 초반 over 초
// when a run of syllables is split greedily.
constexpr std::array<std::string_view, 19> kKoreanMorphemes = {
    "년대", "초반", "중반", "후반", "여름", "가을", "겨울", "부터", "까지", "미상",
    "년",   "월",   "일",   "봄",   "약",   "경",   "쯤",   "초",   "말"};

bool IsHangulSyllableAt(std::string_view text, size_t i) {
  if (Utf8SequenceLength(text, i) != 3) return false;
  const uint32_t code_point = ((static_cast<unsigned char>(text[i]) & 0x0Fu) << 12) |
                              ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                              (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
  return code_point >= 0xAC00 && code_point <= 0xD7A3;
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Splits `text` into tokens; nullopt if it holds anything outside the date vocabulary.
std::optional<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> tokens;
  bool space_before = false;
  size_t i = 0;
  const auto at = [&](std::string_view bytes) { return text.substr(i).starts_with(bytes); };
  const auto push = [&](TokenKind kind, std::string token_text, size_t length) {
    tokens.push_back(Token{kind, std::move(token_text), space_before});
    space_before = false;
    i += length;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (IsAsciiSpace(c)) {
      space_before = true;
      ++i;
    } else if (at("\xC2\xA0") || at("\xE3\x80\x80")) {  // no-break and ideographic spaces
      space_before = true;
      i += at("\xC2\xA0") ? 2 : 3;
    } else if (IsAsciiDigit(c)) {
      size_t end = i;
      while (end < text.size() && IsAsciiDigit(text[end])) ++end;
      push(TokenKind::kNumber, std::string(text.substr(i, end - i)), end - i);
    } else if (IsAsciiLetter(c)) {
      std::string word;
      size_t end = i;
      for (; end < text.size() && IsAsciiLetter(text[end]); ++end) {
        word += static_cast<char>(text[end] | 0x20);  // ASCII lower case
      }
      push(TokenKind::kWord, std::move(word), end - i);
    } else if (c == '-') {
      push(TokenKind::kHyphen, "", 1);
    } else if (c == '/') {
      push(TokenKind::kSlash, "", 1);
    } else if (c == '.') {
      push(TokenKind::kDot, "", 1);
    } else if (c == ',') {
      push(TokenKind::kComma, "", 1);
    } else if (c == '~') {
      push(TokenKind::kTilde, "", 1);
    } else if (c == '\'') {
      push(TokenKind::kApostrophe, "", 1);
    } else if (at("\xE2\x80\x93") || at("\xE2\x80\x94")) {  // en dash, em dash
      push(TokenKind::kDash, "", 3);
    } else if (at("\xE2\x80\x99")) {  // right single quotation mark, as in 1990’s
      push(TokenKind::kApostrophe, "", 3);
    } else if (at("\xEF\xBD\x9E")) {  // fullwidth tilde, common in Korean text
      push(TokenKind::kTilde, "", 3);
    } else if (IsHangulSyllableAt(text, i)) {
      bool matched = false;
      for (std::string_view morpheme : kKoreanMorphemes) {
        if (at(morpheme)) {
          push(TokenKind::kKorean, std::string(morpheme), morpheme.size());
          matched = true;
          break;
        }
      }
      if (!matched) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser.

// A parsed date or part of one. `decade` marks decades and parts of decades, the only things
// "the" may precede ("the 1990s", "the late 1990s").
struct Span {
  int64_t first = 0;
  int64_t last = 0;
  DatePrecision precision = DatePrecision::kUnknown;
  bool approximate = false;
  bool decade = false;
};

enum class Part { kEarly, kMid, kLate };

Span YearSpan(int64_t year) {
  return {DaysFromCivil(year, 1, 1), DaysFromCivil(year, 12, 31), DatePrecision::kYear};
}

Span MonthSpan(int64_t year, int month) {
  return {DaysFromCivil(year, month, 1), DaysFromCivil(year, month, DaysInMonth(year, month)),
          DatePrecision::kMonth};
}

Span SeasonSpan(int64_t year, int season) {
  const int first_month = 3 + 3 * season;  // 3, 6, 9, 12
  const int64_t next_year = first_month + 3 > 12 ? year + 1 : year;
  const int next_month = (first_month + 3 - 1) % 12 + 1;
  return {DaysFromCivil(year, first_month, 1), DaysFromCivil(next_year, next_month, 1) - 1,
          DatePrecision::kSeason};
}

Span DecadeSpan(int64_t first_year) {
  return {DaysFromCivil(first_year, 1, 1), DaysFromCivil(first_year + 9, 12, 31),
          DatePrecision::kDecade, false, true};
}

// Early, mid and late split a year into thirds (Jan-Apr, May-Aug, Sep-Dec) and a decade into
// years 0-3, 4-6 and 7-9.
Span PartOf(const Span& whole, Part part) {
  const Civil start = CivilFromDays(whole.first);
  const int index = static_cast<int>(part);
  if (whole.precision == DatePrecision::kYear) {
    const int first_month = 1 + 4 * index;
    const int last_month = 4 + 4 * index;
    return {DaysFromCivil(start.year, first_month, 1),
            DaysFromCivil(start.year, last_month, DaysInMonth(start.year, last_month)),
            DatePrecision::kRange};
  }
  constexpr std::array<std::pair<int, int>, 3> kYears = {{{0, 3}, {4, 6}, {7, 9}}};
  return {DaysFromCivil(start.year + kYears[index].first, 1, 1),
          DaysFromCivil(start.year + kYears[index].second, 12, 31), DatePrecision::kRange, false,
          true};
}

std::optional<int> MonthFromWord(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kAbbreviations = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int month = 0; month < 12; ++month) {
    std::string full(kMonthNames[month]);
    full[0] = static_cast<char>(full[0] | 0x20);
    if (word == full || word == kAbbreviations[month]) return month + 1;
  }
  if (word == "sept") return 9;
  return std::nullopt;
}

std::optional<int> SeasonFromWord(std::string_view word) {
  if (word == "spring") return 0;
  if (word == "summer") return 1;
  if (word == "autumn" || word == "fall") return 2;
  if (word == "winter") return 3;
  return std::nullopt;
}

class Parser {
 public:
  Parser(std::string_view input, std::vector<Token> tokens)
      : input_(input), tokens_(std::move(tokens)) {}

  Result<FuzzyDate> Parse() {
    ASSIGN_OR_RETURN(Span span, ParseExpression());
    if (pos_ != tokens_.size()) return NotADate();
    if (span.precision == DatePrecision::kUnknown) return FuzzyDate{};
    // Only winter 2999 gets here, but a date that Canonical() could not write back must never
    // be stored.
    if (span.first < kMinDay || span.last > kMaxDay) {
      return Invalid("it runs past 2999-12-31; years must be 1000-2999");
    }
    return FuzzyDate{static_cast<int32_t>(span.first), static_cast<int32_t>(span.last),
                     span.precision, span.approximate};
  }

 private:
  // --- Token access.

  const Token* Peek(size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() ? &tokens_[pos_ + ahead] : nullptr;
  }
  bool PeekKind(TokenKind kind, size_t ahead = 0) const {
    const Token* token = Peek(ahead);
    return token != nullptr && token->kind == kind;
  }
  bool PeekText(TokenKind kind, std::string_view text, size_t ahead = 0) const {
    return PeekKind(kind, ahead) && Peek(ahead)->text == text;
  }
  bool PeekWord(std::string_view word, size_t ahead = 0) const {
    return PeekText(TokenKind::kWord, word, ahead);
  }
  bool PeekKorean(std::string_view word, size_t ahead = 0) const {
    return PeekText(TokenKind::kKorean, word, ahead);
  }
  // Whether the token `ahead` exists and touches the one before it ("2009-03", "1990s").
  bool Adjacent(size_t ahead) const {
    const Token* token = Peek(ahead);
    return token != nullptr && !token->space_before;
  }
  bool ConsumeKind(TokenKind kind) {
    if (!PeekKind(kind)) return false;
    ++pos_;
    return true;
  }
  bool ConsumeWord(std::string_view word) {
    if (!PeekWord(word)) return false;
    ++pos_;
    return true;
  }
  bool ConsumeKorean(std::string_view word) {
    if (!PeekKorean(word)) return false;
    ++pos_;
    return true;
  }
  // The value of a number token of at most four digits (longer ones are never valid here).
  static int64_t Value(const Token& token) {
    int64_t value = 0;
    for (char digit : token.text.substr(0, 4)) value = value * 10 + (digit - '0');
    return value;
  }

  // --- Errors.

  Status NotADate() const {
    return InvalidArgumentError(QuoteForMessage(input_) + " is not a date; " +
                                std::string(kExamples));
  }
  Status Invalid(std::string_view reason) const {
    return InvalidArgumentError(QuoteForMessage(input_) +
                                " is not a valid date: " + std::string(reason));
  }

  // --- Grammar.

  // expression := [approx] ( "unknown" | "between" end "and" end | ["from"] end [sep end] )
  Result<Span> ParseExpression() {
    const bool approximate = ConsumeApproxPrefix();
    if (pos_ + 1 == tokens_.size() &&
        (PeekWord("unknown") || PeekWord("xxxx") || PeekKorean("미상"))) {
      if (approximate) return Invalid("an unknown date cannot also be approximate");
      ++pos_;
      return Span{};
    }
    Span result;
    if (ConsumeWord("between")) {
      ASSIGN_OR_RETURN(Span start, ParseEnd());
      if (!ConsumeWord("and")) return NotADate();
      ASSIGN_OR_RETURN(Span end, ParseEnd());
      ASSIGN_OR_RETURN(result, MakeRange(start, end));
    } else {
      const bool from = ConsumeWord("from");
      // "~~2009" and "about c. 2009" are typing slips, not a doubly approximate date.
      ASSIGN_OR_RETURN(Span start, ParseEnd(/*allow_prefix=*/!approximate || from));
      if (pos_ == tokens_.size() && !from) {
        result = start;
      } else {
        if (!ConsumeRangeSeparator()) return NotADate();
        ASSIGN_OR_RETURN(Span end, ParseEnd());
        ConsumeKorean("까지");  // "2008년부터 2010년까지": until
        ASSIGN_OR_RETURN(result, MakeRange(start, end));
      }
    }
    result.approximate = result.approximate || approximate;
    return result;
  }

  Result<Span> MakeRange(const Span& start, const Span& end) const {
    if (start.first > end.last) {
      return Invalid("it starts on " + FormatIsoDay(CivilFromDays(start.first)) +
                     ", after it ends on " + FormatIsoDay(CivilFromDays(end.last)));
    }
    return Span{start.first, end.last, DatePrecision::kRange, start.approximate || end.approximate};
  }

  bool ConsumeRangeSeparator() {
    if (ConsumeKind(TokenKind::kHyphen) || ConsumeKind(TokenKind::kDash) ||
        ConsumeKind(TokenKind::kSlash) || ConsumeKind(TokenKind::kTilde)) {
      return true;
    }
    return ConsumeWord("to") || ConsumeWord("until") || ConsumeWord("till") ||
           ConsumeWord("through") || ConsumeKorean("부터");
  }

  // end := [approx] single [approx-suffix]
  Result<Span> ParseEnd(bool allow_prefix = true) {
    const bool prefix = allow_prefix && ConsumeApproxPrefix();
    ASSIGN_OR_RETURN(Span span, ParseSingle());
    const bool suffix = ConsumeApproxSuffix();
    span.approximate = prefix || suffix;
    return span;
  }

  bool ConsumeApproxPrefix() {
    if (ConsumeKind(TokenKind::kTilde) || ConsumeKorean("약")) return true;
    for (std::string_view word : {"about", "around", "circa", "approximately", "roughly"}) {
      if (ConsumeWord(word)) return true;
    }
    for (std::string_view word : {"c", "ca", "approx"}) {
      if (ConsumeWord(word)) {
        ConsumeKind(TokenKind::kDot);
        return true;
      }
    }
    return false;
  }

  bool ConsumeApproxSuffix() {
    if (ConsumeKorean("경") || ConsumeKorean("쯤")) return true;  // "2009년경": around 2009
    if (!PeekKind(TokenKind::kTilde)) return false;
    // Between two dates a tilde is the Korean range separator (2008~2010); it qualifies the
    // date before it only at the end or before another separator ("2008~/2010~").
    const Token* next = Peek(1);
    const bool qualifies = next == nullptr || next->kind == TokenKind::kSlash ||
                           next->kind == TokenKind::kHyphen || next->kind == TokenKind::kDash ||
                           PeekWord("and", 1) || PeekWord("to", 1) || PeekWord("until", 1) ||
                           PeekWord("till", 1) || PeekWord("through", 1) || PeekKorean("부터", 1) ||
                           PeekKorean("까지", 1);
    if (qualifies) ++pos_;
    return qualifies;
  }

  // single := "the" decade | season year | part single | month-name ... | number-first forms
  Result<Span> ParseSingle() {
    if (ConsumeWord("the")) {
      ASSIGN_OR_RETURN(Span span, ParseSingle());
      if (!span.decade) return NotADate();
      return span;
    }
    const Token* token = Peek();
    if (token == nullptr) return NotADate();
    if (token->kind == TokenKind::kWord) {
      if (std::optional<int> season = SeasonFromWord(token->text)) {
        ++pos_;
        ConsumeWord("of");
        ASSIGN_OR_RETURN(int64_t year, ParseYear());
        return SeasonSpan(year, *season);
      }
      if (std::optional<Part> part = PartFromWord(token->text)) {
        ++pos_;
        ConsumeKind(TokenKind::kHyphen);  // "mid-2009"
        ConsumeWord("of");
        if (pos_ == tokens_.size()) return NotADate();
        ASSIGN_OR_RETURN(Span whole, ParseSingle());
        if (whole.precision != DatePrecision::kYear && whole.precision != DatePrecision::kDecade) {
          return Invalid(
              "early, mid and late go with a year or a decade, e.g. early 2009, "
              "late 1990s");
        }
        return PartOf(whole, *part);
      }
      if (std::optional<int> month = MonthFromWord(token->text)) {
        ++pos_;
        return ParseAfterMonthName(*month);
      }
      return NotADate();
    }
    if (token->kind != TokenKind::kNumber) return NotADate();
    const size_t digits = token->text.size();
    if (digits <= 2) return ParseDayFirst();
    if (digits == 3 && Adjacent(1) && PeekWord("x", 1)) {  // EDTF "199X"
      const int64_t decade = Value(*token) * 10;
      if (decade < kMinYear || decade > kMaxYear) return YearOutOfRange();
      pos_ += 2;
      return DecadeSpan(decade);
    }
    if (digits != 4) return WrongYearLength();
    return ParseYearFirst();
  }

  static std::optional<Part> PartFromWord(std::string_view word) {
    if (word == "early") return Part::kEarly;
    if (word == "mid" || word == "middle") return Part::kMid;
    if (word == "late") return Part::kLate;
    return std::nullopt;
  }

  Status YearOutOfRange() const { return Invalid("years must be 1000-2999"); }

  // For a number at pos_ that cannot be a year. Glued to letters ("20O9") it is more likely a
  // typo than a wrong year, and the examples help more than the rule.
  Status WrongYearLength() const {
    if (Adjacent(1)) return NotADate();
    return Invalid("a year has four digits (1000-2999)");
  }

  // A four-digit year in range; the whole of the token.
  Result<int64_t> ParseYear() {
    const Token* token = Peek();
    if (token == nullptr || token->kind != TokenKind::kNumber) return NotADate();
    if (token->text.size() != 4) return WrongYearLength();
    const int64_t year = Value(*token);
    if (year < kMinYear || year > kMaxYear) return YearOutOfRange();
    ++pos_;
    return year;
  }

  Result<Span> ValidDay(int64_t year, int64_t month, int64_t day) const {
    if (month < 1 || month > 12) return Invalid("there is no month " + std::to_string(month));
    const int days = DaysInMonth(year, static_cast<int>(month));
    if (day < 1 || day > days) {
      return Invalid(std::string(kMonthNames[month - 1]) + " " + FormatYear(year) + " has " +
                     std::to_string(days) + " days, not " + std::to_string(day));
    }
    const int64_t first = DaysFromCivil(year, month, day);
    return Span{first, first, DatePrecision::kDay};
  }

  // After "March": "March 2009", "March, 2009", "March 14, 2009", "March 14th 2009".
  Result<Span> ParseAfterMonthName(int month) {
    ConsumeKind(TokenKind::kDot);  // "Mar."
    if (PeekKind(TokenKind::kNumber) && Peek()->text.size() <= 2) {
      const int64_t day = Value(*Peek());
      ++pos_;
      ConsumeOrdinalSuffix();
      ConsumeKind(TokenKind::kComma);
      ASSIGN_OR_RETURN(int64_t year, ParseYear());
      return ValidDay(year, month, day);
    }
    ConsumeKind(TokenKind::kComma);
    ASSIGN_OR_RETURN(int64_t year, ParseYear());
    return MonthSpan(year, month);
  }

  void ConsumeOrdinalSuffix() {
    if (!Adjacent(0)) return;
    if (PeekWord("st") || PeekWord("nd") || PeekWord("rd") || PeekWord("th")) ++pos_;
  }

  // "14 March 2009", "14th of March, 2009"; all-numeric day-first forms are refused.
  Result<Span> ParseDayFirst() {
    const int64_t day = Value(*Peek());
    if (Adjacent(1) &&
        (PeekKind(TokenKind::kSlash, 1) || PeekKind(TokenKind::kDot, 1) ||
         PeekKind(TokenKind::kHyphen, 1)) &&
        PeekKind(TokenKind::kNumber, 2)) {
      return Invalid(
          "the order of day and month in all-numeric dates differs between "
          "countries (03/04/2009 is 3 April or March 4); use YYYY-MM-DD, e.g. "
          "2009-03-14, or write the month as a word, e.g. 14 March 2009");
    }
    ++pos_;
    ConsumeOrdinalSuffix();
    ConsumeWord("of");
    const Token* token = Peek();
    if (token == nullptr || token->kind != TokenKind::kWord) return NotADate();
    const std::optional<int> month = MonthFromWord(token->text);
    if (!month) return NotADate();
    ++pos_;
    ConsumeKind(TokenKind::kDot);
    ConsumeKind(TokenKind::kComma);
    ASSIGN_OR_RETURN(int64_t year, ParseYear());
    return ValidDay(year, *month, day);
  }

  // Everything that starts with a four-digit year: 2009, 2009-03(-14), 2009-21, 1990s, and the
  // Korean forms.
  Result<Span> ParseYearFirst() {
    ASSIGN_OR_RETURN(int64_t year, ParseYear());
    if (Adjacent(0) && PeekWord("s")) {
      ++pos_;
      return Decade(year);
    }
    if (Adjacent(0) && PeekKind(TokenKind::kApostrophe) && Adjacent(1) && PeekWord("s", 1)) {
      pos_ += 2;
      return Decade(year);
    }
    if (ConsumeKorean("년대")) {
      ASSIGN_OR_RETURN(Span decade, Decade(year));
      return KoreanPart(decade);
    }
    if (ConsumeKorean("년")) return ParseAfterKoreanYear(year);
    const Token* separator = Peek();
    const bool iso_separator =
        separator != nullptr && Adjacent(0) &&
        (separator->kind == TokenKind::kHyphen || separator->kind == TokenKind::kSlash ||
         separator->kind == TokenKind::kDot);
    if (!iso_separator || !Adjacent(1) || !PeekKind(TokenKind::kNumber, 1)) {
      return YearSpan(year);
    }
    // A four-digit number after the separator is the other end of a range ("2008-2010").
    const size_t month_digits = Peek(1)->text.size();
    if (month_digits == 4) return YearSpan(year);
    if (month_digits != 2) return Invalid("write months and days with two digits, e.g. 2009-03");
    const TokenKind separator_kind = separator->kind;
    const std::string month_text = Peek(1)->text;
    const int64_t month = Value(*Peek(1));
    pos_ += 2;
    if (month >= 21 && month <= 24 && separator_kind == TokenKind::kHyphen) {
      return SeasonSpan(year, static_cast<int>(month - 21));  // EDTF seasons
    }
    if (month < 1 || month > 12) return Invalid("there is no month " + month_text);
    if (!Adjacent(0) || !PeekKind(separator_kind) || !Adjacent(1) ||
        !PeekKind(TokenKind::kNumber, 1) || Peek(1)->text.size() == 4) {
      return MonthSpan(year, static_cast<int>(month));
    }
    if (Peek(1)->text.size() != 2) {
      return Invalid("write months and days with two digits, e.g. 2009-03-14");
    }
    const int64_t day = Value(*Peek(1));
    pos_ += 2;
    return ValidDay(year, month, day);
  }

  Result<Span> Decade(int64_t year) const {
    if (year % 10 != 0) {
      return Invalid("a decade starts with a year ending in 0, e.g. 1990s");
    }
    return DecadeSpan(year);
  }

  // After "2009년": 3월 [14일], a season, a part (초, 중반, 말), or nothing.
  Result<Span> ParseAfterKoreanYear(int64_t year) {
    if (PeekKind(TokenKind::kNumber) && PeekKorean("월", 1)) {
      if (Peek()->text.size() > 2) return Invalid("there is no month " + Peek()->text);
      const int64_t month = Value(*Peek());
      if (month < 1 || month > 12) return Invalid("there is no month " + Peek()->text);
      pos_ += 2;
      if (PeekKind(TokenKind::kNumber) && PeekKorean("일", 1)) {
        if (Peek()->text.size() > 2) return Invalid("there is no day " + Peek()->text);
        const int64_t day = Value(*Peek());
        pos_ += 2;
        return ValidDay(year, month, day);
      }
      return MonthSpan(year, static_cast<int>(month));
    }
    constexpr std::array<std::string_view, 4> kKoreanSeasons = {"봄", "여름", "가을", "겨울"};
    for (int season = 0; season < 4; ++season) {
      if (ConsumeKorean(kKoreanSeasons[season])) return SeasonSpan(year, season);
    }
    return KoreanPart(YearSpan(year));
  }

  // "2009년 초" (early), "1990년대 중반" (mid), "1990년대 후반" / "2009년 말" (late).
  Span KoreanPart(const Span& whole) {
    if (ConsumeKorean("초") || ConsumeKorean("초반")) return PartOf(whole, Part::kEarly);
    if (ConsumeKorean("중반")) return PartOf(whole, Part::kMid);
    if (ConsumeKorean("말") || ConsumeKorean("후반")) return PartOf(whole, Part::kLate);
    return whole;
  }

  std::string_view input_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

std::string_view DatePrecisionName(DatePrecision precision) {
  switch (precision) {
    case DatePrecision::kDay:
      return "day";
    case DatePrecision::kMonth:
      return "month";
    case DatePrecision::kSeason:
      return "season";
    case DatePrecision::kYear:
      return "year";
    case DatePrecision::kDecade:
      return "decade";
    case DatePrecision::kRange:
      return "range";
    case DatePrecision::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string FuzzyDate::Canonical() const {
  const Civil first = CivilFromDays(first_day);
  const std::string_view qualifier = approximate ? "~" : "";
  switch (precision) {
    case DatePrecision::kDay:
      return FormatIsoDay(first) + std::string(qualifier);
    case DatePrecision::kMonth:
      return FormatYearMonth(first) + std::string(qualifier);
    case DatePrecision::kSeason: {
      const auto [season, year] = SeasonOf(first);
      return FormatYear(year) + "-" + std::to_string(21 + season) + std::string(qualifier);
    }
    case DatePrecision::kYear:
      return FormatYear(first.year) + std::string(qualifier);
    case DatePrecision::kDecade: {
      std::string decade = FormatYear(first.year);
      decade.back() = 'X';
      return decade + std::string(qualifier);
    }
    case DatePrecision::kRange: {
      const Civil last = CivilFromDays(last_day);
      return EdtfEnd(first, FormOfEnd(first, last, true)) + std::string(qualifier) + "/" +
             EdtfEnd(last, FormOfEnd(last, first, false)) + std::string(qualifier);
    }
    case DatePrecision::kUnknown:
      return "XXXX";
  }
  return "XXXX";
}

std::string FuzzyDate::Describe() const {
  const Civil first = CivilFromDays(first_day);
  const std::string about = approximate ? "about " : "";
  switch (precision) {
    case DatePrecision::kDay:
      return about + EnglishDay(first);
    case DatePrecision::kMonth:
      return about + EnglishMonth(first);
    case DatePrecision::kSeason: {
      const auto [season, year] = SeasonOf(first);
      return about + std::string(kSeasonNames[season]) + " " + FormatYear(year);
    }
    case DatePrecision::kYear:
      return about + FormatYear(first.year);
    case DatePrecision::kDecade:
      return about + FormatYear(DecadeOf(first.year)) + "s";
    case DatePrecision::kRange: {
      const Civil last = CivilFromDays(last_day);
      if (std::optional<std::string> part = DescribePart(first, last)) return about + *part;
      // "about between 2008 and 2010" is not English; the qualifier goes on each end instead.
      return "between " + about + EnglishEnd(first, FormOfEnd(first, last, true)) + " and " +
             about + EnglishEnd(last, FormOfEnd(last, first, false));
    }
    case DatePrecision::kUnknown:
      return "unknown date";
  }
  return "unknown date";
}

bool FuzzyDate::Overlaps(const FuzzyDate& other) const {
  if (precision == DatePrecision::kUnknown || other.precision == DatePrecision::kUnknown) {
    return true;
  }
  return first_day <= other.last_day && other.first_day <= last_day;
}

Result<FuzzyDate> ParseFuzzyDate(std::string_view text) {
  // Checked before anything else looks at the bytes, so hostile input costs nothing.
  if (text.size() > kMaxInputBytes) {
    return InvalidArgumentError("date text is " + std::to_string(text.size()) +
                                " bytes, more than the " + std::to_string(kMaxInputBytes) +
                                "-byte limit: " + QuoteForMessage(text));
  }
  const std::string_view trimmed = TrimAsciiSpace(text);
  std::optional<std::vector<Token>> tokens = Lex(trimmed);
  if (tokens && tokens->empty()) {
    return InvalidArgumentError("empty date; " + std::string(kExamples));
  }
  if (!tokens) {
    return InvalidArgumentError(QuoteForMessage(trimmed) + " is not a date; " +
                                std::string(kExamples));
  }
  return Parser(trimmed, *std::move(tokens)).Parse();
}

std::string DayToIso(int32_t day) { return FormatIsoDay(CivilFromDays(day)); }

int64_t YearOfDay(int32_t day) { return CivilFromDays(day).year; }

int MonthOfDay(int32_t day) { return CivilFromDays(day).month; }

Result<int32_t> IsoToDay(std::string_view iso) {
  const auto fail = [&](std::string_view reason) {
    return InvalidArgumentError(QuoteForMessage(iso) + " is not an ISO date (YYYY-MM-DD" +
                                std::string(reason) + ")");
  };
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return fail(", e.g. 2009-03-14");
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsAsciiDigit(iso[i])) return fail(", e.g. 2009-03-14");
  }
  const auto number = [&](size_t from, size_t length) {
    int64_t value = 0;
    for (size_t i = from; i < from + length; ++i) value = value * 10 + (iso[i] - '0');
    return value;
  };
  const int64_t year = number(0, 4);
  const int64_t month = number(5, 2);
  const int64_t day = number(8, 2);
  if (year < kMinYear || year > kMaxYear) return fail(", with a year in 1000-2999");
  if (month < 1 || month > 12) return fail(": there is no month " + std::to_string(month));
  const int days = DaysInMonth(year, static_cast<int>(month));
  if (day < 1 || day > days) {
    return fail(": " + std::string(kMonthNames[month - 1]) + " " + std::to_string(year) + " has " +
                std::to_string(days) + " days");
  }
  return static_cast<int32_t>(DaysFromCivil(year, month, day));
}

}  // namespace custodian
