// Documentation projects: the JSON form of their configuration (docs/formats/corpus.md), read
// strictly so that a typo in a field name or a probability of 1.5 is an error that names the
// project and the field, and written back in the same form.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "base/canonical_json.h"
#include "model/model.h"
#include "synth/synth.h"
#include "synth/tables.h"

namespace custodian::synth {

extern const std::pair<std::string_view, std::string_view> kSynthFiles[];
extern const int kSynthFilesCount;

namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

constexpr std::string_view kFormat = "custodian-synthetic-sources/1";
constexpr int kEarliestYear = 1995, kLatestYear = 2100;

const std::set<std::string> kFields = {
    "key",          "name",        "agency",     "source_type",      "coverage",
    "focus",        "years",       "error_rate", "languages",        "romanization",
    "hangul_names", "latin_names", "rok_hangul", "family_name_last", "name_forms",
    "aliases",      "birth",       "dates",      "reliability",      "recall",
    "claims"};
const std::set<std::string> kLanguages = {"ko", "en", "ko+en"};
const std::set<std::string> kSystems = {"rr", "mr", "mr_ascii", "dprk", "common"};
const std::set<std::string> kNameForms = {"full", "surname", "pseudonym"};
const std::set<std::string> kBirthStyles = {"year", "about", "age", "decade", "missing"};
const std::set<std::string> kDateStyles = {"day",   "month", "season", "year",
                                           "about", "part",  "range"};

std::string Join(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

Status FieldError(const std::string& field, const std::string& why) {
  return InvalidArgumentError("field '" + field + "': " + why);
}

Status CheckProbability(const std::string& field, double p) {
  if (!(p >= 0 && p <= 1)) {
    return FieldError(field,
                      std::to_string(p) + " is not a probability; expected a number from 0 to 1");
  }
  return OkStatus();
}

Status CheckWeights(const std::string& field, const std::map<std::string, double>& weights,
                    const std::set<std::string>& allowed) {
  double sum = 0;
  for (const auto& [name, weight] : weights) {
    if (!allowed.count(name)) {
      return FieldError(field + "." + name, "unknown; expected one of " + Join(allowed));
    }
    if (!(weight >= 0) || !std::isfinite(weight)) {
      return FieldError(field + "." + name, "a weight must be a number >= 0");
    }
    sum += weight;
  }
  if (!(sum > 0)) return FieldError(field, "needs at least one weight above 0");
  return OkStatus();
}

std::set<std::string> Codes(std::string_view vocabulary) {
  std::set<std::string> codes;
  if (const model::Vocabulary* v = model::Vocabularies::Builtin().Find(vocabulary)) {
    for (const model::Term& term : v->terms()) codes.insert(term.code);
  }
  return codes;
}

// The JSON readers: a wrong type is an error naming the field.
Result<double> ReadNumber(const Json& value, const std::string& field) {
  if (!value.is_number()) return FieldError(field, "expected a number");
  return value.get<double>();
}

Result<std::string> ReadString(const Json& value, const std::string& field) {
  if (!value.is_string()) return FieldError(field, "expected a string");
  return value.get<std::string>();
}

Result<std::map<std::string, double>> ReadWeights(const Json& value, const std::string& field) {
  if (!value.is_object())
    return FieldError(field, "expected an object of weights, e.g. {\"ko\": 0.7, \"en\": 0.3}");
  std::map<std::string, double> out;
  for (const auto& [name, weight] : value.items()) {
    ASSIGN_OR_RETURN(out[name], ReadNumber(weight, field + "." + name));
  }
  return out;
}

Result<DocumentationSource> ReadSource(const Json& doc) {
  if (!doc.is_object()) return InvalidArgumentError("expected an object");
  for (const auto& [field, value] : doc.items()) {
    if (!kFields.count(field)) {
      return FieldError(field, "unknown; a source has " + Join(kFields));
    }
  }
  DocumentationSource s;
  auto required = [&](const char* field) -> Result<const Json*> {
    if (!doc.contains(field)) return FieldError(field, "missing (required)");
    return &doc[field];
  };
  ASSIGN_OR_RETURN(const Json* key, required("key"));
  ASSIGN_OR_RETURN(s.key, ReadString(*key, "key"));
  ASSIGN_OR_RETURN(const Json* name, required("name"));
  if (!name->is_object()) return FieldError("name", "expected {\"en\": ..., \"ko\": ...}");
  for (const auto& [lang, text] : name->items()) {
    if (lang != "en" && lang != "ko")
      return FieldError("name." + lang, "unknown; expected en or ko");
  }
  if (!name->contains("en")) return FieldError("name.en", "missing (required)");
  ASSIGN_OR_RETURN(s.name_en, ReadString((*name)["en"], "name.en"));
  if (name->contains("ko")) {
    ASSIGN_OR_RETURN(s.name_ko, ReadString((*name)["ko"], "name.ko"));
  }
  if (doc.contains("agency")) {
    ASSIGN_OR_RETURN(s.agency, ReadString(doc["agency"], "agency"));
  }
  if (doc.contains("source_type")) {
    ASSIGN_OR_RETURN(s.source_type, ReadString(doc["source_type"], "source_type"));
  }
  ASSIGN_OR_RETURN(const Json* coverage, required("coverage"));
  if (!coverage->is_object())
    return FieldError("coverage", "expected {\"survivor\": p, \"absent\": p}");
  for (const auto& [kind, value] : coverage->items()) {
    if (kind != "survivor" && kind != "absent") {
      return FieldError("coverage." + kind, "unknown; expected survivor or absent");
    }
  }
  for (const char* kind : {"survivor", "absent"}) {
    const std::string field = std::string("coverage.") + kind;
    if (!coverage->contains(kind)) return FieldError(field, "missing (required)");
    ASSIGN_OR_RETURN(double p, ReadNumber((*coverage)[kind], field));
    (kind == std::string("survivor") ? s.coverage_survivor : s.coverage_absent) = p;
  }
  if (doc.contains("focus")) {
    ASSIGN_OR_RETURN(s.focus, ReadWeights(doc["focus"], "focus"));
  }
  if (doc.contains("years")) {
    const Json& years = doc["years"];
    if (!years.is_array() || years.size() != 2 || !years[0].is_number_integer() ||
        !years[1].is_number_integer()) {
      return FieldError("years", "expected [first year, last year], e.g. [2013, 2024]");
    }
    s.first_year = years[0].get<int>();
    s.last_year = years[1].get<int>();
  }
  struct Probability {
    const char* field;
    double* value;
  };
  for (const Probability& p :
       {Probability{"error_rate", &s.error_rate}, Probability{"hangul_names", &s.hangul_names},
        Probability{"latin_names", &s.latin_names}, Probability{"rok_hangul", &s.rok_hangul},
        Probability{"family_name_last", &s.family_name_last}, Probability{"aliases", &s.aliases},
        Probability{"recall", &s.recall}, Probability{"claims", &s.claims}}) {
    if (doc.contains(p.field)) {
      ASSIGN_OR_RETURN(*p.value, ReadNumber(doc[p.field], p.field));
    }
  }
  struct WeightField {
    const char* field;
    std::map<std::string, double>* value;
  };
  for (const WeightField& w :
       {WeightField{"languages", &s.languages}, WeightField{"romanization", &s.romanization},
        WeightField{"name_forms", &s.name_forms}, WeightField{"birth", &s.birth},
        WeightField{"dates", &s.dates}, WeightField{"reliability", &s.reliability}}) {
    if (doc.contains(w.field)) {
      ASSIGN_OR_RETURN(*w.value, ReadWeights(doc[w.field], w.field));
    }
  }
  return s;
}

OJson WeightsJson(const std::map<std::string, double>& weights) {
  OJson out = OJson::object();
  for (const auto& [name, weight] : weights) out[name] = weight;
  return out;
}

}  // namespace

const std::vector<std::string>& ScenarioNames() {
  static const auto* const names = [] {
    auto* out = new std::vector<std::string>;
    for (int i = 0; i < kScenarioCount; ++i)
      out->emplace_back(ScenarioName(static_cast<Scenario>(i)));
    return out;
  }();
  return *names;
}

Status ValidateSource(const DocumentationSource& s) {
  const bool key_ok = !s.key.empty() && s.key.size() <= 12 && s.key.front() != '-' &&
                      s.key.back() != '-' && std::all_of(s.key.begin(), s.key.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                      });
  if (!key_ok) {
    return FieldError("key", "'" + s.key.substr(0, 40) +
                                 "' must be 1 to 12 lowercase letters, digits or '-', not starting "
                                 "or ending with '-' (it goes into record ids)");
  }
  if (s.name_en.empty() || s.name_en.size() > 300 || s.name_ko.size() > 300) {
    return FieldError("name", "en is required; each name at most 300 bytes");
  }
  if (!Codes("agencies").count(s.agency)) {
    return FieldError(
        "agency",
        "'" + s.agency + "' is not in the agencies vocabulary (custodian vocab agencies)");
  }
  if (!Codes("source_types").count(s.source_type)) {
    return FieldError("source_type", "'" + s.source_type +
                                         "' is not in the source_types vocabulary (custodian vocab "
                                         "source_types)");
  }
  RETURN_IF_ERROR(CheckProbability("coverage.survivor", s.coverage_survivor));
  RETURN_IF_ERROR(CheckProbability("coverage.absent", s.coverage_absent));
  const std::set<std::string> scenarios(ScenarioNames().begin(), ScenarioNames().end());
  for (const auto& [scenario, factor] : s.focus) {
    if (!scenarios.count(scenario)) {
      return FieldError("focus." + scenario,
                        "unknown scenario; expected one of " + Join(scenarios));
    }
    if (!(factor >= 0 && factor <= 1000)) {
      return FieldError("focus." + scenario, "a multiplier must be a number from 0 to 1000");
    }
  }
  if (s.first_year < kEarliestYear || s.last_year > kLatestYear || s.first_year > s.last_year) {
    return FieldError("years", "[" + std::to_string(s.first_year) + ", " +
                                   std::to_string(s.last_year) + "] must be years from " +
                                   std::to_string(kEarliestYear) + " to " +
                                   std::to_string(kLatestYear) + ", the first not after the last");
  }
  for (const auto& [field, p] :
       {std::pair{"error_rate", s.error_rate}, std::pair{"hangul_names", s.hangul_names},
        std::pair{"latin_names", s.latin_names}, std::pair{"rok_hangul", s.rok_hangul},
        std::pair{"family_name_last", s.family_name_last}, std::pair{"aliases", s.aliases},
        std::pair{"recall", s.recall}, std::pair{"claims", s.claims}}) {
    RETURN_IF_ERROR(CheckProbability(field, p));
  }
  RETURN_IF_ERROR(CheckWeights("languages", s.languages, kLanguages));
  RETURN_IF_ERROR(CheckWeights("romanization", s.romanization, kSystems));
  RETURN_IF_ERROR(CheckWeights("name_forms", s.name_forms, kNameForms));
  RETURN_IF_ERROR(CheckWeights("birth", s.birth, kBirthStyles));
  RETURN_IF_ERROR(CheckWeights("dates", s.dates, kDateStyles));
  RETURN_IF_ERROR(CheckWeights("reliability", s.reliability, Codes("reliability")));
  return OkStatus();
}

Result<std::vector<DocumentationSource>> ParseSources(std::string_view json_text) {
  Result<Json> parsed = ParseJson(json_text, {.max_bytes = 1 << 20, .max_depth = 16});
  if (!parsed.ok()) return parsed.status().WithContext("sources");
  const Json& doc = *parsed;
  if (!doc.is_object() || !doc.contains("sources") || !doc["sources"].is_array()) {
    return InvalidArgumentError(
        "sources: expected an object {\"sources\": [...]}, as in data/synth/sources.json");
  }
  for (const auto& [field, value] : doc.items()) {
    if (field != "sources" && field != "format" && field != "description") {
      return InvalidArgumentError("sources: unknown field '" + field +
                                  "'; expected format, description, sources");
    }
  }
  if (doc.contains("format") && doc["format"] != kFormat) {
    return InvalidArgumentError("sources: format must be \"" + std::string(kFormat) + "\"");
  }
  const Json& list = doc["sources"];
  if (list.empty() || list.size() > kMaxSources) {
    return InvalidArgumentError("sources: expected 1 to " + std::to_string(kMaxSources) +
                                " documentation sources, got " + std::to_string(list.size()));
  }
  std::vector<DocumentationSource> out;
  std::set<std::string> keys;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = "sources[" + std::to_string(i) + "]";
    if (list[i].is_object() && list[i].contains("key") && list[i]["key"].is_string()) {
      where += " (" + list[i]["key"].get<std::string>().substr(0, 40) + ")";
    }
    Result<DocumentationSource> source = ReadSource(list[i]);
    if (!source.ok()) return source.status().WithContext(where);
    if (Status valid = ValidateSource(*source); !valid.ok()) return valid.WithContext(where);
    if (!keys.insert(source->key).second) {
      return InvalidArgumentError(where + ": key '" + source->key + "' is used twice");
    }
    out.push_back(std::move(source).value());
  }
  return out;
}

std::string SourcesToJson(const std::vector<DocumentationSource>& sources) {
  OJson list = OJson::array();
  for (const DocumentationSource& s : sources) {
    OJson name = {{"en", s.name_en}};
    if (!s.name_ko.empty()) name["ko"] = s.name_ko;
    OJson j;
    j["key"] = s.key;
    j["name"] = name;
    j["agency"] = s.agency;
    j["source_type"] = s.source_type;
    j["coverage"] = {{"survivor", s.coverage_survivor}, {"absent", s.coverage_absent}};
    j["focus"] = WeightsJson(s.focus);
    j["years"] = {s.first_year, s.last_year};
    j["error_rate"] = s.error_rate;
    j["languages"] = WeightsJson(s.languages);
    j["romanization"] = WeightsJson(s.romanization);
    j["hangul_names"] = s.hangul_names;
    j["latin_names"] = s.latin_names;
    j["rok_hangul"] = s.rok_hangul;
    j["family_name_last"] = s.family_name_last;
    j["name_forms"] = WeightsJson(s.name_forms);
    j["aliases"] = s.aliases;
    j["birth"] = WeightsJson(s.birth);
    j["dates"] = WeightsJson(s.dates);
    j["reliability"] = WeightsJson(s.reliability);
    j["recall"] = s.recall;
    j["claims"] = s.claims;
    list.push_back(std::move(j));
  }
  OJson doc;
  doc["format"] = kFormat;
  doc["sources"] = std::move(list);
  return doc.dump(2) + "\n";
}

Result<std::vector<DocumentationSource>> DefaultSources() {
  for (int i = 0; i < kSynthFilesCount; ++i) {
    if (kSynthFiles[i].first == "sources.json") {
      Result<std::vector<DocumentationSource>> sources = ParseSources(kSynthFiles[i].second);
      if (!sources.ok())
        return InternalError("built-in data/synth/sources.json: " + sources.status().message());
      return sources;
    }
  }
  return InternalError("data/synth/sources.json is not embedded in this binary");
}

}  // namespace custodian::synth
