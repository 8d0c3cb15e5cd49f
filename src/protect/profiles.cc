// Export profiles: what leaves the repository for whom (docs/user-guide.md, "Exports").
#include "protect/protect.h"

namespace custodian::protect {
namespace {

// Fields a public report never carries: who was interviewed where and what they said, and
// a person's home county (with sex and age it narrows a village down to a family).
void DropPublicFields(model::Kind kind, Json& body) {
  auto drop = [&](std::initializer_list<const char*> fields) {
    for (const char* f : fields) body.erase(f);
  };
  switch (kind) {
    case model::Kind::kSource:
      drop({"transcript", "summary", "interviewer", "interviewee", "location"});
      break;
    case model::Kind::kPerson:
      drop({"origin"});
      break;
    case model::Kind::kClaim:
      if (body.contains("sources")) {
        for (Json& grade : body["sources"]) grade.erase("excerpt");
      }
      break;
    default:
      break;
  }
}

}  // namespace

Result<Profile> ParseProfile(std::string_view name) {
  for (Profile p : {Profile::kPublic, Profile::kAnalyst, Profile::kDisclosure, Profile::kFull}) {
    if (ProfileName(p) == name) return p;
  }
  return InvalidArgumentError("'" + std::string(name.substr(0, 40)) +
                              "' is not an export profile; profiles are public, analyst, "
                              "disclosure, full");
}

std::string_view ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kPublic:
      return "public";
    case Profile::kAnalyst:
      return "analyst";
    case Profile::kDisclosure:
      return "disclosure";
    case Profile::kFull:
      return "full";
  }
  return "?";
}

Action ExportAction(Profile profile) {
  switch (profile) {
    case Profile::kPublic:
      return Action::kExportPublic;
    case Profile::kAnalyst:
      return Action::kExportAnalyst;
    case Profile::kDisclosure:
      return Action::kExportDisclosure;
    case Profile::kFull:
      return Action::kExportFull;
  }
  return Action::kExportFull;
}

bool RevealsIdentities(Profile profile) {
  return profile == Profile::kDisclosure || profile == Profile::kFull;
}

bool WithheldByProfile(Profile profile, model::Kind kind, const Json& body) {
  if (profile != Profile::kPublic) return false;
  if (kind == model::Kind::kDossier) return true;
  if (kind == model::Kind::kSource) {
    auto consent = body.find("consent_to_share");
    return consent == body.end() || *consent != true;
  }
  return false;
}

std::optional<Json> ApplyProfile(Profile profile, Json document,
                                 const std::function<bool(const std::string&)>& withheld,
                                 const std::function<std::string(const std::string&)>& pseudonym) {
  if (RevealsIdentities(profile)) return document;
  Result<model::Kind> kind = model::ParseKind(document.value("kind", ""));
  if (!kind.ok()) return std::nullopt;
  std::string id = document.value("id", "");
  if (WithheldByProfile(profile, *kind, document) || withheld(id)) return std::nullopt;
  document.erase(kEnvelopeField);  // a redacted body lists sealed fields; nothing to export
  model::MapReferences(*kind, document, [&](const std::string& ref) -> std::optional<std::string> {
    if (withheld(ref)) return std::nullopt;
    Result<model::Kind> ref_kind = model::KindOfId(ref);
    if (ref_kind.ok() && *ref_kind == model::Kind::kPerson) return pseudonym(ref);
    return ref;
  });
  if (*kind == model::Kind::kPerson) document["id"] = pseudonym(id);
  if (profile == Profile::kPublic) DropPublicFields(*kind, document);
  return document;
}

}  // namespace custodian::protect
