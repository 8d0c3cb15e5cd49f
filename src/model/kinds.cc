// Record kinds: names, id prefixes and dependency order.
#include <array>

#include "model/model.h"

namespace custodian::model {
namespace {

struct KindInfo {
  Kind kind;
  std::string_view name;
  std::string_view prefix;
};

constexpr std::array<KindInfo, 9> kKinds = {{
    {Kind::kPlace, "place", "plc"},
    {Kind::kOrganization, "organization", "org"},
    {Kind::kPerson, "person", "per"},
    {Kind::kSource, "source", "src"},
    {Kind::kIncident, "incident", "inc"},
    {Kind::kAct, "act", "act"},
    {Kind::kPost, "post", "pst"},
    {Kind::kClaim, "claim", "clm"},
    {Kind::kDossier, "dossier", "dos"},
}};

const KindInfo& Info(Kind kind) {
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) return info;
  }
  std::abort();  // every enumerator is in the table
}

std::string KindList() {
  std::string out;
  for (const KindInfo& info : kKinds) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

}  // namespace

const std::vector<Kind>& AllKinds() {
  static const std::vector<Kind>* kinds = [] {
    auto* v = new std::vector<Kind>;
    for (const KindInfo& info : kKinds) v->push_back(info.kind);
    return v;
  }();
  return *kinds;
}

std::string_view KindName(Kind kind) { return Info(kind).name; }
std::string_view KindPrefix(Kind kind) { return Info(kind).prefix; }

Result<Kind> ParseKind(std::string_view name) {
  for (const KindInfo& info : kKinds) {
    if (info.name == name) return info.kind;
  }
  return InvalidArgumentError("unknown kind '" + std::string(name.substr(0, 40)) +
                              "'; expected one of " + KindList());
}

Result<Kind> KindOfId(std::string_view id) {
  size_t dash = id.find('-');
  std::string_view prefix = id.substr(0, dash);
  for (const KindInfo& info : kKinds) {
    if (info.prefix == prefix && dash != std::string_view::npos) return info.kind;
  }
  return InvalidArgumentError("'" + std::string(id.substr(0, 70)) +
                              "' is not a record id; ids look like act-7k3m9q2x4v1z");
}

}  // namespace custodian::model
