// Private to src/synth: the true victims. A Victim is what really happened to one person of the
// invented population; documentation projects record it imperfectly (render.h), and the ground
// truth writes it out as it is.
//
// MakeVictim() is a pure function of (seed, index): the stream of random numbers for a victim is
// derived from those two numbers alone, so each documentation project can regenerate victims
// in its own order and the ground truth can regenerate them again, without keeping any of them.
#ifndef CUSTODIAN_SYNTH_STORY_H_
#define CUSTODIAN_SYNTH_STORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "synth/tables.h"

namespace custodian::synth {

// Streams of random numbers, one per purpose, so that changing how one thing is drawn never
// changes another (HashOf(seed, stream, victim, source)).
enum class Stream : uint64_t {
  kStory = 1,    // the victim's true story
  kCapture = 2,  // whether a project recorded the victim
  kPlan = 3,     // which incidents a project recorded (shared by the corpus and the truth)
  kRender = 4,   // how a project wrote its records
  kOrder = 5,    // the order in which a project visits the victims (its case numbers)
};

struct Unit {
  UnitKind kind = UnitKind::kMss;
  int place = -1;  // gazetteer index; -1 for national bodies
  friend bool operator==(const Unit&, const Unit&) = default;
};

struct Act {
  Violation violation = Violation::kTorture;
};

inline constexpr int kMaxActsPerEvent = 7;
inline constexpr int kMaxUnitsPerEvent = 2;
inline constexpr uint8_t kNoIncident = 0xFF;

struct Event {
  EventType type = EventType::kEscape;
  int32_t day = 0;         // when it happened (or started), days since 1970-01-01
  int32_t duration = 0;    // how long it lasted, in days (detentions)
  int place = -1;          // where: a gazetteer index (a facility, a county, a Chinese city)
  int river = -1;          // escapes
  int from = -1, to = -1;  // handovers: the Chinese and the DPRK side
  int term_months = 0;     // sentences
  ReasonKind reason_kind = ReasonKind::kOrdinary;
  int reason = -1;                 // index into Tables::reasons[reason_kind]
  int work = -1;                   // index into Tables::work
  int kin = -1;                    // index into Tables::kin
  uint8_t incident = kNoIncident;  // index into Victim::incidents, or none (narrative only)
  uint8_t act_count = 0;
  uint8_t unit_count = 0;
  Act acts[kMaxActsPerEvent];
  Unit units[kMaxUnitsPerEvent];  // the perpetrators of every act of this event

  void AddAct(Violation v) {
    if (act_count < kMaxActsPerEvent) acts[act_count++] = {v};
  }
  void AddUnit(Unit u) {
    if (unit_count < kMaxUnitsPerEvent) units[unit_count++] = u;
  }
};

struct Incident {
  IncidentType type = IncidentType::kReturn;
  uint8_t first_event = 0;
  uint8_t event_count = 0;
};

struct PersonName {
  int surname = 0;
  int given[2] = {0, 0};  // indices into Tables::syllables
  friend bool operator==(const PersonName&, const PersonName&) = default;
};

struct Person {
  PersonName name;
  bool female = false;
  int born = 0;     // year
  int origin = -1;  // gazetteer index of the county (or Chinese city) they come from
};

struct Victim {
  uint64_t index = 0;
  Scenario scenario = Scenario::kForcedReturn;
  Fate fate = Fate::kSettled;
  Person person;
  bool has_new_name = false;  // took a new given name after settling in South Korea
  PersonName new_name;
  bool chinese_alias = false;  // went by the Chinese reading of their name in China
  int route = -1;              // the escape route, for those who crossed the border
  // For victims who cannot speak for themselves: the relative who tells their story.
  Person informant;
  int relation = -1;  // index into Tables::relations: what the victim is to the informant
  std::vector<Event> events;
  std::vector<Incident> incidents;
  // The first day on which the whole story could be told: the survivor's arrival in South Korea,
  // or the informant's. No project interviews anyone about this victim before it.
  int32_t story_end = 0;

  bool survivor() const { return fate == Fate::kSettled; }
};

// Fills `victim` (reusing its vectors' capacity) with victim number `index` of the population.
void MakeVictim(const Tables& tables, uint64_t seed, uint64_t index, Victim& victim);

// ---- Calendar ---------------------------------------------------------------------------

// Days since 1970-01-01 in the proleptic Gregorian calendar, and back (H. Hinnant's algorithms,
// "chrono-compatible low-level date algorithms").
int32_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int32_t days, int& year, int& month, int& day);
int YearOf(int32_t days);
int DaysInMonth(int year, int month);

}  // namespace custodian::synth

#endif  // CUSTODIAN_SYNTH_STORY_H_
