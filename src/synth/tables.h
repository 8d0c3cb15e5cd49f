// Private to src/synth: the generator's world, read once from data/synth/*.json (embedded into
// the binary by cmake/embed.cmake) and from the built-in gazetteer and vocabularies.
//
// LoadTables() checks everything the generator will rely on before any output is written: every
// place id exists in the gazetteer, every violation, agency and facility code in the
// vocabularies, every template placeholder is known and every template voice the stories need
// is there. A failure is an Internal error: the data shipped with this binary is broken.
#ifndef CUSTODIAN_SYNTH_TABLES_H_
#define CUSTODIAN_SYNTH_TABLES_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "synth/hangul.h"
#include "synth/rng.h"

namespace custodian::synth {

// ---- What stories are made of ----------------------------------------------------------

enum class Scenario : uint8_t {
  kForcedReturn,
  kPoliticalPrisoner,
  kOrdinaryPrisoner,
  kReligious,
  kFamine,
  kPublicExecution,
  kAbduction,
};
inline constexpr int kScenarioCount = 7;
std::string_view ScenarioName(Scenario scenario);

// How a victim's story ends. Only a settled victim (out of the country) can be interviewed;
// every other victim is known only through a relative who escaped later.
enum class Fate : uint8_t { kSettled, kReleased, kDetained, kDied, kExecuted, kDisappeared };
inline constexpr int kFateCount = 6;
std::string_view FateName(Fate fate);

// The events of a story; the names are the keys of templates.json "events".
enum class EventType : uint8_t {
  kEscape,
  kTrafficking,
  kChinaArrest,
  kChinaDetention,
  kHandover,
  kHandoverMass,
  kInterrogation,
  kLabourCamp,
  kJipkyulso,
  kTrial,
  kKyohwaso,
  kKwanliso,
  kPoliticalArrest,
  kOrdinaryArrest,
  kRelease,
  kSettlement,
  kFamine,
  kFamineDeath,
  kPublicExecution,
  kDeathInCustody,
  kAbduction,
  kDisappearance,
};
inline constexpr int kEventTypeCount = 22;
std::string_view EventName(EventType type);

// How events group into incident records; the names are the keys of templates.json "incidents".
enum class IncidentType : uint8_t {
  kReturn,
  kTrafficking,
  kInterrogation,
  kDetention,
  kPoliticalArrest,
  kOrdinaryArrest,
  kFamine,
  kPublicExecution,
  kAbduction,
};
inline constexpr int kIncidentTypeCount = 9;
std::string_view IncidentName(IncidentType type);

// The violation_types codes stories use (checked against the vocabulary when loading).
enum class Violation : uint8_t {
  kArbitraryArrest,
  kArbitraryDetention,
  kForcedRepatriation,
  kTorture,
  kInhumaneConditions,
  kSexualViolence,
  kRape,
  kForcedAbortion,
  kForcedLabour,
  kStarvation,
  kDenialOfFood,
  kDenialOfMedicalCare,
  kDeathInCustody,
  kPoliticalPrisonCamp,
  kEnforcedDisappearance,
  kUnfairTrial,
  kPunishmentForFlight,
  kPublicExecution,
  kPersecutionPolitical,
  kPersecutionReligious,
  kFamilyPunishment,
  kCruelTreatment,
  kTrafficking,
  kForcedMarriage,
  kAbductionForeign,
  kDiscriminationSongbun,
};
inline constexpr int kViolationCount = 26;
std::string_view ViolationCode(Violation violation);

// Perpetrator and other units, made into organization records when first referred to.
enum class UnitKind : uint8_t {
  kMss,                // the ministry
  kMssProvince,        // its provincial bureau (place: province)
  kMssCounty,          // its city or county branch (place: county)
  kMssBorder,          // its border security bureau
  kMps,                // Ministry of People's / Social Security
  kMpsProvince,        // (place: province)
  kMpsCounty,          // (place: county)
  kFacility,           // the authorities of a detention facility (place: the facility)
  kCourt,              // a provincial court (place: province)
  kChinaMps,           // China's Ministry of Public Security
  kChinaPsb,           // a city's public security bureau (place: Chinese city)
  kChinaBorderPolice,  // border police of a city (place: Chinese city)
  kTraffickers,        // unidentified traffickers around a Chinese city
  kPeoplesCommittee,   // a county's people's committee (place: county)
};
inline constexpr int kUnitKindCount = 14;

// ---- Templates ---------------------------------------------------------------------------

// The values a template can refer to, by name ({date}, {victim}, ...).
enum class Slot : uint8_t {
  kDate,
  kRiver,
  kCrossingPlace,
  kChina,
  kFacility,
  kFrom,
  kTo,
  kPlace,
  kOrigin,
  kDuration,
  kTerm,
  kReason,
  kWork,
  kKin,
  kVictim,
  kThey,
  kTheir,
  kThem,
  kName,
  kBorn,
  kAge,
  kRelation,
  kSexNoun,
  kYear,
  kUnit,
  kTopic,
  kCase,
  kInterviewer,
};
inline constexpr int kSlotCount = 28;

using SlotValues = std::array<std::string_view, kSlotCount>;

// A sentence with placeholders, parsed once: "{victim:은} {date}에 ..." is a slot with a
// particle, a literal, a slot, a literal.
class Template {
 public:
  static Result<Template> Parse(std::string_view text);
  // Appends the sentence with the slots filled in. A Korean particle is chosen for the value
  // it follows (hangul.h ParticleAfter).
  void Render(const SlotValues& values, std::string& out) const;
  // Bit s is set if the template uses Slot s.
  uint32_t slots() const { return slots_; }

 private:
  struct Piece {
    std::string literal;  // before the slot
    bool has_slot = false;
    Slot slot = Slot::kDate;
    bool has_particle = false;
    Particle particle = Particle::kTopic;
  };
  std::vector<Piece> pieces_;
  uint32_t slots_ = 0;
};

enum class Lang : uint8_t { kEn, kKo };
// Who speaks: the victim (self), a relative about the victim, or a written report or article.
enum class Voice : uint8_t { kSelf, kRelative, kReport };

// The variants of one sentence for each language and voice. English has one third-person set
// for relatives and reports; Korean distinguishes the polite spoken style from the written one.
struct VoiceTexts {
  std::vector<Template> en_self, en_third, ko_self, ko_relative, ko_report;
  const std::vector<Template>& For(Lang lang, Voice voice) const;
};

struct TextPair {
  std::string en, ko;
  const std::string& In(Lang lang) const { return lang == Lang::kEn ? en : ko; }
};

struct TemplatePair {
  Template en, ko;
  const Template& In(Lang lang) const { return lang == Lang::kEn ? en : ko; }
};

struct TemplateLists {
  std::vector<Template> en, ko;
  const std::vector<Template>& In(Lang lang) const { return lang == Lang::kEn ? en : ko; }
};

// ---- Places and names ----------------------------------------------------------------------

struct PlaceInfo {
  std::string id;
  std::string slug;  // the id without "plc-" and a country prefix, for unit ids
  std::string type, facility_type, operated_by;
  int parent = -1;
  int province = -1;  // the enclosing province or special city (DPRK) or Chinese province
  int county = -1;    // the enclosing county, city or district (DPRK), itself if one
  // Names: the primary English, Korean (DPRK spelling) and Chinese names; the spoken forms
  // without administrative suffixes (Onsong, 온성, 延吉); the ROK spelling where it differs.
  std::string en, en_short, ko, ko_short, ko_rok_short, zh, zh_short;
};

struct SurnameInfo {
  char32_t ko = 0;   // DPRK spelling
  char32_t rok = 0;  // ROK spelling (the same for most)
  std::string hanja, zh, pinyin;
  std::string rr, mr, mr_ascii, dprk;
  std::vector<std::string> common;
};

struct SyllableInfo {
  char32_t ko = 0;
  std::string hanja, zh, pinyin;
  char sex = 'n';  // 'f', 'm' or 'n'
  char pos = 'a';  // '1', '2' or 'a'
};

struct RelationInfo {
  std::string code, en, ko, ko_older_female, ko_older_male, ko_younger;
  bool victim_female = false;
  int gap_min = 0, gap_max = 0;  // informant's birth year minus the victim's
  // Korean children take their father's surname and wives keep their own, so whether the
  // informant shares the victim's surname follows from the relation (and the informant's sex).
  enum class SameSurname : uint8_t { kAlways, kNever, kIfInformantMale };
  SameSurname same_surname = SameSurname::kNever;
  double informant_female = 0.5;
};

struct ScenarioInfo {
  std::string name;
  double female = 0.5;
  int age_min = 18, age_max = 60;
  std::vector<Fate> fates;
  WeightedChoice fate_choice;
  WeightedChoice year_choice;  // index 0 = first_year
  TextPair label;
};

struct RouteInfo {
  std::string name;
  int river = -1;
  std::vector<int> escape, china;
  int detention = -1, crossing = -1, from = -1, to = -1;
  std::vector<int> holding;
  WeightedChoice holding_choice;
};

struct KwanlisoInfo {
  int place = -1;
  double weight = 0;
  int until = 0;  // last year in use
};

struct EventTexts {
  VoiceTexts sentences;
  TemplateLists questions;  // asked of a survivor
};

enum class ReasonKind : uint8_t { kOrdinary, kPolitical, kReligious, kExecution, kFlight };
inline constexpr int kReasonKindCount = 5;

struct Tables {
  int first_year = 1995, last_year = 2024;

  std::vector<PlaceInfo> places;
  std::unordered_map<std::string, int> place_index;
  int country_kp = -1, country_cn = -1;

  std::vector<SurnameInfo> surnames;
  WeightedChoice surname_choice;
  std::vector<SyllableInfo> syllables;
  // Candidates for each (sex, position): [female?][second?].
  std::array<std::array<std::vector<int>, 2>, 2> given_candidates;

  std::vector<ScenarioInfo> scenarios;  // in Scenario order
  WeightedChoice scenario_choice;

  std::vector<int> origin_provinces;
  WeightedChoice origin_province_choice;
  std::unordered_map<int, std::vector<int>> origin_counties;  // province -> counties with names

  std::vector<RouteInfo> routes;
  std::unordered_map<int, WeightedChoice> route_choice;  // province -> routes
  WeightedChoice route_fallback;

  std::unordered_map<int, std::pair<std::vector<int>, std::vector<double>>> kyohwaso;
  std::unordered_map<int, double> kyohwaso_women;
  std::vector<KwanlisoInfo> kwanliso;
  std::unordered_map<int, TextPair> facility_names;  // names the gazetteer lacks (Korean, ...)
  std::unordered_map<int, std::string> facility_names_rok;
  std::vector<int> china_cities;  // where abductees lived and relatives may be interviewed

  std::array<std::vector<TextPair>, kReasonKindCount> reasons;  // by ReasonKind
  std::vector<TextPair> work, kin;

  std::array<EventTexts, kEventTypeCount> events;
  std::array<std::optional<VoiceTexts>, kViolationCount> acts;
  TemplateLists intro_self, intro_relative, intro_report_survivor, intro_report_absent;
  TemplatePair interview_header, statement_header;
  TextPair interpreted, translation, question_prefix, answer_prefix, introduce;
  TemplateLists opening, follow_up;
  TemplatePair title_interview, title_statement;
  TemplatePair labour_camp_name, jipkyulso_name;  // {place}: the county or province
  TemplatePair summary_self, summary_relative, summary_report;
  std::array<TemplateLists, kScenarioCount> headlines;
  std::array<TemplatePair, kIncidentTypeCount> incident_titles;
  std::array<std::optional<TemplatePair>, kEventTypeCount> claims;
  std::vector<RelationInfo> relations;
  TextPair woman, man, pseudonym;
  std::string ms, mr, surname_only_ko;

  // Vocabulary codes of units, by UnitKind (kFacility: "" -- the facility's operator).
  std::array<std::string, kUnitKindCount> unit_agency;
  std::string mss_en, mss_ko, mps_en, mps_ko, mps_former_en, mps_former_ko, china_mps_en,
      china_mps_ko, china_mps_zh;

  const PlaceInfo& place(int index) const { return places[static_cast<size_t>(index)]; }
};

// The tables built into this binary; loaded on first use. Internal error if the data is broken.
Result<const Tables*> LoadTables();

}  // namespace custodian::synth

#endif  // CUSTODIAN_SYNTH_TABLES_H_
