// One-line descriptions of records, for lists and search results (the CLI's and the API's).
#include "base/fuzzy_date.h"
#include "repo/repo.h"

namespace custodian::repo {
namespace {

std::string FirstName(const Json& body) {
  if (!body.contains("names") || !body["names"].is_array() || body["names"].empty()) return "";
  return body["names"][0].value("text", "");
}

}  // namespace

std::string DescribeDate(const Json& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string()) return "";
  Result<FuzzyDate> date = ParseFuzzyDate(it->get<std::string>());
  return date.ok() ? date->Describe() : it->get<std::string>();
}

std::string Describe(const Record& r, const model::Vocabularies& vocab) {
  const Json& b = r.body;
  std::string text;
  switch (r.kind) {
    case model::Kind::kPlace:
      text = FirstName(b) + " (" + vocab.Label("place_types", b.value("type", "")) + ")";
      break;
    case model::Kind::kOrganization:
      text = FirstName(b);
      break;
    case model::Kind::kPerson:
      // Unrevealed, a person is its pseudonym (and any name already public).
      text = r.revealed ? FirstName(b) : r.pseudonym;
      if (!r.revealed && b.contains("public_names") && b["public_names"].is_array() &&
          !b["public_names"].empty()) {
        text += (text.empty() ? "" : " ") + b["public_names"][0].value("text", "");
      }
      if (b.contains("born") && r.revealed) text += " born " + DescribeDate(b, "born");
      break;
    case model::Kind::kSource:
      text = vocab.Label("source_types", b.value("type", "")) + ": " + b.value("title", "");
      break;
    case model::Kind::kIncident:
      text = b.value("title", "");
      break;
    case model::Kind::kAct:
      text = vocab.Label("violation_types", b.value("violation", "")) + "; victim " +
             b.value("victim", "");
      break;
    case model::Kind::kPost:
      text = b.value("title", "post") + " of " + b.value("person", "") + " in " +
             b.value("organization", "");
      break;
    case model::Kind::kClaim:
      text = b.value("statement", "");
      break;
    case model::Kind::kDossier:
      text = b.value("title", "");
      break;
  }
  std::string date = DescribeDate(b, "date");
  if (!date.empty()) text += "; " + date;
  return text;
}

std::string DescribeFacetValue(Repository& repo, search::Facet facet, const std::string& value) {
  switch (facet) {
    case search::Facet::kViolationType:
      return repo.vocabularies().Label("violation_types", value);
    case search::Facet::kSourceType:
      return repo.vocabularies().Label("source_types", value);
    case search::Facet::kGrade:
      return repo.vocabularies().Label("reliability", value);
    case search::Facet::kPlace:
    case search::Facet::kUnit: {
      Result<Record> record = repo.Get(value);
      std::string name = record.ok() ? FirstName(record->body) : "";
      return name.empty() ? value : name;
    }
    case search::Facet::kKind:
      return value;
  }
  return value;
}

}  // namespace custodian::repo
