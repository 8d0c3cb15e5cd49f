// Tests for FuzzyDate. Expected day numbers come from IsoToDay of literal ISO strings, and
// IsoToDay itself is checked against std::chrono, so no expectation is derived from the output
// of the function it checks.
#include "base/fuzzy_date.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace custodian {

// Readable failure output for EXPECT_EQ on FuzzyDates.
void PrintTo(const FuzzyDate& date, std::ostream* os) {
  *os << "{" << date.first_day << " (" << DayToIso(date.first_day) << ") .. " << date.last_day
      << " (" << DayToIso(date.last_day) << "), " << DatePrecisionName(date.precision)
      << (date.approximate ? ", approximate" : "") << "}";
}

namespace {

using P = DatePrecision;

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

int32_t Day(std::string_view iso) {
  Result<int32_t> day = IsoToDay(iso);
  EXPECT_TRUE(day.ok()) << iso << ": " << day.status().ToString();
  return day.ok() ? *day : 0;
}

// The oracle for IsoToDay: the standard library's calendar.
int32_t ChronoDay(int year, unsigned month, unsigned day) {
  const std::chrono::sys_days days{std::chrono::year{year} / std::chrono::month{month} /
                                   std::chrono::day{day}};
  return static_cast<int32_t>(days.time_since_epoch().count());
}

FuzzyDate Parse(std::string_view text) {
  Result<FuzzyDate> date = ParseFuzzyDate(text);
  EXPECT_TRUE(date.ok()) << "'" << text << "': " << date.status().ToString();
  return date.ok() ? *date : FuzzyDate{};
}

struct Case {
  std::string_view input;
  std::string_view first;  // ISO, or "" for the unknown date
  std::string_view last;
  DatePrecision precision;
  bool approximate;
  std::string_view canonical;
  std::string_view describe;
};

// Every accepted form, with its exact meaning.
const Case kCases[] = {
    // ISO and EDTF level 0.
    {"2009", "2009-01-01", "2009-12-31", P::kYear, false, "2009", "2009"},
    {"2009-03", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"2009-03-14", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"2009/03/14", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"2009/03", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"2009.03.14", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {" \t2009-03-14\n ", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"2009-02", "2009-02-01", "2009-02-28", P::kMonth, false, "2009-02", "February 2009"},
    {"2008-02", "2008-02-01", "2008-02-29", P::kMonth, false, "2008-02", "February 2008"},
    {"2000-02-29", "2000-02-29", "2000-02-29", P::kDay, false, "2000-02-29", "29 February 2000"},
    {"2009-01-01", "2009-01-01", "2009-01-01", P::kDay, false, "2009-01-01", "1 January 2009"},
    {"1000-01-01", "1000-01-01", "1000-01-01", P::kDay, false, "1000-01-01", "1 January 1000"},
    {"2999-12-31", "2999-12-31", "2999-12-31", P::kDay, false, "2999-12-31", "31 December 2999"},
    // Month names.
    {"March 2009", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"Mar 2009", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"mar. 2009", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"MARCH 2009", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"March, 2009", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"Sept 2009", "2009-09-01", "2009-09-30", P::kMonth, false, "2009-09", "September 2009"},
    {"December 1999", "1999-12-01", "1999-12-31", P::kMonth, false, "1999-12", "December 1999"},
    {"14 March 2009", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"14 Mar 2009", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"14th March 2009", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"14th of March, 2009", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14",
     "14 March 2009"},
    {"March 14, 2009", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"March 14 2009", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"Sept 1st, 2009", "2009-09-01", "2009-09-01", P::kDay, false, "2009-09-01",
     "1 September 2009"},
    {"29 February 2008", "2008-02-29", "2008-02-29", P::kDay, false, "2008-02-29",
     "29 February 2008"},
    // Seasons.
    {"spring 2009", "2009-03-01", "2009-05-31", P::kSeason, false, "2009-21", "spring 2009"},
    {"summer 2009", "2009-06-01", "2009-08-31", P::kSeason, false, "2009-22", "summer 2009"},
    {"autumn 2009", "2009-09-01", "2009-11-30", P::kSeason, false, "2009-23", "autumn 2009"},
    {"fall 2009", "2009-09-01", "2009-11-30", P::kSeason, false, "2009-23", "autumn 2009"},
    {"winter 2009", "2009-12-01", "2010-02-28", P::kSeason, false, "2009-24", "winter 2009"},
    {"Winter 2011", "2011-12-01", "2012-02-29", P::kSeason, false, "2011-24", "winter 2011"},
    {"winter 1999", "1999-12-01", "2000-02-29", P::kSeason, false, "1999-24", "winter 1999"},
    {"winter 2099", "2099-12-01", "2100-02-28", P::kSeason, false, "2099-24", "winter 2099"},
    {"Spring of 2009", "2009-03-01", "2009-05-31", P::kSeason, false, "2009-21", "spring 2009"},
    {"2009-21", "2009-03-01", "2009-05-31", P::kSeason, false, "2009-21", "spring 2009"},
    {"2009-22", "2009-06-01", "2009-08-31", P::kSeason, false, "2009-22", "summer 2009"},
    {"2009-23", "2009-09-01", "2009-11-30", P::kSeason, false, "2009-23", "autumn 2009"},
    {"2009-24", "2009-12-01", "2010-02-28", P::kSeason, false, "2009-24", "winter 2009"},
    // Parts of a year and of a decade.
    {"early 2009", "2009-01-01", "2009-04-30", P::kRange, false, "2009-01/2009-04", "early 2009"},
    {"mid 2009", "2009-05-01", "2009-08-31", P::kRange, false, "2009-05/2009-08", "mid-2009"},
    {"mid-2009", "2009-05-01", "2009-08-31", P::kRange, false, "2009-05/2009-08", "mid-2009"},
    {"late 2009", "2009-09-01", "2009-12-31", P::kRange, false, "2009-09/2009-12", "late 2009"},
    {"early 1990s", "1990-01-01", "1993-12-31", P::kRange, false, "1990/1993", "early 1990s"},
    {"mid 1990s", "1994-01-01", "1996-12-31", P::kRange, false, "1994/1996", "mid-1990s"},
    {"mid-1990s", "1994-01-01", "1996-12-31", P::kRange, false, "1994/1996", "mid-1990s"},
    {"late 1990s", "1997-01-01", "1999-12-31", P::kRange, false, "1997/1999", "late 1990s"},
    {"the late 1990s", "1997-01-01", "1999-12-31", P::kRange, false, "1997/1999", "late 1990s"},
    // Decades.
    {"1990s", "1990-01-01", "1999-12-31", P::kDecade, false, "199X", "1990s"},
    {"the 1990s", "1990-01-01", "1999-12-31", P::kDecade, false, "199X", "1990s"},
    {"1990's", "1990-01-01", "1999-12-31", P::kDecade, false, "199X", "1990s"},
    {"199X", "1990-01-01", "1999-12-31", P::kDecade, false, "199X", "1990s"},
    {"199x", "1990-01-01", "1999-12-31", P::kDecade, false, "199X", "1990s"},
    {"2000s", "2000-01-01", "2009-12-31", P::kDecade, false, "200X", "2000s"},
    {"2990s", "2990-01-01", "2999-12-31", P::kDecade, false, "299X", "2990s"},
    // Ranges.
    {"between 2008 and 2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008-2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008 - 2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008 to 2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"from 2008 to 2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"From 2008 until 2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008/2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008\u20132010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008 \u2013 2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008-05/2010-03", "2008-05-01", "2010-03-31", P::kRange, false, "2008-05/2010-03",
     "between May 2008 and March 2010"},
    {"2008-05/2010", "2008-05-01", "2010-12-31", P::kRange, false, "2008-05/2010",
     "between May 2008 and 2010"},
    {"2008-05-2010", "2008-05-01", "2010-12-31", P::kRange, false, "2008-05/2010",
     "between May 2008 and 2010"},
    {"2008-05-14/2010-03-02", "2008-05-14", "2010-03-02", P::kRange, false, "2008-05-14/2010-03-02",
     "between 14 May 2008 and 2 March 2010"},
    {"2008-01/2010-12", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"14 March 2009 to June 2009", "2009-03-14", "2009-06-30", P::kRange, false,
     "2009-03-14/2009-06", "between 14 March 2009 and June 2009"},
    {"2009-03-01/2009-03-14", "2009-03-01", "2009-03-14", P::kRange, false, "2009-03-01/2009-03-14",
     "between 1 March 2009 and 14 March 2009"},
    {"between 2009 and 2009", "2009-01-01", "2009-12-31", P::kRange, false, "2009-01/2009-12",
     "between January 2009 and December 2009"},
    {"spring 2008 to summer 2010", "2008-03-01", "2010-08-31", P::kRange, false, "2008-03/2010-08",
     "between March 2008 and August 2010"},
    {"1990s-2000s", "1990-01-01", "2009-12-31", P::kRange, false, "1990/2009",
     "between 1990 and 2009"},
    {"early 2008 to late 2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"winter 2009 to 2010", "2009-12-01", "2010-12-31", P::kRange, false, "2009-12/2010",
     "between December 2009 and 2010"},
    // Approximate.
    {"about 2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"around 2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"circa 2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"c. 2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"c.2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"ca. 2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"approx. 2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"approximately 2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"2009~", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"~2009", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"Circa March 2009", "2009-03-01", "2009-03-31", P::kMonth, true, "2009-03~",
     "about March 2009"},
    {"2009-03-14~", "2009-03-14", "2009-03-14", P::kDay, true, "2009-03-14~",
     "about 14 March 2009"},
    {"about spring 2009", "2009-03-01", "2009-05-31", P::kSeason, true, "2009-21~",
     "about spring 2009"},
    {"2009-24~", "2009-12-01", "2010-02-28", P::kSeason, true, "2009-24~", "about winter 2009"},
    {"about the 1990s", "1990-01-01", "1999-12-31", P::kDecade, true, "199X~", "about 1990s"},
    {"about early 2009", "2009-01-01", "2009-04-30", P::kRange, true, "2009-01~/2009-04~",
     "about early 2009"},
    {"2008~/2010~", "2008-01-01", "2010-12-31", P::kRange, true, "2008~/2010~",
     "between about 2008 and about 2010"},
    {"2008/2010~", "2008-01-01", "2010-12-31", P::kRange, true, "2008~/2010~",
     "between about 2008 and about 2010"},
    {"about 2008 to 2010", "2008-01-01", "2010-12-31", P::kRange, true, "2008~/2010~",
     "between about 2008 and about 2010"},
    {"between circa 2008 and 2010", "2008-01-01", "2010-12-31", P::kRange, true, "2008~/2010~",
     "between about 2008 and about 2010"},
    // Unknown.
    {"unknown", "", "", P::kUnknown, false, "XXXX", "unknown date"},
    {"Unknown", "", "", P::kUnknown, false, "XXXX", "unknown date"},
    {"XXXX", "", "", P::kUnknown, false, "XXXX", "unknown date"},
    {"xxxx", "", "", P::kUnknown, false, "XXXX", "unknown date"},
    {"미상", "", "", P::kUnknown, false, "XXXX", "unknown date"},
    // Korean.
    {"2009년", "2009-01-01", "2009-12-31", P::kYear, false, "2009", "2009"},
    {"2009년 3월", "2009-03-01", "2009-03-31", P::kMonth, false, "2009-03", "March 2009"},
    {"2009년 3월 14일", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"2009년3월14일", "2009-03-14", "2009-03-14", P::kDay, false, "2009-03-14", "14 March 2009"},
    {"2009년 봄", "2009-03-01", "2009-05-31", P::kSeason, false, "2009-21", "spring 2009"},
    {"2009년 여름", "2009-06-01", "2009-08-31", P::kSeason, false, "2009-22", "summer 2009"},
    {"2009년 가을", "2009-09-01", "2009-11-30", P::kSeason, false, "2009-23", "autumn 2009"},
    {"2009년 겨울", "2009-12-01", "2010-02-28", P::kSeason, false, "2009-24", "winter 2009"},
    {"1990년대", "1990-01-01", "1999-12-31", P::kDecade, false, "199X", "1990s"},
    {"1990년대 후반", "1997-01-01", "1999-12-31", P::kRange, false, "1997/1999", "late 1990s"},
    {"1990년대 초반", "1990-01-01", "1993-12-31", P::kRange, false, "1990/1993", "early 1990s"},
    {"2009년 초", "2009-01-01", "2009-04-30", P::kRange, false, "2009-01/2009-04", "early 2009"},
    {"2009년 중반", "2009-05-01", "2009-08-31", P::kRange, false, "2009-05/2009-08", "mid-2009"},
    {"2009년 말", "2009-09-01", "2009-12-31", P::kRange, false, "2009-09/2009-12", "late 2009"},
    {"약 2009년", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"2009년경", "2009-01-01", "2009-12-31", P::kYear, true, "2009~", "about 2009"},
    {"2008년부터 2010년까지", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008년~2010년", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
    {"2008~2010", "2008-01-01", "2010-12-31", P::kRange, false, "2008/2010",
     "between 2008 and 2010"},
};

TEST(FuzzyDateTest, EveryAcceptedFormHasItsExactMeaning) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string("input: '") + std::string(c.input) + "'");
    Result<FuzzyDate> date = ParseFuzzyDate(c.input);
    ASSERT_TRUE(date.ok()) << date.status().ToString();
    if (c.precision == P::kUnknown) {
      EXPECT_EQ(date->first_day, kMin);
      EXPECT_EQ(date->last_day, kMax);
    } else {
      EXPECT_EQ(date->first_day, Day(c.first));
      EXPECT_EQ(date->last_day, Day(c.last));
    }
    EXPECT_EQ(date->precision, c.precision);
    EXPECT_EQ(date->approximate, c.approximate);
    EXPECT_EQ(date->Canonical(), c.canonical);
    EXPECT_EQ(date->Describe(), c.describe);
  }
}

TEST(FuzzyDateTest, CanonicalRoundTripsForEveryAcceptedForm) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string("input: '") + std::string(c.input) + "'");
    const FuzzyDate date = Parse(c.input);
    Result<FuzzyDate> again = ParseFuzzyDate(date.Canonical());
    ASSERT_TRUE(again.ok()) << date.Canonical() << ": " << again.status().ToString();
    EXPECT_EQ(*again, date) << date.Canonical();
    EXPECT_EQ(again->Canonical(), date.Canonical());
  }
}

TEST(FuzzyDateTest, DefaultConstructedIsUnknown) {
  const FuzzyDate date;
  EXPECT_EQ(date.precision, P::kUnknown);
  EXPECT_EQ(date.first_day, kMin);
  EXPECT_EQ(date.last_day, kMax);
  EXPECT_FALSE(date.approximate);
  EXPECT_EQ(date, Parse("unknown"));
}

TEST(FuzzyDateTest, PrecisionNames) {
  EXPECT_EQ(DatePrecisionName(P::kDay), "day");
  EXPECT_EQ(DatePrecisionName(P::kMonth), "month");
  EXPECT_EQ(DatePrecisionName(P::kSeason), "season");
  EXPECT_EQ(DatePrecisionName(P::kYear), "year");
  EXPECT_EQ(DatePrecisionName(P::kDecade), "decade");
  EXPECT_EQ(DatePrecisionName(P::kRange), "range");
  EXPECT_EQ(DatePrecisionName(P::kUnknown), "unknown");
}

TEST(FuzzyDateTest, ApproximateDoesNotWiden) {
  const FuzzyDate exact = Parse("2009");
  const FuzzyDate about = Parse("about 2009");
  EXPECT_EQ(about.first_day, exact.first_day);
  EXPECT_EQ(about.last_day, exact.last_day);
  EXPECT_EQ(about.precision, exact.precision);
  EXPECT_NE(about, exact);
}

// --- DayToIso and IsoToDay.

TEST(IsoDayTest, KnownValues) {
  EXPECT_EQ(DayToIso(14289), "2009-02-14");
  EXPECT_EQ(DayToIso(0), "1970-01-01");
  EXPECT_EQ(DayToIso(-1), "1969-12-31");
  EXPECT_EQ(DayToIso(ChronoDay(1000, 1, 1)), "1000-01-01");
  Result<int32_t> day = IsoToDay("2009-02-14");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, 14289);
  EXPECT_EQ(Day("1970-01-01"), 0);
  EXPECT_EQ(Day("2000-02-29"), ChronoDay(2000, 2, 29));
}

TEST(IsoDayTest, AgreesWithChronoOnEveryDayInRange) {
  const int32_t first = ChronoDay(1000, 1, 1);
  const int32_t last = ChronoDay(2999, 12, 31);
  for (int32_t day = first; day <= last; ++day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    char expected[16];
    std::snprintf(expected, sizeof(expected), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    const std::string iso = DayToIso(day);
    ASSERT_EQ(iso, expected) << day;
    Result<int32_t> back = IsoToDay(iso);
    ASSERT_TRUE(back.ok()) << iso;
    ASSERT_EQ(*back, day) << iso;
  }
}

TEST(IsoDayTest, ExtremesDoNotCrash) {
  for (int32_t day : {kMin, kMin + 1, -1000000, 1000000, kMax - 1, kMax}) {
    const std::string iso = DayToIso(day);
    EXPECT_GE(iso.size(), 10u) << day;
  }
  EXPECT_EQ(DayToIso(ChronoDay(-1, 1, 1)), "-0001-01-01");
  EXPECT_EQ(DayToIso(ChronoDay(10000, 1, 1)), "+10000-01-01");
}

TEST(IsoDayTest, RejectsAnythingButAValidYyyyMmDd) {
  for (std::string_view bad :
       {"", "2009-2-14", "2009-02-14 ", " 2009-02-14", "09-02-14", "20090214", "2009-02-14T00:00",
        "2009/02/14", "2009-13-01", "2009-00-10", "2009-02-29", "1900-02-29", "2009-04-31",
        "2009-01-00", "0999-12-31", "3000-01-01", "2009-0a-14", "+009-02-14", "-009-02-14"}) {
    Result<int32_t> day = IsoToDay(bad);
    ASSERT_FALSE(day.ok()) << "'" << bad << "'";
    EXPECT_EQ(day.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(day.status().message().find("YYYY-MM-DD"), std::string::npos)
        << day.status().message();
  }
}

// --- Leap years.

TEST(FuzzyDateTest, LeapYears) {
  EXPECT_EQ(Parse("2000-02-29").first_day, ChronoDay(2000, 2, 29));
  EXPECT_EQ(Parse("2012-02-29").first_day, ChronoDay(2012, 2, 29));
  EXPECT_EQ(Parse("winter 2011").last_day, ChronoDay(2012, 2, 29));
  EXPECT_EQ(Parse("winter 2010").last_day, ChronoDay(2011, 2, 28));
  EXPECT_EQ(Parse("February 2000").last_day, ChronoDay(2000, 2, 29));
  EXPECT_EQ(Parse("February 1900").last_day, ChronoDay(1900, 2, 28));
  for (std::string_view bad :
       {"1900-02-29", "2009-02-29", "29 February 2009", "February 29, 2100", "2009년 2월 29일"}) {
    Result<FuzzyDate> date = ParseFuzzyDate(bad);
    ASSERT_FALSE(date.ok()) << bad;
    EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(date.status().message().find("has 28 days"), std::string::npos)
        << date.status().message();
  }
}

// --- Overlaps.

TEST(FuzzyDateTest, AQueryForAYearFindsEverythingThatMightBeInIt) {
  const FuzzyDate query = Parse("2009");
  for (std::string_view text : {"spring 2009", "2008/2010", "2000s", "winter 2008", "winter 2009",
                                "2009-12-31", "2009-01-01", "late 2009", "about 2009", "unknown",
                                "2009-03-14", "between 1990 and 2050"}) {
    EXPECT_TRUE(query.Overlaps(Parse(text))) << text;
    EXPECT_TRUE(Parse(text).Overlaps(query)) << text;
  }
  for (std::string_view text :
       {"2010", "2008", "2010-01-01", "2008-12-31", "1990s", "winter 2007", "2010s"}) {
    EXPECT_FALSE(query.Overlaps(Parse(text))) << text;
    EXPECT_FALSE(Parse(text).Overlaps(query)) << text;
  }
}

TEST(FuzzyDateTest, UnknownOverlapsEverything) {
  const FuzzyDate unknown = Parse("unknown");
  for (std::string_view text : {"1000-01-01", "2999-12-31", "1990s", "2009", "unknown"}) {
    EXPECT_TRUE(unknown.Overlaps(Parse(text))) << text;
    EXPECT_TRUE(Parse(text).Overlaps(unknown)) << text;
  }
}

TEST(FuzzyDateTest, OverlapIsClosedAtBothEnds) {
  EXPECT_TRUE(Parse("2009-03-14").Overlaps(Parse("2009-03-14")));
  EXPECT_TRUE(Parse("2008/2009-03-14").Overlaps(Parse("2009-03-14/2010")));
  EXPECT_FALSE(Parse("2008/2009-03-13").Overlaps(Parse("2009-03-14/2010")));
  EXPECT_TRUE(Parse("spring 2009").Overlaps(Parse("May 2009")));
  EXPECT_FALSE(Parse("spring 2009").Overlaps(Parse("June 2009")));
}

// --- Errors.

void ExpectRejected(std::string_view input, std::string_view must_contain) {
  Result<FuzzyDate> date = ParseFuzzyDate(input);
  ASSERT_FALSE(date.ok()) << "'" << input << "' parsed as " << date->Canonical();
  EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(date.status().message().find(must_contain), std::string::npos)
      << "message: " << date.status().message() << "\nexpected to contain: " << must_contain;
}

TEST(FuzzyDateTest, ErrorMessageNamesTheInputAndGivesExamples) {
  Result<FuzzyDate> date = ParseFuzzyDate("spring 20O9");
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(date.status().message(),
            "'spring 20O9' is not a date; expected e.g. 2009, 2009-03, 2009-03-14, spring 2009, "
            "1990s, between 2008 and 2010");
}

TEST(FuzzyDateTest, EmptyIsAnError) {
  ExpectRejected("", "empty date");
  ExpectRejected("   ", "empty date");
  ExpectRejected("\t\n", "empty date");
  ExpectRejected("\xC2\xA0", "empty date");
}

// Impossible calendar days and out-of-range or malformed numbers.
constexpr std::string_view kImpossible[] = {
    "2009-13",    "2009-00",        "2009-25",       "2009-02-30",
    "2009-04-31", "March 32, 2009", "31 April 2009", "2009-3",
    "2009-03-1",  "2009-003",       "20090",         "-2009",
    "1995s",      "0999",           "3000",          "999",
    "199",        "1000000",        "winter 2999",   "2009-21/2009-13",
    "2009/21"};
// Typos, stray or missing words and punctuation.
constexpr std::string_view kGarbled[] = {"spring 20O9",
                                         "1990ss",
                                         "early",
                                         "mid",
                                         "the",
                                         "the 2009",
                                         "spring",
                                         "early spring 2009",
                                         "early 2009-03",
                                         "19X",
                                         "2009?",
                                         "2009-",
                                         "/2010",
                                         "2008/",
                                         "2009/2010/2011",
                                         "between 2008",
                                         "between 2008 or 2010",
                                         "from 2008",
                                         "XXXX/2010",
                                         "unknown 2009",
                                         "about unknown",
                                         "~",
                                         "~~2009",
                                         "about c. 2009",
                                         "2009 march",
                                         "March",
                                         "14 March",
                                         "2009 2010",
                                         "2009..03",
                                         "two thousand nine",
                                         "2009,",
                                         ",2009",
                                         "20 09",
                                         "2009-03 -14",
                                         "2009 -03",
                                         "a2009",
                                         "2009a",
                                         "2009\u20132009\u2013",
                                         "between 2010 and 2008",
                                         "2010-05 to 2010-03"};
// Korean that is not a date, and digits from other scripts (Arabic-Indic, fullwidth).
constexpr std::string_view kForeign[] = {"2009년 13월",
                                         "2009년 봄봄",
                                         "2009년 3월 32일",
                                         "2009 년대",
                                         "봄 2009",
                                         "한국",
                                         "2009년 3월 14일 오후",
                                         "\u0662\u0660\u0660\u0669",
                                         "\uFF12\uFF10\uFF10\uFF19"};

TEST(FuzzyDateTest, RejectsMalformedInputNamingIt) {
  for (std::span<const std::string_view> list :
       {std::span<const std::string_view>(kImpossible), std::span<const std::string_view>(kGarbled),
        std::span<const std::string_view>(kForeign)}) {
    for (std::string_view bad : list) {
      SCOPED_TRACE(std::string("input: '") + std::string(bad) + "'");
      ExpectRejected(bad, std::string("'") + std::string(bad) + "'");
    }
  }
}

TEST(FuzzyDateTest, SpecificReasons) {
  ExpectRejected("2009-13", "there is no month 13");
  ExpectRejected("2009년 13월", "there is no month 13");
  ExpectRejected("2009-02-30", "February 2009 has 28 days");
  ExpectRejected("31 April 2009", "April 2009 has 30 days");
  ExpectRejected("between 2010 and 2008", "starts on 2010-01-01, after it ends on 2008-12-31");
  ExpectRejected("20090", "four digits");
  ExpectRejected("0999", "1000-2999");
  ExpectRejected("winter 2999", "past 2999-12-31");
  ExpectRejected("1995s", "ending in 0");
  ExpectRejected("early spring 2009", "early, mid and late");
  ExpectRejected("about unknown", "cannot also be approximate");
  ExpectRejected("2009-3", "two digits");
}

TEST(FuzzyDateTest, AmbiguousNumericDatesAreRefusedNotGuessed) {
  for (std::string_view bad : {"03/04/2009", "14/03/2009", "3/4/2009", "14.03.2009", "03-04-2009",
                               "12/12/2009", "03/2009"}) {
    SCOPED_TRACE(std::string("input: '") + std::string(bad) + "'");
    ExpectRejected(bad, std::string("'") + std::string(bad) + "'");
    ExpectRejected(bad, "use YYYY-MM-DD");
  }
}

TEST(FuzzyDateTest, OverlongInputIsRejectedEarlyWithATruncatedQuote) {
  const std::string digits(10000, '1');
  Result<FuzzyDate> date = ParseFuzzyDate(digits);
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = date.status().message();
  EXPECT_NE(message.find("10000 bytes"), std::string::npos) << message;
  EXPECT_NE(message.find("200-byte limit"), std::string::npos) << message;
  EXPECT_NE(message.find("'" + digits.substr(0, 50)), std::string::npos) << message;
  EXPECT_NE(message.find("...'"), std::string::npos) << message;
  EXPECT_LT(message.size(), 200u) << message;

  const std::string ten_megabytes(10 * 1024 * 1024, '9');
  EXPECT_FALSE(ParseFuzzyDate(ten_megabytes).ok());

  // 200 bytes is still looked at; 201 is not.
  std::string padded = "2009" + std::string(196, ' ');
  EXPECT_TRUE(ParseFuzzyDate(padded).ok());
  padded += ' ';
  ExpectRejected(padded, "201 bytes");
}

TEST(FuzzyDateTest, BinaryInputIsEscapedInTheMessage) {
  ExpectRejected(std::string_view("2009\0", 5), "'2009\\x00'");
  ExpectRejected(std::string_view("20\0"
                                  "09",
                                  5),
                 "'20\\x0009'");
  ExpectRejected(std::string_view("\0", 1), "'\\x00'");
  ExpectRejected("\xff\xfe", "'\\xff\\xfe'");
  ExpectRejected("2009\xff", "'2009\\xff'");
  ExpectRejected("\xed\xa0\x80", "'\\xed\\xa0\\x80'");  // a UTF-16 surrogate, not UTF-8
  ExpectRejected("\xeb\xb4", "'\\xeb\\xb4'");           // half of 봄
  ExpectRejected("2009\x1b[31m", "'2009\\x1b[31m'");
  // A right-to-left override could make a log line read differently from what it holds.
  ExpectRejected(
      "\xe2\x80\xae"
      "2009",
      "'\\xe2\\x80\\xae2009'");
  // Readable non-ASCII text stays readable.
  ExpectRejected("2009년 봄봄", "'2009년 봄봄'");
}

TEST(FuzzyDateTest, QuotedInputIsCutOnACharacterBoundary) {
  // The leading "x" puts the syllables off the byte limit's alignment.
  std::string text = "x";
  while (text.size() < 190) text += "봄";
  Result<FuzzyDate> date = ParseFuzzyDate(text);
  ASSERT_FALSE(date.ok());
  const std::string& message = date.status().message();
  const size_t start = message.find("'x");
  const size_t end = message.find("...'");
  ASSERT_NE(start, std::string::npos) << message;
  ASSERT_NE(end, std::string::npos) << message;
  // Only whole three-byte syllables sit between the x and the ellipsis.
  EXPECT_EQ((end - start - 2) % 3, 0u) << message;
  EXPECT_GT(end - start - 2, 0u) << message;
}

// --- Randomized sweeps.

std::string Iso(int year, int month, int day) {
  char out[16];
  std::snprintf(out, sizeof(out), "%04d-%02d-%02d", year, month, day);
  return out;
}

int LastDayOfMonth(int year, int month) {
  const std::chrono::year_month_day_last last{std::chrono::year{year} /
                                              std::chrono::month{static_cast<unsigned>(month)} /
                                              std::chrono::last};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

TEST(FuzzyDateTest, RandomizedSweepMatchesChronoAndRoundTrips) {
  static constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
  static constexpr std::string_view kSeasons[] = {"spring", "summer", "autumn", "winter"};
  std::mt19937 random(20090314);
  const auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  for (int i = 0; i < 20000; ++i) {
    const int year = uniform(1000, 2998);
    const int month = uniform(1, 12);
    const int day = uniform(1, LastDayOfMonth(year, month));
    std::string text;
    int32_t first = 0;
    int32_t last = 0;
    DatePrecision precision = P::kDay;
    switch (uniform(0, 7)) {
      case 0:
        text = Iso(year, month, day);
        first = last = ChronoDay(year, month, day);
        break;
      case 1:
        text = std::to_string(day) + " " + std::string(kMonths[month - 1]) + " " +
               std::to_string(year);
        first = last = ChronoDay(year, month, day);
        break;
      case 2:
        text = Iso(year, month, day).substr(0, 7);
        first = ChronoDay(year, month, 1);
        last = ChronoDay(year, month, LastDayOfMonth(year, month));
        precision = P::kMonth;
        break;
      case 3: {
        const int season = uniform(0, 3);
        text = std::string(kSeasons[season]) + " " + std::to_string(year);
        const int first_month = 3 + 3 * season;
        first = ChronoDay(year, first_month, 1);
        last = season == 3
                   ? ChronoDay(year + 1, 2, LastDayOfMonth(year + 1, 2))
                   : ChronoDay(year, first_month + 2, LastDayOfMonth(year, first_month + 2));
        precision = P::kSeason;
        break;
      }
      case 4:
        text = std::to_string(year);
        first = ChronoDay(year, 1, 1);
        last = ChronoDay(year, 12, 31);
        precision = P::kYear;
        break;
      case 5: {
        const int decade = year - year % 10;
        text = std::to_string(decade) + "s";
        first = ChronoDay(decade, 1, 1);
        last = ChronoDay(decade + 9, 12, 31);
        precision = P::kDecade;
        break;
      }
      default: {
        // A range between two days, written as ISO or with "between ... and ...".
        const int end_year = uniform(year, 2999);
        const int end_month = end_year == year ? uniform(month, 12) : uniform(1, 12);
        const int min_day = end_year == year && end_month == month ? day : 1;
        const int end_day = uniform(min_day, LastDayOfMonth(end_year, end_month));
        text = uniform(0, 1) == 0 ? Iso(year, month, day) + "/" + Iso(end_year, end_month, end_day)
                                  : "between " + Iso(year, month, day) + " and " +
                                        Iso(end_year, end_month, end_day);
        first = ChronoDay(year, month, day);
        last = ChronoDay(end_year, end_month, end_day);
        precision = P::kRange;
        break;
      }
    }
    const bool approximate = uniform(0, 3) == 0;
    if (approximate) text = "about " + text;
    SCOPED_TRACE("input: '" + text + "'");
    Result<FuzzyDate> date = ParseFuzzyDate(text);
    ASSERT_TRUE(date.ok()) << date.status().ToString();
    ASSERT_EQ(date->first_day, first);
    ASSERT_EQ(date->last_day, last);
    ASSERT_EQ(date->precision, precision);
    ASSERT_EQ(date->approximate, approximate);
    Result<FuzzyDate> again = ParseFuzzyDate(date->Canonical());
    ASSERT_TRUE(again.ok()) << date->Canonical() << ": " << again.status().ToString();
    ASSERT_EQ(*again, *date) << date->Canonical();
  }
}

// Every range a caller could build from two days in 1000-2999 survives Canonical(), whatever
// mix of day, month and year ends it needs.
TEST(FuzzyDateTest, RandomRangesRoundTripThroughCanonical) {
  std::mt19937 random(1990);
  const int32_t lowest = ChronoDay(1000, 1, 1);
  const int32_t highest = ChronoDay(2999, 12, 31);
  std::vector<int32_t> interesting;  // month and year boundaries make the coarser ends appear
  for (int i = 0; i < 200; ++i) {
    const int year = std::uniform_int_distribution<int>(1000, 2999)(random);
    const int month = std::uniform_int_distribution<int>(1, 12)(random);
    interesting.push_back(ChronoDay(year, month, 1));
    interesting.push_back(ChronoDay(year, month, LastDayOfMonth(year, month)));
    interesting.push_back(ChronoDay(year, 1, 1));
    interesting.push_back(ChronoDay(year, 12, 31));
  }
  std::uniform_int_distribution<int32_t> any_day(lowest, highest);
  std::uniform_int_distribution<size_t> pick(0, interesting.size() - 1);
  for (int i = 0; i < 20000; ++i) {
    int32_t a = i % 2 == 0 ? any_day(random) : interesting[pick(random)];
    int32_t b = i % 3 == 0 ? any_day(random) : interesting[pick(random)];
    if (i % 5 == 0) b = a + std::uniform_int_distribution<int32_t>(0, 400)(random);
    if (b > highest) b = highest;
    if (a > b) std::swap(a, b);
    const FuzzyDate range{a, b, P::kRange, i % 4 == 0};
    Result<FuzzyDate> again = ParseFuzzyDate(range.Canonical());
    ASSERT_TRUE(again.ok()) << range.Canonical() << ": " << again.status().ToString();
    ASSERT_EQ(*again, range) << range.Canonical();
  }
}

// Hostile bytes and token soup: never a crash (ASan/UBSan watch), and whatever parses
// round-trips and lies within the supported years.
TEST(FuzzyDateTest, FuzzedInputNeverCrashesAndWhatParsesRoundTrips) {
  static constexpr std::string_view kPieces[] = {
      "2009",    "1990",   "03",    "14",   "1",       "-",    "/",     ".",    ",",     "~",
      " ",       "s",      "X",     "x",    "'",       "the",  "early", "mid",  "late",  "spring",
      "fall",    "winter", "March", "Sept", "between", "and",  "to",    "from", "about", "c.",
      "unknown", "XXXX",   "년",    "년대", "월",      "일",   "봄",    "겨울", "초",    "말",
      "경",      "약",     "부터",  "까지", "\u2013",  "\xff", "\0",    "21",   "24",    "99"};
  std::mt19937 random(7);
  std::uniform_int_distribution<size_t> piece(0, std::size(kPieces) - 1);
  int parsed = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string text;
    const int count = std::uniform_int_distribution<int>(0, 8)(random);
    for (int k = 0; k < count; ++k) {
      const std::string_view p = kPieces[piece(random)];
      text += p.empty() ? std::string(1, '\0') : std::string(p);
    }
    Result<FuzzyDate> date = ParseFuzzyDate(text);
    if (!date.ok()) {
      EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument);
      EXPECT_FALSE(date.status().message().empty());
      continue;
    }
    ++parsed;
    if (date->precision != P::kUnknown) {
      EXPECT_LE(date->first_day, date->last_day) << text;
      EXPECT_GE(date->first_day, ChronoDay(1000, 1, 1)) << text;
      EXPECT_LE(date->last_day, ChronoDay(2999, 12, 31)) << text;
    }
    Result<FuzzyDate> again = ParseFuzzyDate(date->Canonical());
    ASSERT_TRUE(again.ok()) << "'" << text << "' -> " << date->Canonical();
    EXPECT_EQ(*again, *date) << "'" << text << "' -> " << date->Canonical();
  }
  EXPECT_GT(parsed, 100);  // the soup is rich enough to exercise the success path too

  // Every one- and two-byte string.
  for (int a = 0; a < 256; ++a) {
    for (int b = -1; b < 256; ++b) {
      std::string text(1, static_cast<char>(a));
      if (b >= 0) text += static_cast<char>(b);
      Result<FuzzyDate> date = ParseFuzzyDate(text);
      if (!date.ok()) {
        EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument);
      }
    }
  }
}

}  // namespace
}  // namespace custodian
