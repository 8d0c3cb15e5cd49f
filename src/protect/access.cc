// Roles, the permission matrix, account names, passwords and API tokens.
#include <algorithm>
#include <array>

#include "protect/protect.h"

namespace custodian::protect {
namespace {

constexpr size_t kRoleCount = 5;
using Row = std::array<bool, kRoleCount>;  // admin, investigator, analyst, legal_officer, viewer

// The permission matrix. docs/user-guide.md shows it as a table; tests/protect check every
// cell through the repository.
Row Allowed(Action action) {
  constexpr bool Y = true, N = false;
  switch (action) {
    case Action::kReadRecords:
      return {Y, Y, Y, Y, Y};
    case Action::kWriteRecords:
      return {Y, Y, N, N, N};
    case Action::kWriteClaims:
      return {Y, Y, N, Y, N};
    case Action::kWriteDossiers:
      return {Y, Y, N, Y, N};
    case Action::kRevealIdentity:
      return {Y, Y, N, Y, N};
    case Action::kExportPublic:
      return {Y, Y, Y, Y, Y};
    case Action::kExportAnalyst:
      return {Y, Y, Y, Y, N};
    case Action::kExportDisclosure:
      return {Y, N, N, Y, N};
    case Action::kExportFull:
      return {Y, N, N, N, N};
    case Action::kReadLedger:
      return {Y, Y, Y, Y, N};
    case Action::kVerify:
      return {Y, Y, Y, Y, Y};
    case Action::kCheckpoint:
      return {Y, N, N, Y, N};
    case Action::kManageWitnesses:
      return {Y, N, N, N, N};
    case Action::kRebuild:
      return {Y, N, N, N, N};
    case Action::kManageAccounts:
      return {Y, N, N, N, N};
    case Action::kManageKeys:
      return {Y, N, N, N, N};
    case Action::kEraseIdentity:
      return {Y, N, N, N, N};
    case Action::kReadAudit:
      return {Y, N, N, Y, N};
    case Action::kLinkPersons:
      return {Y, Y, N, N, N};
    case Action::kReviewLinks:
      return {Y, Y, N, N, N};
  }
  return {};
}

}  // namespace

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kRoles = {Role::kAdmin, Role::kInvestigator, Role::kAnalyst,
                                           Role::kLegalOfficer, Role::kViewer};
  return kRoles;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kInvestigator:
      return "investigator";
    case Role::kAnalyst:
      return "analyst";
    case Role::kLegalOfficer:
      return "legal_officer";
    case Role::kViewer:
      return "viewer";
  }
  return "?";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role role : AllRoles()) {
    if (RoleName(role) == name) return role;
  }
  return InvalidArgumentError("'" + std::string(name.substr(0, 40)) +
                              "' is not a role; roles are admin, investigator, analyst, "
                              "legal_officer, viewer");
}

const std::vector<Action>& AllActions() {
  static const std::vector<Action> kActions = {
      Action::kReadRecords,     Action::kWriteRecords,     Action::kWriteClaims,
      Action::kWriteDossiers,   Action::kRevealIdentity,   Action::kExportPublic,
      Action::kExportAnalyst,   Action::kExportDisclosure, Action::kExportFull,
      Action::kReadLedger,      Action::kVerify,           Action::kCheckpoint,
      Action::kManageWitnesses, Action::kRebuild,          Action::kManageAccounts,
      Action::kManageKeys,      Action::kEraseIdentity,    Action::kReadAudit,
      Action::kLinkPersons,     Action::kReviewLinks};
  return kActions;
}

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kReadRecords:
      return "read records";
    case Action::kWriteRecords:
      return "add or amend records";
    case Action::kWriteClaims:
      return "add or amend claims";
    case Action::kWriteDossiers:
      return "add or amend dossiers";
    case Action::kRevealIdentity:
      return "reveal sealed identities";
    case Action::kExportPublic:
      return "export the public profile";
    case Action::kExportAnalyst:
      return "export the analyst profile";
    case Action::kExportDisclosure:
      return "export a disclosure package";
    case Action::kExportFull:
      return "export everything with identities";
    case Action::kReadLedger:
      return "read ledger entries and proofs";
    case Action::kVerify:
      return "verify the ledger";
    case Action::kCheckpoint:
      return "sign checkpoints";
    case Action::kManageWitnesses:
      return "manage witnesses";
    case Action::kRebuild:
      return "rebuild projections";
    case Action::kManageAccounts:
      return "manage accounts and grants";
    case Action::kManageKeys:
      return "manage repository keys";
    case Action::kEraseIdentity:
      return "erase identities";
    case Action::kReadAudit:
      return "read the access audit";
    case Action::kLinkPersons:
      return "run record linkage on sealed names";
    case Action::kReviewLinks:
      return "decide whether records are the same person";
  }
  return "?";
}

bool RoleAllows(Role role, Action action) { return Allowed(action)[static_cast<size_t>(role)]; }

bool NeedsClearance(Action action) {
  return action == Action::kRevealIdentity || action == Action::kExportDisclosure ||
         action == Action::kExportFull || action == Action::kLinkPersons;
}

Status Authorize(const Principal& who, Action action) {
  if (who.account.empty()) {
    return PermissionDeniedError(
        "not signed in: give an account (--as NAME) and its password "
        "or an API token");
  }
  if (!RoleAllows(who.role, action)) {
    return PermissionDeniedError("account '" + who.account + "' (" +
                                 std::string(RoleName(who.role)) + ") may not " +
                                 std::string(ActionName(action)));
  }
  if (NeedsClearance(action) && !who.clearance) {
    return PermissionDeniedError("account '" + who.account +
                                 "' has no identity clearance, "
                                 "which is needed to " +
                                 std::string(ActionName(action)) +
                                 "; an admin grants it (custodian account set NAME "
                                 "--clearance yes)");
  }
  return OkStatus();
}

Action WriteAction(model::Kind kind) {
  switch (kind) {
    case model::Kind::kClaim:
      return Action::kWriteClaims;
    case model::Kind::kDossier:
      return Action::kWriteDossiers;
    default:
      return Action::kWriteRecords;
  }
}

bool CanSeeDossier(const Principal& who, std::string_view id) {
  return who.role == Role::kAdmin || who.dossiers.contains(id);
}

Status CheckAccountName(std::string_view name) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), ok_char) &&
            name[0] != '.' && name[0] != '_' && name[0] != '-';
  if (!ok) {
    return InvalidArgumentError(
        "account names are 1-64 characters of a-z, 0-9, '.', '_', '-', "
        "starting with a letter or digit");
  }
  return OkStatus();
}

Status CheckPasswordStrength(std::string_view password) {
  // Characters, not bytes: a Korean passphrase of 12 syllables is as long as it looks.
  size_t characters = 0;
  for (char c : password) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (characters < 12) {
    return InvalidArgumentError(
        "a password needs at least 12 characters; a few unrelated "
        "words make a good one");
  }
  if (password.size() > 1024) return InvalidArgumentError("a password is at most 1024 bytes");
  return OkStatus();
}

std::string NewApiToken(Env& env) {
  std::array<uint8_t, 32> random{};
  env.RandomBytes(random);
  std::string b64 = crypto::Base64Encode({reinterpret_cast<const char*>(random.data()), 32});
  crypto::SecureWipe(random);
  // base64url without padding: tokens travel in HTTP headers and shell variables.
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "cst_" + b64;
}

std::string TokenDigest(std::string_view token) { return crypto::HexEncode(crypto::Sha256(token)); }

}  // namespace custodian::protect
