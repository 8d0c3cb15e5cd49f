// The schema of each record kind and the validation that enforces it. Field lists follow the
// HURIDOCS Events Standard Formats (source, person, organization, place, incident/event, act)
// with claims and dossiers added; docs/formats/records.md documents them for users.
#include <algorithm>
#include <cmath>
#include <functional>
#include <initializer_list>

#include "base/id.h"
#include "model/model.h"

namespace custodian::model {
namespace {

enum class FieldType {
  kString,  // one line of text, at most max_length bytes
  kText,    // free text (transcripts, descriptions)
  kDate,    // a fuzzy date, stored in canonical EDTF form
  kInteger,
  kNumber,
  kBoolean,
  kTerm,       // a code from `vocabulary`
  kTerms,      // a list of codes from `vocabulary`
  kRef,        // an id of a record of one of `ref_kinds` (any kind if empty)
  kRefs,       // a list of such ids
  kNames,      // [{"text": ..., "lang": ..., "type": ..., "variant": ...}]
  kGrades,     // claim sources: [{"source": src-id, "reliability": a-f, "credibility": 1-6}]
  kStringMap,  // {"key": "value"} with string values (external codes)
};

// What the store projects from a field.
enum class Projection { kNone, kType, kPlace, kDate };

// A set of kinds as bits, so that schema tables stay constant data.
using KindSet = uint32_t;
constexpr KindSet Of(std::initializer_list<Kind> kinds) {
  KindSet set = 0;
  for (Kind k : kinds) set |= KindSet{1} << static_cast<int>(k);
  return set;
}
constexpr bool Contains(KindSet set, Kind kind) {
  return set & (KindSet{1} << static_cast<int>(kind));
}

struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required = false;
  std::string_view vocabulary = {};
  KindSet ref_kinds = 0;  // for references: the kinds allowed (0: any kind)
  Projection projection = Projection::kNone;
  double min = 0, max = 0;  // for numbers and integers
};

constexpr size_t kMaxString = 1000;
constexpr size_t kMaxText = 4 << 20;
constexpr size_t kMaxListItems = 10000;

using K = Kind;
using F = FieldType;
using P = Projection;

const std::vector<FieldSpec>& Schema(Kind kind) {
  static const auto* schemas = new std::map<Kind, std::vector<FieldSpec>>{
      {K::kPlace,
       {{"names", F::kNames, true},
        {"type", F::kTerm, true, "place_types", {}, P::kType},
        {"parent", F::kRef, false, {}, Of({K::kPlace})},
        {"lat", F::kNumber, false, {}, {}, P::kNone, -90, 90},
        {"lon", F::kNumber, false, {}, {}, P::kNone, -180, 180},
        {"facility_type", F::kTerm, false, "facility_types"},
        {"operated_by", F::kTerm, false, "agencies"},
        {"codes", F::kStringMap},
        {"source", F::kString},
        {"note", F::kText}}},
      {K::kOrganization,
       {{"names", F::kNames, true},
        {"agency", F::kTerm, false, "agencies", {}, P::kType},
        {"parent", F::kRef, false, {}, Of({K::kOrganization})},
        {"place", F::kRef, false, {}, Of({K::kPlace}), P::kPlace},
        {"description", F::kText}}},
      {K::kPerson,
       {{"names", F::kNames},
        {"public_names", F::kNames},
        {"sex", F::kTerm, false, "sexes"},
        {"born", F::kDate},
        {"origin", F::kRef, false, {}, Of({K::kPlace}), P::kPlace},
        {"roles", F::kTerms, false, "person_roles"},
        {"description", F::kText},
        {"family", F::kText},
        {"contact", F::kText},
        {"current_location", F::kText},
        {"photo", F::kText}}},
      {K::kSource,
       {{"type", F::kTerm, true, "source_types", {}, P::kType},
        {"title", F::kString},
        {"date", F::kDate, false, {}, {}, P::kDate},
        {"languages", F::kTerms, false, "languages"},
        {"interviewer", F::kString},
        {"collected_by", F::kRef, false, {}, Of({K::kOrganization})},
        {"interviewee", F::kRef, false, {}, Of({K::kPerson})},
        {"location", F::kRef, false, {}, Of({K::kPlace}), P::kPlace},
        {"consent_to_use", F::kBoolean},
        {"consent_to_share", F::kBoolean},
        {"protection_concerns", F::kBoolean},
        {"reliability", F::kTerm, false, "reliability"},
        {"citation", F::kString},
        {"url", F::kString},
        {"summary", F::kText},
        {"transcript", F::kText}}},
      {K::kIncident,
       {{"title", F::kString, true},
        {"date", F::kDate, false, {}, {}, P::kDate},
        {"place", F::kRef, false, {}, Of({K::kPlace}), P::kPlace},
        {"sources", F::kRefs, false, {}, Of({K::kSource})},
        {"description", F::kText}}},
      {K::kAct,
       {{"violation", F::kTerm, true, "violation_types", {}, P::kType},
        {"victim", F::kRef, true, {}, Of({K::kPerson})},
        {"incident", F::kRef, false, {}, Of({K::kIncident})},
        {"perpetrators", F::kRefs, false, {}, Of({K::kPerson, K::kOrganization})},
        {"place", F::kRef, false, {}, Of({K::kPlace}), P::kPlace},
        {"date", F::kDate, false, {}, {}, P::kDate},
        {"status", F::kTerm, false, "act_statuses"},
        {"legal_qualification", F::kTerm, false, "legal_qualifications"},
        {"sources", F::kRefs, false, {}, Of({K::kSource})},
        {"description", F::kText}}},
      {K::kPost,
       {{"person", F::kRef, true, {}, Of({K::kPerson})},
        {"organization", F::kRef, true, {}, Of({K::kOrganization})},
        {"title", F::kString},
        {"date", F::kDate, false, {}, {}, P::kDate},
        {"sources", F::kRefs, false, {}, Of({K::kSource})}}},
      {K::kClaim,
       {{"subject", F::kRef, true}, {"statement", F::kText, true}, {"sources", F::kGrades, true}}},
      {K::kDossier,
       {{"title", F::kString, true},
        {"type", F::kTerm, false, "dossier_types", {}, P::kType},
        {"records", F::kRefs},
        {"access_group", F::kString},
        {"description", F::kText}}},
  };
  return schemas->at(kind);
}

std::string Quote(std::string_view s) {
  constexpr size_t kShown = 60;
  std::string out = "'";
  out += s.substr(0, kShown);
  if (s.size() > kShown) out += "...";
  out += "'";
  return out;
}

std::string TypeName(const Json& v) { return v.type_name(); }

// "a person", "an act", "an organization".
std::string Article(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(noun);
}

// Validates one field and adds what it contributes to `out`.
class FieldChecker {
 public:
  FieldChecker(const Vocabularies& vocabularies, RecordResolver& resolver, std::string_view self_id)
      : vocabularies_(vocabularies), resolver_(resolver), self_id_(self_id) {}

  Status Check(const FieldSpec& spec, Json& value) {
    Status status = CheckValue(spec, value);
    // The context string is built only on failure: this runs for every field of every record.
    if (status.ok()) return status;
    return status.WithContext("field '" + std::string(spec.name) + "'");
  }

 private:
  Status CheckValue(const FieldSpec& spec, Json& value) {
    switch (spec.type) {
      case F::kString:
        return CheckString(value, kMaxString, /*single_line=*/true);
      case F::kText:
        return CheckString(value, kMaxText, /*single_line=*/false);
      case F::kDate:
        return CheckDate(value);
      case F::kInteger:
      case F::kNumber:
        return CheckNumber(spec, value);
      case F::kBoolean:
        if (!value.is_boolean()) return Expected("true or false", value);
        return OkStatus();
      case F::kTerm:
        return CheckTerm(spec, value);
      case F::kTerms:
        return CheckList(value, [&](Json& item) { return CheckTerm(spec, item); });
      case F::kRef:
        return CheckRef(spec, value);
      case F::kRefs:
        return CheckList(value, [&](Json& item) { return CheckRef(spec, item); });
      case F::kNames:
        return CheckList(value, [&](Json& item) { return CheckName(item); });
      case F::kGrades:
        if (value.is_array() && value.empty()) {
          return InvalidArgumentError("a claim needs at least one source");
        }
        return CheckList(value, [&](Json& item) { return CheckGrade(item); });
      case F::kStringMap:
        if (!value.is_object()) return Expected("an object of strings", value);
        for (auto& [key, v] : value.items()) {
          if (key.size() > 64 || !v.is_string() || v.get_ref<const std::string&>().size() > 200) {
            return InvalidArgumentError("entry " + Quote(key) +
                                        ": keys up to 64 bytes, values strings up to 200 bytes");
          }
        }
        return OkStatus();
    }
    return InternalError("unhandled field type");
  }

  static Status Expected(std::string_view what, const Json& value) {
    return InvalidArgumentError("expected " + std::string(what) + ", got " + TypeName(value));
  }

  static Status CheckString(const Json& value, size_t max, bool single_line) {
    if (!value.is_string()) return Expected("a string", value);
    const std::string& s = value.get_ref<const std::string&>();
    if (s.size() > max) {
      return InvalidArgumentError("text of " + std::to_string(s.size()) +
                                  " bytes is longer than the limit of " + std::to_string(max));
    }
    if (single_line && s.find_first_of("\n\r") != std::string::npos) {
      return InvalidArgumentError("must be one line; put longer text in a description field");
    }
    if (s.find('\0') != std::string::npos) return InvalidArgumentError("contains a NUL byte");
    return OkStatus();
  }

  static Status CheckDate(Json& value) {
    // A bare year typed on a command line arrives as a number; it means that year.
    if (value.is_number_integer()) value = std::to_string(value.get<int64_t>());
    if (!value.is_string()) return Expected("a date string such as \"spring 2009\"", value);
    ASSIGN_OR_RETURN(FuzzyDate date, ParseFuzzyDate(value.get_ref<const std::string&>()));
    value = date.Canonical();
    return OkStatus();
  }

  static Status CheckNumber(const FieldSpec& spec, const Json& value) {
    if (spec.type == F::kInteger ? !value.is_number_integer() : !value.is_number()) {
      return Expected(spec.type == F::kInteger ? "an integer" : "a number", value);
    }
    double d = value.get<double>();
    if (!std::isfinite(d) || d < spec.min || d > spec.max) {
      return InvalidArgumentError(value.dump() + " is outside " + Trim(spec.min) + ".." +
                                  Trim(spec.max));
    }
    return OkStatus();
  }

  static std::string Trim(double d) {
    std::string s = std::to_string(d);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  }

  Status CheckTerm(const FieldSpec& spec, const Json& value) {
    if (!value.is_string()) return Expected("a vocabulary code", value);
    const Vocabulary* vocab = vocabularies_.Find(spec.vocabulary);
    if (vocab == nullptr) {
      return InternalError("vocabulary '" + std::string(spec.vocabulary) + "' is not built in");
    }
    const std::string& code = value.get_ref<const std::string&>();
    if (vocab->Find(code) == nullptr) {
      std::string message = Quote(code) + " is not a term of vocabulary " + vocab->name();
      std::string hint = vocab->Suggest(code);
      if (!hint.empty()) message += "; did you mean '" + hint + "'?";
      message += " (custodian vocab " + vocab->name() + " lists them)";
      return InvalidArgumentError(message);
    }
    return OkStatus();
  }

  Status CheckRef(const FieldSpec& spec, const Json& value) {
    if (!value.is_string()) return Expected("a record id", value);
    const std::string& id = value.get_ref<const std::string&>();
    ASSIGN_OR_RETURN(Kind id_kind, KindOfId(id));
    if (spec.ref_kinds != 0 && !Contains(spec.ref_kinds, id_kind)) {
      std::string allowed;
      for (Kind k : AllKinds()) {
        if (Contains(spec.ref_kinds, k)) {
          allowed += (allowed.empty() ? "" : " or ") + std::string(KindName(k));
        }
      }
      return InvalidArgumentError(Quote(id) + " is " + Article(KindName(id_kind)) +
                                  " id; expected " + Article(allowed));
    }
    // Checked before the lookup: a new record referring to itself does not exist yet, and
    // "no such record" would hide the real mistake.
    if (id == self_id_) return InvalidArgumentError("a record cannot refer to itself");
    ASSIGN_OR_RETURN(std::optional<Kind> found, resolver_.KindOf(id));
    if (!found.has_value()) {
      return NotFoundError("no " + std::string(KindName(id_kind)) + " " + Quote(id) +
                           " exists (records must be created before they are referred to)");
    }
    return OkStatus();
  }

  template <typename CheckItem>
  static Status CheckList(Json& value, CheckItem check_item) {
    if (!value.is_array()) return Expected("a list", value);
    if (value.size() > kMaxListItems) {
      return InvalidArgumentError("list of " + std::to_string(value.size()) +
                                  " items is longer than the limit of " +
                                  std::to_string(kMaxListItems));
    }
    for (size_t i = 0; i < value.size(); ++i) {
      Status status = check_item(value[i]);
      if (!status.ok()) return status.WithContext("item " + std::to_string(i + 1));
    }
    return OkStatus();
  }

  static Status CheckName(Json& name) {
    if (name.is_string()) name = Json{{"text", name}};  // shorthand: "names": ["김철수"]
    if (!name.is_object()) return Expected("a name object or string", name);
    static constexpr std::string_view kKeys[] = {"text", "lang", "type", "variant"};
    for (auto& [key, v] : name.items()) {
      if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
        return InvalidArgumentError("unknown key " + Quote(key) +
                                    " in a name; names have text, lang, type, variant");
      }
      RETURN_IF_ERROR(CheckString(v, key == "text" ? 300 : 40, true).WithContext(key));
    }
    if (!name.contains("text") || name["text"].get_ref<const std::string&>().empty()) {
      return InvalidArgumentError("a name needs a non-empty \"text\"");
    }
    return OkStatus();
  }

  Status CheckGrade(Json& grade) {
    if (!grade.is_object()) return Expected("an object {source, reliability, credibility}", grade);
    static const FieldSpec kGradeFields[] = {
        {"source", F::kRef, true, {}, Of({K::kSource})},
        {"reliability", F::kTerm, true, "reliability"},
        {"credibility", F::kTerm, true, "credibility"},
        {"excerpt", F::kText},
    };
    for (auto& [key, v] : grade.items()) {
      bool known = std::any_of(std::begin(kGradeFields), std::end(kGradeFields),
                               [&](const FieldSpec& f) { return f.name == key; });
      if (!known) {
        return InvalidArgumentError("unknown key " + Quote(key) +
                                    "; a graded source has source, reliability, credibility, "
                                    "excerpt");
      }
    }
    for (const FieldSpec& spec : kGradeFields) {
      if (!grade.contains(spec.name)) {
        if (spec.required) return InvalidArgumentError("missing '" + std::string(spec.name) + "'");
        continue;
      }
      RETURN_IF_ERROR(Check(spec, grade[std::string(spec.name)]));
    }
    return OkStatus();
  }

  const Vocabularies& vocabularies_;
  RecordResolver& resolver_;
  std::string_view self_id_;
};

// Adds the id(s) in a reference field's value to `refs`.
void CollectRefs(const FieldSpec& spec, const Json& value,
                 std::vector<std::pair<std::string, std::string>>& refs) {
  auto add = [&](const Json& id) {
    if (id.is_string()) refs.emplace_back(spec.name, id.get<std::string>());
  };
  if (spec.type == F::kRef) add(value);
  if (spec.type == F::kRefs && value.is_array()) {
    for (const Json& id : value) add(id);
  }
  if (spec.type == F::kGrades && value.is_array()) {
    for (const Json& grade : value) {
      if (grade.is_object() && grade.contains("source")) add(grade["source"]);
    }
  }
}

bool IsSealed(Kind kind, std::string_view field) {
  const auto& sealed = SealedFields(kind);
  return std::find(sealed.begin(), sealed.end(), field) != sealed.end();
}

// An error about a field that will be sealed must not carry its value (a name, a date of
// birth) into logs and terminals: after "field 'x': ", quoted values become '...'.
Status WithoutQuotedValues(const Status& status) {
  const std::string& original = status.message();
  size_t rest = original.starts_with("field '") ? original.find("': ") : std::string::npos;
  rest = rest == std::string::npos ? 0 : rest + 3;
  std::string message = original.substr(0, rest);
  bool inside = false;
  for (char c : std::string_view(original).substr(rest)) {
    if (c == '\'') {
      message += inside ? "...'" : "'";
      inside = !inside;
    } else if (!inside) {
      message += c;
    }
  }
  if (inside) message += "...'";
  return Status(status.code(), message);
}

}  // namespace

std::string_view TypeVocabulary(Kind kind) {
  for (const FieldSpec& spec : Schema(kind)) {
    if (spec.projection == P::kType) return spec.vocabulary;
  }
  return {};
}

const std::vector<std::string_view>& SealedFields(Kind kind) {
  // What identifies a person to those who would harm them or their family (DESIGN.md §3).
  // `public_names` is for names already public (officials, perpetrators named in reports).
  static const std::vector<std::string_view> kPerson = {
      "names", "born", "description", "family", "contact", "current_location", "photo"};
  static const std::vector<std::string_view> kNone;
  return kind == K::kPerson ? kPerson : kNone;
}

const Json& SchemaJson() {
  static const Json* schema = [] {
    auto type_name = [](FieldType type) -> std::string_view {
      switch (type) {
        case F::kString:
          return "string";
        case F::kText:
          return "text";
        case F::kDate:
          return "date";
        case F::kInteger:
          return "integer";
        case F::kNumber:
          return "number";
        case F::kBoolean:
          return "boolean";
        case F::kTerm:
          return "term";
        case F::kTerms:
          return "terms";
        case F::kRef:
          return "ref";
        case F::kRefs:
          return "refs";
        case F::kNames:
          return "names";
        case F::kGrades:
          return "grades";
        case F::kStringMap:
          return "map";
      }
      return "string";
    };
    Json kinds = Json::object();
    for (Kind kind : AllKinds()) {
      const auto& sealed = SealedFields(kind);
      Json fields = Json::array();
      for (const FieldSpec& spec : Schema(kind)) {
        Json field = {{"name", spec.name}, {"type", type_name(spec.type)}};
        if (spec.required) field["required"] = true;
        if (!spec.vocabulary.empty()) field["vocabulary"] = spec.vocabulary;
        if (spec.type == F::kRef || spec.type == F::kRefs) {
          Json allowed = Json::array();
          for (Kind k : AllKinds()) {
            if (Contains(spec.ref_kinds, k)) allowed.push_back(KindName(k));
          }
          field["kinds"] = std::move(allowed);  // empty: any kind
        }
        if (spec.type == F::kNumber || spec.type == F::kInteger) {
          if (spec.min != 0 || spec.max != 0) {
            field["min"] = spec.min;
            field["max"] = spec.max;
          }
        }
        if (spec.type == F::kString) field["max_bytes"] = kMaxString;
        if (spec.type == F::kText) field["max_bytes"] = kMaxText;
        if (std::find(sealed.begin(), sealed.end(), spec.name) != sealed.end()) {
          field["sealed"] = true;
        }
        static constexpr std::string_view kProjections[] = {"", "type", "place", "date"};
        if (spec.projection != P::kNone) {
          field["projected"] = kProjections[static_cast<int>(spec.projection)];
        }
        fields.push_back(std::move(field));
      }
      kinds[std::string(KindName(kind))] = {{"fields", std::move(fields)}};
    }
    return new Json({{"kinds", std::move(kinds)}});
  }();
  return *schema;
}

const std::vector<std::string_view>& TextFields(Kind kind) {
  // Asked for every record written: computed once per kind.
  static const auto* by_kind = [] {
    auto* out = new std::map<Kind, std::vector<std::string_view>>();
    for (Kind k : AllKinds()) {
      for (const FieldSpec& spec : Schema(k)) {
        if (spec.type == F::kText) (*out)[k].push_back(spec.name);
      }
    }
    return out;
  }();
  static const std::vector<std::string_view> kNone;
  auto it = by_kind->find(kind);
  return it == by_kind->end() ? kNone : it->second;
}

void MapReferences(Kind kind, Json& body,
                   const std::function<std::optional<std::string>(const std::string&)>& map) {
  auto mapped = [&](const Json& id) -> std::optional<std::string> {
    if (!id.is_string()) return std::nullopt;
    return map(id.get_ref<const std::string&>());
  };
  for (const FieldSpec& spec : Schema(kind)) {
    auto it = body.find(spec.name);
    if (it == body.end()) continue;
    if (spec.type == F::kRef) {
      std::optional<std::string> to = mapped(*it);
      if (to.has_value()) {
        *it = std::move(*to);
      } else {
        body.erase(it);
      }
    } else if ((spec.type == F::kRefs || spec.type == F::kGrades) && it->is_array()) {
      Json kept = Json::array();
      for (Json& item : *it) {
        Json& id = spec.type == F::kRefs ? item : item["source"];
        std::optional<std::string> to = mapped(id);
        if (!to.has_value()) continue;
        id = std::move(*to);
        kept.push_back(std::move(item));
      }
      *it = std::move(kept);
    }
  }
}

std::string_view SubjectField(Kind kind) {
  switch (kind) {
    case K::kSource:
      return "interviewee";
    case K::kAct:
      return "victim";
    case K::kPost:
      return "person";
    case K::kClaim:
      return "subject";  // when the claim is about a person
    default:
      return {};
  }
}

std::vector<std::string> FieldNames(Kind kind) {
  std::vector<std::string> out;
  for (const FieldSpec& spec : Schema(kind)) out.emplace_back(spec.name);
  return out;
}

Result<ValidRecord> Validate(Kind kind, std::string id, Json body, const Vocabularies& vocabularies,
                             RecordResolver& resolver) {
  if (!IsValidId(id, KindPrefix(kind))) {
    return InvalidArgumentError("field 'id': " + Quote(id) + " is not a valid " +
                                std::string(KindName(kind)) + " id; expected '" +
                                std::string(KindPrefix(kind)) +
                                "-' then lowercase letters, digits and dashes (at most 64)");
  }
  if (!body.is_object()) {
    return InvalidArgumentError("a record must be a JSON object, got " + TypeName(body));
  }
  const std::vector<FieldSpec>& schema = Schema(kind);
  for (const auto& [key, value] : body.items()) {
    bool known = std::any_of(schema.begin(), schema.end(),
                             [&](const FieldSpec& f) { return f.name == key; });
    if (!known) {
      std::string fields;
      for (const FieldSpec& f : schema)
        fields += (fields.empty() ? "" : ", ") + std::string(f.name);
      return InvalidArgumentError("field " + Quote(key) + ": not a field of " +
                                  Article(KindName(kind)) + "; its fields are " + fields);
    }
  }
  // Every key is a field of the schema (checked above), so the normalised record is the body
  // itself, checked and normalised in place, without its null fields: no second object is
  // built. Fields are still checked in schema order, which decides which error is reported.
  FieldChecker checker(vocabularies, resolver, id);
  for (const FieldSpec& spec : schema) {
    auto it = body.find(spec.name);
    if (it == body.end() || it->is_null()) {
      if (spec.required) {
        return InvalidArgumentError("field '" + std::string(spec.name) + "': required for " +
                                    Article(KindName(kind)));
      }
      if (it != body.end()) body.erase(it);
      continue;
    }
    Json& value = *it;  // the body is ours (taken by value)
    Status checked = checker.Check(spec, value);
    if (!checked.ok() && IsSealed(kind, spec.name)) return WithoutQuotedValues(checked);
    RETURN_IF_ERROR(checked);
    if (spec.required && value.is_array() && value.empty()) {
      return InvalidArgumentError("field '" + std::string(spec.name) +
                                  "': needs at least one item");
    }
  }
  return Project(kind, std::move(id), std::move(body));
}

Result<ValidRecord> Project(Kind kind, std::string id, Json body) {
  if (!body.is_object()) return DataLossError("record " + id + " is not a JSON object");
  ValidRecord out{.kind = kind, .id = std::move(id), .body = std::move(body)};
  for (const FieldSpec& spec : Schema(kind)) {
    auto it = out.body.find(spec.name);
    if (it == out.body.end()) continue;
    CollectRefs(spec, *it, out.refs);
    if (!it->is_string()) continue;
    const std::string& value = it->get_ref<const std::string&>();
    switch (spec.projection) {
      case P::kType:
        out.type = value;
        break;
      case P::kPlace:
        out.place = value;
        break;
      case P::kDate: {
        ASSIGN_OR_RETURN(FuzzyDate date, ParseFuzzyDate(value));
        // An unknown date matches no date filter, rather than every one.
        if (date.precision != DatePrecision::kUnknown) out.date = date;
        break;
      }
      case P::kNone:
        break;
    }
  }
  if (kind == Kind::kPlace) out.place = out.id;  // a place lies inside itself for filters
  return out;
}

}  // namespace custodian::model
