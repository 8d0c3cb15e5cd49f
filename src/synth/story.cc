// The true stories of the invented population (story.h). Each scenario follows the paths that
// UN and NGO reports describe (domain/FACTS.md): an escape across the Tumen or Yalu, life in
// hiding in China, arrest by the Chinese police, Chinese detention, handover at a border
// crossing, interrogation by the MSS, then release, a labour training camp, a provincial holding
// centre, a trial and a kyohwaso, or a kwanliso without trial; arrests at home for political,
// religious or ordinary offences; the famine; public executions; abductions from China.
// Probabilities that are not data (world.json) are written where they are used, with the reason
// for them.
#include "synth/story.h"

#include <algorithm>

namespace custodian::synth {

int32_t DaysFromCivil(int year, int month, int day) {
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int yoe = year - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int32_t days, int& year, int& month, int& day) {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2);
}

int YearOf(int32_t days) {
  int year, month, day;
  CivilFromDays(days, year, month, day);
  return year;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

namespace {

// China and the DPRK closed the border in January 2020 against COVID-19; the people China held
// meanwhile were returned together, about 500-600 in one night, on 9 October 2023 (FACTS.md).
const int32_t kBorderClosed = DaysFromCivil(2020, 1, 22);
const int32_t kMassReturn = DaysFromCivil(2023, 10, 9);

class StoryBuilder {
 public:
  StoryBuilder(const Tables& t, Rng& rng, Victim& v)
      : t_(t), rng_(rng), v_(v), last_day_(DaysFromCivil(t.last_year, 12, 31)) {}

  void Build() {
    const ScenarioInfo& info = t_.scenarios[static_cast<size_t>(v_.scenario)];
    v_.fate = info.fates[info.fate_choice.Pick(rng_)];
    v_.person.female = rng_.Chance(info.female);
    const int year = t_.first_year + static_cast<int>(info.year_choice.Pick(rng_));
    // Every story needs some months to unfold before the end of the period.
    const int32_t start = std::min(
        DaysFromCivil(year, 1, 1) + static_cast<int32_t>(rng_.Below(365)), last_day_ - 300);
    const int span = info.age_max - info.age_min;
    const int age = info.age_min + rng_.Between(0, span / 2) + rng_.Between(0, span - span / 2);
    v_.person.born = YearOf(start) - age;
    v_.person.name = RandomName(v_.person.female, -1);
    if (v_.scenario == Scenario::kAbduction) {
      // Abductees were Korean-Chinese or South Koreans living in China: their home is there.
      v_.person.origin = rng_.Pick(t_.china_cities);
    } else {
      const int province = t_.origin_provinces[t_.origin_province_choice.Pick(rng_)];
      v_.person.origin = rng_.Pick(t_.origin_counties.at(province));
    }

    switch (v_.scenario) {
      case Scenario::kForcedReturn:
        ForcedReturn(start);
        break;
      case Scenario::kPoliticalPrisoner:
      case Scenario::kReligious:
        PoliticalArrest(start);
        break;
      case Scenario::kOrdinaryPrisoner:
        OrdinaryPrisoner(start);
        break;
      case Scenario::kFamine:
        Famine(start);
        break;
      case Scenario::kPublicExecution:
        PublicExecution(start);
        break;
      case Scenario::kAbduction:
        Abduction(start);
        break;
    }
    if (v_.survivor()) {
      // Many who settle in South Korea take a new given name (a common protection measure).
      v_.has_new_name = rng_.Chance(0.25);
      if (v_.has_new_name) v_.new_name = RandomName(v_.person.female, v_.person.name.surname);
    } else {
      MakeInformant();
    }
  }

 private:
  // ---- pieces ----

  PersonName RandomName(bool female, int surname) {
    PersonName name;
    name.surname = surname >= 0 ? surname : static_cast<int>(t_.surname_choice.Pick(rng_));
    const auto& first = t_.given_candidates[female][0];
    const auto& second = t_.given_candidates[female][1];
    name.given[0] = rng_.Pick(first);
    do name.given[1] = rng_.Pick(second);
    while (name.given[1] == name.given[0]);
    return name;
  }

  // `day`, but no later than `reserve` days before the end of the period and no earlier than
  // `after`: stories that start late are compressed rather than run past the period.
  int32_t Clamp(int32_t day, int32_t after, int32_t reserve) const {
    return std::max(after, std::min(day, last_day_ - reserve));
  }

  Event& Add(EventType type, int32_t day, int place) {
    Event& e = v_.events.emplace_back();
    e.type = type;
    e.day = day;
    e.place = place;
    if (open_incident_ >= 0) {
      e.incident = static_cast<uint8_t>(open_incident_);
      ++v_.incidents[static_cast<size_t>(open_incident_)].event_count;
    }
    return e;
  }

  void BeginIncident(IncidentType type) {
    Incident& incident = v_.incidents.emplace_back();
    incident.type = type;
    incident.first_event = static_cast<uint8_t>(v_.events.size());
    open_incident_ = static_cast<int>(v_.incidents.size()) - 1;
  }
  void EndIncident() { open_incident_ = -1; }

  int32_t LastDay() const { return v_.events.empty() ? 0 : v_.events.back().day; }

  int County(int place) const { return t_.place(place).county; }
  int Province(int place) const { return t_.place(place).province; }

  int RouteFor(int origin) {
    auto it = t_.route_choice.find(Province(origin));
    const size_t route =
        it != t_.route_choice.end() ? it->second.Pick(rng_) : t_.route_fallback.Pick(rng_);
    return static_cast<int>(route);
  }

  Event& Escape(int32_t day) {
    if (v_.route < 0) v_.route = RouteFor(v_.person.origin);
    const RouteInfo& route = t_.routes[static_cast<size_t>(v_.route)];
    Event& e = Add(EventType::kEscape, day, rng_.Pick(route.escape));
    e.river = route.river;
    return e;
  }

  // The arrival in South Korea that ends a survivor's story, some months after `after` (the
  // last escape), through China and a third country.
  void Settle(int32_t after) {
    const int32_t day = Clamp(after + rng_.Between(60, 1200), after + 1, 0);
    Add(EventType::kSettlement, day, -1);  // South Korea: not a gazetteer place
    v_.story_end = day;
  }

  // The end of the story for a victim who did not get out: the informant escaped later and
  // can tell it from then on.
  void InformantEscapes(int32_t after) {
    v_.story_end = Clamp(after + rng_.Between(60, 1800), after + 1, 0);
  }

  void AddPunishmentActs(Event& e, bool returnee) {
    if (returnee) e.AddAct(Violation::kPunishmentForFlight);
  }

  // Detention after a story's arrest or interrogation: a labour training camp, a provincial
  // holding centre, a trial and a kyohwaso, or a kwanliso. Returns the release day, or -1 if the
  // victim died or is still held (per the victim's fate, when `final`).
  enum class Detention { kRelease, kLabourCamp, kJipkyulso, kKyohwaso, kKwanliso };

  int32_t Detain(Detention kind, int32_t after, bool returnee, bool final, ReasonKind reason_kind,
                 int reason) {
    const bool dies = final && v_.fate == Fate::kDied;
    const bool held = final && v_.fate == Fate::kDetained;
    if (kind == Detention::kRelease) return Clamp(after + 1, after + 1, 60);
    BeginIncident(IncidentType::kDetention);
    int32_t start = Clamp(after + rng_.Between(1, 20), after + 1, 120);
    // An index, not a reference: adding an event may move the others.
    size_t detention = 0;
    int32_t length = 0;
    switch (kind) {
      case Detention::kLabourCamp: {
        Event& e = Add(EventType::kLabourCamp, start, County(v_.person.origin));
        e.term_months = rng_.Between(2, 12);
        length = e.term_months * 30;
        e.AddUnit({UnitKind::kMpsCounty, County(v_.person.origin)});
        e.AddAct(Violation::kForcedLabour);
        if (rng_.Chance(0.5)) e.AddAct(Violation::kArbitraryDetention);
        AddPunishmentActs(e, returnee);
        detention = v_.events.size() - 1;
        break;
      }
      case Detention::kJipkyulso: {
        const int province = Province(v_.person.origin);
        Event& e = Add(EventType::kJipkyulso, start, province);
        length = rng_.Between(30, 180);
        e.AddUnit({UnitKind::kMpsProvince, province});
        e.AddAct(Violation::kForcedLabour);
        if (rng_.Chance(0.5)) e.AddAct(Violation::kInhumaneConditions);
        if (rng_.Chance(0.4)) e.AddAct(Violation::kDenialOfFood);
        AddPunishmentActs(e, returnee);
        detention = v_.events.size() - 1;
        break;
      }
      case Detention::kKyohwaso: {
        const int province = Province(v_.person.origin);
        Event& trial = Add(EventType::kTrial, start, province);
        // Sentences of reform through labour: mostly one to five years, some longer.
        static const WeightedChoice kYears({0, 20, 25, 20, 12, 10, 5, 4, 2, 1, 1});
        const int term_months = static_cast<int>(kYears.Pick(rng_)) * 12;
        trial.term_months = term_months;
        trial.reason_kind = reason_kind;
        trial.reason = reason;
        trial.AddUnit({UnitKind::kCourt, province});
        trial.AddAct(Violation::kUnfairTrial);
        AddPunishmentActs(trial, returnee);
        const auto& [prisons, weights] = t_.kyohwaso.at(province);
        std::vector<double> w = weights;
        if (v_.person.female) {
          for (size_t i = 0; i < prisons.size(); ++i) {
            auto it = t_.kyohwaso_women.find(prisons[i]);
            if (it != t_.kyohwaso_women.end()) w[i] += it->second;
          }
        }
        const int prison = prisons[WeightedChoice(w).Pick(rng_)];
        start = Clamp(start + rng_.Between(10, 40), start + 1, 100);
        Event& e = Add(EventType::kKyohwaso, start, prison);
        e.term_months = term_months;
        // Sentences are often cut by amnesties; the served part is 60-100%.
        length = term_months * 30 * rng_.Between(60, 100) / 100;
        e.work = static_cast<int>(rng_.Index(t_.work.size()));
        e.AddUnit({UnitKind::kFacility, prison});
        e.AddAct(Violation::kArbitraryDetention);
        e.AddAct(Violation::kForcedLabour);
        if (rng_.Chance(0.4))
          e.AddAct(Violation::kStarvation);
        else if (rng_.Chance(0.4))
          e.AddAct(Violation::kDenialOfFood);
        if (rng_.Chance(0.5)) e.AddAct(Violation::kInhumaneConditions);
        if (rng_.Chance(0.3)) e.AddAct(Violation::kDenialOfMedicalCare);
        if (v_.person.female && rng_.Chance(0.1)) e.AddAct(Violation::kSexualViolence);
        detention = v_.events.size() - 1;
        break;
      }
      case Detention::kKwanliso: {
        start = Clamp(start + rng_.Between(20, 120), start + 1, 100);
        const int year = YearOf(start);
        std::vector<double> w;
        for (const KwanlisoInfo& camp : t_.kwanliso)
          w.push_back(year <= camp.until ? camp.weight : 0);
        WeightedChoice choice(w);
        const KwanlisoInfo& info =
            choice.empty() ? t_.kwanliso.front() : t_.kwanliso[choice.Pick(rng_)];
        const int camp = info.place;
        Event& e = Add(EventType::kKwanliso, start, camp);
        // Prisoners leave (or die in) a camp before it closes; those still held are not known
        // to have been moved, so for them the story stops at the camp.
        length = rng_.Between(2, 15) * 365;
        length = std::max(
            30,
            std::min(length, DaysFromCivil(std::max(info.until, YearOf(start)), 12, 31) - start));
        e.AddUnit({UnitKind::kFacility, camp});
        e.AddAct(Violation::kPoliticalPrisonCamp);
        e.AddAct(Violation::kEnforcedDisappearance);
        if (rng_.Chance(0.9)) e.AddAct(Violation::kForcedLabour);
        if (rng_.Chance(0.5)) e.AddAct(Violation::kStarvation);
        if (rng_.Chance(0.3)) e.AddAct(Violation::kCruelTreatment);
        if (rng_.Chance(0.15)) e.AddAct(Violation::kFamilyPunishment);
        if (v_.person.female && rng_.Chance(0.1)) e.AddAct(Violation::kSexualViolence);
        if (v_.person.female && rng_.Chance(0.03)) e.AddAct(Violation::kRape);
        detention = v_.events.size() - 1;
        break;
      }
      case Detention::kRelease:
        break;
    }
    const Event held_in = v_.events[detention];
    if (dies) {
      const int32_t death =
          Clamp(held_in.day + 1 +
                    static_cast<int32_t>(rng_.Below(static_cast<uint64_t>(std::max(length, 30)))),
                held_in.day + 1, 60);
      v_.events[detention].duration = death - held_in.day;
      Event& e = Add(EventType::kDeathInCustody, death, held_in.place);
      e.unit_count = held_in.unit_count;
      std::copy(held_in.units, held_in.units + held_in.unit_count, e.units);
      e.AddAct(Violation::kDeathInCustody);
      EndIncident();
      return -1;
    }
    if (held || held_in.day + length > last_day_ - 60) {
      // Still held: for how long is not known; the family hears nothing more.
      v_.events[detention].duration = 0;
      EndIncident();
      if (v_.fate == Fate::kSettled || v_.fate == Fate::kReleased) v_.fate = Fate::kDetained;
      Add(EventType::kDisappearance, held_in.day, held_in.place);
      return -1;
    }
    v_.events[detention].duration = length;
    EndIncident();
    return held_in.day + length;
  }

  // Ends the story after a release: the survivor settles in South Korea (after escaping again,
  // when they were home), the released victim stays and the relative tells the story.
  void AfterRelease(int32_t release, bool escape_again) {
    Add(EventType::kRelease, release, v_.person.origin);
    if (v_.survivor()) {
      if (escape_again) {
        Escape(Clamp(release + rng_.Between(60, 900), release + 1, 40));
        Settle(LastDay());
      } else {
        Settle(release);
      }
    } else {
      if (v_.fate != Fate::kReleased) v_.fate = Fate::kReleased;
      InformantEscapes(release);
    }
  }

  // ---- scenarios ----

  void ForcedReturn(int32_t start) {
    // Some were caught and returned twice.
    const int cycles = rng_.Chance(0.15) ? 2 : 1;
    int32_t day = start;
    bool trafficked = false;
    int32_t in_china_days = 0;
    for (int cycle = 1; cycle <= cycles; ++cycle) {
      const bool final = cycle == cycles;
      Escape(day);
      const RouteInfo& route = t_.routes[static_cast<size_t>(v_.route)];
      const int city = rng_.Pick(route.china);
      // Most women who crossed were sold or married off in China (FACTS.md, COI).
      if (cycle == 1 && v_.person.female && rng_.Chance(0.45)) {
        trafficked = true;
        BeginIncident(IncidentType::kTrafficking);
        Event& e =
            Add(EventType::kTrafficking, Clamp(day + rng_.Between(7, 60), day + 1, 220), city);
        e.AddUnit({UnitKind::kTraffickers, city});
        e.AddAct(Violation::kTrafficking);
        if (rng_.Chance(0.6)) e.AddAct(Violation::kForcedMarriage);
        EndIncident();
      }
      // Time in hiding before arrest: under a year for a third, up to three years for another
      // third, longer for the rest.
      static const WeightedChoice kBands({35, 35, 25, 5});
      static constexpr int kBandMonths[4][2] = {{1, 12}, {12, 36}, {36, 96}, {96, 180}};
      const size_t band = kBands.Pick(rng_);
      const int months = rng_.Between(kBandMonths[band][0], kBandMonths[band][1]);
      const int32_t arrest = Clamp(day + months * 30 + rng_.Between(0, 29), LastDay() + 1, 200);
      in_china_days += arrest - day;

      BeginIncident(IncidentType::kReturn);
      Event& caught = Add(EventType::kChinaArrest, arrest, city);
      caught.AddUnit({UnitKind::kChinaPsb, city});
      caught.AddAct(Violation::kArbitraryArrest);
      const int32_t held = arrest + rng_.Between(1, 5);
      int32_t handover = Clamp(held + rng_.Between(10, 90), held + 1, 160);
      bool mass = false;
      if (handover >= kBorderClosed && handover < kMassReturn) {
        handover = kMassReturn;
        mass = true;
      }
      Event& detained = Add(EventType::kChinaDetention, held, route.detention);
      detained.duration = handover - held;
      detained.AddUnit({UnitKind::kChinaBorderPolice, route.from});
      detained.AddAct(Violation::kArbitraryDetention);
      if (rng_.Chance(0.3)) detained.AddAct(Violation::kInhumaneConditions);
      Event& returned =
          Add(mass ? EventType::kHandoverMass : EventType::kHandover, handover, route.crossing);
      returned.from = route.from;
      returned.to = route.to;
      returned.AddUnit({UnitKind::kChinaBorderPolice, route.from});
      if (rng_.Chance(0.3)) returned.AddUnit({UnitKind::kMssBorder, -1});
      returned.AddAct(Violation::kForcedRepatriation);
      EndIncident();

      // Returnees suspected of meeting South Koreans or Christians in China go to a kwanliso.
      const bool contact = rng_.Chance(0.12);
      BeginIncident(IncidentType::kInterrogation);
      const int holding = route.holding[route.holding_choice.Pick(rng_)];
      Event& questioned = Add(EventType::kInterrogation, handover + rng_.Between(0, 2), holding);
      questioned.duration = rng_.Between(14, 150);
      questioned.AddUnit({UnitKind::kMssCounty, County(holding)});
      if (rng_.Chance(0.8)) questioned.AddAct(Violation::kTorture);
      if (rng_.Chance(0.6)) questioned.AddAct(Violation::kInhumaneConditions);
      if (v_.person.female) {
        if (rng_.Chance(0.35)) questioned.AddAct(Violation::kSexualViolence);
        if (rng_.Chance(0.04)) questioned.AddAct(Violation::kRape);
        // Women returned pregnant, above all by Chinese men, were forced to abort (COI).
        if (rng_.Chance(trafficked ? 0.25 : 0.08)) questioned.AddAct(Violation::kForcedAbortion);
      }
      if (rng_.Chance(0.25)) questioned.AddAct(Violation::kDenialOfFood);
      if (contact) {
        questioned.AddAct(rng_.Chance(0.5) ? Violation::kPersecutionReligious
                                           : Violation::kPersecutionPolitical);
      }
      EndIncident();
      const int32_t questioned_until =
          Clamp(questioned.day + questioned.duration, questioned.day + 1, 130);
      questioned.duration = questioned_until - questioned.day;

      Detention kind;
      if (contact) {
        kind = Detention::kKwanliso;
      } else if (final && (v_.fate == Fate::kDetained || v_.fate == Fate::kDied)) {
        // A long detention is where people stay or die.
        kind = rng_.Chance(0.7) ? Detention::kKyohwaso : Detention::kJipkyulso;
      } else {
        static const WeightedChoice kOutcome({15, 35, 25, 25});
        kind = static_cast<Detention>(kOutcome.Pick(rng_));
      }
      const int flight =
          static_cast<int>(rng_.Index(t_.reasons[static_cast<size_t>(ReasonKind::kFlight)].size()));
      const int32_t release =
          Detain(kind, questioned_until, true, final, ReasonKind::kFlight, flight);
      if (release < 0) {
        InformantEscapes(LastDay());
        break;
      }
      if (!final) {
        if (release > last_day_ - 300) {
          AfterRelease(release, true);
          break;
        }
        Add(EventType::kRelease, release, v_.person.origin);
        day = Clamp(release + rng_.Between(60, 700), release + 1, 280);
        continue;
      }
      AfterRelease(release, true);
    }
    v_.chinese_alias = (trafficked || in_china_days > 180) && rng_.Chance(0.5);
  }

  void PoliticalArrest(int32_t start) {
    const bool religious = v_.scenario == Scenario::kReligious;
    const ReasonKind kind = religious ? ReasonKind::kReligious : ReasonKind::kPolitical;
    const int reason = static_cast<int>(rng_.Index(t_.reasons[static_cast<size_t>(kind)].size()));
    BeginIncident(IncidentType::kPoliticalArrest);
    const int county = County(v_.person.origin);
    Event& e = Add(EventType::kPoliticalArrest, start, county);
    e.reason_kind = kind;
    e.reason = reason;
    e.AddUnit({UnitKind::kMssCounty, county});
    e.AddAct(Violation::kArbitraryArrest);
    if (rng_.Chance(0.6)) e.AddAct(Violation::kTorture);
    e.AddAct(religious ? Violation::kPersecutionReligious : Violation::kPersecutionPolitical);
    if (!religious && rng_.Chance(0.15)) e.AddAct(Violation::kFamilyPunishment);
    EndIncident();
    const bool camp = rng_.Chance(religious ? 0.7 : 0.85);
    const int32_t release = Detain(camp ? Detention::kKwanliso : Detention::kKyohwaso, start + 30,
                                   false, true, kind, reason);
    if (release < 0) {
      InformantEscapes(LastDay());
      return;
    }
    AfterRelease(release, true);
  }

  void OrdinaryPrisoner(int32_t start) {
    const int reason =
        static_cast<int>(rng_.Index(t_.reasons[static_cast<size_t>(ReasonKind::kOrdinary)].size()));
    BeginIncident(IncidentType::kOrdinaryArrest);
    const int county = County(v_.person.origin);
    Event& e = Add(EventType::kOrdinaryArrest, start, county);
    e.reason_kind = ReasonKind::kOrdinary;
    e.reason = reason;
    e.AddUnit({UnitKind::kMpsCounty, county});
    e.AddAct(Violation::kArbitraryArrest);
    if (rng_.Chance(0.4)) e.AddAct(Violation::kTorture);
    EndIncident();
    const int32_t release =
        Detain(Detention::kKyohwaso, start + 20, false, true, ReasonKind::kOrdinary, reason);
    if (release < 0) {
      InformantEscapes(LastDay());
      return;
    }
    AfterRelease(release, true);
  }

  void Famine(int32_t start) {
    BeginIncident(IncidentType::kFamine);
    const int county = County(v_.person.origin);
    Event& e = Add(EventType::kFamine, start, county);
    e.duration = rng_.Between(60, 700);
    e.kin = static_cast<int>(rng_.Index(t_.kin.size()));
    if (rng_.Chance(0.3)) e.AddUnit({UnitKind::kPeoplesCommittee, county});
    e.AddAct(rng_.Chance(0.6) ? Violation::kStarvation : Violation::kDenialOfFood);
    // Rations were distributed by songbun: the "hostile" class got least (COI theme B).
    if (rng_.Chance(0.15)) e.AddAct(Violation::kDiscriminationSongbun);
    if (v_.fate == Fate::kDied) {
      const int32_t death = Clamp(start + rng_.Between(30, 400), start + 1, 60);
      Add(EventType::kFamineDeath, death, county);
      EndIncident();
      InformantEscapes(death);
      return;
    }
    EndIncident();
    Escape(Clamp(start + rng_.Between(200, 2500), start + 1, 60));
    Settle(LastDay());
  }

  void PublicExecution(int32_t start) {
    const int reason = static_cast<int>(
        rng_.Index(t_.reasons[static_cast<size_t>(ReasonKind::kExecution)].size()));
    const int county = County(v_.person.origin);
    BeginIncident(IncidentType::kOrdinaryArrest);
    Event& arrest = Add(EventType::kOrdinaryArrest, start, county);
    arrest.reason_kind = ReasonKind::kExecution;
    arrest.reason = reason;
    arrest.AddUnit({UnitKind::kMpsCounty, county});
    arrest.AddAct(Violation::kArbitraryArrest);
    if (rng_.Chance(0.5)) arrest.AddAct(Violation::kTorture);
    EndIncident();
    BeginIncident(IncidentType::kPublicExecution);
    Event& e = Add(EventType::kPublicExecution, Clamp(start + rng_.Between(20, 150), start + 1, 60),
                   county);
    e.reason_kind = ReasonKind::kExecution;
    e.reason = reason;
    e.AddUnit({UnitKind::kMpsCounty, county});
    e.AddUnit({UnitKind::kCourt, Province(county)});
    e.AddAct(Violation::kPublicExecution);
    if (rng_.Chance(0.7)) e.AddAct(Violation::kUnfairTrial);
    EndIncident();
    InformantEscapes(e.day);
  }

  void Abduction(int32_t start) {
    BeginIncident(IncidentType::kAbduction);
    Event& e = Add(EventType::kAbduction, start, v_.person.origin);
    e.AddUnit({UnitKind::kMssBorder, -1});
    e.AddAct(Violation::kAbductionForeign);
    e.AddAct(Violation::kEnforcedDisappearance);
    EndIncident();
    Add(EventType::kDisappearance, start, v_.person.origin);
    InformantEscapes(start);
  }

  // The relative who escaped later and tells an absent victim's story.
  void MakeInformant() {
    const int victim_born = v_.person.born;
    // An adult, and not too old to have escaped, when they tell it.
    const int latest_birth = YearOf(v_.story_end) - 17;
    const int earliest_birth = YearOf(v_.story_end) - 75;
    std::vector<int> candidates;
    for (size_t i = 0; i < t_.relations.size(); ++i) {
      const RelationInfo& r = t_.relations[i];
      if (r.victim_female != v_.person.female) continue;
      if (victim_born + r.gap_min > latest_birth || victim_born + r.gap_max < earliest_birth)
        continue;
      candidates.push_back(static_cast<int>(i));
    }
    if (candidates.empty()) {
      // No relation fits both ends (a victim born long ago): a sibling, whatever the ages.
      for (size_t i = 0; i < t_.relations.size(); ++i) {
        if (t_.relations[i].victim_female == v_.person.female && t_.relations[i].gap_min < 0 &&
            t_.relations[i].gap_max > 0) {
          candidates.push_back(static_cast<int>(i));
        }
      }
    }
    v_.relation = rng_.Pick(candidates);
    const RelationInfo& r = t_.relations[static_cast<size_t>(v_.relation)];
    const int low = std::min(std::max(r.gap_min, earliest_birth - victim_born), r.gap_max);
    const int high = std::max(std::min(r.gap_max, latest_birth - victim_born), low);
    v_.informant.born = victim_born + rng_.Between(low, high);
    v_.informant.female = rng_.Chance(r.informant_female);
    const bool same =
        r.same_surname == RelationInfo::SameSurname::kAlways ||
        (r.same_surname == RelationInfo::SameSurname::kIfInformantMale && !v_.informant.female);
    int surname = v_.person.name.surname;
    if (!same) {
      do surname = static_cast<int>(t_.surname_choice.Pick(rng_));
      while (surname == v_.person.name.surname && t_.surnames.size() > 1);
    }
    v_.informant.name = RandomName(v_.informant.female, surname);
    v_.informant.origin = v_.person.origin;
  }

  const Tables& t_;
  Rng& rng_;
  Victim& v_;
  const int32_t last_day_;
  int open_incident_ = -1;
};

}  // namespace

void MakeVictim(const Tables& tables, uint64_t seed, uint64_t index, Victim& victim) {
  victim.index = index;
  victim.events.clear();
  victim.incidents.clear();
  victim.has_new_name = false;
  victim.chinese_alias = false;
  victim.route = -1;
  victim.relation = -1;
  victim.informant = Person();
  victim.story_end = 0;
  victim.events.reserve(48);
  victim.incidents.reserve(16);
  Rng rng(HashOf({seed, static_cast<uint64_t>(Stream::kStory), index}));
  victim.scenario = static_cast<Scenario>(tables.scenario_choice.Pick(rng));
  StoryBuilder(tables, rng, victim).Build();
}

}  // namespace custodian::synth
