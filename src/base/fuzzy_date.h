// FuzzyDate: a date as witnesses and documents actually give it ("spring 2009", "the late
// 1990s", "about March 2009"), kept as an inclusive range of days plus the precision it was
// stated with, so that a search for 2009 finds "spring 2009" (DESIGN.md, "What must always be
// true", item 5).
//
// Contract:
//  - Days count from 1970-01-01 in the proleptic Gregorian calendar. Every date that
//    ParseFuzzyDate returns lies within 1000-01-01..2999-12-31, except kUnknown, which spans
//    INT32_MIN..INT32_MAX so that it overlaps everything.
//  - Seasons are northern-hemisphere meteorological seasons: spring is March-May, summer
//    June-August, autumn September-November, and "winter 2009" is 1 December 2009 to the end
//    of February 2010.
//  - "Approximate" (about, circa, ~) is a flag; it never widens the range.
//  - Canonical() is the storage and exchange form. It follows EDTF, the Extended Date/Time
//    Format of ISO 8601-2 as profiled by the Library of Congress, level 1: 2009-03-14, 2009-03,
//    2009-21..2009-24 for seasons, 2009, 199X for a decade, XXXX for unknown, intervals like
//    2008-05/2010, and a trailing ~ for approximate (on both ends of an interval, "2008~/2010~",
//    since in EDTF a ~ qualifies only the date it follows). For every FuzzyDate that
//    ParseFuzzyDate returns, ParseFuzzyDate(d.Canonical()) == d.
//  - Describe() is English for people; it is not meant to be parsed back.
//  - Text with day and month in an order that varies by country (03/04/2009, 14.03.2009) is
//    refused rather than guessed; evidence must not silently move by a month.
//
// Thread-safety: values and pure functions with no shared state; safe from any thread.
#ifndef CUSTODIAN_BASE_FUZZY_DATE_H_
#define CUSTODIAN_BASE_FUZZY_DATE_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "base/status.h"

namespace custodian {

enum class DatePrecision { kDay, kMonth, kSeason, kYear, kDecade, kRange, kUnknown };

// "day", "month", "season", "year", "decade", "range" or "unknown".
std::string_view DatePrecisionName(DatePrecision precision);

// A default-constructed FuzzyDate is the unknown date.
struct FuzzyDate {
  int32_t first_day = std::numeric_limits<int32_t>::min();  // inclusive
  int32_t last_day = std::numeric_limits<int32_t>::max();   // inclusive
  DatePrecision precision = DatePrecision::kUnknown;
  bool approximate = false;

  // EDTF level 1 (see the top of this file). An interval's ends are written as coarsely as
  // they are exact ("2008-05/2010"), but within a single year (month) both ends are written
  // at least to the month (day): "2009-01/2009-04" for early 2009.
  std::string Canonical() const;

  // "14 March 2009", "March 2009", "spring 2009", "2009", "1990s", "early 2009",
  // "between May 2008 and 2010", "unknown date"; "about ..." when approximate.
  std::string Describe() const;

  // Whether the two closed ranges share a day; the unknown date overlaps everything.
  bool Overlaps(const FuzzyDate& other) const;

  friend bool operator==(const FuzzyDate&, const FuzzyDate&) = default;
};

// Parses a date as people write it, in English, Korean or EDTF; case-insensitive, surrounding
// whitespace ignored. Accepted forms:
//   2009, 2009-03, 2009-03-14, 2009/03/14, 2009.03.14
//   March 2009, Mar 2009, 14 March 2009, March 14, 2009
//   spring|summer|autumn|fall|winter 2009, 2009-21..2009-24
//   early|mid|late 2009, mid-2009, early|mid|late 1990s  (kRange)
//   1990s, the 1990s, 199X
//   between A and B, from A to B, A to B, A-B, A–B, A/B, A~B  (A and B any of the above)
//   about|around|circa|c.|ca.|approx. A, ~A, A~  (approximate)
//   unknown, XXXX
//   2009년, 2009년 3월, 2009년 3월 14일, 2009년 봄|여름|가을|겨울, 1990년대, 2009년 초|중반|말,
//   약 2009년, 2009년경, 2008년부터 2010년까지
// Years must be 1000-2999. Anything else, including empty text and text over 200 bytes, is
// InvalidArgument with a message that quotes the input (escaped, truncated) and gives examples.
Result<FuzzyDate> ParseFuzzyDate(std::string_view text);

// "2009-02-14" for day 14289. Years outside 0000-9999 get a sign ("-0001-01-01"), so that
// every int32_t has an answer.
std::string DayToIso(int32_t day);

// The proleptic Gregorian year and month (1-12) of a day number (day 0 is 1970-01-01), for
// every int32_t.
int64_t YearOfDay(int32_t day);
int MonthOfDay(int32_t day);

// Exactly YYYY-MM-DD, a real calendar day with a year in 1000-2999.
Result<int32_t> IsoToDay(std::string_view iso);

}  // namespace custodian

#endif  // CUSTODIAN_BASE_FUZZY_DATE_H_
