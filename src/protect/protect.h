// protect: who may do what, and how witness identities stay secret (DESIGN.md §3).
//
// Accounts and roles. Every operation of repo is one Action; RoleAllows() is the permission
// matrix (docs/user-guide.md prints it) and Authorize() the one place that turns a missing
// role, grant or clearance into PermissionDenied. Reading sealed fields needs the role *and*
// the separate identity clearance. Passwords are argon2id hashes; API tokens are 256-bit
// random strings stored as SHA-256 digests (a token is not guessable, so a fast hash is
// enough, and a stolen table of digests cannot be replayed).
//
// Keys (docs/formats/keys.md). A repository key (random, 256-bit) wraps one data key per
// person, and the pseudonym key. The repository key itself is stored only wrapped, in key
// slots: one per passphrase (argon2id-derived key) or key file. Rotating the repository key
// re-wraps the data keys, never the records. Erasing a person destroys its data key.
//
// Sealing. A record's identifying fields (model::SealedFields) and the passages of its text
// fields marked "[sensitive]...[/sensitive]" are encrypted together with XChaCha20-Poly1305
// under the data key of the record's subject person (model::SubjectField), into an envelope
// kept in the record body as "sealed"; each passage leaves "[sealed passage N]" behind. The
// envelope is bound to the record's kind and id and to the key's owner. Ledger entries hold
// only the envelope, so verifying the ledger needs no key.
//
// Thread-safety: everything here is a pure function of its arguments.
#ifndef CUSTODIAN_PROTECT_PROTECT_H_
#define CUSTODIAN_PROTECT_PROTECT_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "crypto/crypto.h"
#include "model/model.h"

namespace custodian::protect {

using Json = nlohmann::json;
using crypto::SecretKey;

// ---- Accounts, roles and permissions ---------------------------------------------------

enum class Role { kAdmin, kInvestigator, kAnalyst, kLegalOfficer, kViewer };
const std::vector<Role>& AllRoles();
std::string_view RoleName(Role role);  // "admin", "investigator", "analyst", "legal_officer", ...
Result<Role> ParseRole(std::string_view name);

enum class Action {
  kReadRecords,       // show, list, stats (sealed fields stay sealed)
  kWriteRecords,      // add, amend, import sources, persons, places, incidents, acts, ...
  kWriteClaims,       // add, amend claims
  kWriteDossiers,     // add, amend dossiers
  kRevealIdentity,    // read sealed fields (also needs clearance)
  kExportPublic,      // export --profile public
  kExportAnalyst,     // export --profile analyst
  kExportDisclosure,  // export --profile disclosure (also needs clearance and a dossier grant)
  kExportFull,        // export --profile full (also needs clearance): the complete backup
  kReadLedger,        // log, prove, bundle
  kVerify,            // verify
  kCheckpoint,        // checkpoint, import cosignatures
  kManageWitnesses,   // witness add
  kRebuild,           // rebuild
  kManageAccounts,    // accounts, roles, clearance, dossier grants
  kManageKeys,        // key slots, repository key rotation
  kEraseIdentity,     // erase-identity
  kReadAudit,         // audit
  kLinkPersons,       // link run: score pairs of persons on their sealed names (needs clearance)
  kReviewLinks,       // link decide / revoke: say whether two records are the same person
};
const std::vector<Action>& AllActions();
std::string_view ActionName(Action action);  // "write records": for messages and docs

// The permission matrix.
bool RoleAllows(Role role, Action action);
// Actions that also need the account's identity clearance.
bool NeedsClearance(Action action);

// The account an operation runs as, as established by authentication.
struct Principal {
  std::string account;
  Role role = Role::kViewer;
  bool clearance = false;
  std::set<std::string, std::less<>> dossiers;  // dossiers granted to the account
};

// OK, or PermissionDenied saying who lacks what.
Status Authorize(const Principal& who, Action action);
// The write action for records of `kind`.
Action WriteAction(model::Kind kind);
// Whether `who` may see dossier `id` (admins see all; others need a grant).
bool CanSeeDossier(const Principal& who, std::string_view id);

// Account names: 1-64 of [a-z0-9._-], starting with a letter or digit.
Status CheckAccountName(std::string_view name);
// At least 12 characters (NIST SP 800-63B: length over composition rules), at most 1024.
Status CheckPasswordStrength(std::string_view password);

// A new API token: "cst_" + 43 base64url characters (256 random bits).
std::string NewApiToken(Env& env);
// What is stored of a token: its SHA-256, hex.
std::string TokenDigest(std::string_view token);

// ---- Keys ------------------------------------------------------------------------------

// A key slot holds the repository key wrapped under a key that a passphrase or key file gives.
struct KeySlot {
  int64_t id = 0;
  std::string kind;  // "passphrase" or "key-file"
  std::string salt;  // argon2id salt (passphrase slots)
  crypto::Argon2Params params;
  std::string wrapped;  // AEAD of the repository key
};

// A secret that opens a key slot.
struct Unlocker {
  std::string passphrase;     // for passphrase slots
  std::string key_file_text;  // the contents of a key file, for key-file slots
  bool empty() const { return passphrase.empty() && key_file_text.empty(); }
};

Result<KeySlot> NewPassphraseSlot(const SecretKey& repository_key, std::string_view passphrase,
                                  const crypto::Argon2Params& params, Env& env);
Result<KeySlot> NewKeyFileSlot(const SecretKey& repository_key, std::string_view key_file_text,
                               Env& env);
// The repository key, if `unlocker` opens `slot`; PermissionDenied if it does not.
Result<SecretKey> OpenSlot(const KeySlot& slot, const Unlocker& unlocker);

// A key file: "custodian-key-file-v1\n" + base64 of 32 random bytes + "\n". Whoever holds it
// can unlock the repository, so keep it off the machine that holds the data.
std::string NewKeyFileText(Env& env);

// A data (or pseudonym) key wrapped under the repository key, bound to what it is for.
std::string WrapKey(const SecretKey& repository_key, const SecretKey& key, std::string_view purpose,
                    Env& env);
Result<SecretKey> UnwrapKey(const SecretKey& repository_key, std::string_view wrapped,
                            std::string_view purpose);
// The purposes keys are bound to.
std::string DataKeyPurpose(std::string_view owner);  // the record id the key belongs to
inline constexpr std::string_view kPseudonymKeyPurpose = "pseudonyms";

// A short public fingerprint of a repository key, to tell key generations apart in the
// ledger without revealing anything: the first 8 bytes of HMAC(key, "custodian key
// fingerprint"), hex.
std::string KeyFingerprint(const SecretKey& repository_key);

// ---- Sealing ---------------------------------------------------------------------------

inline constexpr std::string_view kEnvelopeField = "sealed";

// The id of the record whose data key seals `body` (the subject person, else itself).
std::string KeyOwner(model::Kind kind, const std::string& id, const Json& body);
// Whether a validated body holds anything to seal.
bool HasSealableContent(model::Kind kind, const Json& body);
// Checks the "[sensitive]" markup of a record's text fields: balanced, not nested, and no
// text that could be mistaken for a sealed passage. InvalidArgument names the field.
Status CheckPassageMarkup(model::Kind kind, const Json& body);
// Moves the sealed fields and sensitive passages of a validated body into an envelope under
// `data_key` (which belongs to `owner`). A body with nothing to seal is returned unchanged.
Result<Json> Seal(model::Kind kind, const std::string& id, Json body, const std::string& owner,
                  const SecretKey& data_key, Env& env);
// The owner of the key an envelope was sealed under ("" if the body has no envelope).
std::string EnvelopeOwner(const Json& body);
// The body as it was before Seal. DataLoss if the envelope was altered or moved to another
// record, or the key is wrong.
Result<Json> Unseal(model::Kind kind, const std::string& id, Json body, const SecretKey& data_key);
// The body as one without clearance sees it: the envelope is replaced by the list of the
// fields it hides ({"sealed": ["born", "names", "transcript (2 passages)"]}); sealed passages
// read "[sealed passage N]".
Json Redact(Json body);

// The body of a record whose data key was erased: the envelope is dropped and each sealed
// passage reads "[erased passage N]", so the rest can still be exported and imported.
Json WithoutErased(model::Kind kind, Json body);

// A person's stable pseudonym: "P-" + 12 Crockford base32 characters of HMAC(key, id), in
// groups of four ("P-7K3M-9Q2X-4V1Z"). The same person always gets the same pseudonym; without
// the key no one can tell which id a pseudonym stands for.
std::string Pseudonym(const SecretKey& pseudonym_key, std::string_view person_id);

// ---- Export profiles -------------------------------------------------------------------

enum class Profile {
  kPublic,      // for a public report: pseudonyms, no identities, no transcripts, consented
                // sources only, no dossiers
  kAnalyst,     // for analysis: pseudonyms, no identities, sealed passages withheld
  kDisclosure,  // for a prosecutor: one dossier and what it rests on, identities revealed
  kFull,        // everything, identities revealed: a backup that imports into a new repository
};
Result<Profile> ParseProfile(std::string_view name);
std::string_view ProfileName(Profile profile);
Action ExportAction(Profile profile);
bool RevealsIdentities(Profile profile);

// Turns a record document ({"kind", "id", fields...}; unsealed for profiles that reveal
// identities, Redact()ed otherwise) into what `profile` exports, or nullopt to leave it out.
// `withheld(id)` says whether a referenced record is left out of this export (references to
// it are removed); `pseudonym(id)` gives a person's pseudonym.
std::optional<Json> ApplyProfile(Profile profile, Json document,
                                 const std::function<bool(const std::string&)>& withheld,
                                 const std::function<std::string(const std::string&)>& pseudonym);
// Whether a record is left out of a public or analyst export by itself (before references).
bool WithheldByProfile(Profile profile, model::Kind kind, const Json& body);

}  // namespace custodian::protect

#endif  // CUSTODIAN_PROTECT_PROTECT_H_
