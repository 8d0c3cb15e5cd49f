// Loads the generator's tables from data/synth/*.json, the gazetteer and the vocabularies, and
// parses the sentence templates (tables.h). The data files are this binary's own, so a problem
// in them is a bug: loading stops at the first one with an Internal error naming the file and
// the path inside it.
#include "synth/tables.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "base/canonical_json.h"
#include "model/model.h"

namespace custodian::synth {

extern const std::pair<std::string_view, std::string_view> kSynthFiles[];
extern const int kSynthFilesCount;

namespace {

using Json = nlohmann::json;

constexpr std::string_view kScenarioNames[kScenarioCount] = {
    "forced_return", "political_prisoner", "ordinary_prisoner", "religious",
    "famine",        "public_execution",   "abduction"};
constexpr std::string_view kFateNames[kFateCount] = {"settled", "released", "detained",
                                                     "died",    "executed", "disappeared"};
constexpr std::string_view kEventNames[kEventTypeCount] = {
    "escape",        "trafficking",   "china_arrest",     "china_detention",  "handover",
    "handover_mass", "interrogation", "labour_camp",      "jipkyulso",        "trial",
    "kyohwaso",      "kwanliso",      "political_arrest", "ordinary_arrest",  "release",
    "settlement",    "famine",        "famine_death",     "public_execution", "death_in_custody",
    "abduction",     "disappearance"};
constexpr std::string_view kIncidentNames[kIncidentTypeCount] = {
    "return",          "trafficking", "interrogation",    "detention", "political_arrest",
    "ordinary_arrest", "famine",      "public_execution", "abduction"};
constexpr std::string_view kViolationCodes[kViolationCount] = {
    "arbitrary_arrest",
    "arbitrary_detention",
    "forced_repatriation",
    "torture",
    "inhumane_detention_conditions",
    "sexual_violence",
    "rape",
    "forced_abortion",
    "forced_labour",
    "starvation",
    "denial_of_food",
    "denial_of_medical_care",
    "death_in_custody",
    "imprisonment_political_prison_camp",
    "enforced_disappearance",
    "unfair_trial",
    "punishment_for_flight",
    "public_execution",
    "persecution_political",
    "persecution_religious",
    "family_punishment",
    "cruel_inhuman_treatment",
    "sexual_exploitation_trafficking",
    "forced_marriage",
    "abduction_foreign",
    "discrimination_songbun",
};
constexpr std::string_view kUnitAgencies[kUnitKindCount] = {"mss",
                                                            "mss_provincial_bureau",
                                                            "mss_county_branch",
                                                            "mss_border_security_bureau",
                                                            "mps",
                                                            "mps_provincial_bureau",
                                                            "mps_county_branch",
                                                            "",
                                                            "dprk_court",
                                                            "china_mps",
                                                            "china_public_security_bureau",
                                                            "china_border_police",
                                                            "non_state_actor",
                                                            "peoples_committee"};
constexpr std::string_view kSlotNames[kSlotCount] = {
    "date",     "river",   "crossing_place", "china", "facility", "from", "to",
    "place",    "origin",  "duration",       "term",  "reason",   "work", "kin",
    "victim",   "they",    "their",          "them",  "name",     "born", "age",
    "relation", "sexnoun", "year",           "unit",  "topic",    "case", "interviewer"};

// Events whose victim cannot be the speaker (dead, disappeared): no first-person texts.
bool ThirdPersonOnly(EventType type) {
  return type == EventType::kFamineDeath || type == EventType::kPublicExecution ||
         type == EventType::kDeathInCustody || type == EventType::kAbduction ||
         type == EventType::kDisappearance;
}

// Thrown inside the loader only, and turned into an Internal status at its edge.
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void Fail(const std::string& where, const std::string& why) {
  throw DataError(where + ": " + why);
}

const Json& Member(const Json& object, std::string_view key, const std::string& where) {
  if (!object.is_object()) Fail(where, "expected an object");
  auto it = object.find(key);
  if (it == object.end()) Fail(where, "missing '" + std::string(key) + "'");
  return *it;
}

std::string Str(const Json& object, std::string_view key, const std::string& where) {
  const Json& value = Member(object, key, where);
  if (!value.is_string()) Fail(where + "." + std::string(key), "expected a string");
  return value.get<std::string>();
}

std::string OptStr(const Json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double Num(const Json& value, const std::string& where) {
  if (!value.is_number() || value.get<double>() < 0) Fail(where, "expected a number >= 0");
  return value.get<double>();
}

char32_t OneSyllable(const std::string& text, const std::string& where) {
  std::u32string decoded = DecodeUtf8(text);
  if (decoded.size() != 1 || !IsHangulSyllable(decoded[0])) {
    Fail(where, "expected one precomposed Hangul syllable, got '" + text + "'");
  }
  return decoded[0];
}

Template ParseTemplate(const Json& value, const std::string& where) {
  if (!value.is_string()) Fail(where, "expected a template string");
  Result<Template> parsed = Template::Parse(value.get<std::string>());
  if (!parsed.ok()) Fail(where, parsed.status().message());
  return std::move(parsed).value();
}

std::vector<Template> ParseList(const Json& value, const std::string& where) {
  if (!value.is_array() || value.empty()) Fail(where, "expected a non-empty list of templates");
  std::vector<Template> out;
  for (size_t i = 0; i < value.size(); ++i) {
    out.push_back(ParseTemplate(value[i], where + "[" + std::to_string(i) + "]"));
  }
  return out;
}

TemplateLists ParseLists(const Json& value, const std::string& where) {
  return {ParseList(Member(value, "en", where), where + ".en"),
          ParseList(Member(value, "ko", where), where + ".ko")};
}

TemplatePair ParsePair(const Json& value, const std::string& where) {
  return {ParseTemplate(Member(value, "en", where), where + ".en"),
          ParseTemplate(Member(value, "ko", where), where + ".ko")};
}

TextPair ParseText(const Json& value, const std::string& where) {
  return {Str(value, "en", where), Str(value, "ko", where)};
}

VoiceTexts ParseVoices(const Json& value, const std::string& where, bool need_self) {
  VoiceTexts texts;
  const Json& en = Member(value, "en", where);
  const Json& ko = Member(value, "ko", where);
  if (need_self) {
    texts.en_self = ParseList(Member(en, "self", where + ".en"), where + ".en.self");
    texts.ko_self = ParseList(Member(ko, "self", where + ".ko"), where + ".ko.self");
  }
  texts.en_third = ParseList(Member(en, "third", where + ".en"), where + ".en.third");
  texts.ko_relative = ParseList(Member(ko, "relative", where + ".ko"), where + ".ko.relative");
  texts.ko_report = ParseList(Member(ko, "report", where + ".ko"), where + ".ko.report");
  return texts;
}

// "Onsong" for 온성군, "Changbai" for Changbai Korean Autonomous County: what people say.
std::string StripSuffix(std::string name, std::initializer_list<std::string_view> suffixes) {
  for (std::string_view suffix : suffixes) {
    if (name.size() > suffix.size() && std::string_view(name).ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
      return name;
    }
  }
  return name;
}

bool IsAdminArea(const std::string& type) {
  return type == "county" || type == "city" || type == "district" || type == "town" ||
         type == "china_city" || type == "china_prefecture";
}

PlaceInfo ReadPlace(const Json& doc) {
  PlaceInfo p;
  p.id = doc.value("id", "");
  p.type = doc.value("type", "");
  p.facility_type = doc.contains("facility_type") && doc["facility_type"].is_string()
                        ? doc["facility_type"].get<std::string>()
                        : "";
  p.operated_by = doc.contains("operated_by") && doc["operated_by"].is_string()
                      ? doc["operated_by"].get<std::string>()
                      : "";
  std::string slug = p.id.substr(4);
  for (std::string_view country : {"kp-", "cn-"}) {
    if (slug.starts_with(country)) slug = slug.substr(country.size());
  }
  p.slug = slug;
  std::string en_common, ko_rok, ko_any;
  for (const Json& name : doc.value("names", Json::array())) {
    const std::string text = name.value("text", "");
    const std::string lang = name.value("lang", "");
    const std::string variant = name.value("variant", "");
    if (lang == "en" && variant.empty() && p.en.empty()) p.en = text;
    if (lang == "en" && variant == "common" && en_common.empty()) en_common = text;
    if (lang == "ko" && variant.empty() && p.ko.empty()) p.ko = text;
    if (lang == "ko" && variant == "rok" && ko_rok.empty()) ko_rok = text;
    if (lang == "ko" && ko_any.empty()) ko_any = text;
    if (lang == "zh" && variant.empty() && p.zh.empty()) p.zh = text;
  }
  if (p.ko.empty()) p.ko = ko_any;  // detention facilities carry descriptive names only
  p.en_short = IsAdminArea(p.type) && !en_common.empty() ? en_common : p.en;
  // Counties and cities named after members of the Kim family keep "County" and 군: without
  // them, "near Kim Jong Suk" reads as a person.
  const bool named_after_person = p.en.starts_with("Kim ");
  if (named_after_person) {
    p.en_short = p.type == "county" ? p.en + " County" : p.en;
    p.ko_short = p.ko;
    p.ko_rok_short = ko_rok.empty() ? p.ko : ko_rok;
    p.zh_short = p.zh;
  } else if (IsAdminArea(p.type)) {
    auto strip = [](const std::string& name) {
      return StripSuffix(
          name, {"조선족자치현", "조선족자치주", "조선족 자치주", "구역", "시", "군", "현"});
    };
    p.ko_short = strip(p.ko);
    if (!ko_rok.empty()) {
      p.ko_rok_short = strip(ko_rok);
    } else if (!p.ko_short.empty()) {
      std::u32string short_form = DecodeUtf8(p.ko_short);
      short_form[0] = RokInitial(short_form[0]);
      p.ko_rok_short = EncodeUtf8(short_form);
    }
    p.zh_short = StripSuffix(p.zh, {"朝鲜族自治县", "朝鲜族自治州", "市", "县"});
  } else {
    p.ko_short = p.ko;
    p.ko_rok_short = ko_rok.empty() ? p.ko : ko_rok;
    p.zh_short = p.zh;
  }
  return p;
}

class Loader {
 public:
  explicit Loader(Tables& t) : t_(t) {}

  void Run() {
    std::map<std::string, Json, std::less<>> files;
    for (int i = 0; i < kSynthFilesCount; ++i) {
      Result<Json> doc = ParseJson(kSynthFiles[i].second, {.max_bytes = 8 << 20, .max_depth = 32});
      if (!doc.ok()) Fail(std::string(kSynthFiles[i].first), doc.status().message());
      files.emplace(std::string(kSynthFiles[i].first), std::move(doc).value());
    }
    auto file = [&](const char* name) -> const Json& {
      auto it = files.find(name);
      if (it == files.end()) Fail(name, "not embedded in this binary");
      return it->second;
    };
    LoadGazetteer();
    CheckVocabularies();
    LoadNames(file("names.json"));
    LoadWorld(file("world.json"));
    LoadTemplates(file("templates.json"));
  }

 private:
  int Place(const std::string& id, const std::string& where) {
    auto it = t_.place_index.find(id);
    if (it == t_.place_index.end()) Fail(where, "'" + id + "' is not in the gazetteer");
    return it->second;
  }

  void LoadGazetteer() {
    Result<std::vector<Json>> gazetteer = model::BuiltinGazetteer();
    if (!gazetteer.ok()) Fail("gazetteer", gazetteer.status().message());
    for (const Json& doc : *gazetteer) {
      PlaceInfo place = ReadPlace(doc);
      const std::string parent = doc.contains("parent") && doc["parent"].is_string()
                                     ? doc["parent"].get<std::string>()
                                     : "";
      if (!parent.empty()) place.parent = Place(parent, "gazetteer " + place.id);
      t_.place_index.emplace(place.id, static_cast<int>(t_.places.size()));
      t_.places.push_back(std::move(place));
    }
    // Enclosing province and county, by walking up the parents (which come first in the file).
    for (PlaceInfo& p : t_.places) {
      for (int i = t_.place_index[p.id]; i >= 0; i = t_.places[static_cast<size_t>(i)].parent) {
        const std::string& type = t_.places[static_cast<size_t>(i)].type;
        if (p.county < 0 && (type == "county" || type == "city" || type == "district"))
          p.county = i;
        if (p.province < 0 &&
            (type == "province" || type == "special_city" || type == "china_province")) {
          p.province = i;
        }
      }
    }
    t_.country_kp = Place("plc-kp", "gazetteer");
    t_.country_cn = Place("plc-cn", "gazetteer");
    for (size_t i = 0; i < t_.places.size(); ++i) {
      if (t_.places[i].type == "china_city") t_.china_cities.push_back(static_cast<int>(i));
    }
  }

  void CheckVocabularies() {
    const model::Vocabularies& vocab = model::Vocabularies::Builtin();
    const model::Vocabulary* violations = vocab.Find("violation_types");
    const model::Vocabulary* agencies = vocab.Find("agencies");
    if (violations == nullptr || agencies == nullptr) Fail("vocabularies", "missing");
    for (std::string_view code : kViolationCodes) {
      if (violations->Find(code) == nullptr) {
        Fail("violation_types", "no term '" + std::string(code) + "'");
      }
    }
    for (int i = 0; i < kUnitKindCount; ++i) {
      t_.unit_agency[static_cast<size_t>(i)] = std::string(kUnitAgencies[i]);
      if (!kUnitAgencies[i].empty() && agencies->Find(kUnitAgencies[i]) == nullptr) {
        Fail("agencies", "no term '" + std::string(kUnitAgencies[i]) + "'");
      }
    }
    auto label = [&](std::string_view code, const char* lang) {
      const Json& data = agencies->Find(code)->data;
      return data.contains("label") && data["label"].contains(lang)
                 ? data["label"][lang].get<std::string>()
                 : std::string();
    };
    t_.mss_en = label("mss", "en");
    t_.mss_ko = label("mss", "ko");
    t_.mps_ko = label("mps", "ko");
    // The vocabulary's label explains the 2020 renaming; a unit's record names it plainly and
    // keeps the former name as a variant, as sources use both.
    t_.mps_en = "Ministry of Social Security";
    t_.mps_former_en = "Ministry of People's Security";
    t_.mps_former_ko = "인민보안성";
    t_.china_mps_en = label("china_mps", "en");
    t_.china_mps_ko = label("china_mps", "ko");
    t_.china_mps_zh = label("china_mps", "zh");
  }

  void LoadNames(const Json& doc) {
    const std::string f = "names.json";
    std::vector<double> weights;
    const Json& surnames = Member(doc, "surnames", f);
    for (size_t i = 0; i < surnames.size(); ++i) {
      const std::string w = f + " surnames[" + std::to_string(i) + "]";
      const Json& s = surnames[i];
      SurnameInfo info;
      info.ko = OneSyllable(Str(s, "ko", w), w + ".ko");
      info.rok = s.contains("rok") ? OneSyllable(Str(s, "rok", w), w + ".rok") : info.ko;
      info.hanja = Str(s, "hanja", w);
      info.zh = Str(s, "zh", w);
      info.pinyin = Str(s, "pinyin", w);
      info.rr = Str(s, "rr", w);
      info.mr = Str(s, "mr", w);
      info.mr_ascii = Str(s, "mr_ascii", w);
      info.dprk = Str(s, "dprk", w);
      for (const Json& c : Member(s, "common", w)) info.common.push_back(c.get<std::string>());
      if (info.common.empty()) Fail(w, "needs at least one common spelling");
      weights.push_back(Num(Member(s, "weight", w), w + ".weight"));
      t_.surnames.push_back(std::move(info));
    }
    t_.surname_choice = WeightedChoice(weights);
    const Json& given = Member(doc, "given", f);
    for (size_t i = 0; i < given.size(); ++i) {
      const std::string w = f + " given[" + std::to_string(i) + "]";
      SyllableInfo info;
      info.ko = OneSyllable(Str(given[i], "ko", w), w + ".ko");
      info.hanja = Str(given[i], "hanja", w);
      info.zh = Str(given[i], "zh", w);
      info.pinyin = Str(given[i], "pinyin", w);
      const std::string sex = Str(given[i], "sex", w), pos = Str(given[i], "pos", w);
      if (sex != "f" && sex != "m" && sex != "n") Fail(w + ".sex", "expected f, m or n");
      if (pos != "1" && pos != "2" && pos != "a") Fail(w + ".pos", "expected 1, 2 or a");
      info.sex = sex[0];
      info.pos = pos[0];
      const int index = static_cast<int>(t_.syllables.size());
      for (int female = 0; female < 2; ++female) {
        if (info.sex != 'n' && (info.sex == 'f') != (female == 1)) continue;
        if (info.pos != '2') t_.given_candidates[female][0].push_back(index);
        if (info.pos != '1') t_.given_candidates[female][1].push_back(index);
      }
      t_.syllables.push_back(std::move(info));
    }
    for (const auto& by_sex : t_.given_candidates) {
      for (const auto& candidates : by_sex) {
        if (candidates.size() < 3) Fail(f, "too few given-name syllables for a sex and position");
      }
    }
  }

  WeightedChoice YearChoice(const Json& years, const std::string& where) {
    if (!years.is_array() ||
        years.size() != static_cast<size_t>(t_.last_year - t_.first_year + 1)) {
      Fail(where, "expected one weight per year from first_year to last_year");
    }
    std::vector<double> weights;
    for (size_t i = 0; i < years.size(); ++i) {
      weights.push_back(Num(years[i], where + "[" + std::to_string(i) + "]"));
    }
    WeightedChoice choice(weights);
    if (choice.empty()) Fail(where, "all weights are zero");
    return choice;
  }

  std::pair<std::vector<int>, std::vector<double>> PlaceWeights(const Json& object,
                                                                const std::string& where) {
    std::pair<std::vector<int>, std::vector<double>> out;
    if (!object.is_object() || object.empty()) Fail(where, "expected {place id: weight, ...}");
    for (const auto& [id, weight] : object.items()) {
      out.first.push_back(Place(id, where));
      out.second.push_back(Num(weight, where + "." + id));
    }
    return out;
  }

  std::vector<int> PlaceList(const Json& list, const std::string& where) {
    if (!list.is_array() || list.empty()) Fail(where, "expected a list of place ids");
    std::vector<int> out;
    for (const Json& id : list) out.push_back(Place(id.get<std::string>(), where));
    return out;
  }

  void LoadWorld(const Json& doc) {
    const std::string f = "world.json";
    t_.first_year = Member(doc, "first_year", f).get<int>();
    t_.last_year = Member(doc, "last_year", f).get<int>();
    if (t_.first_year < 1950 || t_.last_year < t_.first_year || t_.last_year > 2100) {
      Fail(f, "first_year and last_year out of range");
    }
    const Json& scenarios = Member(doc, "scenarios", f);
    if (!scenarios.is_array() || scenarios.size() != kScenarioCount) {
      Fail(f + " scenarios", "expected " + std::to_string(kScenarioCount) + " scenarios");
    }
    std::vector<double> scenario_weights;
    for (int i = 0; i < kScenarioCount; ++i) {
      const Json& s = scenarios[static_cast<size_t>(i)];
      const std::string w = f + " scenarios[" + std::to_string(i) + "]";
      ScenarioInfo info;
      info.name = Str(s, "name", w);
      if (info.name != kScenarioNames[i]) {
        Fail(w, "expected scenario '" + std::string(kScenarioNames[i]) + "' in this position");
      }
      scenario_weights.push_back(Num(Member(s, "weight", w), w + ".weight"));
      info.female = Num(Member(s, "female", w), w + ".female");
      const Json& age = Member(s, "age", w);
      info.age_min = age.at(0).get<int>();
      info.age_max = age.at(1).get<int>();
      if (info.age_min < 0 || info.age_max < info.age_min) Fail(w + ".age", "bad range");
      std::vector<double> fate_weights;
      for (const auto& [name, weight] : Member(s, "fates", w).items()) {
        auto it = std::find(std::begin(kFateNames), std::end(kFateNames), name);
        if (it == std::end(kFateNames)) Fail(w + ".fates", "unknown fate '" + name + "'");
        info.fates.push_back(static_cast<Fate>(it - std::begin(kFateNames)));
        fate_weights.push_back(Num(weight, w + ".fates." + name));
      }
      info.fate_choice = WeightedChoice(fate_weights);
      if (info.fate_choice.empty()) Fail(w + ".fates", "all weights are zero");
      info.year_choice = YearChoice(Member(s, "years", w), w + ".years");
      info.label = ParseText(Member(s, "label", w), w + ".label");
      t_.scenarios.push_back(std::move(info));
    }
    t_.scenario_choice = WeightedChoice(scenario_weights);

    auto [provinces, province_weights] =
        PlaceWeights(Member(doc, "origin_provinces", f), f + " origin_provinces");
    t_.origin_provinces = provinces;
    t_.origin_province_choice = WeightedChoice(province_weights);
    for (size_t i = 0; i < t_.places.size(); ++i) {
      const PlaceInfo& p = t_.places[i];
      const bool area = p.type == "county" || p.type == "city" || p.type == "district";
      if (area && !p.en.empty() && !p.ko.empty() && p.province >= 0) {
        t_.origin_counties[p.province].push_back(static_cast<int>(i));
      }
    }
    for (int province : t_.origin_provinces) {
      if (t_.origin_counties[province].empty()) {
        Fail(f + " origin_provinces", t_.place(province).id + " has no named county");
      }
    }

    const Json& routes = Member(doc, "routes", f);
    std::map<int, std::vector<double>> by_province;  // province -> weight per route
    std::vector<double> fallback;
    for (size_t r = 0; r < routes.size(); ++r) {
      const Json& route = routes[r];
      const std::string w = f + " routes[" + std::to_string(r) + "]";
      RouteInfo info;
      info.name = Str(route, "name", w);
      info.river = Place(Str(route, "river", w), w + ".river");
      info.escape = PlaceList(Member(route, "escape", w), w + ".escape");
      info.china = PlaceList(Member(route, "china", w), w + ".china");
      info.detention = Place(Str(route, "detention", w), w + ".detention");
      info.crossing = Place(Str(route, "crossing", w), w + ".crossing");
      info.from = Place(Str(route, "from", w), w + ".from");
      info.to = Place(Str(route, "to", w), w + ".to");
      auto [holding, holding_weights] = PlaceWeights(Member(route, "holding", w), w + ".holding");
      info.holding = holding;
      info.holding_choice = WeightedChoice(holding_weights);
      for (int place : info.escape) {
        if (t_.place(place).county < 0) Fail(w + ".escape", t_.place(place).id + " has no county");
      }
      for (int place : info.holding) {
        if (t_.place(place).county < 0) Fail(w + ".holding", t_.place(place).id + " has no county");
      }
      double other = 0;
      std::map<int, double> weights;
      for (const auto& [id, weight] : Member(route, "provinces", w).items()) {
        if (id == "*") {
          other = Num(weight, w + ".provinces.*");
        } else {
          weights[Place(id, w + ".provinces")] = Num(weight, w + ".provinces." + id);
        }
      }
      for (int province : t_.origin_provinces) {
        auto it = weights.find(province);
        by_province[province].push_back(it == weights.end() ? other : it->second);
      }
      fallback.push_back(other);
      t_.routes.push_back(std::move(info));
    }
    for (auto& [province, weights] : by_province) {
      t_.route_choice.emplace(province, WeightedChoice(weights));
      if (t_.route_choice[province].empty()) Fail(f + " routes", "no route for a province");
    }
    t_.route_fallback = WeightedChoice(fallback);

    for (const auto& [province, facilities] : Member(doc, "kyohwaso", f).items()) {
      t_.kyohwaso[Place(province, f + " kyohwaso")] =
          PlaceWeights(facilities, f + " kyohwaso." + province);
    }
    for (int province : t_.origin_provinces) {
      if (!t_.kyohwaso.count(province)) {
        Fail(f + " kyohwaso", "no kyohwaso for " + t_.place(province).id);
      }
    }
    auto [women, women_weights] =
        PlaceWeights(Member(doc, "kyohwaso_women", f), f + " kyohwaso_women");
    for (size_t i = 0; i < women.size(); ++i) t_.kyohwaso_women[women[i]] = women_weights[i];
    for (const Json& camp : Member(doc, "kwanliso", f)) {
      KwanlisoInfo info;
      info.place = Place(Str(camp, "place", f + " kwanliso"), f + " kwanliso");
      info.weight = Num(Member(camp, "weight", f + " kwanliso"), f + " kwanliso.weight");
      info.until = Member(camp, "until", f + " kwanliso").get<int>();
      if (t_.place(info.place).facility_type != "kwanliso") {
        Fail(f + " kwanliso", t_.place(info.place).id + " is not a kwanliso");
      }
      t_.kwanliso.push_back(info);
    }
    for (const auto& [id, names] : Member(doc, "facility_names", f).items()) {
      const int place = Place(id, f + " facility_names");
      t_.facility_names[place] = {OptStr(names, "en"),
                                  Str(names, "ko", f + " facility_names." + id)};
      t_.facility_names_rok[place] = OptStr(names, "rok");
    }
    const Json& reasons = Member(doc, "reasons", f);
    const char* kinds[kReasonKindCount] = {"ordinary", "political", "religious", "execution",
                                           "flight"};
    for (size_t k = 0; k < kReasonKindCount; ++k) {
      for (const Json& r : Member(reasons, kinds[k], f + " reasons")) {
        t_.reasons[k].push_back(ParseText(r, f + " reasons." + kinds[k]));
      }
      if (t_.reasons[k].empty()) Fail(f + " reasons." + kinds[k], "empty");
    }
    for (const Json& w : Member(doc, "work", f)) t_.work.push_back(ParseText(w, f + " work"));
    for (const Json& k : Member(doc, "kin", f)) t_.kin.push_back(ParseText(k, f + " kin"));
    if (t_.work.empty() || t_.kin.empty()) Fail(f, "work and kin must not be empty");
    // Every facility and place a story can mention must have a Korean and an English name.
    for (const RouteInfo& route : t_.routes) {
      for (int place : {route.detention, route.crossing, route.from, route.to, route.river}) {
        CheckNamed(place, f + " route " + route.name);
      }
      for (int place : route.holding) CheckNamed(place, f + " route " + route.name);
      for (int place : route.china) CheckNamed(place, f + " route " + route.name);
      for (int place : route.escape) CheckNamed(place, f + " route " + route.name);
    }
  }

  void CheckNamed(int place, const std::string& where) {
    const PlaceInfo& p = t_.place(place);
    auto it = t_.facility_names.find(place);
    const bool has_ko = !p.ko.empty() || (it != t_.facility_names.end() && !it->second.ko.empty());
    if (p.en.empty() || !has_ko) Fail(where, p.id + " needs an English and a Korean name");
  }

  void LoadTemplates(const Json& doc) {
    const std::string f = "templates.json";
    const Json& events = Member(doc, "events", f);
    for (int i = 0; i < kEventTypeCount; ++i) {
      const std::string name(kEventNames[i]);
      const std::string w = f + " events." + name;
      const Json& e = Member(events, name, f + " events");
      const bool self = !ThirdPersonOnly(static_cast<EventType>(i));
      EventTexts texts;
      texts.sentences = ParseVoices(e, w, self);
      if (self) texts.questions = ParseLists(Member(e, "question", w), w + ".question");
      t_.events[static_cast<size_t>(i)] = std::move(texts);
    }
    for (const auto& [code, texts] : Member(doc, "acts", f).items()) {
      auto it = std::find(std::begin(kViolationCodes), std::end(kViolationCodes), code);
      if (it == std::end(kViolationCodes)) Fail(f + " acts", "unknown violation '" + code + "'");
      t_.acts[static_cast<size_t>(it - std::begin(kViolationCodes))] =
          ParseVoices(texts, f + " acts." + code, true);
    }
    const Json& intro = Member(doc, "intro", f);
    const Json& intro_en = Member(intro, "en", f + " intro");
    const Json& intro_ko = Member(intro, "ko", f + " intro");
    auto intro_lists = [&](const char* key) {
      return TemplateLists{
          ParseList(Member(intro_en, key, f + " intro.en"), f + " intro.en." + key),
          ParseList(Member(intro_ko, key, f + " intro.ko"), f + " intro.ko." + key)};
    };
    t_.intro_self = intro_lists("self");
    t_.intro_relative = intro_lists("relative");
    t_.intro_report_survivor = intro_lists("report_survivor");
    t_.intro_report_absent = intro_lists("report_absent");

    const Json& interview = Member(doc, "interview", f);
    const std::string wi = f + " interview";
    t_.interview_header = ParsePair(Member(interview, "header", wi), wi + ".header");
    t_.statement_header =
        ParsePair(Member(interview, "statement_header", wi), wi + ".statement_header");
    t_.interpreted = ParseText(Member(interview, "interpreted", wi), wi + ".interpreted");
    t_.translation = ParseText(Member(interview, "translation", wi), wi + ".translation");
    t_.question_prefix = ParseText(Member(interview, "question", wi), wi + ".question");
    t_.answer_prefix = ParseText(Member(interview, "answer", wi), wi + ".answer");
    t_.introduce = ParseText(Member(interview, "introduce", wi), wi + ".introduce");
    t_.opening = ParseLists(Member(interview, "opening", wi), wi + ".opening");
    t_.follow_up = ParseLists(Member(interview, "follow_up", wi), wi + ".follow_up");

    const Json& titles = Member(doc, "titles", f);
    t_.title_interview =
        ParsePair(Member(titles, "interview", f + " titles"), f + " titles.interview");
    t_.title_statement =
        ParsePair(Member(titles, "statement", f + " titles"), f + " titles.statement");
    const Json& facilities = Member(doc, "facilities", f);
    t_.labour_camp_name =
        ParsePair(Member(facilities, "labour_camp", f), f + " facilities.labour_camp");
    t_.jipkyulso_name = ParsePair(Member(facilities, "jipkyulso", f), f + " facilities.jipkyulso");
    const Json& summaries = Member(doc, "summaries", f);
    t_.summary_self = ParsePair(Member(summaries, "self", f), f + " summaries.self");
    t_.summary_relative = ParsePair(Member(summaries, "relative", f), f + " summaries.relative");
    t_.summary_report = ParsePair(Member(summaries, "report", f), f + " summaries.report");
    const Json& headlines = Member(doc, "headlines", f);
    for (int i = 0; i < kScenarioCount; ++i) {
      const std::string name(kScenarioNames[i]);
      t_.headlines[static_cast<size_t>(i)] =
          ParseLists(Member(headlines, name, f + " headlines"), f + " headlines." + name);
    }
    const Json& incidents = Member(doc, "incidents", f);
    for (int i = 0; i < kIncidentTypeCount; ++i) {
      const std::string name(kIncidentNames[i]);
      t_.incident_titles[static_cast<size_t>(i)] =
          ParsePair(Member(incidents, name, f + " incidents"), f + " incidents." + name);
    }
    for (const auto& [name, pair] : Member(doc, "claims", f).items()) {
      auto it = std::find(std::begin(kEventNames), std::end(kEventNames), name);
      if (it == std::end(kEventNames)) Fail(f + " claims", "unknown event '" + name + "'");
      t_.claims[static_cast<size_t>(it - std::begin(kEventNames))] =
          ParsePair(pair, f + " claims." + name);
    }
    for (const Json& r : Member(doc, "relations", f)) {
      const std::string w = f + " relations";
      RelationInfo info;
      info.code = Str(r, "code", w);
      info.en = Str(r, "en", w);
      info.ko = OptStr(r, "ko");
      if (r.contains("ko_older")) {
        info.ko_older_female = Str(r["ko_older"], "f", w + "." + info.code);
        info.ko_older_male = Str(r["ko_older"], "m", w + "." + info.code);
        info.ko_younger = Str(r, "ko_younger", w + "." + info.code);
      } else if (info.ko.empty()) {
        Fail(w + "." + info.code, "needs 'ko' or 'ko_older' and 'ko_younger'");
      }
      const std::string sex = Str(r, "victim_sex", w);
      info.victim_female = sex == "f";
      info.gap_min = Member(r, "gap", w).at(0).get<int>();
      info.gap_max = Member(r, "gap", w).at(1).get<int>();
      const std::string same = Str(r, "same_surname", w);
      if (same == "always") {
        info.same_surname = RelationInfo::SameSurname::kAlways;
      } else if (same == "never") {
        info.same_surname = RelationInfo::SameSurname::kNever;
      } else if (same == "if_informant_male") {
        info.same_surname = RelationInfo::SameSurname::kIfInformantMale;
      } else {
        Fail(w + "." + info.code + ".same_surname", "expected always, never or if_informant_male");
      }
      info.informant_female = Num(Member(r, "informant_female", w), w + ".informant_female");
      t_.relations.push_back(std::move(info));
    }
    for (bool female : {false, true}) {
      if (std::none_of(t_.relations.begin(), t_.relations.end(),
                       [&](const RelationInfo& r) { return r.victim_female == female; })) {
        Fail(f + " relations", "needs relations for female and male victims");
      }
    }
    const Json& words = Member(doc, "words", f);
    t_.woman = ParseText(Member(words, "woman", f), f + " words.woman");
    t_.man = ParseText(Member(words, "man", f), f + " words.man");
    t_.pseudonym = ParseText(Member(words, "pseudonym", f), f + " words.pseudonym");
    t_.ms = Str(Member(words, "ms", f), "en", f + " words.ms");
    t_.mr = Str(Member(words, "mr", f), "en", f + " words.mr");
    t_.surname_only_ko = Str(Member(words, "surname_only", f), "ko", f + " words.surname_only");
  }

  Tables& t_;
};

}  // namespace

std::string_view ScenarioName(Scenario scenario) {
  return kScenarioNames[static_cast<int>(scenario)];
}
std::string_view FateName(Fate fate) { return kFateNames[static_cast<int>(fate)]; }
std::string_view EventName(EventType type) { return kEventNames[static_cast<int>(type)]; }
std::string_view IncidentName(IncidentType type) { return kIncidentNames[static_cast<int>(type)]; }
std::string_view ViolationCode(Violation violation) {
  return kViolationCodes[static_cast<int>(violation)];
}

Result<Template> Template::Parse(std::string_view text) {
  Template t;
  Piece piece;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '}')
      return InvalidArgumentError("unmatched '}' in template '" + std::string(text) + "'");
    if (text[i] != '{') {
      piece.literal += text[i++];
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("unclosed '{' in template '" + std::string(text) + "'");
    }
    std::string_view inside = text.substr(i + 1, close - i - 1);
    std::string_view name = inside, particle;
    if (size_t colon = inside.find(':'); colon != std::string_view::npos) {
      name = inside.substr(0, colon);
      particle = inside.substr(colon + 1);
    }
    auto it = std::find(std::begin(kSlotNames), std::end(kSlotNames), name);
    if (it == std::end(kSlotNames)) {
      return InvalidArgumentError("unknown placeholder {" + std::string(name) + "} in template '" +
                                  std::string(text) + "'");
    }
    piece.has_slot = true;
    piece.slot = static_cast<Slot>(it - std::begin(kSlotNames));
    t.slots_ |= 1u << static_cast<int>(piece.slot);
    if (!particle.empty()) {
      piece.has_particle = true;
      if (particle == "은") {
        piece.particle = Particle::kTopic;
      } else if (particle == "이") {
        piece.particle = Particle::kSubject;
      } else if (particle == "을") {
        piece.particle = Particle::kObject;
      } else if (particle == "과") {
        piece.particle = Particle::kAnd;
      } else if (particle == "으로") {
        piece.particle = Particle::kDirection;
      } else {
        return InvalidArgumentError("unknown particle '" + std::string(particle) +
                                    "' (expected 은, 이, 을, 과 or 으로) in template '" +
                                    std::string(text) + "'");
      }
    }
    t.pieces_.push_back(std::move(piece));
    piece = Piece();
    i = close + 1;
  }
  if (!piece.literal.empty()) t.pieces_.push_back(std::move(piece));
  return t;
}

void Template::Render(const SlotValues& values, std::string& out) const {
  for (const Piece& piece : pieces_) {
    out += piece.literal;
    if (!piece.has_slot) continue;
    const std::string_view value = values[static_cast<size_t>(piece.slot)];
    out += value;
    if (piece.has_particle) out += ParticleAfter(value, piece.particle);
  }
}

const std::vector<Template>& VoiceTexts::For(Lang lang, Voice voice) const {
  if (lang == Lang::kEn) return voice == Voice::kSelf ? en_self : en_third;
  switch (voice) {
    case Voice::kSelf:
      return ko_self;
    case Voice::kRelative:
      return ko_relative;
    case Voice::kReport:
      return ko_report;
  }
  return ko_report;
}

Result<const Tables*> LoadTables() {
  static const Result<const Tables*>* const loaded = [] {
    auto tables = std::make_unique<Tables>();
    try {
      Loader(*tables).Run();
    } catch (const DataError& e) {
      return new Result<const Tables*>(
          InternalError(std::string("synthetic corpus data: ") + e.what()));
    } catch (const nlohmann::json::exception& e) {
      return new Result<const Tables*>(
          InternalError(std::string("synthetic corpus data: ") + e.what()));
    }
    return new Result<const Tables*>(tables.release());
  }();
  return *loaded;
}

}  // namespace custodian::synth
