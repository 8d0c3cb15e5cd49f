// The synthetic corpus of src/synth (docs/formats/corpus.md) as linkage records, and its ground
// truth as identities for evaluation. Takes the text; never calls the generator, so that
// custodian_link does not depend on custodian_synth.
#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "base/fuzzy_date.h"
#include "link/link.h"

namespace custodian::link {
namespace {

using Json = nlohmann::json;

// An act of the corpus as an event of its victim: the place, and its date as a repository
// reads it (EventOnDays); a date ParseFuzzyDate does not read gives the first year in it.
Event CorpusEvent(const std::string& place, const Json& act) {
  auto date = act.find("date");
  if (date == act.end() || !date->is_string()) return Event{.place = place};
  Result<FuzzyDate> parsed = ParseFuzzyDate(date->get<std::string>());
  if (!parsed.ok())
    return {.place = place, .year = CorpusBirthYears(date->get<std::string>()).first};
  return EventOnDays(place, parsed->first_day, parsed->last_day);
}

// Calls `line_fn(line_number, object)` for each non-blank JSON Lines line.
template <typename Fn>
Status ForEachLine(std::string_view text, std::string_view what, Fn&& line_fn) {
  size_t line = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;
    Json j = Json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return InvalidArgumentError(std::string(what) + " line " + std::to_string(line) +
                                  ": not a JSON object");
    }
    RETURN_IF_ERROR(line_fn(line, j));
  }
  return OkStatus();
}

std::string StringMember(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The names the engine compares, the main one first: the primary (not alias) Hangul name, the
// primary romanized one, then aliases in Hangul or romanized Korean (a survivor's other name).
// Chinese and Hanja names are not read (the name keys are for Hangul and Korean romanizations).
// A surname given alone is the main name when nothing fuller is there. A pseudonym is not the
// person's name and says nothing about who they are: it is left out.
std::vector<std::string> ChooseNames(const Json& names) {
  std::vector<std::string> primary, aliases;
  std::string surname;
  if (!names.is_array()) return {};
  for (const Json& n : names) {
    if (!n.is_object()) continue;
    const std::string text = StringMember(n, "text");
    const std::string lang = StringMember(n, "lang");
    const std::string type = StringMember(n, "type");
    if (text.empty() || (lang != "ko" && lang != "ko-Latn")) continue;
    if (type.empty()) {
      // Hangul first: romanizations carry typos twice as often.
      if (lang == "ko") {
        primary.insert(primary.begin(), text);
      } else {
        primary.push_back(text);
      }
    } else if (type == "alias") {
      aliases.push_back(text);
    } else if (type == "surname" && surname.empty()) {
      surname = text;
    }
  }
  if (primary.empty() && !surname.empty()) primary.push_back(surname);
  primary.insert(primary.end(), aliases.begin(), aliases.end());
  return primary;
}

// The place path of a gazetteer id, broadest first, without the country (every origin is in
// one, so it would only make unrelated places look related); the id alone if it is unknown.
std::vector<std::string> PlacePath(const std::string& id, const PlaceParents& parents) {
  std::vector<std::string> path = {id};
  for (auto it = parents.find(id); it != parents.end() && !it->second.empty() && path.size() < 16;
       it = parents.find(it->second)) {
    path.push_back(it->second);
  }
  if (path.size() > 1) path.pop_back();  // the country
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

Record PersonRecord(const Json& person, const PlaceParents& places,
                    const PlaceCoordinates& coordinates) {
  Record r;
  // Names typed without a language tag ("names": ["김철수", "Kim Chol-su"]) are read by their
  // script: Hangul as Korean, Latin letters as romanized Korean (which falls back to the Latin
  // treatment when it does not parse).
  Json names_in = person.value("names", Json::array());
  if (names_in.is_array()) {
    for (Json& n : names_in) {
      if (n.is_string()) n = Json{{"text", n}};
      if (!n.is_object() || n.contains("lang")) continue;
      const std::string text = StringMember(n, "text");
      const bool hangul = std::any_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0xEA && static_cast<unsigned char>(c) <= 0xED;
      });
      const bool latin = std::any_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      });
      if (hangul || latin) n["lang"] = hangul ? "ko" : "ko-Latn";
    }
  }
  std::vector<std::string> names = ChooseNames(names_in);
  if (!names.empty()) {
    r.surname = std::move(names.front());  // a full name: split in Korean mode
    r.other_names.assign(std::make_move_iterator(names.begin() + 1),
                         std::make_move_iterator(names.end()));
  }
  const std::string sex = StringMember(person, "sex");
  r.sex = sex == "female" ? Sex::kFemale : sex == "male" ? Sex::kMale : Sex::kUnknown;
  const auto [first, last] = CorpusBirthYears(StringMember(person, "born"));
  r.birth_year = first;
  r.birth_year_latest = last != first ? last : 0;
  const std::string origin = StringMember(person, "origin");
  if (!origin.empty()) r.place_path = PlacePath(origin, places);
  // A province's point (its middle) is far from most of its counties: only finer places count.
  if (auto at = coordinates.find(origin); at != coordinates.end() && r.place_path.size() >= 2) {
    r.origin_at = at->second;
  }
  std::vector<std::string> roles;
  if (auto it = person.find("roles"); it != person.end() && it->is_array()) {
    for (const Json& role : *it) {
      if (role.is_string()) roles.push_back(role.get<std::string>());
    }
  }
  r.role = PrimaryRole(roles);
  return r;
}

Event EventOnDays(std::string place, int32_t first_day, int32_t last_day) {
  Event event{.place = std::move(place)};
  const int64_t first = YearOfDay(first_day), last = YearOfDay(last_day);
  if (first < 1 || last > 9999 || last < first) return event;
  event.year = static_cast<int>(first);
  if (last == first && MonthOfDay(first_day) == MonthOfDay(last_day)) {
    event.month = MonthOfDay(first_day);
  }
  return event;
}

std::string PrimaryRole(std::span<const std::string> roles) {
  for (std::string_view telling : {"victim", "perpetrator", "relative"}) {
    if (std::find(roles.begin(), roles.end(), telling) != roles.end()) return std::string(telling);
  }
  return roles.empty() ? std::string() : roles.front();
}

int CorpusBirthYear(std::string_view born) {
  const auto [first, last] = CorpusBirthYears(born);
  return first == last ? first : born.find(" and ") != std::string_view::npos ? first : 0;
}

std::pair<int, int> CorpusBirthYears(std::string_view born) {
  for (size_t i = 0; i + 4 <= born.size(); ++i) {
    bool digits = true;
    for (size_t k = 0; k < 4; ++k) digits = digits && born[i + k] >= '0' && born[i + k] <= '9';
    if (!digits) continue;
    if (i > 0 && born[i - 1] >= '0' && born[i - 1] <= '9') continue;  // inside a longer number
    const int year = (born[i] - '0') * 1000 + (born[i + 1] - '0') * 100 + (born[i + 2] - '0') * 10 +
                     (born[i + 3] - '0');
    const std::string_view rest = born.substr(i + 4);
    if (rest.starts_with("s") || rest.starts_with("년대")) return {year, year / 10 * 10 + 9};
    // "between 1978 and 1979": an age at the interview gives one of two years.
    if (rest.starts_with(" and ") && rest.size() >= 9) {
      const std::string_view second = rest.substr(5, 4);
      if (std::all_of(second.begin(), second.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          (rest.size() == 9 || rest[9] < '0' || rest[9] > '9')) {
        const int latest = std::stoi(std::string(second));
        if (latest >= year) return {year, latest};
      }
    }
    return {year, year};
  }
  return {0, 0};
}

Result<LabelledRecords> ParseSyntheticCorpus(std::string_view corpus, std::string_view truth,
                                             const PlaceParents& places,
                                             const PlaceCoordinates& coordinates) {
  LabelledRecords out;
  std::unordered_map<std::string, uint32_t> index;           // person record id -> record index
  std::unordered_map<std::string, uint32_t> interviewee_of;  // source id -> record index
  RETURN_IF_ERROR(ForEachLine(corpus, "corpus", [&](size_t line, const Json& j) -> Status {
    const std::string kind = StringMember(j, "kind");
    if (kind == "source") {
      // An interviewee the corpus has no person line for (a source that is a document) ties
      // nobody.
      auto it = index.find(StringMember(j, "interviewee"));
      if (it != index.end()) interviewee_of[StringMember(j, "id")] = it->second;
      return OkStatus();
    }
    if (kind == "act") {
      // What happened to the victim, where and when: the evidence that sources which name a
      // person differently still describe the same one. Records refer only to earlier lines.
      const std::string victim = StringMember(j, "victim");
      if (victim.empty()) return OkStatus();
      auto it = index.find(victim);
      if (it == index.end()) {
        return InvalidArgumentError("corpus line " + std::to_string(line) +
                                    ": an act names a person record not on an earlier line");
      }
      const std::string place = StringMember(j, "place");
      if (!place.empty()) out.records[it->second].events.push_back(CorpusEvent(place, j));
      const std::string violation = StringMember(j, "violation");
      if (!violation.empty()) out.records[it->second].violations.push_back(violation);
      // The victim and whoever told their story to the act's sources are companions.
      auto tie = [&](uint32_t from, uint32_t to) {
        std::vector<uint32_t>& companions = out.records[from].companions;
        if (std::find(companions.begin(), companions.end(), to) == companions.end()) {
          companions.push_back(to);
        }
      };
      const auto sources = j.find("sources");
      if (sources != j.end() && sources->is_array()) {
        for (const Json& source : *sources) {
          if (!source.is_string()) continue;
          auto told = interviewee_of.find(source.get<std::string>());
          if (told == interviewee_of.end() || told->second == it->second) continue;
          tie(it->second, told->second);
          tie(told->second, it->second);
        }
      }
      return OkStatus();
    }
    if (kind != "person") return OkStatus();
    const std::string id = StringMember(j, "id");
    if (id.empty()) {
      return InvalidArgumentError("corpus line " + std::to_string(line) + ": person without id");
    }
    Record r = PersonRecord(j, places, coordinates);
    // per-s<seed>-<source>-<case>[-r]: the documentation source is between the seed and
    // the case number (keys may contain '-', as ngo-a).
    {
      std::string_view rest = id;
      if (rest.ends_with("-r")) rest.remove_suffix(2);
      const size_t a = rest.find('-', 4);
      const size_t c = rest.rfind('-');
      if (a != std::string_view::npos && c > a + 1)
        r.source = std::string(rest.substr(a + 1, c - a - 1));
    }
    if (!index.emplace(id, static_cast<uint32_t>(out.records.size())).second) {
      return InvalidArgumentError("corpus line " + std::to_string(line) + ": duplicate person id");
    }
    out.records.push_back(std::move(r));
    return OkStatus();
  }));

  constexpr uint32_t kUnassigned = 0xFFFFFFFF;
  out.person.assign(out.records.size(), kUnassigned);
  uint32_t next_identity = 0;
  auto assign = [&](size_t line, const std::string& id, uint32_t identity) -> Status {
    auto it = index.find(id);
    if (it == index.end()) {
      return InvalidArgumentError("truth line " + std::to_string(line) +
                                  ": names a person record the corpus lacks");
    }
    if (out.person[it->second] != kUnassigned && out.person[it->second] != identity) {
      return InvalidArgumentError("truth line " + std::to_string(line) +
                                  ": a person record stands for two identities");
    }
    out.person[it->second] = identity;
    return OkStatus();
  };
  RETURN_IF_ERROR(ForEachLine(truth, "truth", [&](size_t line, const Json& j) -> Status {
    if (StringMember(j, "type") != "victim") return OkStatus();
    const uint32_t victim = next_identity++;
    const uint32_t informant = next_identity++;  // the relative who told the story, if any
    auto records = j.find("records");
    if (records == j.end() || !records->is_object()) return OkStatus();
    for (const auto& [source, r] : records->items()) {
      if (!r.is_object()) {
        return InvalidArgumentError("truth line " + std::to_string(line) + ": bad records");
      }
      const std::string person = StringMember(r, "person");
      const std::string interviewee = StringMember(r, "interviewee");
      if (!person.empty()) RETURN_IF_ERROR(assign(line, person, victim));
      if (!interviewee.empty() && interviewee != person) {
        RETURN_IF_ERROR(assign(line, interviewee, informant));
      }
    }
    return OkStatus();
  }));
  for (size_t i = 0; i < out.person.size(); ++i) {
    if (out.person[i] == kUnassigned) {
      return InvalidArgumentError("person record " + std::to_string(i) +
                                  " is not in the ground truth");
    }
  }
  return out;
}

}  // namespace custodian::link
