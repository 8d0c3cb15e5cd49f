// How a documentation project writes down a victim (render.h): names in its romanization and
// Hangul spelling, with its typos; birth years, ages and dates at its precision; a transcript,
// statement or article in Korean and/or English from the templates; incidents and acts with the
// perpetrator units; claims with grades. Every random choice comes from the (victim, project)
// render stream, so a record never depends on which other records were written before it.
#include "synth/render.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <map>

#include "model/model.h"

namespace custodian::synth {

// ---- JsonWriter ------------------------------------------------------------------------

void JsonWriter::Separate() {
  if (!first_) out_ += ',';
  first_ = false;
}
void JsonWriter::BeginObject() {
  Separate();
  out_ += '{';
  first_ = true;
}
void JsonWriter::EndObject() {
  out_ += '}';
  first_ = false;
}
void JsonWriter::BeginArray() {
  Separate();
  out_ += '[';
  first_ = true;
}
void JsonWriter::EndArray() {
  out_ += ']';
  first_ = false;
}
void JsonWriter::Key(std::string_view key) {
  String(key);
  out_ += ':';
  first_ = true;  // the value follows without a comma
}
void JsonWriter::String(std::string_view value) {
  Separate();
  out_ += '"';
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out_ += '\\';
      out_ += c;
    } else if (c == '\n') {
      out_ += "\\n";
    } else if (u < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", u);
      out_ += escape;
    } else {
      out_ += c;
    }
  }
  out_ += '"';
}
void JsonWriter::Int(int64_t value) {
  Separate();
  out_ += std::to_string(value);
}
void JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
}
void JsonWriter::Double(double value) {
  Separate();
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, result.ptr);
}
void JsonWriter::Null() {
  Separate();
  out_ += "null";
}

namespace {

using model::Kind;

constexpr int32_t kDaysPerYear = 365;

std::string Pad(uint64_t n, int width) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

std::string NumberWord(int n) {
  static constexpr const char* kWords[] = {
      "zero",     "one",     "two",     "three",     "four",     "five",     "six",
      "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
      "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
  return n >= 0 && n <= 20 ? kWords[n] : std::to_string(n);
}

std::string Plural(int n, const char* unit) {
  return NumberWord(n) + " " + unit + (n == 1 ? "" : "s");
}

// "three months" / "3개월": how people state a length of time.
TextPair Duration(int32_t days) {
  if (days < 14)
    return {Plural(std::max(days, 1), "day"), std::to_string(std::max(days, 1)) + "일"};
  if (days < 60) return {Plural(days / 7, "week"), std::to_string(days / 7) + "주"};
  if (days < 730) return {Plural(days / 30, "month"), std::to_string(days / 30) + "개월"};
  return {Plural(days / kDaysPerYear, "year"), std::to_string(days / kDaysPerYear) + "년"};
}

TextPair Term(int months) {
  if (months % 12 == 0) return {Plural(months / 12, "year"), std::to_string(months / 12) + "년"};
  return {Plural(months, "month"), std::to_string(months) + "개월"};
}

void CapitalizeFirst(std::string& text, size_t from) {
  if (from >= text.size()) return;
  char& c = text[from];
  if (c >= 'a' && c <= 'z') {
    c = static_cast<char>(c - 'a' + 'A');
  } else if (text.compare(from, 2, "ŏ") == 0) {
    text.replace(from, 2, "Ŏ");
  } else if (text.compare(from, 2, "ŭ") == 0) {
    text.replace(from, 2, "Ŭ");
  }
}

constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

// A date as one project states it: the text of the record's date field (a form that
// ParseFuzzyDate accepts, docs/formats/dates.md) and the words in English and Korean prose.
struct DateText {
  std::string field, en, ko;
};

DateText FormatDate(int32_t day, const std::string& style, bool korean_field) {
  int y, m, d;
  CivilFromDays(day, y, m, d);
  const std::string year = std::to_string(y);
  DateText out;
  if (style == "day") {
    out.field = korean_field ? year + "년 " + std::to_string(m) + "월 " + std::to_string(d) + "일"
                             : year + "-" + Pad(m, 2) + "-" + Pad(d, 2);
    out.en = "on " + std::to_string(d) + " " + kMonthNames[m - 1] + " " + year;
    out.ko = year + "년 " + std::to_string(m) + "월 " + std::to_string(d) + "일";
  } else if (style == "month") {
    out.field = korean_field ? year + "년 " + std::to_string(m) + "월"
                             : std::string(kMonthNames[m - 1]) + " " + year;
    out.en = std::string("in ") + kMonthNames[m - 1] + " " + year;
    out.ko = year + "년 " + std::to_string(m) + "월";
  } else if (style == "season") {
    // Meteorological seasons; January and February belong to the winter of the year before.
    static constexpr const char* kSeasons[] = {"winter", "spring", "summer", "autumn"};
    static constexpr const char* kSeasonsKo[] = {"겨울", "봄", "여름", "가을"};
    const int season = (m % 12) / 3;
    const std::string season_year = std::to_string(m <= 2 ? y - 1 : y);
    out.field = korean_field ? season_year + "년 " + kSeasonsKo[season]
                             : std::string(kSeasons[season]) + " " + season_year;
    out.en = std::string("in the ") + kSeasons[season] + " of " + season_year;
    out.ko = season_year + "년 " + kSeasonsKo[season];
  } else if (style == "about") {
    out.field = korean_field ? year + "년경" : "about " + year;
    out.en = "around " + year;
    out.ko = year + "년경";
  } else if (style == "part") {
    // early: January-April, mid: May-August, late: September-December (dates.md).
    static constexpr const char* kParts[] = {"early", "mid", "late"};
    static constexpr const char* kPartsKo[] = {"초", "중반", "말"};
    const int part = (m - 1) / 4;
    out.field = korean_field ? year + "년 " + kPartsKo[part]
                : part == 1  ? "mid-" + year
                             : std::string(kParts[part]) + " " + year;
    out.en = part == 1 ? "in mid-" + year : std::string("in ") + kParts[part] + " " + year;
    out.ko = year + "년 " + kPartsKo[part];
  } else if (style == "range") {
    const std::string from = std::to_string(y - 1), to = std::to_string(y + 1);
    out.field = korean_field ? from + "년부터 " + to + "년까지" : "between " + from + " and " + to;
    out.en = "between " + from + " and " + to;
    out.ko = from + "년에서 " + to + "년 사이";
  } else {  // "year"
    out.field = korean_field ? year + "년" : year;
    out.en = "in " + year;
    out.ko = year + "년";
  }
  return out;
}

std::string IsoDate(int32_t day) {
  int y, m, d;
  CivilFromDays(day, y, m, d);
  return std::to_string(y) + "-" + Pad(m, 2) + "-" + Pad(d, 2);
}

// ---- Names ------------------------------------------------------------------------------

// A confusion a listener or a typist makes: one letter dropped, doubled, swapped with the next,
// or a vowel heard as another.
void LatinTypo(std::string& text, Rng& rng) {
  std::vector<size_t> letters;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] >= 'a' && text[i] <= 'z')) letters.push_back(i);
  }
  if (letters.size() < 3) return;
  const size_t i = letters[rng.Index(letters.size())];
  switch (rng.Below(4)) {
    case 0:
      text.erase(i, 1);
      break;
    case 1:
      text.insert(i, 1, text[i]);
      break;
    case 2:
      if (i + 1 < text.size() && text[i + 1] >= 'a' && text[i + 1] <= 'z')
        std::swap(text[i], text[i + 1]);
      break;
    default: {
      static constexpr char kFrom[] = "aeiouy";
      static constexpr char kTo[] = "eaiuoi";
      const char* at = std::char_traits<char>::find(kFrom, 6, text[i]);
      text[i] = at != nullptr ? kTo[at - kFrom] : 'e';
      break;
    }
  }
}

// A mishearing in Hangul: a vowel for a similar one (ㅓ/ㅕ, ㅐ/ㅔ, ㅗ/ㅜ, ㅡ/ㅜ) or a final
// ㄴ for ㅇ. The result is still one precomposed syllable, so still NFC.
char32_t HangulTypo(char32_t syllable, Rng& rng) {
  Jamo j = Decompose(syllable);
  static constexpr int kVowelSwaps[][2] = {{4, 6}, {1, 5}, {8, 13}, {18, 13}, {20, 19}};
  static constexpr int kTailN = 4, kTailNg = 21;
  if (rng.Chance(0.3) && (j.tail == kTailN || j.tail == kTailNg)) {
    j.tail = j.tail == kTailN ? kTailNg : kTailN;
    return Compose(j);
  }
  for (const auto& swap : kVowelSwaps) {
    if (j.vowel == swap[0]) {
      j.vowel = swap[1];
      return Compose(j);
    }
    if (j.vowel == swap[1]) {
      j.vowel = swap[0];
      return Compose(j);
    }
  }
  j.vowel = j.vowel == 20 ? 19 : 20;  // ㅣ and ㅢ are often confused
  return Compose(j);
}

std::string_view SystemName(Romanization system) {
  switch (system) {
    case Romanization::kRr:
      return "rr";
    case Romanization::kMr:
      return "mr";
    case Romanization::kMrAscii:
      return "mr_ascii";
    case Romanization::kDprk:
      return "dprk";
    case Romanization::kCommon:
      return "common";
  }
  return "";
}

// One person's name as a project writes it.
struct WrittenName {
  std::string hangul, hangul_surname;  // full name and surname in Hangul
  std::string latin, latin_surname;    // in the project's romanization
  std::string variant;                 // its system
  bool rok_differs = false;            // the ROK spelling differs from the DPRK one
};

WrittenName WriteName(const Tables& t, const PersonName& name, bool rok, Romanization system,
                      bool family_last, double error_rate, Rng& rng) {
  const SurnameInfo& surname = t.surnames[static_cast<size_t>(name.surname)];
  std::u32string given = {t.syllables[static_cast<size_t>(name.given[0])].ko,
                          t.syllables[static_cast<size_t>(name.given[1])].ko};
  // The ROK spelling applies the initial-sound rule to the surname and the given name's first
  // syllable; the DPRK style always romanizes the DPRK spelling.
  if (rok) given[0] = RokInitial(given[0]);
  WrittenName out;
  out.variant = std::string(SystemName(system));
  const char32_t family = rok ? surname.rok : surname.ko;
  out.rok_differs = rok && (surname.rok != surname.ko ||
                            given[0] != t.syllables[static_cast<size_t>(name.given[0])].ko);
  if (rng.Chance(error_rate / 2)) {
    const size_t k = rng.Index(2);
    given[k] = HangulTypo(given[k], rng);
  }
  AppendUtf8(family, out.hangul_surname);
  out.hangul = out.hangul_surname + EncodeUtf8(given);

  std::u32string to_romanize = given;
  if (system == Romanization::kDprk && rok) {
    to_romanize[0] = t.syllables[static_cast<size_t>(name.given[0])].ko;
  }
  std::vector<std::string> parts = RomanizeSyllables(to_romanize, system);
  switch (system) {
    case Romanization::kRr:
      out.latin_surname = surname.rr;
      break;
    case Romanization::kMr:
      out.latin_surname = surname.mr;
      break;
    case Romanization::kMrAscii:
      out.latin_surname = surname.mr_ascii;
      break;
    case Romanization::kDprk:
      out.latin_surname = surname.dprk;
      break;
    case Romanization::kCommon:
      out.latin_surname = rng.Pick(surname.common);
      break;
  }
  // How the syllables are joined: each system has its habits (Cheol-su, Chol Su, Chulsoo).
  static const WeightedChoice kRrJoin({60, 0, 40}), kMrJoin({100, 0, 0}), kAsciiJoin({50, 30, 20}),
      kDprkJoin({0, 100, 0}), kCommonJoin({35, 25, 40});
  const WeightedChoice& join = system == Romanization::kRr        ? kRrJoin
                               : system == Romanization::kMr      ? kMrJoin
                               : system == Romanization::kMrAscii ? kAsciiJoin
                               : system == Romanization::kDprk    ? kDprkJoin
                                                                  : kCommonJoin;
  const size_t joiner = join.Pick(rng);  // 0 hyphen, 1 space, 2 joined
  std::string latin_given;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) latin_given += joiner == 0 ? "-" : joiner == 1 ? " " : "";
    const size_t start = latin_given.size();
    latin_given += parts[i];
    if (i == 0 || joiner == 1) CapitalizeFirst(latin_given, start);
  }
  if (rng.Chance(error_rate)) LatinTypo(latin_given, rng);
  out.latin =
      family_last ? latin_given + " " + out.latin_surname : out.latin_surname + " " + latin_given;
  return out;
}

std::string ChineseName(const Tables& t, const PersonName& name, bool pinyin) {
  const SurnameInfo& surname = t.surnames[static_cast<size_t>(name.surname)];
  const SyllableInfo& a = t.syllables[static_cast<size_t>(name.given[0])];
  const SyllableInfo& b = t.syllables[static_cast<size_t>(name.given[1])];
  if (!pinyin) return surname.zh + a.zh + b.zh;
  std::string given = a.pinyin + b.pinyin;
  CapitalizeFirst(given, 0);
  return surname.pinyin + " " + given;
}

std::string HanjaName(const Tables& t, const PersonName& name) {
  return t.surnames[static_cast<size_t>(name.surname)].hanja +
         t.syllables[static_cast<size_t>(name.given[0])].hanja +
         t.syllables[static_cast<size_t>(name.given[1])].hanja;
}

// ---- Rendering a capture -------------------------------------------------------------------

class CaptureRenderer {
 public:
  CaptureRenderer(const Tables& t, const Project& p, const Victim& v, uint64_t seed,
                  const std::string& prefix, uint64_t case_number, uint32_t incidents,
                  UnitRegistry& units, std::string& out, RecordCounts& counts)
      : t_(t),
        p_(p),
        c_(*p.config),
        v_(v),
        rng_(HashOf({seed, static_cast<uint64_t>(Stream::kRender), v.index,
                     static_cast<uint64_t>(p.index)})),
        incidents_(incidents),
        units_(units),
        out_(out),
        counts_(counts) {
    base_ = CaseBase(prefix, p, case_number);
    case_label_ = p.key_upper + "-" + Pad(case_number, 6);
  }

  void Write() {
    Decide();
    if (p_.testimonial && !v_.survivor()) WritePerson(true);
    WritePerson(false);
    WriteSource();
    WriteIncidents();
  }

 private:
  // ---- decisions shared by all records of the capture ----

  void Decide() {
    const LanguageMix mix = p_.languages[p_.language_choice.Pick(rng_)];
    // Articles and reports are written in one language; interviews may be kept in both.
    has_ko_ = mix != LanguageMix::kEn;
    has_en_ = mix != LanguageMix::kKo;
    primary_ = has_ko_ ? Lang::kKo : Lang::kEn;
    rok_ = rng_.Chance(c_.rok_hangul);
    korean_fields_ = primary_ == Lang::kKo && rng_.Chance(0.4);
    // The source's date: after the story could be told, within the project's years.
    const int32_t lower = std::max(v_.story_end + 30, p_.first_day);
    interview_day_ = lower + static_cast<int32_t>(rng_.Below(
                                 static_cast<uint64_t>(std::max(p_.last_day - lower, 0) + 1)));
    interview_year_ = YearOf(interview_day_);
    voice_ = !p_.testimonial ? Voice::kReport : v_.survivor() ? Voice::kSelf : Voice::kRelative;
    name_form_ = p_.name_forms[p_.name_form_choice.Pick(rng_)];

    // Which name: some survivors are known under the name they took in South Korea.
    const bool use_new = v_.has_new_name && rng_.Chance(0.5);
    victim_true_name_ = use_new ? v_.new_name : v_.person.name;
    victim_name_ = Name(victim_true_name_);
    const PersonName primary_name = victim_true_name_;
    if (name_form_ == "pseudonym") {
      PersonName pseudonym = primary_name;
      pseudonym.surname = static_cast<int>(t_.surname_choice.Pick(rng_));
      const auto& first = t_.given_candidates[v_.person.female][0];
      const auto& second = t_.given_candidates[v_.person.female][1];
      pseudonym.given[0] = rng_.Pick(first);
      do pseudonym.given[1] = rng_.Pick(second);
      while (pseudonym.given[1] == pseudonym.given[0]);
      victim_name_ = Name(pseudonym);
    }
    if (voice_ == Voice::kRelative) informant_name_ = Name(v_.informant.name);

    // The birth year as stated, and how it is recorded.
    stated_born_ = v_.person.born;
    if (rng_.Chance(c_.error_rate)) {
      stated_born_ += (rng_.Chance(0.5) ? 1 : -1) * rng_.Between(1, 3);
    }
    birth_style_ = p_.birth_styles[p_.birth_choice.Pick(rng_)];

    // The origin as recorded: sometimes a neighbouring county (a misunderstanding), sometimes
    // only the province.
    stated_origin_ = v_.person.origin;
    const PlaceInfo& origin = t_.place(v_.person.origin);
    if (origin.province >= 0 && t_.origin_counties.count(origin.province)) {
      if (rng_.Chance(c_.error_rate)) {
        stated_origin_ = rng_.Pick(t_.origin_counties.at(origin.province));
      } else if (rng_.Chance(0.08)) {
        origin_is_province_ = true;
      }
    }

    // Per event: how its date is stated, and whether the witness misremembered the year.
    dates_.clear();
    for (const Event& e : v_.events) {
      int32_t day = e.day;
      if (rng_.Chance(c_.error_rate)) {
        const int shift = rng_.Chance(0.5) ? 1 : -1;
        if (YearOf(day) + shift <= interview_year_) day += shift * kDaysPerYear;
      }
      const std::string& style = p_.date_styles[p_.date_choice.Pick(rng_)];
      dates_.push_back(FormatDate(day, style, korean_fields_));
    }
    reliability_ = p_.reliability[p_.reliability_choice.Pick(rng_)];
    interviewer_ = p_.key_upper + "-I" + Pad(1 + rng_.Below(12), 2);
    // Some writers give Chinese place names with their characters: 연길(延吉), Yanji (延吉).
    china_with_characters_ = rng_.Chance(primary_ == Lang::kKo ? 0.2 : 0.1);
  }

  WrittenName Name(const PersonName& name) {
    const Romanization system = p_.systems[p_.system_choice.Pick(rng_)];
    return WriteName(t_, name, rok_, system, rng_.Chance(c_.family_name_last), c_.error_rate, rng_);
  }

  bool Recorded(const Event& e) const {
    return e.incident == kNoIncident || (incidents_ >> e.incident) & 1;
  }

  // ---- places as words ----

  std::string PlaceWord(int place, Lang lang) {
    const PlaceInfo& p = t_.place(place);
    if (lang == Lang::kEn) return p.en_short;
    return rok_ && !p.ko_rok_short.empty() ? p.ko_rok_short : p.ko_short;
  }

  // Chinese cities in Korean prose: the Korean reading (연길) or the ROK transcription (옌지),
  // and for some writers with the Chinese characters, as Korean writing often has them.
  std::string ChinaWord(int place, Lang lang) {
    const PlaceInfo& p = t_.place(place);
    const bool characters = china_with_characters_ && !p.zh_short.empty();
    if (lang == Lang::kEn) return characters ? p.en_short + " (" + p.zh_short + ")" : p.en_short;
    std::string word = rok_ && !p.ko_rok_short.empty() ? p.ko_rok_short : p.ko_short;
    if (characters) word += "(" + p.zh_short + ")";
    return word;
  }

  std::string FacilityWord(const Event& e, Lang lang) {
    if (e.type == EventType::kLabourCamp || e.type == EventType::kJipkyulso) {
      const TemplatePair& name =
          e.type == EventType::kLabourCamp ? t_.labour_camp_name : t_.jipkyulso_name;
      SlotValues values{};
      const std::string place =
          e.type == EventType::kJipkyulso
              ? (lang == Lang::kEn ? t_.place(e.place).en : t_.place(e.place).ko)
              : PlaceWord(e.place, lang);
      values[static_cast<size_t>(Slot::kPlace)] = place;
      std::string out;
      name.In(lang).Render(values, out);
      return out;
    }
    const PlaceInfo& p = t_.place(e.place);
    auto named = t_.facility_names.find(e.place);
    if (lang == Lang::kKo) {
      if (named != t_.facility_names.end()) {
        const std::string& rok = t_.facility_names_rok.at(e.place);
        return rok_ && !rok.empty() ? rok : named->second.ko;
      }
      return p.ko;
    }
    if (named != t_.facility_names.end() && !named->second.en.empty()) return named->second.en;
    // "the Onsong MSS holding centre", but "Kyohwaso No. 12 (Jongo-ri)".
    const size_t last_space = p.en.rfind(' ');
    const char last = p.en[last_space == std::string::npos ? 0 : last_space + 1];
    return last >= 'a' && last <= 'z' ? "the " + p.en : p.en;
  }

  std::string RiverWord(int river, Lang lang) {
    const PlaceInfo& p = t_.place(river);
    return lang == Lang::kEn ? "the " + p.en : p.ko;
  }

  // ---- slot values ----

  // Storage for the strings the slots point to; rebuilt for each event.
  struct Values {
    std::array<std::string, kSlotCount> text;
    SlotValues view() const {
      SlotValues v;
      for (size_t i = 0; i < text.size(); ++i) v[i] = text[i];
      return v;
    }
    std::string& operator[](Slot s) { return text[static_cast<size_t>(s)]; }
  };

  std::string RelationWord(Lang lang) const {
    const RelationInfo& r = t_.relations[static_cast<size_t>(v_.relation)];
    if (lang == Lang::kEn) return r.en;
    if (!r.ko.empty()) return r.ko;
    // Korean names a sibling by age and by the speaker's sex: 언니, 누나, 여동생, 오빠, 형, 남동생.
    const bool older = v_.person.born < v_.informant.born;
    if (!older) return r.ko_younger;
    return v_.informant.female ? r.ko_older_female : r.ko_older_male;
  }

  // The values every sentence of this capture can use, in `lang`, for text in `voice`. In the
  // project's own descriptions (`record`), the victim is "the victim" and is not named.
  void FillCommon(Values& values, Lang lang, Voice voice, bool record = false) {
    const bool en = lang == Lang::kEn;
    const bool female = v_.person.female;
    values[Slot::kThey] = female ? "she" : "he";
    values[Slot::kTheir] = female ? "her" : "his";
    values[Slot::kThem] = female ? "her" : "him";
    values[Slot::kSexNoun] = (female ? t_.woman : t_.man).In(lang);
    values[Slot::kTopic] = t_.scenarios[static_cast<size_t>(v_.scenario)].label.In(lang);
    values[Slot::kCase] = case_label_;
    values[Slot::kInterviewer] = interviewer_;
    values[Slot::kBorn] = std::to_string(stated_born_);
    values[Slot::kAge] = std::to_string(interview_year_ - stated_born_);
    values[Slot::kOrigin] = origin_is_province_
                                ? (en ? t_.place(t_.place(stated_origin_).province).en
                                      : t_.place(t_.place(stated_origin_).province).ko)
                                : PlaceWord(stated_origin_, lang);
    if (v_.relation >= 0) values[Slot::kRelation] = RelationWord(lang);
    const WrittenName& name = victim_name_;
    const std::string& title = female ? t_.ms : t_.mr;
    if (record) {
      values[Slot::kVictim] = en ? "the victim" : "피해자";
      values[Slot::kName] = "";
      return;
    }
    switch (voice) {
      case Voice::kSelf:
        values[Slot::kName] = en ? name.latin : name.hangul;
        values[Slot::kVictim] = en ? "I" : "저";
        break;
      case Voice::kRelative:
        values[Slot::kName] = en ? name.latin : name.hangul;
        values[Slot::kVictim] =
            en ? "my " + values[Slot::kRelation] : "제 " + values[Slot::kRelation];
        break;
      case Voice::kReport:
        if (name_form_ == "surname") {
          values[Slot::kName] =
              en ? title + " " + name.latin_surname : name.hangul_surname + t_.surname_only_ko;
        } else if (name_form_ == "pseudonym") {
          values[Slot::kName] =
              (en ? name.latin : name.hangul) + (en ? " " : "") + t_.pseudonym.In(lang);
        } else {
          values[Slot::kName] = en ? name.latin : name.hangul;
        }
        values[Slot::kVictim] = en ? title + " " + name.latin_surname : name.hangul_surname + "씨";
        break;
    }
  }

  void FillEvent(Values& values, const Event& e, size_t event_index, Lang lang) {
    const bool en = lang == Lang::kEn;
    const DateText& date = dates_[event_index];
    values[Slot::kDate] = en ? date.en : date.ko;
    values[Slot::kYear] = std::to_string(YearOf(e.day));
    values[Slot::kPlace] = e.place >= 0 ? PlaceWord(e.place, lang) : "";
    values[Slot::kFacility] = "";
    values[Slot::kChina] = "";
    values[Slot::kCrossingPlace] = "";
    values[Slot::kRiver] = e.river >= 0 ? RiverWord(e.river, lang) : "";
    values[Slot::kFrom] = e.from >= 0 ? ChinaWord(e.from, lang) : "";
    values[Slot::kTo] = e.to >= 0 ? PlaceWord(e.to, lang) : "";
    values[Slot::kDuration] = e.duration > 0 ? Duration(e.duration).In(lang) : "";
    values[Slot::kTerm] = e.term_months > 0 ? Term(e.term_months).In(lang) : "";
    values[Slot::kReason] =
        e.reason >= 0
            ? t_.reasons[static_cast<size_t>(e.reason_kind)][static_cast<size_t>(e.reason)].In(lang)
            : "";
    values[Slot::kWork] = e.work >= 0 ? t_.work[static_cast<size_t>(e.work)].In(lang) : "";
    values[Slot::kKin] = e.kin >= 0 ? t_.kin[static_cast<size_t>(e.kin)].In(lang) : "";
    values[Slot::kUnit] = e.unit_count > 0 ? units_.Names(e.units[0]).In(lang) : "";
    switch (e.type) {
      case EventType::kEscape:
        values[Slot::kCrossingPlace] = PlaceWord(e.place, lang);
        break;
      case EventType::kTrafficking:
      case EventType::kChinaArrest:
      case EventType::kAbduction:
        values[Slot::kChina] = ChinaWord(e.place, lang);
        break;
      case EventType::kPublicExecution:
      case EventType::kFamine:
      case EventType::kFamineDeath:
      case EventType::kPoliticalArrest:
      case EventType::kOrdinaryArrest:
      case EventType::kRelease:
      case EventType::kSettlement:
      case EventType::kHandover:
      case EventType::kHandoverMass:
      case EventType::kTrial:
        break;
      default:
        values[Slot::kFacility] = FacilityWord(e, lang);
        break;
    }
    if (e.type == EventType::kTrial) {
      values[Slot::kPlace] = en ? t_.place(e.place).en : t_.place(e.place).ko;
    }
  }

  // Appends one of `variants` whose slots all have values (r picks among them), so that a
  // sentence never says "for  months"; false if there is none.
  static bool Sentence(const std::vector<Template>& variants, const SlotValues& values, uint64_t r,
                       Lang lang, std::string& out) {
    uint32_t empty = 0;
    for (int s = 0; s < kSlotCount; ++s) {
      if (values[static_cast<size_t>(s)].empty()) empty |= 1u << s;
    }
    size_t usable = 0;
    for (const Template& t : variants) usable += (t.slots() & empty) == 0;
    if (usable == 0) return false;
    size_t pick = r % usable;
    for (const Template& t : variants) {
      if ((t.slots() & empty) != 0) continue;
      if (pick-- > 0) continue;
      const size_t start = out.size();
      t.Render(values, out);
      if (lang == Lang::kEn) CapitalizeFirst(out, start);
      return true;
    }
    return false;
  }

  // ---- the source's text ----

  // Draws made once per event, so the Korean text and its English translation tell the same.
  struct EventDraws {
    uint64_t sentence = 0, question = 0;
    uint32_t acts = 0;  // bit i: tell act i
  };

  void Draw() {
    draws_.clear();
    for (const Event& e : v_.events) {
      EventDraws d;
      d.sentence = rng_.Next();
      d.question = rng_.Next();
      for (int i = 0; i < e.act_count; ++i) {
        if (rng_.Chance(0.8)) d.acts |= 1u << i;
      }
      draws_.push_back(d);
    }
    intro_draw_ = rng_.Next();
  }

  // The sentences one event contributes: what happened, then some of its acts.
  void EventSentences(const Event& e, size_t index, Lang lang, Voice voice, Values& values,
                      std::string& out) {
    FillEvent(values, e, index, lang);
    const SlotValues view = values.view();
    const EventDraws& d = draws_[index];
    const size_t before = out.size();
    Sentence(t_.events[static_cast<size_t>(e.type)].sentences.For(lang, voice), view, d.sentence,
             lang, out);
    for (int i = 0; i < e.act_count; ++i) {
      const auto& texts = t_.acts[static_cast<size_t>(e.acts[i].violation)];
      if (!texts || !((d.acts >> i) & 1)) continue;
      if (out.size() > before) out += ' ';
      if (!Sentence(texts->For(lang, voice), view, d.sentence >> 8, lang, out) &&
          out.size() > before) {
        out.pop_back();
      }
    }
  }

  // An interview transcript (questions and answers) or a written statement, in `lang`.
  std::string Testimony(Lang lang) {
    Values values;
    FillCommon(values, lang, voice_);
    values[Slot::kDate] = IsoDate(interview_day_);
    std::string text;
    (p_.interview ? t_.interview_header : t_.statement_header).In(lang).Render(values.view(), text);
    if (lang == Lang::kEn && !has_ko_) text += " " + t_.interpreted.en;
    text += '\n';
    std::string intro;
    Sentence((voice_ == Voice::kSelf ? t_.intro_self : t_.intro_relative).In(lang), values.view(),
             intro_draw_, lang, intro);
    const std::string& q = t_.question_prefix.In(lang);
    const std::string& a = t_.answer_prefix.In(lang);
    if (voice_ == Voice::kSelf && p_.interview) {
      text += q + t_.introduce.In(lang) + "\n" + a + intro + "\n";
      intro.clear();
    }
    bool first = true;
    for (size_t i = 0; i < v_.events.size(); ++i) {
      const Event& e = v_.events[i];
      if (!Recorded(e)) continue;
      // A relative starts with who the victim was, then what happened.
      std::string answer = intro.empty() ? "" : intro + " ";
      intro.clear();
      EventSentences(e, i, lang, voice_, values, answer);
      if (!p_.interview) {
        text += "\n" + answer;
        continue;
      }
      const std::vector<Template>& questions =
          voice_ == Voice::kSelf ? t_.events[static_cast<size_t>(e.type)].questions.In(lang)
                                 : (first ? t_.opening : t_.follow_up).In(lang);
      std::string question;
      Sentence(questions, values.view(), draws_[i].question, lang, question);
      text += q + question + "\n" + a + answer + "\n";
      first = false;
    }
    return text;
  }

  std::string Article(Lang lang) {
    Values values;
    FillCommon(values, lang, Voice::kReport);
    std::string text;
    const TemplateLists& intro = v_.survivor() ? t_.intro_report_survivor : t_.intro_report_absent;
    Sentence(intro.In(lang), values.view(), intro_draw_, lang, text);
    int in_paragraph = 1;
    for (size_t i = 0; i < v_.events.size(); ++i) {
      if (!Recorded(v_.events[i])) continue;
      std::string sentences;
      EventSentences(v_.events[i], i, lang, Voice::kReport, values, sentences);
      if (sentences.empty()) continue;
      text += in_paragraph >= 2 ? "\n\n" : " ";
      in_paragraph = in_paragraph >= 2 ? 1 : in_paragraph + 1;
      text += sentences;
    }
    return text;
  }

  std::string Headline(Lang lang) {
    Values values;
    FillCommon(values, lang, Voice::kReport);
    // The headline names the story's first Chinese city, execution place and reason.
    for (size_t i = 0; i < v_.events.size(); ++i) {
      const Event& e = v_.events[i];
      if (e.type == EventType::kChinaArrest || e.type == EventType::kAbduction) {
        values[Slot::kChina] = ChinaWord(e.place, lang);
      }
      if (e.type == EventType::kPublicExecution) {
        values[Slot::kPlace] = PlaceWord(e.place, lang);
        values[Slot::kReason] =
            t_.reasons[static_cast<size_t>(e.reason_kind)][static_cast<size_t>(e.reason)].In(lang);
      }
    }
    std::string text;
    if (!Sentence(t_.headlines[static_cast<size_t>(v_.scenario)].In(lang), values.view(),
                  intro_draw_ >> 3, lang, text)) {
      text = t_.scenarios[static_cast<size_t>(v_.scenario)].label.In(lang);
      if (lang == Lang::kEn) CapitalizeFirst(text, 0);
    }
    return text;
  }

  // Both languages, Korean first, the English marked as a translation.
  std::string Bilingual(const std::function<std::string(Lang)>& make) {
    if (!(has_ko_ && has_en_)) return make(primary_);
    std::string korean = make(Lang::kKo);
    while (!korean.empty() && korean.back() == '\n') korean.pop_back();
    return korean + "\n\n" + t_.translation.en + "\n" + make(Lang::kEn);
  }

  // ---- records ----

  void Begin(JsonWriter& w, Kind kind, const std::string& id) {
    w.BeginObject();
    w.Field("kind", model::KindName(kind));
    w.Field("id", id);
    ++counts_.by_kind[static_cast<size_t>(kind)];
    ++counts_.lines;
  }
  void End(JsonWriter& w) {
    w.EndObject();
    out_ += '\n';
  }

  void WriteNames(JsonWriter& w, const WrittenName& name, const PersonName& true_name,
                  bool victim) {
    const bool hangul = rng_.Chance(c_.hangul_names);
    bool latin = rng_.Chance(c_.latin_names);
    if (!hangul && !latin) latin = true;  // a record always has a name
    const std::string type = victim && name_form_ == "pseudonym" ? "pseudonym"
                             : victim && name_form_ == "surname" ? "surname"
                                                                 : "";
    const bool surname_only = type == "surname";
    w.Key("names");
    w.BeginArray();
    auto entry = [&](const std::string& text, const char* lang, std::string_view variant,
                     std::string_view entry_type) {
      w.BeginObject();
      w.Field("text", text);
      w.Field("lang", lang);
      if (!entry_type.empty()) w.Field("type", entry_type);
      if (!variant.empty()) w.Field("variant", variant);
      w.EndObject();
    };
    if (hangul)
      entry(surname_only ? name.hangul_surname : name.hangul, "ko", name.rok_differs ? "rok" : "",
            type);
    if (latin) entry(surname_only ? name.latin_surname : name.latin, "ko-Latn", name.variant, type);
    if (victim && type.empty() && rng_.Chance(c_.aliases)) {
      if (v_.has_new_name) {
        // The other of the two names: the birth name or the one taken in South Korea.
        const PersonName& other = true_name == v_.new_name ? v_.person.name : v_.new_name;
        entry(WriteName(t_, other, rok_, Romanization::kRr, false, 0, rng_).hangul, "ko", "",
              "alias");
      }
      if (v_.chinese_alias) {
        entry(ChineseName(t_, v_.person.name, false), "zh", "", "alias");
        if (rng_.Chance(0.5))
          entry(ChineseName(t_, v_.person.name, true), "zh-Latn", "pinyin", "alias");
      }
      if (rng_.Chance(0.15)) entry(HanjaName(t_, true_name), "ko-Hani", "", "");
    }
    w.EndArray();
  }

  void WriteBirth(JsonWriter& w, int born) {
    if (birth_style_ == "missing") return;
    std::string text;
    const std::string year = std::to_string(born);
    if (birth_style_ == "about") {
      text = korean_fields_ ? year + "년경" : "about " + year;
    } else if (birth_style_ == "age") {
      // An age at the interview: the birth year is one of two.
      const int age = interview_year_ - born;
      text = "between " + std::to_string(interview_year_ - age - 1) + " and " +
             std::to_string(interview_year_ - age);
    } else if (birth_style_ == "decade") {
      text = std::to_string(born / 10 * 10) + (korean_fields_ ? "년대" : "s");
    } else {
      text = korean_fields_ ? year + "년" : year;
    }
    w.Field("born", text);
  }

  void WritePerson(bool informant) {
    JsonWriter w(out_);
    Begin(w, Kind::kPerson, informant ? InformantPersonId(base_) : VictimPersonId(base_));
    if (informant) {
      WriteNames(w, informant_name_, v_.informant.name, false);
      w.Field("sex", v_.informant.female ? "female" : "male");
      if (birth_style_ != "missing") w.Field("born", "about " + std::to_string(v_.informant.born));
      if (v_.informant.origin >= 0) w.Field("origin", t_.place(v_.informant.origin).id);
      w.Key("roles");
      w.BeginArray();
      w.String("relative");
      w.String("witness");
      w.String("source_person");
      w.EndArray();
    } else {
      WriteNames(w, victim_name_, victim_true_name_, true);
      if (!rng_.Chance(c_.error_rate / 2)) w.Field("sex", v_.person.female ? "female" : "male");
      WriteBirth(w, stated_born_);
      if (stated_origin_ >= 0) {
        const PlaceInfo& origin = t_.place(stated_origin_);
        w.Field("origin", origin_is_province_ ? t_.place(origin.province).id : origin.id);
      }
      w.Key("roles");
      w.BeginArray();
      w.String("victim");
      if (voice_ == Voice::kSelf) {
        w.String("witness");
        w.String("source_person");
      }
      w.EndArray();
      if (rng_.Chance(0.5)) {
        std::string description = t_.scenarios[static_cast<size_t>(v_.scenario)].label.In(primary_);
        if (primary_ == Lang::kEn) CapitalizeFirst(description, 0);
        w.Field("description", description + ".");
      }
    }
    End(w);
  }

  void WriteSource() {
    Draw();
    JsonWriter w(out_);
    Begin(w, Kind::kSource, SourceId(base_));
    w.Field("type", c_.source_type);
    Values values;
    FillCommon(values, primary_, voice_);
    std::string title;
    if (p_.testimonial) {
      (p_.interview ? t_.title_interview : t_.title_statement)
          .In(primary_)
          .Render(values.view(), title);
    } else {
      title = Headline(primary_);
    }
    w.Field("title", title);
    w.Field("date", IsoDate(interview_day_));
    w.Key("languages");
    w.BeginArray();
    // An English-only interview was still given in Korean, through an interpreter.
    if (has_ko_ || p_.testimonial) w.String("ko");
    if (has_en_) w.String("en");
    w.EndArray();
    if (p_.testimonial) {
      w.Field("interviewer", interviewer_);
    }
    w.Field("collected_by", p_.org_id);
    if (p_.testimonial) {
      w.Field("interviewee",
              voice_ == Voice::kSelf ? VictimPersonId(base_) : InformantPersonId(base_));
      // Relatives still in China were sometimes interviewed there, before NGOs moved their
      // work to South Korea.
      bool in_china = false;
      if (voice_ == Voice::kRelative && interview_year_ < 2012 && rng_.Chance(0.35)) {
        const std::vector<int>& cities =
            v_.route >= 0 ? t_.routes[static_cast<size_t>(v_.route)].china : t_.china_cities;
        w.Field("location", t_.place(rng_.Pick(cities)).id);
        in_china = true;
      }
      w.BoolField("consent_to_use", true);
      w.BoolField("consent_to_share", rng_.Chance(0.5));
      w.BoolField("protection_concerns", in_china || rng_.Chance(v_.survivor() ? 0.5 : 0.8));
    }
    w.Field("reliability", reliability_);
    if (!p_.testimonial) {
      w.Field("citation", c_.name_en + ", " + IsoDate(interview_day_));
      w.Field("url", "https://archive.example.org/" + c_.key + "/" +
                         std::to_string(interview_year_) + "/" + case_label_);
    }
    Values summary_values;
    FillCommon(summary_values, primary_, voice_);
    std::string summary;
    if (p_.testimonial) {
      (voice_ == Voice::kSelf ? t_.summary_self : t_.summary_relative)
          .In(primary_)
          .Render(summary_values.view(), summary);
      w.Field("summary", summary);
      w.Field("transcript", Bilingual([this](Lang lang) { return Testimony(lang); }));
    } else {
      w.Field("summary", Bilingual([this](Lang lang) { return Article(lang); }));
    }
    End(w);
  }

  void WriteIncidents() {
    int incident_sequence = 0, act_sequence = 0, claim_sequence = 0;
    const std::string source = SourceId(base_);
    const std::string victim = VictimPersonId(base_);
    for (size_t k = 0; k < v_.incidents.size(); ++k) {
      if (!((incidents_ >> k) & 1)) continue;
      const Incident& incident = v_.incidents[k];
      const size_t first = incident.first_event, end = first + incident.event_count;
      for (size_t i = first; i < end; ++i) {
        for (int u = 0; u < v_.events[i].unit_count; ++u)
          units_.Ensure(v_.events[i].units[u], out_, counts_);
      }
      const std::string incident_id = IncidentId(base_, ++incident_sequence);
      {
        JsonWriter w(out_);
        Begin(w, Kind::kIncident, incident_id);
        Values values;
        FillCommon(values, primary_, Voice::kReport, true);
        // The title names what the incident's events name: a Chinese city, the DPRK side of
        // a handover, a facility, a place.
        for (size_t i = first; i < end; ++i) {
          Values event_values;
          FillCommon(event_values, primary_, Voice::kReport, true);
          FillEvent(event_values, v_.events[i], i, primary_);
          for (Slot s : {Slot::kChina, Slot::kTo, Slot::kFacility, Slot::kPlace}) {
            if (values[s].empty() && !event_values[s].empty()) values[s] = event_values[s];
          }
        }
        std::string title;
        t_.incident_titles[static_cast<size_t>(incident.type)].In(primary_).Render(values.view(),
                                                                                   title);
        if (primary_ == Lang::kEn) CapitalizeFirst(title, 0);
        w.Field("title", title);
        w.Field("date", dates_[first].field);
        w.Field("place", t_.place(v_.events[end - 1].place).id);
        w.Key("sources");
        w.BeginArray();
        w.String(source);
        w.EndArray();
        std::string description;
        for (size_t i = first; i < end; ++i) {
          std::string sentences;
          Values event_values;
          FillCommon(event_values, primary_, Voice::kReport, true);
          EventSentences(v_.events[i], i, primary_, Voice::kReport, event_values, sentences);
          if (!sentences.empty()) description += (description.empty() ? "" : " ") + sentences;
        }
        if (!description.empty()) w.Field("description", description);
        End(w);
      }
      for (size_t i = first; i < end; ++i) {
        const Event& e = v_.events[i];
        for (int a = 0; a < e.act_count; ++a) {
          JsonWriter w(out_);
          Begin(w, Kind::kAct, "act-" + base_ + "-" + std::to_string(++act_sequence));
          w.Field("violation", ViolationCode(e.acts[a].violation));
          w.Field("victim", victim);
          w.Field("incident", incident_id);
          if (e.unit_count > 0) {
            w.Key("perpetrators");
            w.BeginArray();
            for (int u = 0; u < e.unit_count; ++u) w.String(units_.Id(e.units[u]));
            w.EndArray();
          }
          w.Field("place", t_.place(e.place).id);
          w.Field("date", dates_[i].field);
          static const WeightedChoice kStatus({85, 12, 3});
          static constexpr const char* kStatuses[] = {"alleged", "corroborated", "established"};
          w.Field("status", kStatuses[kStatus.Pick(rng_)]);
          if (rng_.Chance(0.3))
            w.Field("legal_qualification",
                    rng_.Chance(0.7) ? "crime_against_humanity" : "human_rights_violation");
          w.Key("sources");
          w.BeginArray();
          w.String(source);
          w.EndArray();
          const auto& texts = t_.acts[static_cast<size_t>(e.acts[a].violation)];
          if (texts && rng_.Chance(0.6)) {
            Values values;
            FillCommon(values, primary_, Voice::kReport, true);
            FillEvent(values, e, i, primary_);
            std::string description;
            if (Sentence(texts->For(primary_, Voice::kReport), values.view(), rng_.Next(), primary_,
                         description)) {
              w.Field("description", description);
            }
          }
          End(w);
        }
      }
      if (rng_.Chance(c_.claims)) WriteClaim(first, end, ++claim_sequence, source);
    }
  }

  // A graded claim about the unit behind the incident's first event that has a claim template.
  void WriteClaim(size_t first, size_t end, int sequence, const std::string& source) {
    for (size_t i = first; i < end; ++i) {
      const Event& e = v_.events[i];
      const auto& claim = t_.claims[static_cast<size_t>(e.type)];
      if (!claim || e.unit_count == 0) continue;
      Values values;
      FillCommon(values, primary_, Voice::kReport, true);
      FillEvent(values, e, i, primary_);
      std::string statement;
      if (!Sentence({claim->In(primary_)}, values.view(), 0, primary_, statement)) continue;
      JsonWriter w(out_);
      Begin(w, Kind::kClaim, "clm-" + base_ + "-" + std::to_string(sequence));
      w.Field("subject", units_.Id(e.units[0]));
      w.Field("statement", statement);
      w.Key("sources");
      w.BeginArray();
      w.BeginObject();
      w.Field("source", source);
      w.Field("reliability", reliability_);
      static const WeightedChoice kCredibility({5, 40, 40, 10, 0, 5});
      w.Field("credibility", std::to_string(1 + kCredibility.Pick(rng_)));
      if (rng_.Chance(0.7)) {
        // Quoted from the source, in its voice.
        Values quoted;
        FillCommon(quoted, primary_, voice_);
        std::string excerpt;
        EventSentences(e, i, primary_, voice_, quoted, excerpt);
        if (!excerpt.empty()) w.Field("excerpt", excerpt);
      }
      w.EndObject();
      w.EndArray();
      End(w);
      return;
    }
  }

  const Tables& t_;
  const Project& p_;
  const DocumentationSource& c_;
  const Victim& v_;
  Rng rng_;
  const uint32_t incidents_;
  UnitRegistry& units_;
  std::string& out_;
  RecordCounts& counts_;

  std::string base_, case_label_;
  bool has_ko_ = true, has_en_ = false, rok_ = false, korean_fields_ = false;
  Lang primary_ = Lang::kKo;
  Voice voice_ = Voice::kSelf;
  int32_t interview_day_ = 0;
  int interview_year_ = 0;
  std::string name_form_;
  PersonName victim_true_name_;  // the name the victim went by for this project
  WrittenName victim_name_, informant_name_;
  std::string interviewer_;
  bool china_with_characters_ = false;
  int stated_born_ = 0;
  std::string birth_style_;
  int stated_origin_ = -1;
  bool origin_is_province_ = false;
  std::vector<DateText> dates_;
  std::string reliability_;
  std::vector<EventDraws> draws_;
  uint64_t intro_draw_ = 0;
};

template <typename T>
void Weights(const std::map<std::string, double>& weights,
             const std::function<T(const std::string&)>& map, std::vector<T>& values,
             WeightedChoice& choice) {
  std::vector<double> w;
  for (const auto& [name, weight] : weights) {
    values.push_back(map(name));
    w.push_back(weight);
  }
  choice = WeightedChoice(w);
}

}  // namespace

Project MakeProject(const DocumentationSource& config, int index, const std::string& id_prefix) {
  Project p;
  p.config = &config;
  p.index = index;
  for (char c : config.key)
    p.key_upper += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  p.org_id = "org-" + id_prefix + "-" + config.key;
  const model::Vocabulary* types = model::Vocabularies::Builtin().Find("source_types");
  const model::Term* term = types != nullptr ? types->Find(config.source_type) : nullptr;
  p.testimonial = term != nullptr && term->data.value("testimonial", false);
  p.interview = config.source_type == "interview";
  Weights<LanguageMix>(
      config.languages,
      [](const std::string& name) {
        return name == "ko"   ? LanguageMix::kKo
               : name == "en" ? LanguageMix::kEn
                              : LanguageMix::kBoth;
      },
      p.languages, p.language_choice);
  Weights<Romanization>(
      config.romanization,
      [](const std::string& name) {
        return name == "rr"         ? Romanization::kRr
               : name == "mr"       ? Romanization::kMr
               : name == "mr_ascii" ? Romanization::kMrAscii
               : name == "dprk"     ? Romanization::kDprk
                                    : Romanization::kCommon;
      },
      p.systems, p.system_choice);
  auto same = [](const std::string& name) { return name; };
  Weights<std::string>(config.name_forms, same, p.name_forms, p.name_form_choice);
  Weights<std::string>(config.birth, same, p.birth_styles, p.birth_choice);
  Weights<std::string>(config.dates, same, p.date_styles, p.date_choice);
  Weights<std::string>(config.reliability, same, p.reliability, p.reliability_choice);
  p.first_day = DaysFromCivil(config.first_year, 1, 1);
  p.last_day = DaysFromCivil(config.last_year, 12, 31);
  return p;
}

double CaptureProbability(const Project& project, const Victim& victim) {
  if (std::max(victim.story_end + 30, project.first_day) > project.last_day) return 0;
  const DocumentationSource& c = *project.config;
  double p = victim.survivor() ? c.coverage_survivor : c.coverage_absent;
  auto focus = c.focus.find(std::string(ScenarioName(victim.scenario)));
  if (focus != c.focus.end()) p *= focus->second;
  return std::min(p, 1.0);
}

uint32_t PlanIncidents(const Project& project, const Victim& victim, uint64_t seed) {
  Rng rng(HashOf({seed, static_cast<uint64_t>(Stream::kPlan), victim.index,
                  static_cast<uint64_t>(project.index)}));
  uint32_t mask = 0;
  for (size_t k = 0; k < victim.incidents.size() && k < 32; ++k) {
    // The first incident is what the victim came to tell; later ones may be left out.
    if (k == 0 || rng.Chance(project.config->recall)) mask |= 1u << k;
  }
  return mask;
}

std::string CaseBase(const std::string& id_prefix, const Project& project, uint64_t case_number) {
  return id_prefix + "-" + project.config->key + "-" + Pad(case_number, 6);
}
std::string VictimPersonId(const std::string& case_base) { return "per-" + case_base; }
std::string InformantPersonId(const std::string& case_base) { return "per-" + case_base + "-r"; }
std::string SourceId(const std::string& case_base) { return "src-" + case_base; }
std::string IncidentId(const std::string& case_base, int sequence) {
  return "inc-" + case_base + "-" + std::to_string(sequence);
}

void WriteCapture(const Tables& tables, const Project& project, const Victim& victim, uint64_t seed,
                  const std::string& id_prefix, uint64_t case_number, uint32_t incidents,
                  UnitRegistry& units, std::string& out, RecordCounts& counts) {
  CaptureRenderer(tables, project, victim, seed, id_prefix, case_number, incidents, units, out,
                  counts)
      .Write();
}

void WriteProject(const Project& project, uint64_t seed, std::string& out, RecordCounts& counts) {
  const DocumentationSource& c = *project.config;
  JsonWriter w(out);
  w.BeginObject();
  w.Field("kind", "organization");
  w.Field("id", project.org_id);
  w.Key("names");
  w.BeginArray();
  w.BeginObject();
  w.Field("text", c.name_en);
  w.Field("lang", "en");
  w.EndObject();
  if (!c.name_ko.empty()) {
    w.BeginObject();
    w.Field("text", c.name_ko);
    w.Field("lang", "ko");
    w.EndObject();
  }
  w.EndArray();
  w.Field("agency", c.agency);
  w.Field("description", "Documentation project of a synthetic corpus (custodian generate, seed " +
                             std::to_string(seed) + "); invented, like every record it collected.");
  w.EndObject();
  out += '\n';
  ++counts.by_kind[static_cast<size_t>(model::Kind::kOrganization)];
  ++counts.lines;
}

// ---- UnitRegistry ------------------------------------------------------------------------

UnitRegistry::UnitRegistry(const Tables& tables, std::string id_prefix)
    : t_(tables),
      prefix_(std::move(id_prefix)),
      written_(static_cast<size_t>(kUnitKindCount) * (tables.places.size() + 1), false) {}

size_t UnitRegistry::Slot(const Unit& unit) const {
  return static_cast<size_t>(unit.kind) * (t_.places.size() + 1) +
         static_cast<size_t>(unit.place + 1);
}

std::string UnitRegistry::Id(const Unit& unit) const {
  const std::string slug = unit.place >= 0 ? t_.place(unit.place).slug : "";
  std::string local;
  switch (unit.kind) {
    case UnitKind::kMss:
      local = "mss";
      break;
    case UnitKind::kMssProvince:
    case UnitKind::kMssCounty:
      local = "mss-" + slug;
      break;
    case UnitKind::kMssBorder:
      local = "mss-border";
      break;
    case UnitKind::kMps:
      local = "mps";
      break;
    case UnitKind::kMpsProvince:
    case UnitKind::kMpsCounty:
      local = "mps-" + slug;
      break;
    case UnitKind::kFacility:
      local = "adm-" + slug;
      break;
    case UnitKind::kCourt:
      local = "court-" + slug;
      break;
    case UnitKind::kChinaMps:
      local = "cn-mps";
      break;
    case UnitKind::kChinaPsb:
      local = "psb-" + slug;
      break;
    case UnitKind::kChinaBorderPolice:
      local = "bp-" + slug;
      break;
    case UnitKind::kTraffickers:
      local = "tr-" + slug;
      break;
    case UnitKind::kPeoplesCommittee:
      local = "pc-" + slug;
      break;
  }
  return "org-" + prefix_ + "-" + local;
}

TextPair UnitRegistry::Names(const Unit& unit) const {
  const PlaceInfo* p = unit.place >= 0 ? &t_.place(unit.place) : nullptr;
  // "Onsong County", "Chongjin City": how English names a DPRK county or city.
  auto area_en = [&]() {
    if (p->type == "city") return p->en_short + " City";
    if (p->type == "district") return p->en_short + " District";
    if (p->type == "special_city") return p->en_short;
    return p->en_short + " County";
  };
  switch (unit.kind) {
    case UnitKind::kMss:
      return {t_.mss_en, t_.mss_ko};
    case UnitKind::kMssProvince:
      return {p->en + (p->type == "special_city" ? " MSS Bureau" : " Provincial MSS Bureau"),
              p->ko + " 보위부"};
    case UnitKind::kMssCounty:
      return {area_en() + " MSS branch", p->ko + " 보위부"};
    case UnitKind::kMssBorder:
      return {"MSS Border Security Bureau", ""};  // no Korean name we are sure of
    case UnitKind::kMps:
      return {t_.mps_en, t_.mps_ko};
    case UnitKind::kMpsProvince:
      return {p->en + (p->type == "special_city" ? " MPS Bureau" : " Provincial MPS Bureau"),
              p->ko + " 보안국"};
    case UnitKind::kMpsCounty:
      return {area_en() + " MPS office", p->ko + " 보안서"};
    case UnitKind::kFacility: {
      auto named = t_.facility_names.find(unit.place);
      const std::string ko = named != t_.facility_names.end() ? named->second.ko : p->ko;
      return {p->en + " authorities", ko + " 당국"};
    }
    case UnitKind::kCourt:
      return {p->en + (p->type == "special_city" ? " Court" : " Provincial Court"),
              p->ko + " 재판소"};
    case UnitKind::kChinaMps:
      return {t_.china_mps_en, t_.china_mps_ko};
    case UnitKind::kChinaPsb:
      return {p->en_short + " Public Security Bureau", p->ko_short + " 공안국"};
    case UnitKind::kChinaBorderPolice:
      return {p->en_short + " border police", p->ko_short + " 변방대"};
    case UnitKind::kTraffickers:
      return {"Unidentified traffickers (" + p->en_short + ")",
              p->ko_short + "의 신원 미상 인신매매범"};
    case UnitKind::kPeoplesCommittee:
      return {area_en() + " People's Committee", p->ko + " 인민위원회"};
  }
  return {};
}

Unit UnitRegistry::Parent(const Unit& unit) const {
  const PlaceInfo* p = unit.place >= 0 ? &t_.place(unit.place) : nullptr;
  switch (unit.kind) {
    case UnitKind::kMssProvince:
    case UnitKind::kMssBorder:
      return {UnitKind::kMss, -1};
    case UnitKind::kMssCounty:
      return {UnitKind::kMssProvince, p->province};
    case UnitKind::kMpsProvince:
      return {UnitKind::kMps, -1};
    case UnitKind::kMpsCounty:
      return {UnitKind::kMpsProvince, p->province};
    case UnitKind::kFacility:
      return {p->operated_by == "mss" ? UnitKind::kMss : UnitKind::kMps, -1};
    case UnitKind::kChinaPsb:
    case UnitKind::kChinaBorderPolice:
      return {UnitKind::kChinaMps, -1};
    default:
      return unit;  // no parent
  }
}

void UnitRegistry::Ensure(const Unit& unit, std::string& out, RecordCounts& counts) {
  const size_t slot = Slot(unit);
  if (written_[slot]) return;
  const Unit parent = Parent(unit);
  const bool has_parent = !(parent == unit);
  if (has_parent) Ensure(parent, out, counts);
  written_[slot] = true;

  const TextPair names = Names(unit);
  const PlaceInfo* p = unit.place >= 0 ? &t_.place(unit.place) : nullptr;
  std::string agency = t_.unit_agency[static_cast<size_t>(unit.kind)];
  if (unit.kind == UnitKind::kFacility)
    agency = p->operated_by.empty() ? "unknown" : p->operated_by;
  JsonWriter w(out);
  w.BeginObject();
  w.Field("kind", "organization");
  w.Field("id", Id(unit));
  w.Key("names");
  w.BeginArray();
  w.BeginObject();
  w.Field("text", names.en);
  w.Field("lang", "en");
  w.EndObject();
  if (!names.ko.empty()) {
    w.BeginObject();
    w.Field("text", names.ko);
    w.Field("lang", "ko");
    w.EndObject();
  }
  if (unit.kind == UnitKind::kMps) {
    // Renamed in 2020; sources from before name it by its former name.
    for (const auto& [text, lang] :
         {std::pair{t_.mps_former_en, "en"}, std::pair{t_.mps_former_ko, "ko"}}) {
      w.BeginObject();
      w.Field("text", text);
      w.Field("lang", lang);
      w.Field("variant", "former");
      w.EndObject();
    }
  }
  if (unit.kind == UnitKind::kChinaMps && !t_.china_mps_zh.empty()) {
    w.BeginObject();
    w.Field("text", t_.china_mps_zh);
    w.Field("lang", "zh");
    w.EndObject();
  }
  if (unit.kind == UnitKind::kChinaPsb && p != nullptr && !p->zh.empty()) {
    w.BeginObject();
    w.Field("text", p->zh + "公安局");
    w.Field("lang", "zh");
    w.EndObject();
  }
  w.EndArray();
  w.Field("agency", agency);
  if (has_parent) w.Field("parent", Id(parent));
  if (p != nullptr) {
    w.Field("place", p->id);
  } else if (unit.kind == UnitKind::kChinaMps) {
    w.Field("place", t_.place(t_.country_cn).id);
  } else {
    w.Field("place", t_.place(t_.country_kp).id);
  }
  w.Field("description",
          "Named in a synthetic corpus (custodian generate): the body exists, but everything the "
          "corpus says it did is invented.");
  w.EndObject();
  out += '\n';
  ++counts.by_kind[static_cast<size_t>(model::Kind::kOrganization)];
  ++counts.lines;
}

}  // namespace custodian::synth
