// model: the kinds of record Custodian keeps, the vocabularies that classify them, and the
// validation every record passes before it reaches the ledger.
//
// A record is a JSON object of a known kind (source, person, organization, place, incident,
// act, claim, dossier, post; after the HURIDOCS Events Standard Formats, with claims). Each
// kind has a schema of fields (see schema.cc and docs/formats/records.md). Validate() checks a
// record against its schema, the vocabularies and the records that already exist, and returns
// it normalised (dates in their canonical EDTF form) together with what the store projects
// from it (type, place, date range, references). Every error names the field and says what
// to do.
//
// Vocabularies are versioned data files under data/vocab/, embedded into the binary at build
// time; the gazetteer (data/gazetteer/places.jsonl) is embedded the same way.
//
// Thread-safety: Vocabularies and schemas are immutable after construction; Validate() is
// reentrant given a thread-safe RecordResolver.
#ifndef CUSTODIAN_MODEL_MODEL_H_
#define CUSTODIAN_MODEL_MODEL_H_

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/fuzzy_date.h"
#include "base/status.h"

namespace custodian::model {

using Json = nlohmann::json;

enum class Kind {
  kPlace,
  kOrganization,
  kPerson,
  kSource,
  kIncident,
  kAct,
  kPost,
  kClaim,
  kDossier
};

// All kinds, places first: the order in which kinds usually refer to those before them.
const std::vector<Kind>& AllKinds();
std::string_view KindName(Kind kind);    // "act"
std::string_view KindPrefix(Kind kind);  // "act" -> the id prefix, e.g. "act-7k3m9q2x4v1z"
Result<Kind> ParseKind(std::string_view name);
// The kind an id belongs to, from its prefix.
Result<Kind> KindOfId(std::string_view id);

// ---- Vocabularies ----------------------------------------------------------------------

struct Term {
  std::string code;
  std::string label_en;
  std::string parent;  // "" at the top of a hierarchy
  Json data;           // the whole term object as written in the file
};

class Vocabulary {
 public:
  static Result<Vocabulary> Parse(std::string_view file_name, std::string_view json_text);
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::vector<Term>& terms() const { return terms_; }
  const Term* Find(std::string_view code) const;
  // `code` and every term below it in the hierarchy.
  std::vector<std::string> WithDescendants(std::string_view code) const;
  // The closest existing code to a misspelt one, for "did you mean" hints ("" if none close).
  std::string Suggest(std::string_view code) const;

 private:
  std::string name_, version_;
  std::vector<Term> terms_;
  std::map<std::string, size_t, std::less<>> index_;
};

class Vocabularies {
 public:
  // The vocabularies built into this binary from data/vocab/.
  static const Vocabularies& Builtin();
  static Result<Vocabularies> FromFiles(const std::map<std::string, std::string>& files);

  const Vocabulary* Find(std::string_view name) const;
  // The English label of `code` in vocabulary `name`, or `code` itself if there is none.
  std::string Label(std::string_view name, std::string_view code) const;
  const std::map<std::string, Vocabulary, std::less<>>& all() const { return all_; }
  // {"violation_types": "2026.1", ...}: recorded in the ledger when a repository is created.
  Json Versions() const;

 private:
  std::map<std::string, Vocabulary, std::less<>> all_;
};

// The gazetteer's places, as place records ({"kind":"place","id":...} objects), parents first.
Result<std::vector<Json>> BuiltinGazetteer();

// ---- Validation ------------------------------------------------------------------------

// What validation needs to know about records outside the one being checked.
class RecordResolver {
 public:
  virtual ~RecordResolver() = default;
  // The kind of the record with this id, or nullopt if there is none.
  virtual Result<std::optional<Kind>> KindOf(std::string_view id) = 0;
};

// A record that passed validation, and what the store projects from it.
struct ValidRecord {
  Kind kind;
  std::string id;
  Json body;                      // normalised fields, without "kind" and "id"
  std::string type;               // the record's classifying term (violation, source type...)
  std::string place;              // the place it happened at / belongs to ("" if none)
  std::optional<FuzzyDate> date;  // when it happened, as a range
  // (field, referenced id) for every reference, to check integrity and answer "what refers to".
  std::vector<std::pair<std::string, std::string>> refs;
};

// Checks `body` (the fields of a record of `kind`; "kind" and "id" must not be among them)
// and returns the normalised record. On failure, the message starts with "field 'name': ".
Result<ValidRecord> Validate(Kind kind, std::string id, Json body, const Vocabularies& vocabularies,
                             RecordResolver& resolver);

// The projection of a record whose body is already valid and normalised (as read back from
// a ledger entry). Validate() ends with it, so a rebuild projects exactly what an append did.
Result<ValidRecord> Project(Kind kind, std::string id, Json body);

// The vocabulary of a kind's classifying field ("violation_types" for acts), or "" if none.
std::string_view TypeVocabulary(Kind kind);

// The fields of a kind that identify a person and are therefore sealed (encrypted) before a
// record reaches the ledger: a person's real names, date of birth, family, contacts, current
// whereabouts, photo and description. Empty for other kinds.
const std::vector<std::string_view>& SealedFields(Kind kind);
// The free-text fields of a kind, where passages marked sensitive may appear.
const std::vector<std::string_view>& TextFields(Kind kind);
// Every kind's fields as data, for clients that build forms (docs/formats/api.md, GET
// /api/v1/schema): {"kinds": {kind: {"fields": [{"name", "type", "required", "vocabulary",
// "kinds", "min", "max", "max_bytes", "sealed", "projected"}]}}}, members only when they apply.
const Json& SchemaJson();
// The field naming the person a record is about, whose data key seals its sensitive passages
// (a source's interviewee, an act's victim, a post's holder, a claim's subject when it is a
// person); "" for kinds without one. A person is its own subject.
std::string_view SubjectField(Kind kind);

// Rewrites every reference in a record body (ref and refs fields, claim grade sources): `map`
// returns the id to put in its place, or nullopt to remove the reference (an item of a list,
// or the whole field of a single reference). For exports that pseudonymise or withhold.
void MapReferences(Kind kind, Json& body,
                   const std::function<std::optional<std::string>(const std::string&)>& map);

// The names of the fields a kind accepts, for help texts and error hints.
std::vector<std::string> FieldNames(Kind kind);

}  // namespace custodian::model

#endif  // CUSTODIAN_MODEL_MODEL_H_
