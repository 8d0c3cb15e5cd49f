// The linkage pipeline of link.h: preparing records, blocking, comparison vectors, EM
// estimation of the Fellegi-Sunter model (Fellegi and Sunter 1969; Winkler 1988; Jaro 1989),
// term-frequency adjustment, probabilities and explanations. docs/formats/linkage.md describes
// the fields, levels and defaults.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "link/internal.h"
#include "link/link.h"

namespace custodian::link {

std::string_view FieldName(Field field) {
  switch (field) {
    case Field::kGivenName:
      return "given_name";
    case Field::kSurname:
      return "surname";
    case Field::kBirthDate:
      return "birth_date";
    case Field::kSex:
      return "sex";
    case Field::kStreetNumber:
      return "street_number";
    case Field::kStreet:
      return "street";
    case Field::kAddressExtra:
      return "address_extra";
    case Field::kLocality:
      return "locality";
    case Field::kPostcode:
      return "postcode";
    case Field::kRegion:
      return "region";
    case Field::kPlace:
      return "place";
    case Field::kIdNumber:
      return "id_number";
    case Field::kSource:
      return "source";
    case Field::kEvents:
      return "events";
    case Field::kRole:
      return "role";
    case Field::kEventMonths:
      return "event_months";
    case Field::kCompanions:
      return "companions";
    case Field::kViolations:
      return "violations";
    case Field::kOriginDistance:
      return "origin_km";
  }
  return "?";
}

int LevelCount(Field field) {
  switch (field) {
    case Field::kViolations:
    case Field::kOriginDistance:
      return 3;
    case Field::kBirthDate:
    case Field::kGivenName:
    case Field::kSurname:
    case Field::kEvents:
      return 5;
    case Field::kStreet:
    case Field::kAddressExtra:
    case Field::kLocality:
    case Field::kPlace:
      return 4;
    case Field::kPostcode:
    case Field::kIdNumber:
      return 3;
    case Field::kSex:
    case Field::kStreetNumber:
    case Field::kRegion:
    case Field::kSource:
    case Field::kRole:
    case Field::kEventMonths:
    case Field::kCompanions:
      return 2;
  }
  return 2;
}

std::vector<BlockingRule> DefaultBlockingRules() {
  using K = KeyPart;
  return {
      {K::kSurnamePhonetic, K::kGivenPhonetic}, {K::kSurnamePhonetic, K::kBirthYearBand},
      {K::kGivenPhonetic, K::kBirthYearBand},   {K::kBirthDate, K::kGivenInitial},
      {K::kBirthDate, K::kSurnameInitial},      {K::kPostcode, K::kSurnameInitial},
      {K::kPostcode, K::kGivenInitial},         {K::kIdNumber},
  };
}

std::vector<BlockingRule> KoreanTrainingRules() {
  using K = KeyPart;
  return {{K::kSurnamePhonetic, K::kGivenPhonetic},
          {K::kBirthYear, K::kPlace},
          {K::kGivenPhonetic, K::kBirthYear},
          {K::kSurnamePhonetic, K::kPlace, K::kSex}};
}

std::vector<BlockingRule> KoreanBlockingRules() {
  using K = KeyPart;
  return {
      {K::kSurnamePhonetic, K::kGivenPhonetic, K::kProvince},
      {K::kSurnamePhonetic, K::kGivenPhonetic, K::kBirthYearBand},
      {K::kSurnamePhonetic, K::kGivenSyllable, K::kBirthYearBand, K::kProvince, K::kSex},
      {K::kGivenPhonetic, K::kBirthYearBand, K::kProvince},
      {K::kSurnamePhonetic, K::kEvent, K::kBirthYearBand, K::kSex},
      {K::kSurnamePhonetic, K::kGivenSyllable, K::kPlace},
      {K::kSurnamePhonetic, K::kEvent, K::kPlace},
      {K::kEvent, K::kPlace},
      {K::kSurnamePhonetic, K::kEvent, K::kProvince, K::kSex},
  };
}

LinkOptions KoreanLinkOptions() {
  LinkOptions options;
  options.names = NameSystem::kKorean;
  options.blocking = KoreanBlockingRules();
  options.training_blocking = KoreanTrainingRules();
  options.max_block_size = 100;
  return options;
}

namespace {

constexpr size_t F(Field f) { return static_cast<size_t>(f); }

// One record as the comparisons see it: names folded (or Korean keys), text fields folded to
// letters and digits, codes trimmed.
// One of a record's names: folded letters, or the Korean keys.
struct PreparedName {
  std::u32string given, surname;
  // The Hangul spelling, when the name was written in Hangul, with the initial-sound rule
  // applied (리 = 이) but the vowels and consonants the romanization classes merge kept apart:
  // 정 and 종, 선 and 순 share a key but are different names.
  std::u32string given_hangul, surname_hangul;
  std::string given_key, surname_key;           // phonetic blocking keys
  std::vector<std::string> given_syllables;     // Korean only
  uint32_t given_value = 0, surname_value = 0;  // interned, for term frequencies; 0 = none
};

// An event with its place interned (Linker::Impl::Prepare): accounts are compared place by
// place for every candidate pair, and place ids share long prefixes ("plc-kp-north-hamgyong-").
struct PreparedEvent {
  uint32_t place;
  int year, month;
  auto operator<=>(const PreparedEvent&) const = default;
};

struct Prepared {
  std::vector<PreparedName> names;                    // the record's main name first; may be empty
  int year = 0, year_latest = 0, month = 0, day = 0;  // year_latest == year when exact
  Sex sex = Sex::kUnknown;
  std::string street_number;
  std::u32string street, extra, locality;
  std::string postcode, region, id_number, source, role;
  std::vector<std::string> place_path;
  std::vector<PreparedEvent> events;  // sorted, without repeats
  std::vector<uint32_t> companions;   // sorted, without repeats
  std::vector<uint32_t> violations;   // interned, sorted, without repeats
  std::optional<GeoPoint> origin_at;
};

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return std::string(s.substr(a, b - a));
}

// Codes (postcodes, id numbers) compared without spaces, hyphens or case.
Result<std::string> FoldCode(std::string_view s) {
  ASSIGN_OR_RETURN(std::u32string decoded, DecodeUtf8(s));
  std::string out;
  for (char32_t c : decoded) {
    if (c == U' ' || c == U'-' || c == U'.' || c == U'/' || c == U'\t') continue;
    if (c >= U'A' && c <= U'Z') c += 32;
    out += EncodeUtf8(std::u32string_view(&c, 1));
  }
  return out;
}

// Free text (street, locality): letters with one space between words; digits and punctuation
// only separate words (FEBRL's typos such as "pridhamstreet" are left to Jaro-Winkler).
Result<std::u32string> FoldText(std::string_view s) {
  return internal::FoldLetters(s, /*keep_breaks=*/true);
}

uint8_t SimilarityLevel(std::u32string_view a, std::u32string_view b) {
  if (a.empty() || b.empty()) return kMissing;
  if (a == b) return 3;
  const double jw = JaroWinkler(a, b);
  if (jw >= 0.92) return 2;
  if (jw >= 0.80) return 1;
  return 0;
}

std::u32string Widen(std::string_view ascii) { return std::u32string(ascii.begin(), ascii.end()); }

// Names: 4 the same key (and the same Hangul spelling where both have one); 3 the same key but
// different Hangul spellings, which tells two people with similar names apart far better than
// the key (a typo in Hangul is rarer than two strangers whose names merge in romanization);
// 2 and 1 Jaro-Winkler >= 0.92 and >= 0.80; 0 otherwise.
uint8_t NameLevel(std::u32string_view a, std::u32string_view b, std::u32string_view a_hangul,
                  std::u32string_view b_hangul) {
  if (a.empty() || b.empty()) return kMissing;
  if (a == b) return a_hangul.empty() || b_hangul.empty() || a_hangul == b_hangul ? 4 : 3;
  const double jw = JaroWinkler(a, b);
  if (jw >= 0.92) return 2;
  if (jw >= 0.80) return 1;
  return 0;
}

// Korean given names, syllable by syllable: a typo or a mishearing changes one letter of one
// syllable (련 heard as 런, Myong written Myogn), which Jaro-Winkler on a key of five or six
// letters cannot tell from two different names sharing a syllable. 4 and 3 as NameLevel; 2 the
// same number of syllables, all but one the same and that one a letter apart; 1 some syllable
// the same in the same place; 0 none.
uint8_t KoreanGivenLevel(const PreparedName& a, const PreparedName& b) {
  if (a.given.empty() || b.given.empty() || a.given == b.given) {
    return NameLevel(a.given, b.given, a.given_hangul, b.given_hangul);
  }
  const std::vector<std::string>& x = a.given_syllables;
  const std::vector<std::string>& y = b.given_syllables;
  size_t same = 0, near = 0;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    if (x[i] == y[i]) {
      ++same;
    } else if (Levenshtein(Widen(x[i]), Widen(y[i])) <= 1) {
      ++near;
    }
  }
  if (x.size() == y.size() && same + 1 == x.size() && near == 1) return 2;
  return same > 0 ? 1 : 0;
}

// A Hangul syllable with the initial-sound rule (두음법칙) applied, as the ROK spells it: ㄹ
// and ㄴ before ㅣ and the y-vowels become ㅇ, ㄹ before the others ㄴ.
char32_t InitialSoundRule(char32_t syllable) {
  if (!internal::IsHangulSyllable(syllable)) return syllable;
  const int index = static_cast<int>(syllable - 0xAC00);
  int lead = index / (21 * 28);
  const int vowel = (index % (21 * 28)) / 28;
  const int tail = index % 28;
  constexpr int kRieul = 5, kNieun = 2, kIeung = 11;
  const bool y_or_i = vowel == 2 || vowel == 3 || vowel == 6 || vowel == 7 || vowel == 12 ||
                      vowel == 17 || vowel == 20;
  if (lead == kRieul || lead == kNieun) lead = y_or_i ? kIeung : kNieun;
  return static_cast<char32_t>(0xAC00 + (lead * 21 + vowel) * 28 + tail);
}

uint8_t CodeLevel(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return kMissing;
  if (a == b) return 2;
  return Levenshtein(Widen(a), Widen(b)) <= 1 ? 1 : 0;
}

std::string DateDigits(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, day);
  return buf;
}

// 4: every part known on both sides agrees; 3: a one-digit slip, day and month swapped, a year
// off by one, or two short ranges ("between 1978 and 1979") that overlap; 2: years within
// three; 1: a wide range (a decade) that contains the other; 0: otherwise. A decade is its own
// level because it agrees with a tenth of everyone, so EM must weigh it apart from an exact year.
uint8_t DateLevel(const Prepared& x, const Prepared& y) {
  if (x.year == 0 || y.year == 0) return kMissing;
  constexpr int kWideRange = 5;
  const int wide = std::max(x.year_latest - x.year, y.year_latest - y.year);
  // Years between the two ranges; 0 when they overlap.
  const int gap = std::max({0, x.year - y.year_latest, y.year - x.year_latest});
  if (wide >= kWideRange) return gap == 0 ? 1 : 0;
  if (wide > 0) return gap == 0 ? 3 : gap <= 3 ? 2 : 0;
  const bool months = x.month != 0 && y.month != 0;
  const bool days = months && x.day != 0 && y.day != 0;
  if (x.year == y.year && (!months || x.month == y.month) && (!days || x.day == y.day)) return 4;
  const int dy = std::abs(x.year - y.year);
  if (days) {
    if (x.year == y.year && x.month == y.day && x.day == y.month) return 3;
    if (Levenshtein(Widen(DateDigits(x.year, x.month, x.day)),
                    Widen(DateDigits(y.year, y.month, y.day))) <= 1) {
      return 3;
    }
  } else if (dy <= 1) {
    return 3;
  }
  return dy <= 3 ? 2 : 0;
}

// 3: the same place; 2: one contains the other (a province and a county in it) or they share
// two levels; 1: they share the broadest level (neighbouring counties of one province, a common
// misunderstanding of where someone comes from); 0: otherwise.
uint8_t PlaceLevel(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return kMissing;
  if (a == b) return 3;
  size_t common = 0;
  while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
  if (common == std::min(a.size(), b.size()) || common >= 2) return 2;
  return common == 1 ? 1 : 0;
}

// How far apart two different counties of one province are (place level 1): 2 within 30 km
// (neighbours, or one written for the other), 1 within 80 km, 0 farther. Missing otherwise: where
// the hierarchy has decided (one place, one inside the other) a distance would count the same
// fact twice, and origins in different provinces are far apart for strangers and for one
// person's sources alike (compared across provinces too, at a million records the field took
// F1 from 0.88 to 0.81).
uint8_t OriginDistanceLevel(uint8_t place_level, const std::optional<GeoPoint>& a,
                            const std::optional<GeoPoint>& b) {
  if (place_level != 1 || !a || !b) return kMissing;
  const double km = DistanceKm(*a, *b);
  return km <= 30 ? 2 : km <= 80 ? 1 : 0;
}

// How much two accounts of what happened to a person agree, by place: a place both name is
// matched when some pair of its dates has years at most one apart (or a year unknown) and, if
// both give a month, the same month: two stays in different months are not one. Sources that
// document one person tell a part of the same story, so the places of the shorter account are
// all among the other's; strangers from one county who fled the same year share much of a route
// (the crossing, the Chinese county, the holding centre they were returned to) but rarely all
// of it. So: 4 every place of the account with fewer places matched, four or more; 3 every
// one, two or three, or five or more matched though not every one; 2 the one place of an
// account of one place; 1 some matched, but not every place of the shorter account; 0 none.
uint8_t EventLevel(const std::vector<PreparedEvent>& a, const std::vector<PreparedEvent>& b) {
  if (a.empty() || b.empty()) return kMissing;
  int matched = 0, places_a = 0, places_b = 0;
  // Both are sorted by place and year: walk them place by place.
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const int order = i == a.size()   ? 1
                      : j == b.size() ? -1
                                      : (a[i].place > b[j].place) - (a[i].place < b[j].place);
    const uint32_t place = order <= 0 ? a[i].place : b[j].place;
    size_t i_end = i, j_end = j;
    if (order <= 0) {
      while (i_end < a.size() && a[i_end].place == place) ++i_end;
      ++places_a;
    }
    if (order >= 0) {
      while (j_end < b.size() && b[j_end].place == place) ++j_end;
      ++places_b;
    }
    bool match = false;
    for (size_t x = i; x < i_end && !match && order == 0; ++x) {
      for (size_t y = j; y < j_end && !match; ++y) {
        match = a[x].year == 0 || b[y].year == 0 ||
                (std::abs(a[x].year - b[y].year) <= 1 &&
                 (a[x].month == 0 || b[y].month == 0 || a[x].month == b[y].month));
      }
    }
    matched += match ? 1 : 0;
    i = i_end;
    j = j_end;
  }
  const bool every = matched == std::min(places_a, places_b);
  if (matched == 0) return 0;
  if (every) return matched >= 4 ? 4 : matched >= 2 ? 3 : 2;
  return matched >= 5 ? 3 : 1;
}

// How the violations two accounts tell of agree, as the events do: 2 every violation of the
// account with fewer is in the other; 1 some, not every one; 0 none.
uint8_t ViolationLevel(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() || b.empty()) return kMissing;
  size_t shared = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j])
      ++shared, ++i, ++j;
    else if (a[i] < b[j])
      ++i;
    else
      ++j;
  }
  if (shared == 0) return 0;
  return shared == std::min(a.size(), b.size()) ? 2 : 1;
}

// Whether two accounts agree on the month of something that happened at one place: 1 when
// some place both name has, in each, a date of one month, and two of these are the same month
// of years at most one apart (a witness who misremembers the year keeps the season); 0 when
// such dates exist at a shared place but none agree; missing when no shared place has them.
uint8_t EventMonthLevel(const std::vector<PreparedEvent>& a, const std::vector<PreparedEvent>& b) {
  bool comparable = false;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].place != b[j].place) {
      (a[i].place < b[j].place ? i : j) += 1;
      continue;
    }
    size_t i_end = i, j_end = j;
    while (i_end < a.size() && a[i_end].place == a[i].place) ++i_end;
    while (j_end < b.size() && b[j_end].place == b[j].place) ++j_end;
    for (size_t x = i; x < i_end; ++x) {
      for (size_t y = j; y < j_end; ++y) {
        if (a[x].month == 0 || b[y].month == 0) continue;
        comparable = true;
        if (a[x].month == b[y].month && std::abs(a[x].year - b[y].year) <= 1) return 1;
      }
    }
    i = i_end;
    j = j_end;
  }
  return comparable ? 0 : kMissing;
}

uint8_t EqualLevel(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return kMissing;
  return a == b ? 1 : 0;
}

// Levels packed 3 bits per field (kMissing as 7), the key of a comparison pattern for EM.
constexpr int kPackBits = 3;
constexpr uint64_t kPackedMissing = (1 << kPackBits) - 1;
static_assert(kFieldCount * kPackBits <= 64, "a comparison pattern no longer fits in 64 bits");
uint64_t Pack(const std::array<uint8_t, kFieldCount>& level) {
  uint64_t key = 0;
  for (size_t f = 0; f < kFieldCount; ++f) {
    key |= (level[f] == kMissing ? kPackedMissing : level[f]) << (kPackBits * f);
  }
  return key;
}

std::array<uint8_t, kFieldCount> Unpack(uint64_t key) {
  std::array<uint8_t, kFieldCount> level;
  for (size_t f = 0; f < kFieldCount; ++f) {
    const auto l = static_cast<uint8_t>((key >> (kPackBits * f)) & kPackedMissing);
    level[f] = l == kPackedMissing ? kMissing : l;
  }
  return level;
}

// A comparison as Deduplicate keeps it between comparing and scoring, its levels packed: two
// thirds of a Comparison, a gigabyte less at a million records.
struct PackedComparison {
  uint32_t a = 0, b = 0;
  uint64_t levels = 0;
  float tf_given = 0, tf_surname = 0;
};

double Log2Ratio(double m, double u) { return std::log2(m / u); }

// Every probability EM (or the companions' fit) estimates is at least this: no level is
// impossible, and no weight infinite.
constexpr double kMinProbability = 1e-6;

// SplitMix64's finaliser: a well-spread hash of a pair code, for sampling pairs.
uint64_t MixBits(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

struct Linker::Impl {
  LinkOptions options;
  std::vector<Prepared> records;
  std::vector<uint32_t> given_count, surname_count;  // by interned value
  double given_sum_sq = 0, surname_sum_sq = 0;       // Σ tf(v)^2: random exact agreement
  bool has_companions = false;
  std::vector<uint32_t> first_cluster_of;  // CompareCompanionsBy; empty before

  Status Prepare(std::span<const Record> input);
  // The record's keys under a rule: one per name (and per given-name syllable when the rule
  // asks for them), deduplicated; none when the record lacks a part.
  std::vector<std::string> BlockKeys(const Prepared& r, const BlockingRule& rule) const;
  // Candidate pairs of the union of `rules` (a < b, sorted, unique).
  // At most about `limit` of them when limit > 0: a fixed pseudo-random share of every block,
  // so that a training session on a broad rule costs the same at any population size.
  std::vector<std::pair<uint32_t, uint32_t>> PairsOf(std::span<const BlockingRule> rules,
                                                     BlockingStats* stats, size_t limit = 0) const;
  double TfAdjustment(const std::vector<uint32_t>& count, double sum_sq, uint32_t value) const;
};

namespace {

bool HasHangul(std::u32string_view text) {
  return std::any_of(text.begin(), text.end(), internal::IsHangulSyllable);
}

// `hangul`: the name's letters when it is all Hangul (surname first), else empty.
PreparedName FromKorean(const KoreanName& korean, std::u32string_view hangul = {}) {
  PreparedName out;
  if (!hangul.empty() && std::all_of(hangul.begin(), hangul.end(), internal::IsHangulSyllable) &&
      hangul.size() == korean.surname.size() + korean.given.size()) {
    for (size_t i = 0; i < hangul.size(); ++i) {
      (i < korean.surname.size() ? out.surname_hangul : out.given_hangul) +=
          InitialSoundRule(hangul[i]);
    }
  }
  out.surname_key = korean.SurnameKey();
  out.given_key = korean.GivenKey();
  out.surname = Widen(out.surname_key);
  out.given = Widen(out.given_key);
  out.given_syllables = korean.given;
  return out;
}

// A name in the configured system: folded Latin letters, or the Korean keys when the name reads
// as Korean (always for Hangul). `surname` alone is a full name in unknown order if it parses
// as one, else a surname without a given name ("Kim", 김, as news reports withhold names).
// Nothing when both parts are empty.
Result<std::optional<PreparedName>> PrepareName(std::string_view given_name,
                                                std::string_view surname_text, NameSystem system) {
  ASSIGN_OR_RETURN(std::u32string given, NormalizeName(given_name));
  ASSIGN_OR_RETURN(std::u32string surname, NormalizeName(surname_text));
  if (given.empty() && surname.empty()) return std::optional<PreparedName>();
  if (system == NameSystem::kKorean || HasHangul(given) || HasHangul(surname)) {
    if (given.empty()) {
      if (Result<KoreanName> full = ParseKoreanName(surname_text); full.ok()) {
        return std::optional(FromKorean(*full, surname));
      }
      if (Result<std::vector<std::string>> alone = KoreanSurnameSyllables(surname_text);
          alone.ok()) {
        return std::optional(FromKorean(KoreanName{std::move(*alone), {}}));
      }
    } else if (Result<KoreanName> korean = ParseKoreanName(surname_text, given_name); korean.ok()) {
      return std::optional(FromKorean(*korean, surname + given));
    }
    // Not Korean: the Latin treatment.
  }
  PreparedName out;
  out.given = std::move(given);
  out.surname = std::move(surname);
  out.given_key = Soundex(out.given);
  out.surname_key = Soundex(out.surname);
  return std::optional(std::move(out));
}

// Another full name of the record: read as a Korean name in unknown order, else as Western
// "given ... surname" words.
Result<std::optional<PreparedName>> PrepareOtherName(std::string_view full, NameSystem system) {
  ASSIGN_OR_RETURN(std::u32string folded, NormalizeName(full));
  if (system == NameSystem::kKorean || HasHangul(folded)) {
    if (Result<KoreanName> korean = ParseKoreanName(full); korean.ok()) {
      return std::optional(FromKorean(*korean, folded));
    }
  }
  const size_t cut = full.find_last_of(" \t");
  if (cut == std::string_view::npos) return PrepareName("", full, NameSystem::kLatin);
  return PrepareName(full.substr(0, cut), full.substr(cut + 1), NameSystem::kLatin);
}

// The other order of a Korean full name in Latin letters that reads both ways
// (KoreanNameReadings), as one more name of the record.
std::optional<PreparedName> SecondReading(std::string_view full, NameSystem system) {
  if (system != NameSystem::kKorean) return std::nullopt;
  Result<std::vector<KoreanName>> readings = KoreanNameReadings(full);
  if (!readings.ok() || readings->size() < 2) return std::nullopt;
  return FromKorean((*readings)[1]);
}

}  // namespace

Status Linker::Impl::Prepare(std::span<const Record> input) {
  records.reserve(input.size());
  std::unordered_map<std::u32string, uint32_t> given_ids, surname_ids;
  std::unordered_map<std::string, uint32_t> event_places, violation_types;
  given_count.assign(1, 0);
  surname_count.assign(1, 0);
  auto Lookup = [](const std::unordered_map<std::u32string, uint32_t>& ids,
                   const std::u32string& value) -> uint32_t {
    auto it = ids.find(value);
    return it == ids.end() ? 0 : it->second;
  };
  auto intern = [](std::unordered_map<std::u32string, uint32_t>& ids, std::vector<uint32_t>& count,
                   const std::u32string& value) -> uint32_t {
    if (value.empty()) return 0;
    auto [it, added] = ids.emplace(value, static_cast<uint32_t>(count.size()));
    if (added) count.push_back(0);
    ++count[it->second];
    return it->second;
  };
  for (size_t i = 0; i < input.size(); ++i) {
    const Record& r = input[i];
    auto where = [&](std::string_view field, const Status& s) {
      return InvalidArgumentError("record " + std::to_string(i) + ": field '" + std::string(field) +
                                  "': " + s.message());
    };
    Prepared p;
    auto add_name = [&p](std::optional<PreparedName> name) {
      if (!name) return;
      // A second spelling that gives the same keys adds nothing.
      const bool known = std::any_of(p.names.begin(), p.names.end(), [&](const PreparedName& n) {
        return n.given == name->given && n.surname == name->surname;
      });
      if (!known) p.names.push_back(std::move(*name));
    };
    Result<std::optional<PreparedName>> main = PrepareName(r.given_name, r.surname, options.names);
    if (!main.ok()) return where("name", main.status());
    add_name(std::move(*main));
    if (Trim(r.given_name).empty()) add_name(SecondReading(r.surname, options.names));
    for (size_t k = 0; k < r.other_names.size(); ++k) {
      Result<std::optional<PreparedName>> other = PrepareOtherName(r.other_names[k], options.names);
      if (!other.ok()) return where("other_names", other.status());
      add_name(std::move(*other));
      add_name(SecondReading(r.other_names[k], options.names));
    }
    // Term frequencies count records, not spellings: a value is counted once per record.
    for (size_t k = 0; k < p.names.size(); ++k) {
      PreparedName& n = p.names[k];
      bool given_seen = false, surname_seen = false;
      for (size_t e = 0; e < k; ++e) {
        given_seen = given_seen || p.names[e].given == n.given;
        surname_seen = surname_seen || p.names[e].surname == n.surname;
      }
      n.given_value =
          given_seen ? Lookup(given_ids, n.given) : intern(given_ids, given_count, n.given);
      n.surname_value = surname_seen ? Lookup(surname_ids, n.surname)
                                     : intern(surname_ids, surname_count, n.surname);
    }
    if (r.birth_year < 0 || r.birth_year > 9999 || r.birth_month < 0 || r.birth_month > 99 ||
        r.birth_day < 0 || r.birth_day > 99 || r.birth_year_latest < 0 ||
        r.birth_year_latest > 9999 ||
        (r.birth_year_latest != 0 && (r.birth_year == 0 || r.birth_year_latest < r.birth_year))) {
      return where("birth_date", InvalidArgumentError("a date part is out of range"));
    }
    for (uint32_t companion : r.companions) {
      if (companion >= input.size() || companion == i) {
        return where("companions", InvalidArgumentError("names no other record of the input"));
      }
    }
    if (r.origin_at && !(std::abs(r.origin_at->lat) <= 90 && std::abs(r.origin_at->lon) <= 180)) {
      return where("origin_at", InvalidArgumentError("not a point on the earth"));
    }
    p.origin_at = r.origin_at;
    p.companions = r.companions;
    std::sort(p.companions.begin(), p.companions.end());
    p.companions.erase(std::unique(p.companions.begin(), p.companions.end()), p.companions.end());
    has_companions = has_companions || !p.companions.empty();
    p.year = r.birth_year;
    p.year_latest = r.birth_year_latest != 0 ? r.birth_year_latest : r.birth_year;
    p.month = r.birth_month;
    p.day = r.birth_day;
    p.sex = r.sex;
    struct TextField {
      std::string_view name;
      const std::string& in;
      std::u32string& out;
    };
    for (const TextField& t : {TextField{"street", r.street, p.street},
                               TextField{"address_extra", r.address_extra, p.extra},
                               TextField{"locality", r.locality, p.locality}}) {
      Result<std::u32string> folded = FoldText(t.in);
      if (!folded.ok()) return where(t.name, folded.status());
      t.out = std::move(*folded);
    }
    struct CodeField {
      std::string_view name;
      const std::string& in;
      std::string& out;
    };
    for (const CodeField& c :
         {CodeField{"street_number", r.street_number, p.street_number},
          CodeField{"postcode", r.postcode, p.postcode}, CodeField{"region", r.region, p.region},
          CodeField{"id_number", r.id_number, p.id_number}, CodeField{"source", r.source, p.source},
          CodeField{"role", r.role, p.role}}) {
      Result<std::string> folded = FoldCode(c.in);
      if (!folded.ok()) return where(c.name, folded.status());
      c.out = std::move(*folded);
    }
    for (const std::string& place : r.place_path) {
      if (!DecodeUtf8(place).ok()) return where("place_path", InvalidArgumentError("bad UTF-8"));
      const std::string trimmed = Trim(place);
      if (!trimmed.empty()) p.place_path.push_back(trimmed);
    }
    for (const Event& e : r.events) {
      if (!DecodeUtf8(e.place).ok()) return where("events", InvalidArgumentError("bad UTF-8"));
      if (e.year < 0 || e.year > 9999) {
        return where("events", InvalidArgumentError("a year is out of range"));
      }
      if (e.month < 0 || e.month > 12) {
        return where("events", InvalidArgumentError("a month is out of range"));
      }
      std::string place = Trim(e.place);
      if (place.empty()) continue;
      const uint32_t id = event_places.emplace(std::move(place), event_places.size()).first->second;
      p.events.push_back({id, e.year, e.month});
    }
    std::sort(p.events.begin(), p.events.end());
    p.events.erase(std::unique(p.events.begin(), p.events.end()), p.events.end());
    for (const std::string& violation : r.violations) {
      if (!DecodeUtf8(violation).ok()) {
        return where("violations", InvalidArgumentError("bad UTF-8"));
      }
      std::string type = Trim(violation);
      if (type.empty()) continue;
      p.violations.push_back(
          violation_types.emplace(std::move(type), violation_types.size()).first->second);
    }
    std::sort(p.violations.begin(), p.violations.end());
    p.violations.erase(std::unique(p.violations.begin(), p.violations.end()), p.violations.end());
    records.push_back(std::move(p));
  }
  const double n = static_cast<double>(records.size());
  auto sum_sq = [n](const std::vector<uint32_t>& count) {
    double s = 0;
    for (size_t v = 1; v < count.size(); ++v) s += (count[v] / n) * (count[v] / n);
    return s;
  };
  given_sum_sq = sum_sq(given_count);
  surname_sum_sq = sum_sq(surname_count);
  return OkStatus();
}

// The adjustment (log2) of an exact agreement on `value`: the model's weight for exact agreement
// is an average over values, so a value shared by a fraction tf of records is adjusted by
// log2(Σ tf^2 / tf): rare names gain, Kim and Lee lose (Winkler 1989, as Splink applies it).
double Linker::Impl::TfAdjustment(const std::vector<uint32_t>& count, double sum_sq,
                                  uint32_t value) const {
  if (!options.term_frequency || value == 0 || sum_sq <= 0) return 0;
  const double tf = count[value] / static_cast<double>(records.size());
  return std::log2(sum_sq / tf);
}

std::vector<std::string> Linker::Impl::BlockKeys(const Prepared& r,
                                                 const BlockingRule& rule) const {
  const bool by_name = std::any_of(rule.begin(), rule.end(), [](KeyPart part) {
    return part == KeyPart::kSurnamePhonetic || part == KeyPart::kGivenPhonetic ||
           part == KeyPart::kSurnameInitial || part == KeyPart::kGivenInitial ||
           part == KeyPart::kGivenSyllable;
  });
  const bool by_syllable =
      std::find(rule.begin(), rule.end(), KeyPart::kGivenSyllable) != rule.end();
  static const PreparedName kNoName;
  std::vector<std::string> keys;
  // The key of `name`; `syllable` stands for kGivenSyllable, `event` for kEvent. Nothing when a
  // part is missing.
  auto build = [&](const PreparedName& name, std::string_view syllable, std::string_view event) {
    std::string key;
    for (KeyPart part : rule) {
      std::string piece;
      switch (part) {
        case KeyPart::kSurnamePhonetic:
          piece = name.surname_key;
          break;
        case KeyPart::kGivenPhonetic:
          piece = name.given_key;
          break;
        case KeyPart::kSurnameInitial:
          if (!name.surname.empty()) piece = EncodeUtf8(name.surname.substr(0, 1));
          break;
        case KeyPart::kGivenInitial:
          if (!name.given.empty()) piece = EncodeUtf8(name.given.substr(0, 1));
          break;
        case KeyPart::kGivenSyllable:
          piece = syllable;
          break;
        case KeyPart::kBirthYear:
          if (r.year != 0 && r.year_latest == r.year) piece = std::to_string(r.year);
          break;
        case KeyPart::kBirthYearBand: {
          const int band = std::max(1, options.year_band);
          // A range that spans two bands has no band.
          if (r.year != 0 && r.year / band == r.year_latest / band) {
            piece = std::to_string(r.year / band);
          }
          break;
        }
        case KeyPart::kBirthDate:
          if (r.year != 0 && r.month != 0 && r.day != 0) piece = DateDigits(r.year, r.month, r.day);
          break;
        case KeyPart::kPostcode:
          piece = r.postcode;
          break;
        case KeyPart::kLocality:
          piece = EncodeUtf8(r.locality);
          break;
        case KeyPart::kPlace:
          if (!r.place_path.empty()) piece = r.place_path.back();
          break;
        case KeyPart::kProvince:
          if (!r.place_path.empty()) piece = r.place_path.front();
          break;
        case KeyPart::kSex:
          if (r.sex != Sex::kUnknown) piece = r.sex == Sex::kFemale ? "f" : "m";
          break;
        case KeyPart::kIdNumber:
          piece = r.id_number;
          break;
        case KeyPart::kEvent:
          piece = event;
          break;
      }
      if (piece.empty()) return;  // the record lacks a part: not blocked by this rule
      key += piece;
      key += '\x1f';
    }
    keys.push_back(std::move(key));
  };
  std::vector<std::string> events;
  if (std::find(rule.begin(), rule.end(), KeyPart::kEvent) != rule.end()) {
    for (const PreparedEvent& e : r.events) {
      if (e.year != 0) events.push_back(std::to_string(e.place) + '\x1e' + std::to_string(e.year));
    }
  } else {
    events.emplace_back();  // one pass without an event part
  }
  for (const std::string& event : events) {
    if (!by_name) {
      build(kNoName, {}, event);
      continue;
    }
    for (const PreparedName& name : r.names) {
      if (!by_syllable) {
        build(name, {}, event);
        continue;
      }
      for (size_t k = 0; k < name.given_syllables.size(); ++k) {
        // The position is part of the key: the first syllable of one name meets the first of
        // the other.
        build(name, std::to_string(k) + name.given_syllables[k], event);
      }
    }
  }
  if (keys.size() > 1) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  return keys;
}

Linker::Linker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Linker::~Linker() = default;

Result<std::unique_ptr<Linker>> Linker::Create(std::span<const Record> records,
                                               LinkOptions options) {
  if (records.size() >= 0xFFFFFFFFu) return InvalidArgumentError("too many records");
  if (options.blocking.empty()) return InvalidArgumentError("no blocking rules");
  for (const BlockingRule& rule : options.blocking) {
    if (rule.empty()) return InvalidArgumentError("an empty blocking rule would compare all");
  }
  if (!(options.match_threshold > 0 && options.match_threshold < 1) ||
      !(options.link_threshold > 0 && options.link_threshold <= options.match_threshold) ||
      !(options.min_link_fraction >= 0 && options.min_link_fraction < 1) ||
      options.max_cluster_size < 2 || options.year_band < 1) {
    return InvalidArgumentError(
        "thresholds must satisfy 0 < link_threshold <= match_threshold < 1, 0 <= "
        "min_link_fraction < 1, max_cluster_size >= 2, year_band >= 1");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  RETURN_IF_ERROR(impl->Prepare(records));
  return std::unique_ptr<Linker>(new Linker(std::move(impl)));
}

size_t Linker::size() const { return impl_->records.size(); }
const LinkOptions& Linker::options() const { return impl_->options; }

std::vector<std::pair<uint32_t, uint32_t>> Linker::Candidates(BlockingStats* stats) const {
  return impl_->PairsOf(impl_->options.blocking, stats);
}

std::vector<std::pair<uint32_t, uint32_t>> Linker::Impl::PairsOf(
    std::span<const BlockingRule> rules, BlockingStats* stats, size_t limit) const {
  BlockingStats s;
  s.rules = rules.size();
  std::vector<uint64_t> pairs;
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  const size_t threads = std::clamp<size_t>(static_cast<size_t>(options.threads), 1,
                                            std::max<size_t>(1, records.size() / 4096));
  for (const BlockingRule& rule : rules) {
    // Keys of fixed ranges of records, in parallel; sorted below, so the order of the parts
    // does not matter.
    std::vector<std::vector<std::pair<uint64_t, uint32_t>>> parts(threads);
    auto work = [&](size_t t) {
      const size_t chunk = (records.size() + threads - 1) / threads;
      const size_t end = std::min(records.size(), (t + 1) * chunk);
      for (size_t i = t * chunk; i < end; ++i) {
        // A 64-bit hash stands for the key: a collision only merges two blocks (more
        // candidates, never fewer).
        for (const std::string& key : BlockKeys(records[i], rule)) {
          parts[t].emplace_back(std::hash<std::string>{}(key), static_cast<uint32_t>(i));
        }
      }
    };
    std::vector<std::thread> workers;
    for (size_t t = 1; t < threads; ++t) workers.emplace_back(work, t);
    work(0);
    for (std::thread& w : workers) w.join();
    keyed.clear();
    for (auto& part : parts) keyed.insert(keyed.end(), part.begin(), part.end());
    parts.clear();
    std::sort(keyed.begin(), keyed.end());
    // A record whose two names give one key (after hashing) is in its block once.
    keyed.erase(std::unique(keyed.begin(), keyed.end()), keyed.end());
    // The share of pairs kept under `limit`, as a threshold on a hash of the pair.
    uint64_t keep_below = UINT64_MAX;
    if (limit > 0) {
      double total = 0;
      for (size_t start = 0; start < keyed.size();) {
        size_t end = start + 1;
        while (end < keyed.size() && keyed[end].first == keyed[start].first) ++end;
        const double size = static_cast<double>(end - start);
        if (end - start <= options.max_block_size) total += size * (size - 1) / 2;
        start = end;
      }
      if (total > static_cast<double>(limit)) {
        keep_below = static_cast<uint64_t>(static_cast<double>(limit) / total * 0x1p64);
      }
    }
    for (size_t start = 0; start < keyed.size();) {
      size_t end = start + 1;
      while (end < keyed.size() && keyed[end].first == keyed[start].first) ++end;
      const size_t size = end - start;
      if (size >= 2) {
        ++s.blocks;
        if (size > options.max_block_size) {
          ++s.oversized_blocks;
        } else {
          for (size_t x = start; x < end; ++x) {
            for (size_t y = x + 1; y < end; ++y) {
              // keyed is sorted by (hash, index), so keyed[x].second < keyed[y].second.
              const uint64_t pair = static_cast<uint64_t>(keyed[x].second) << 32 | keyed[y].second;
              if (keep_below == UINT64_MAX || MixBits(pair) < keep_below) pairs.push_back(pair);
            }
          }
        }
      }
      start = end;
    }
  }
  s.pairs_before_dedup = pairs.size();
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  s.candidate_pairs = pairs.size();
  if (stats != nullptr) *stats = s;
  std::vector<std::pair<uint32_t, uint32_t>> out;
  out.reserve(pairs.size());
  for (uint64_t p : pairs)
    out.emplace_back(static_cast<uint32_t>(p >> 32), static_cast<uint32_t>(p));
  return out;
}

Comparison Linker::Compare(uint32_t a, uint32_t b) const {
  if (a > b) std::swap(a, b);
  const Prepared& x = impl_->records[a];
  const Prepared& y = impl_->records[b];
  Comparison c;
  c.a = a;
  c.b = b;
  auto& level = c.level;
  // Every name of one record against every name of the other; the best-agreeing pair counts
  // (the first such pair on ties, so the result does not depend on anything but the records).
  auto score = [](uint8_t l) { return l == kMissing ? -1 : static_cast<int>(l); };
  int best = -3;
  uint8_t best_given = kMissing, best_surname = kMissing;
  const PreparedName* best_x = nullptr;
  bool best_crossed = false;
  for (const PreparedName& nx : x.names) {
    for (const PreparedName& ny : y.names) {
      uint8_t given = !nx.given_syllables.empty() && !ny.given_syllables.empty()
                          ? KoreanGivenLevel(nx, ny)
                          : NameLevel(nx.given, ny.given, nx.given_hangul, ny.given_hangul);
      uint8_t surname = NameLevel(nx.surname, ny.surname, nx.surname_hangul, ny.surname_hangul);
      // Given name and surname exchanged between the records (a common clerical error, and the
      // usual confusion of Korean and Western order): take the crossed reading if it agrees
      // better.
      const uint8_t crossed_g = NameLevel(nx.given, ny.surname, nx.given_hangul, ny.surname_hangul);
      const uint8_t crossed_s = NameLevel(nx.surname, ny.given, nx.surname_hangul, ny.given_hangul);
      const bool crossed = crossed_g != kMissing && crossed_s != kMissing &&
                           score(crossed_g) + score(crossed_s) > score(given) + score(surname);
      if (crossed) given = crossed_g, surname = crossed_s;
      if (score(given) + score(surname) > best) {
        best = score(given) + score(surname);
        best_given = given;
        best_surname = surname;
        best_x = &nx;
        best_crossed = crossed;
      }
    }
  }
  level[F(Field::kGivenName)] = best_given;
  level[F(Field::kSurname)] = best_surname;
  if (best_x != nullptr && !best_crossed) {
    if (best_given == 4) {
      c.tf_given = static_cast<float>(
          impl_->TfAdjustment(impl_->given_count, impl_->given_sum_sq, best_x->given_value));
    }
    if (best_surname == 4) {
      c.tf_surname = static_cast<float>(
          impl_->TfAdjustment(impl_->surname_count, impl_->surname_sum_sq, best_x->surname_value));
    }
  }
  level[F(Field::kBirthDate)] = DateLevel(x, y);
  level[F(Field::kSex)] = x.sex == Sex::kUnknown || y.sex == Sex::kUnknown ? kMissing
                          : x.sex == y.sex                                 ? 1
                                                                           : 0;
  level[F(Field::kStreetNumber)] = EqualLevel(x.street_number, y.street_number);
  level[F(Field::kStreet)] = SimilarityLevel(x.street, y.street);
  level[F(Field::kAddressExtra)] = SimilarityLevel(x.extra, y.extra);
  level[F(Field::kLocality)] = SimilarityLevel(x.locality, y.locality);
  level[F(Field::kPostcode)] = CodeLevel(x.postcode, y.postcode);
  level[F(Field::kRegion)] = EqualLevel(x.region, y.region);
  level[F(Field::kPlace)] = PlaceLevel(x.place_path, y.place_path);
  level[F(Field::kOriginDistance)] =
      OriginDistanceLevel(level[F(Field::kPlace)], x.origin_at, y.origin_at);
  level[F(Field::kIdNumber)] = CodeLevel(x.id_number, y.id_number);
  level[F(Field::kSource)] = EqualLevel(x.source, y.source);
  level[F(Field::kEvents)] = EventLevel(x.events, y.events);
  level[F(Field::kEventMonths)] = EventMonthLevel(x.events, y.events);
  level[F(Field::kRole)] = EqualLevel(x.role, y.role);
  level[F(Field::kCompanions)] = CompanionLevel(a, b);
  level[F(Field::kViolations)] = ViolationLevel(x.violations, y.violations);
  return c;
}

double DistanceKm(GeoPoint a, GeoPoint b) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRadians = 3.14159265358979323846 / 180;
  const double dlat = (b.lat - a.lat) * kRadians, dlon = (b.lon - a.lon) * kRadians;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * kRadians) * std::cos(b.lat * kRadians) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

bool Linker::has_companions() const { return impl_->has_companions; }

void Linker::CompareCompanionsBy(std::vector<uint32_t> first_cluster_of) {
  impl_->first_cluster_of = std::move(first_cluster_of);
}

uint8_t Linker::CompanionLevel(uint32_t a, uint32_t b) const {
  const std::vector<uint32_t>& cluster_of = impl_->first_cluster_of;
  const std::vector<uint32_t>& x = impl_->records[a].companions;
  const std::vector<uint32_t>& y = impl_->records[b].companions;
  if (cluster_of.size() != impl_->records.size() || x.empty() || y.empty()) return kMissing;
  for (uint32_t cx : x) {
    for (uint32_t cy : y) {
      // One account that tells of both records says nothing of whether they are one person.
      if (cx != cy && cluster_of[cx] == cluster_of[cy]) return 1;
    }
  }
  return 0;
}

std::vector<Comparison> Linker::CompareAll(
    std::span<const std::pair<uint32_t, uint32_t>> pairs) const {
  std::vector<Comparison> out(pairs.size());
  // Fixed contiguous ranges, each written in place: the same output for any thread count.
  const size_t threads = std::clamp<size_t>(static_cast<size_t>(impl_->options.threads), 1,
                                            std::max<size_t>(1, pairs.size() / 4096));
  auto work = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = Compare(pairs[i].first, pairs[i].second);
  };
  std::vector<std::thread> workers;
  const size_t chunk = (pairs.size() + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back(work, std::min(pairs.size(), t * chunk),
                         std::min(pairs.size(), (t + 1) * chunk));
  }
  work(0, std::min(pairs.size(), chunk));
  for (std::thread& w : workers) w.join();
  return out;
}

namespace {

using Pattern = std::pair<std::array<uint8_t, kFieldCount>, double>;  // levels, pair count

using PatternCounts = std::unordered_map<uint64_t, double>;  // packed levels -> pairs

void CountPatterns(std::span<const Comparison> comparisons, PatternCounts& counts) {
  for (const Comparison& c : comparisons) counts[Pack(c.level)] += 1;
}

// Distinct patterns with their counts: EM then costs per pattern, not per pair. Sorted, so that
// the sums (and the model) do not depend on hashing.
std::vector<Pattern> SortedPatterns(const PatternCounts& pattern_count) {
  std::vector<Pattern> patterns;
  patterns.reserve(pattern_count.size());
  for (const auto& [key, count] : pattern_count) patterns.emplace_back(Unpack(key), count);
  std::sort(patterns.begin(), patterns.end());
  return patterns;
}

std::vector<Pattern> Patterns(std::span<const Comparison> comparisons) {
  PatternCounts counts;
  CountPatterns(comparisons, counts);
  return SortedPatterns(counts);
}

struct EmPlan {
  std::array<bool, kFieldCount> use{};  // fields in the likelihood; the others are ignored
  bool fit_m = true, fit_u = true;      // the prior is always fitted
  int max_iterations = 1000;
  double tolerance = 1e-7;
  // When set, the prior is over this many pairs, of which those not among the patterns are
  // taken as different persons (pairs no blocking rule produced).
  double all_pairs = 0;
};

// u of a field's level in a comparison: the one among people of the same province when the
// origins share one and the model has it for the field (Model::u_same_province).
double UOfLevels(const Model& model, const std::array<uint8_t, kFieldCount>& level, size_t f) {
  const uint8_t place = level[F(Field::kPlace)];
  if (place != kMissing && place >= 1 && !model.u_same_province[f].empty()) {
    return model.u_same_province[f][level[f]];
  }
  return model.u[f][level[f]];
}

// EM for a two-class latent model with conditionally independent fields; a missing field is
// ignorable (it contributes to neither class). Updates `model` in place; returns whether it
// converged and adds the iterations to model.iterations.
bool RunEm(const std::vector<Pattern>& patterns, const EmPlan& plan, Model& model) {
  std::array<std::vector<double>, kFieldCount> m_sum, u_sum;
  for (int iteration = 1; iteration <= plan.max_iterations; ++iteration) {
    for (size_t f = 0; f < kFieldCount; ++f) {
      m_sum[f].assign(model.m[f].size(), 0);
      u_sum[f].assign(model.u[f].size(), 0);
    }
    double match_total = 0, total = 0;
    const double log_prior = std::log(model.prior), log_not = std::log(1 - model.prior);
    for (const auto& [level, count] : patterns) {
      double lm = log_prior, lu = log_not;
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (level[f] == kMissing || !plan.use[f]) continue;
        lm += std::log(model.m[f][level[f]]);
        // With u fixed (the prior's fit), the u a pair is scored with.
        lu += std::log(plan.fit_u ? model.u[f][level[f]] : UOfLevels(model, level, f));
      }
      const double g = 1.0 / (1.0 + std::exp(lu - lm));  // P(match | pattern)
      match_total += g * count;
      total += count;
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (level[f] == kMissing || !plan.use[f]) continue;
        m_sum[f][level[f]] += g * count;
        u_sum[f][level[f]] += (1 - g) * count;
      }
    }
    double change = 0;
    auto update = [&](std::vector<double>& p, const std::vector<double>& sums) {
      double s = 0;
      for (double v : sums) s += v;
      if (s <= 0) return;
      double norm = 0;
      std::vector<double> next(p.size());
      for (size_t l = 0; l < p.size(); ++l)
        norm += next[l] = std::max(sums[l] / s, kMinProbability);
      for (size_t l = 0; l < p.size(); ++l) {
        change = std::max(change, std::abs(next[l] / norm - p[l]));
        p[l] = next[l] / norm;
      }
    };
    for (size_t f = 0; f < kFieldCount; ++f) {
      if (!plan.use[f]) continue;
      if (plan.fit_m) update(model.m[f], m_sum[f]);
      if (plan.fit_u) update(model.u[f], u_sum[f]);
    }
    if (plan.all_pairs > 0) total = plan.all_pairs;
    const double prior =
        total > 0 ? std::clamp(match_total / total, 1e-15, 1 - kMinProbability) : 0.1;
    change = std::max(change, std::abs(prior - model.prior));
    model.prior = prior;
    ++model.iterations;
    if (change < plan.tolerance) return true;
  }
  return false;
}

// The fields a blocking rule makes agree by construction.
std::array<bool, kFieldCount> FieldsOf(const BlockingRule& rule) {
  std::array<bool, kFieldCount> fields{};
  for (KeyPart part : rule) {
    switch (part) {
      case KeyPart::kSurnamePhonetic:
      case KeyPart::kSurnameInitial:
        fields[F(Field::kSurname)] = true;
        break;
      case KeyPart::kGivenPhonetic:
      case KeyPart::kGivenInitial:
      case KeyPart::kGivenSyllable:
        fields[F(Field::kGivenName)] = true;
        break;
      case KeyPart::kBirthYear:
      case KeyPart::kBirthYearBand:
      case KeyPart::kBirthDate:
        fields[F(Field::kBirthDate)] = true;
        break;
      case KeyPart::kPostcode:
        fields[F(Field::kPostcode)] = true;
        break;
      case KeyPart::kLocality:
        fields[F(Field::kLocality)] = true;
        break;
      case KeyPart::kPlace:
      case KeyPart::kProvince:
        fields[F(Field::kPlace)] = true;
        break;
      case KeyPart::kSex:
        fields[F(Field::kSex)] = true;
        break;
      case KeyPart::kIdNumber:
        fields[F(Field::kIdNumber)] = true;
        break;
      case KeyPart::kEvent:
        fields[F(Field::kEvents)] = true;
        break;
    }
  }
  return fields;
}

// The fields whose u is also estimated among people of one province (Model::u_same_province).
constexpr Field kFieldsWithinProvinces[] = {Field::kEvents, Field::kViolations,
                                            Field::kOriginDistance};

// u of such a field's levels among pairs from one province: a random record with an origin and
// the field, and a random other record of its province; Laplace-smoothed. Empty when no
// province has two such records.
std::vector<double> UWithinProvinces(Field field, const std::vector<Prepared>& records,
                                     size_t pairs, std::mt19937_64& rng) {
  auto has_field = [field](const Prepared& r) {
    switch (field) {
      case Field::kEvents:
        return !r.events.empty();
      case Field::kViolations:
        return !r.violations.empty();
      default:
        return r.origin_at.has_value();
    }
  };
  auto level = [field](const Prepared& a, const Prepared& b) {
    switch (field) {
      case Field::kEvents:
        return EventLevel(a.events, b.events);
      case Field::kViolations:
        return ViolationLevel(a.violations, b.violations);
      default:
        return OriginDistanceLevel(PlaceLevel(a.place_path, b.place_path), a.origin_at,
                                   b.origin_at);
    }
  };
  std::unordered_map<std::string_view, std::vector<uint32_t>> by_province;
  for (uint32_t i = 0; i < records.size(); ++i) {
    const Prepared& r = records[i];
    if (!r.place_path.empty() && has_field(r)) by_province[r.place_path[0]].push_back(i);
  }
  // Provinces in a fixed order (by their members), so that the sample depends on the records
  // only; a sample is a record of this list, then another of its province.
  std::vector<const std::vector<uint32_t>*> provinces;
  for (const auto& [name, members] : by_province) {
    if (members.size() >= 2) provinces.push_back(&members);
  }
  std::sort(provinces.begin(), provinces.end(),
            [](const auto* x, const auto* y) { return *x < *y; });
  std::vector<uint32_t> eligible;
  for (const auto* members : provinces)
    eligible.insert(eligible.end(), members->begin(), members->end());
  if (eligible.size() < 2) return {};
  std::vector<double> counts(static_cast<size_t>(LevelCount(field)), 1.0);
  std::uniform_int_distribution<size_t> pick(0, eligible.size() - 1);
  const size_t samples = std::min(pairs, eligible.size() * (eligible.size() - 1) / 2);
  for (size_t s = 0; s < samples; ++s) {
    const uint32_t a = eligible[pick(rng)];
    const std::vector<uint32_t>& province = by_province[records[a].place_path[0]];
    const uint32_t b = province[std::uniform_int_distribution<size_t>(0, province.size() - 1)(rng)];
    if (a == b) continue;
    const uint8_t l = level(records[a], records[b]);
    if (l != kMissing) counts[l] += 1;  // (two points of one county have no distance level)
  }
  double total = 0;
  for (double v : counts) total += v;
  for (double& v : counts) v /= total;
  return counts;
}

}  // namespace

// The candidates' comparison patterns with their counts, and how many candidates there were.
struct Linker::PatternsOf {
  std::vector<Pattern> patterns;
  size_t comparisons = 0;
};

Model Linker::Train(std::span<const Comparison> comparisons) const {
  return TrainOn(PatternsOf{Patterns(comparisons), comparisons.size()});
}

Model Linker::TrainOn(const PatternsOf& candidates) const {
  const LinkOptions& options = impl_->options;
  const std::vector<Pattern>& patterns = candidates.patterns;
  Model model;

  // u starts from random record pairs, which are almost all of different persons; m starts
  // from a guess that favours the top levels.
  std::mt19937_64 rng(options.seed);
  const size_t n = impl_->records.size();
  std::array<std::vector<double>, kFieldCount> random_counts;
  for (size_t f = 0; f < kFieldCount; ++f) {
    random_counts[f].assign(static_cast<size_t>(LevelCount(static_cast<Field>(f))), 1.0);
  }
  if (n >= 2) {
    std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(n - 1));
    const size_t samples = std::min<size_t>(options.random_pairs, n * (n - 1) / 2);
    std::vector<std::pair<uint32_t, uint32_t>> sampled;
    sampled.reserve(samples);
    for (size_t s = 0; s < samples; ++s) {
      const uint32_t a = pick(rng), b = pick(rng);
      if (a != b) sampled.emplace_back(std::min(a, b), std::max(a, b));
    }
    for (const Comparison& c : CompareAll(sampled)) {
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (c.level[f] != kMissing) random_counts[f][c.level[f]] += 1;
      }
    }
  }
  for (Field f : kFieldsWithinProvinces) {
    model.u_same_province[F(f)] = UWithinProvinces(f, impl_->records, options.random_pairs, rng);
  }
  for (size_t f = 0; f < kFieldCount; ++f) {
    const size_t levels = random_counts[f].size();
    double total = 0;
    for (double v : random_counts[f]) total += v;
    model.u[f].resize(levels);
    model.m[f].resize(levels);
    for (size_t l = 0; l < levels; ++l) model.u[f][l] = random_counts[f][l] / total;
    // m guess: 0.05 on each lower level, the rest on exact agreement.
    for (size_t l = 0; l + 1 < levels; ++l) model.m[f][l] = 0.05 * (l + 1);
    double rest = 0;
    for (size_t l = 0; l + 1 < levels; ++l) rest += model.m[f][l];
    model.m[f][levels - 1] = 1.0 - rest;
    model.active[f] = false;
  }
  for (const auto& [level, count] : patterns) {
    for (size_t f = 0; f < kFieldCount; ++f) {
      if (level[f] != kMissing) model.active[f] = true;
    }
  }
  model.prior = 0.1;
  if (patterns.empty()) return model;

  EmPlan plan;
  plan.max_iterations = options.em_max_iterations;
  plan.tolerance = options.em_tolerance;
  plan.use.fill(true);
  if (options.training_blocking.empty()) {
    model.converged = RunEm(patterns, plan, model);
    return model;
  }

  // Sessions (Splink's estimation; Winkler 1988 for EM with u known): u stays at its
  // random-pair estimate, which is what u means (agreement among different persons, whatever
  // blocking selected). Each training rule's pairs give m for the fields the rule does not
  // block on: the rule's own fields agree by construction there, so they are left out of that
  // session's likelihood. A field's m is the mean over the sessions that estimate it.
  std::array<std::vector<double>, kFieldCount> m_total;
  std::array<int, kFieldCount> m_sessions{};
  for (size_t f = 0; f < kFieldCount; ++f) m_total[f].assign(model.m[f].size(), 0);
  model.converged = true;
  for (const BlockingRule& rule : options.training_blocking) {
    // A sample bounds the cost on large inputs; EM needs the shares of patterns only.
    const std::vector<std::pair<uint32_t, uint32_t>> pairs =
        impl_->PairsOf(std::span<const BlockingRule>(&rule, 1), nullptr, options.training_pairs);
    if (pairs.empty()) continue;
    Model session = model;
    EmPlan session_plan = plan;
    session_plan.fit_u = true;
    const std::array<bool, kFieldCount> blocked = FieldsOf(rule);
    for (size_t f = 0; f < kFieldCount; ++f) session_plan.use[f] = !blocked[f];
    model.converged = RunEm(Patterns(CompareAll(pairs)), session_plan, session) && model.converged;
    model.iterations += session.iterations;
    for (size_t f = 0; f < kFieldCount; ++f) {
      if (blocked[f]) continue;
      for (size_t l = 0; l < m_total[f].size(); ++l) m_total[f][l] += session.m[f][l];
      ++m_sessions[f];
    }
  }
  for (size_t f = 0; f < kFieldCount; ++f) {
    if (m_sessions[f] == 0) continue;
    for (size_t l = 0; l < m_total[f].size(); ++l) model.m[f][l] = m_total[f][l] / m_sessions[f];
  }
  // The prior, with m and u fixed, over all record pairs rather than the candidates: u is the
  // agreement of different persons among all pairs, so the candidates (which agree on a key by
  // construction) would have too high a prior and take names shared by strangers for matches.
  // Pairs that no rule produced count as different persons.
  EmPlan prior_plan = plan;
  prior_plan.fit_m = false;
  prior_plan.fit_u = false;
  prior_plan.all_pairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2;
  model.prior = std::min(0.1, candidates.comparisons / prior_plan.all_pairs);
  model.converged = RunEm(patterns, prior_plan, model) && model.converged;
  return model;
}

Explanation Linker::Explain(const Model& model, const Comparison& comparison) const {
  Explanation e;
  e.prior_weight = Log2Ratio(model.prior, 1 - model.prior);
  e.total_weight = e.prior_weight;
  for (size_t f = 0; f < kFieldCount; ++f) {
    Explanation::Part part{static_cast<Field>(f), comparison.level[f], 0, 0};
    if (comparison.level[f] != kMissing && model.active[f]) {
      part.weight =
          Log2Ratio(model.m[f][comparison.level[f]], UOfLevels(model, comparison.level, f));
      if (f == F(Field::kGivenName)) part.tf_adjustment = comparison.tf_given;
      if (f == F(Field::kSurname)) part.tf_adjustment = comparison.tf_surname;
    }
    e.total_weight += part.weight + part.tf_adjustment;
    e.parts.push_back(part);
  }
  e.probability = 1.0 / (1.0 + std::exp2(-e.total_weight));
  return e;
}

double Linker::Probability(const Model& model, const Comparison& comparison) const {
  double w = Log2Ratio(model.prior, 1 - model.prior) + comparison.tf_given + comparison.tf_surname;
  for (size_t f = 0; f < kFieldCount; ++f) {
    const uint8_t l = comparison.level[f];
    if (l == kMissing || !model.active[f]) continue;
    w += Log2Ratio(model.m[f][l], UOfLevels(model, comparison.level, f));
  }
  return 1.0 / (1.0 + std::exp2(-w));
}

void FitCompanions(Model& model, std::span<const ScoredPair> first_pass,
                   std::span<const uint8_t> levels) {
  const size_t f = F(Field::kCompanions);
  const size_t n = static_cast<size_t>(LevelCount(Field::kCompanions));
  std::vector<double> m(n, 0), u(n, 0);
  bool any = false;
  for (size_t i = 0; i < levels.size() && i < first_pass.size(); ++i) {
    if (levels[i] == kMissing || levels[i] >= n) continue;
    m[levels[i]] += first_pass[i].probability;
    u[levels[i]] += 1 - first_pass[i].probability;
    any = true;
  }
  model.active[f] = any;
  model.m[f].clear();
  model.u[f].clear();
  if (!any) return;
  // As EM's M step: shares of the weighted counts, floored so that no level is impossible.
  auto shares = [&](std::vector<double>& counts) {
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    for (double& c : counts) c = std::max(kMinProbability, total > 0 ? c / total : 1.0 / n);
  };
  shares(m);
  shares(u);
  model.m[f] = std::move(m);
  model.u[f] = std::move(u);
}

double AddWeight(double probability, double bits) {
  if (probability <= 0 || probability >= 1) return probability;
  return 1.0 / (1.0 + std::exp2(-(std::log2(probability / (1 - probability)) + bits)));
}

LinkResult Linker::DeduplicateAll() {
  LinkResult result;
  // Comparison vectors are made in parts, kept packed, and each part is dropped as soon as its
  // pairs are scored: at a million records the packed vectors take 2.5 GB and the scored pairs
  // 1.7 GB, and the two are never whole in memory together.
  constexpr size_t kPart = size_t{1} << 22;
  std::vector<std::vector<PackedComparison>> parts;
  PatternCounts counts;
  size_t total = 0;
  {
    const std::vector<std::pair<uint32_t, uint32_t>> candidates = Candidates(&result.blocking);
    const std::span<const std::pair<uint32_t, uint32_t>> all(candidates);
    for (size_t at = 0; at < all.size(); at += kPart) {
      const auto pairs = all.subspan(at, std::min(kPart, all.size() - at));
      std::vector<PackedComparison>& part = parts.emplace_back();
      part.reserve(pairs.size());
      for (const Comparison& c : CompareAll(pairs)) {
        const uint64_t levels = Pack(c.level);
        counts[levels] += 1;
        part.push_back({c.a, c.b, levels, c.tf_given, c.tf_surname});
      }
    }
    total = candidates.size();
  }
  result.model = TrainOn(PatternsOf{SortedPatterns(counts), total});
  PatternCounts().swap(counts);
  result.pairs.reserve(total);
  for (std::vector<PackedComparison>& part : parts) {
    for (const PackedComparison& p : part) {
      const Comparison c{.a = p.a,
                         .b = p.b,
                         .level = Unpack(p.levels),
                         .tf_given = p.tf_given,
                         .tf_surname = p.tf_surname};
      result.pairs.push_back({c.a, c.b, Probability(result.model, c)});
    }
    std::vector<PackedComparison>().swap(part);  // (`part = {}` would keep the memory)
  }
  result.clustering = Cluster(size(), result.pairs, impl_->options, [&](uint32_t a, uint32_t b) {
    return Probability(result.model, Compare(a, b));
  });
  ReclusterWithCompanions(result.model, result.pairs, result.clustering, /*fit=*/true);
  return result;
}

void Linker::ReclusterWithCompanions(Model& model, std::span<ScoredPair> pairs,
                                     Clustering& clustering, bool fit) {
  if (!has_companions()) return;
  CompareCompanionsBy(clustering.cluster_of);
  std::vector<uint8_t> levels(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) levels[i] = CompanionLevel(pairs[i].a, pairs[i].b);
  if (fit) FitCompanions(model, pairs, levels);
  if (!model.active[F(Field::kCompanions)]) return;
  // The field is independent of the others in the model: its weight adds to each pair's
  // first-pass weight.
  const std::vector<double>& m = model.m[F(Field::kCompanions)];
  const std::vector<double>& u = model.u[F(Field::kCompanions)];
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (levels[i] == kMissing) continue;
    pairs[i].probability = AddWeight(pairs[i].probability, Log2Ratio(m[levels[i]], u[levels[i]]));
  }
  clustering = Cluster(size(), pairs, impl_->options, [&](uint32_t a, uint32_t b) {
    return Probability(model, Compare(a, b));  // Compare now gives the companions' level
  });
}

Result<LinkResult> Deduplicate(std::span<const Record> records, const LinkOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Linker> linker, Linker::Create(records, options));
  return linker->DeduplicateAll();
}

Result<LinkResult> Deduplicate(std::vector<Record>&& records, const LinkOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Linker> linker, Linker::Create(records, options));
  std::vector<Record>().swap(records);  // what linkage needs of them is in the linker now
  return linker->DeduplicateAll();
}

}  // namespace custodian::link
