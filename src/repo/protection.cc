// Repository: accounts and sign-in, the key ring, sealing and revealing identities, the
// access audit, erasure and key rotation (docs/formats/keys.md, docs/user-guide.md).
#include <algorithm>

#include "base/canonical_json.h"
#include "repo/internal.h"
#include "store/store.h"

namespace custodian::repo {
namespace {

constexpr const char* kPseudonymKeyMeta = "pseudonym_key";
constexpr const char* kFingerprintMeta = "key_fingerprint";

// Verified against when an account does not exist, so that a wrong name costs as long as a
// wrong password and sign-in times do not tell which accounts exist. Not a secret; its cost
// (t, m) must stay that of crypto::DefaultArgon2Params.
constexpr const char* kTimingHash =
    "$argon2id$v=19$m=131072,t=4,p=1$7sEM5n0sDoShNZnfx3UTwA$"
    "6FaZYjXnnXQb1GppmdXTcl/iEp6TmQhDl7Qf5qlGPLE";

store::Store::KeySlotRow ToRow(const protect::KeySlot& slot) {
  return {.id = slot.id,
          .kind = slot.kind,
          .salt = slot.salt,
          .ops = slot.params.ops,
          .memory = slot.params.memory_bytes,
          .wrapped = slot.wrapped};
}

protect::KeySlot FromRow(const store::Store::KeySlotRow& row) {
  return {.id = row.id,
          .kind = row.kind,
          .salt = row.salt,
          .params = {.ops = row.ops, .memory_bytes = static_cast<size_t>(row.memory)},
          .wrapped = row.wrapped};
}

// New key slots for each secret `unlock` holds.
Result<std::vector<protect::KeySlot>> SlotsFor(const crypto::SecretKey& repository_key,
                                               const protect::Unlocker& unlock,
                                               const crypto::Argon2Params& kdf, Env& env) {
  if (unlock.empty()) {
    return InvalidArgumentError("a repository needs a passphrase or a key file to unlock it");
  }
  std::vector<protect::KeySlot> out;
  if (!unlock.passphrase.empty()) {
    ASSIGN_OR_RETURN(out.emplace_back(),
                     protect::NewPassphraseSlot(repository_key, unlock.passphrase, kdf, env));
  }
  if (!unlock.key_file_text.empty()) {
    ASSIGN_OR_RETURN(out.emplace_back(),
                     protect::NewKeyFileSlot(repository_key, unlock.key_file_text, env));
  }
  return out;
}

}  // namespace

Status CheckFreeText(std::string_view what, const std::string& text) {
  if (text.empty()) return InvalidArgumentError(std::string(what) + " is required");
  if (text.size() > 1000) return InvalidArgumentError(std::string(what) + " is over 1000 bytes");
  if (text.find_first_of(std::string_view("\0\n\r", 3)) != std::string::npos) {
    return InvalidArgumentError(std::string(what) + " must be one line");
  }
  return OkStatus();
}

Status LockedError(std::string_view need) {
  return FailedPreconditionError(
      "the repository is locked: to " + std::string(need) +
      ", unlock it with its passphrase ($CUSTODIAN_PASSPHRASE or the prompt) or key file "
      "(--key-file, $CUSTODIAN_KEY_FILE)");
}

// ---- KeyRing (repo/internal.h) ----

Status KeyRing::Unlock(crypto::SecretKey repository_key, store::Store& store) {
  ASSIGN_OR_RETURN(std::optional<std::string> fingerprint, store.GetMeta(kFingerprintMeta));
  if (!fingerprint || *fingerprint != protect::KeyFingerprint(repository_key)) {
    return DataLossError("the key slot opened a key that is not this repository's key");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> wrapped64, store.GetMeta(kPseudonymKeyMeta));
  if (!wrapped64) return DataLossError("the repository has no pseudonym key");
  ASSIGN_OR_RETURN(std::string wrapped, crypto::Base64DecodePublic(*wrapped64));
  ASSIGN_OR_RETURN(crypto::SecretKey pseudonym_key,
                   protect::UnwrapKey(repository_key, wrapped, protect::kPseudonymKeyPurpose));
  repository_key_.emplace(std::move(repository_key));
  pseudonym_key_.emplace(std::move(pseudonym_key));
  return OkStatus();
}

Result<const crypto::SecretKey*> KeyRing::DataKey(store::Store& store, const std::string& owner,
                                                  bool create, std::string* created_wrapped,
                                                  Env& env) {
  if (auto it = data_keys_.find(owner); it != data_keys_.end()) return &it->second;
  if (auto it = pending_.find(owner); it != pending_.end()) return &it->second;
  if (!unlocked()) return LockedError("open the sealed fields of " + owner);
  ASSIGN_OR_RETURN(std::optional<std::string> wrapped, store.GetDataKey(owner));
  if (wrapped) {
    ASSIGN_OR_RETURN(crypto::SecretKey key, protect::UnwrapKey(*repository_key_, *wrapped,
                                                               protect::DataKeyPurpose(owner)));
    return &data_keys_.emplace(owner, std::move(key)).first->second;
  }
  if (!create) return DataLossError("the data key of " + owner + " is missing");
  crypto::SecretKey key = crypto::SecretKey::Generate(env);
  *created_wrapped = protect::WrapKey(*repository_key_, key, protect::DataKeyPurpose(owner), env);
  return &pending_.emplace(owner, std::move(key)).first->second;
}

void KeyRing::Promote() {
  for (auto& [owner, key] : pending_) data_keys_.insert_or_assign(owner, std::move(key));
  pending_.clear();
}

void KeyRing::DropPending() { pending_.clear(); }

void KeyRing::Forget(const std::string& owner) {
  data_keys_.erase(owner);
  pending_.erase(owner);
}

bool Repository::unlocked() const { return keys_->unlocked(); }

// ---- Authorization ----

Status Repository::Authorize(protect::Action action) const {
  return protect::Authorize(principal_, action);
}

Status Repository::CheckDossierVisible(const std::string& id) const {
  Result<model::Kind> kind = model::KindOfId(id);
  if (kind.ok() && *kind == model::Kind::kDossier && !protect::CanSeeDossier(principal_, id)) {
    return PermissionDeniedError("dossier " + id + " is not granted to account '" +
                                 principal_.account + "'; an admin grants it");
  }
  return OkStatus();
}

Result<protect::Principal> Repository::LoadPrincipal(const std::string& account) {
  ASSIGN_OR_RETURN(std::optional<store::Store::AccountRow> row, store_->GetAccount(account));
  if (!row) return PermissionDeniedError("wrong account or password");
  if (row->disabled) return PermissionDeniedError("account '" + account + "' is disabled");
  protect::Principal who{.account = row->name, .clearance = row->clearance};
  ASSIGN_OR_RETURN(who.role, protect::ParseRole(row->role));
  ASSIGN_OR_RETURN(std::vector<std::string> dossiers, store_->ListGrants(account));
  who.dossiers.insert(dossiers.begin(), dossiers.end());
  return who;
}

Status Repository::SignIn(const std::string& account, const std::string& password) {
  principal_ = {};
  ASSIGN_OR_RETURN(std::optional<std::string> hash, store_->GetPasswordHash(account));
  bool match = crypto::VerifyPassword(hash.value_or(kTimingHash), password);
  if (!hash || !match) return PermissionDeniedError("wrong account or password");
  ASSIGN_OR_RETURN(principal_, LoadPrincipal(account));
  return OkStatus();
}

Status Repository::SignInWithToken(const std::string& token) {
  principal_ = {};
  const Status wrong = PermissionDeniedError("the API token is not valid (revoked, or mistyped)");
  if (!token.starts_with("cst_")) return wrong;
  const std::string digest = protect::TokenDigest(token);
  ASSIGN_OR_RETURN(std::optional<store::Store::TokenRow> row, store_->FindToken(digest));
  if (!row || !crypto::ConstantTimeEqual(
                  {reinterpret_cast<const uint8_t*>(row->digest.data()), row->digest.size()},
                  {reinterpret_cast<const uint8_t*>(digest.data()), digest.size()})) {
    return wrong;
  }
  if (row->expires <= FormatTimestamp(options_.env->NowMicros())) {
    return PermissionDeniedError("the API token expired at " + row->expires +
                                 ": make a new one (custodian token create)");
  }
  ASSIGN_OR_RETURN(principal_, LoadPrincipal(row->account));
  return OkStatus();
}

Status Repository::ResumeSession(const std::string& account) {
  principal_ = {};
  ASSIGN_OR_RETURN(principal_, LoadPrincipal(account));
  return OkStatus();
}

Status Repository::Unlock(const protect::Unlocker& unlocker) {
  if (unlocker.empty()) return InvalidArgumentError("give a passphrase or a key file to unlock");
  ASSIGN_OR_RETURN(std::vector<store::Store::KeySlotRow> rows, store_->ListKeySlots());
  Status last = PermissionDeniedError(
      "no key slot of this repository takes " +
      std::string(unlocker.passphrase.empty() ? "a key file" : "a passphrase"));
  for (const store::Store::KeySlotRow& row : rows) {
    bool applicable =
        row.kind == "passphrase" ? !unlocker.passphrase.empty() : !unlocker.key_file_text.empty();
    if (!applicable) continue;
    Result<crypto::SecretKey> key = protect::OpenSlot(FromRow(row), unlocker);
    if (key.ok()) return keys_->Unlock(std::move(key).value(), *store_);
    last = key.status();
  }
  return last;
}

Status Repository::UnlockLike(const Repository& other) {
  if (!other.keys_->unlocked()) return LockedError("share its key");
  ASSIGN_OR_RETURN(crypto::SecretKey key,
                   crypto::SecretKey::FromBytes(other.keys_->repository_key().bytes()));
  return keys_->Unlock(std::move(key), *store_);  // checks the key is this repository's
}

// ---- Events: non-record ledger entries ----

Result<uint64_t> Repository::AppendEvent(Transaction& txn, Json entry) {
  const uint64_t seq = txn.log().size();
  entry["seq"] = seq;
  entry["at"] = FormatTimestamp(options_.env->NowMicros());
  entry["by"] = principal_.account;
  ASSIGN_OR_RETURN(uint64_t appended, txn.log().Append(CanonicalJson(entry)));
  if (appended != seq) return InternalError("event landed at an unexpected position");
  RETURN_IF_ERROR(ApplyProjection(seq, entry));
  return seq;
}

Status Repository::WriteAccount(Transaction& txn, const AccountInfo& account) {
  return AppendEvent(txn, {{"op", "account"},
                           {"account", account.name},
                           {"role", std::string(protect::RoleName(account.role))},
                           {"clearance", account.clearance},
                           {"disabled", account.disabled}})
      .status();
}

// ---- Accounts ----

Status Repository::CreateAccount(const std::string& name, protect::Role role, bool clearance,
                                 const std::string& password) {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageAccounts));
  RETURN_IF_ERROR(protect::CheckAccountName(name));
  RETURN_IF_ERROR(protect::CheckPasswordStrength(password));
  ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password, options_.kdf));
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(std::optional<store::Store::AccountRow> existing, store_->GetAccount(name));
  if (existing) return AlreadyExistsError("account '" + name + "' already exists");
  RETURN_IF_ERROR(WriteAccount(txn, {.name = name, .role = role, .clearance = clearance}));
  RETURN_IF_ERROR(store_->SetPasswordHash(name, hash));
  return txn.Commit();
}

Status Repository::ChangeAccount(const std::string& name, const AccountChange& change) {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageAccounts));
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(std::vector<store::Store::AccountRow> rows, store_->ListAccounts());
  auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.name == name; });
  if (it == rows.end()) return NotFoundError("no account '" + name + "'");
  ASSIGN_OR_RETURN(protect::Role role, protect::ParseRole(it->role));
  AccountInfo next{.name = name,
                   .role = change.role.value_or(role),
                   .clearance = change.clearance.value_or(it->clearance),
                   .disabled = change.disabled.value_or(it->disabled)};
  if (next.role == role && next.clearance == it->clearance && next.disabled == it->disabled) {
    return InvalidArgumentError("the change leaves account '" + name + "' as it is");
  }
  // Nobody could manage accounts or keys again.
  bool other_admin = std::any_of(rows.begin(), rows.end(), [&](const auto& r) {
    return r.name != name && r.role == "admin" && !r.disabled;
  });
  if (!other_admin && (next.role != protect::Role::kAdmin || next.disabled)) {
    return FailedPreconditionError("'" + name + "' is the last admin; make another admin first");
  }
  RETURN_IF_ERROR(WriteAccount(txn, next));
  return txn.Commit();
}

Status Repository::SetPassword(const std::string& name, const std::string& password) {
  if (name != principal_.account) RETURN_IF_ERROR(Authorize(protect::Action::kManageAccounts));
  if (principal_.account.empty()) return Authorize(protect::Action::kReadRecords);
  RETURN_IF_ERROR(protect::CheckPasswordStrength(password));
  ASSIGN_OR_RETURN(std::optional<store::Store::AccountRow> row, store_->GetAccount(name));
  if (!row) return NotFoundError("no account '" + name + "'");
  ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password, options_.kdf));
  return store_->SetPasswordHash(name, hash);
}

Result<std::vector<AccountInfo>> Repository::Accounts() {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  const bool admin = protect::RoleAllows(principal_.role, protect::Action::kManageAccounts);
  ASSIGN_OR_RETURN(std::vector<store::Store::AccountRow> rows, store_->ListAccounts());
  std::vector<AccountInfo> out;
  for (const store::Store::AccountRow& row : rows) {
    if (!admin && row.name != principal_.account) continue;  // others see only themselves
    AccountInfo& info = out.emplace_back();
    info.name = row.name;
    ASSIGN_OR_RETURN(info.role, protect::ParseRole(row.role));
    info.clearance = row.clearance;
    info.disabled = row.disabled;
    info.seq = row.seq;
    ASSIGN_OR_RETURN(info.dossiers, store_->ListGrants(row.name));
  }
  return out;
}

Status Repository::Grant(const std::string& account, const std::string& dossier, bool granted) {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageAccounts));
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(std::optional<store::Store::AccountRow> row, store_->GetAccount(account));
  if (!row) return NotFoundError("no account '" + account + "'");
  ASSIGN_OR_RETURN(std::optional<store::RecordRow> record, store_->GetRecord(dossier));
  if (!record || record->kind != "dossier") return NotFoundError("no dossier " + dossier);
  RETURN_IF_ERROR(
      AppendEvent(
          txn, {{"op", "grant"}, {"account", account}, {"dossier", dossier}, {"granted", granted}})
          .status());
  return txn.Commit();
}

Result<std::string> Repository::CreateToken(const std::string& label, int days) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  RETURN_IF_ERROR(CheckFreeText("a token label", label));
  if (days < 1 || days > kMaxTokenDays) {
    return InvalidArgumentError("a token is valid for 1 to " + std::to_string(kMaxTokenDays) +
                                " days, not " + std::to_string(days));
  }
  std::string token = protect::NewApiToken(*options_.env);
  const int64_t now = options_.env->NowMicros();
  constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
  RETURN_IF_ERROR(store_->AddToken({.digest = protect::TokenDigest(token),
                                    .account = principal_.account,
                                    .label = label,
                                    .created = FormatTimestamp(now),
                                    .expires = FormatTimestamp(now + days * kMicrosPerDay)}));
  return token;
}

Result<std::vector<Repository::TokenInfo>> Repository::Tokens(const std::string& account) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  if (account != principal_.account) RETURN_IF_ERROR(Authorize(protect::Action::kManageAccounts));
  ASSIGN_OR_RETURN(std::vector<store::Store::TokenRow> rows, store_->ListTokens(account));
  std::vector<TokenInfo> out;
  for (auto& row : rows)
    out.push_back({std::move(row.digest), std::move(row.label), std::move(row.created),
                   std::move(row.expires)});
  return out;
}

Result<int64_t> Repository::RevokeTokens(const std::string& account,
                                         const std::string& digest_prefix) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  if (account != principal_.account) RETURN_IF_ERROR(Authorize(protect::Action::kManageAccounts));
  if (digest_prefix.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return InvalidArgumentError("a token is named by the start of its digest (hex)");
  }
  return store_->DeleteTokens(account, digest_prefix);
}

// ---- Sealing ----

Status Repository::SealRecord(store::Store& store, model::ValidRecord& record,
                              NewDataKey* new_key) {
  if (!protect::HasSealableContent(record.kind, record.body)) {
    return protect::CheckPassageMarkup(record.kind, record.body);  // Seal checks it otherwise
  }
  const std::string owner = protect::KeyOwner(record.kind, record.id, record.body);
  ASSIGN_OR_RETURN(std::optional<uint64_t> erased, store.GetErasure(owner));
  if (erased) {
    return FailedPreconditionError("the identity of " + owner + " was erased (ledger entry " +
                                   std::to_string(*erased) +
                                   "); nothing can be sealed under it again");
  }
  if (!keys_->unlocked()) return LockedError("seal identifying fields");
  std::string created;
  ASSIGN_OR_RETURN(const crypto::SecretKey* key,
                   keys_->DataKey(store, owner, /*create=*/true, &created, *options_.env));
  if (!created.empty()) *new_key = {owner, std::move(created)};
  ASSIGN_OR_RETURN(record.body, protect::Seal(record.kind, record.id, std::move(record.body), owner,
                                              *key, *options_.env));
  return OkStatus();
}

Result<Json> Repository::UnsealBody(store::Store& store, const Record& record) {
  const std::string owner = protect::EnvelopeOwner(record.body);
  if (owner.empty()) return record.body;
  ASSIGN_OR_RETURN(std::optional<uint64_t> erased, store.GetErasure(owner));
  if (erased) {
    return FailedPreconditionError("the sealed fields of " + record.id +
                                   " were erased with the identity of " + owner +
                                   " (ledger entry " + std::to_string(*erased) + ")");
  }
  std::string unused;
  ASSIGN_OR_RETURN(const crypto::SecretKey* key,
                   keys_->DataKey(store, owner, /*create=*/false, &unused, *options_.env));
  return protect::Unseal(record.kind, record.id, record.body, *key);
}

Result<Json> Repository::ClearFields(store::Store& store, const Record& record) {
  const std::string owner = protect::EnvelopeOwner(record.body);
  if (owner.empty()) return record.body;
  ASSIGN_OR_RETURN(std::optional<uint64_t> erased, store.GetErasure(owner));
  if (erased) return protect::WithoutErased(record.kind, record.body);
  return UnsealBody(store, record);
}

Result<Record> Repository::View(Record record) {
  if (record.kind == model::Kind::kPerson && keys_->unlocked()) {
    record.pseudonym = protect::Pseudonym(keys_->pseudonym_key(), record.id);
  }
  const std::string owner = protect::EnvelopeOwner(record.body);
  if (!owner.empty()) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> erased, store_->GetErasure(owner));
    record.erased_by = erased.value_or(0);
  }
  record.body = protect::Redact(std::move(record.body));
  return record;
}

Result<Record> Repository::Reveal(const std::string& id, const std::string& purpose,
                                  std::optional<int64_t> version) {
  RETURN_IF_ERROR(Authorize(protect::Action::kRevealIdentity));
  RETURN_IF_ERROR(CheckFreeText("a purpose (why you need to see this identity)", purpose));
  RETURN_IF_ERROR(CheckDossierVisible(id));
  ASSIGN_OR_RETURN(Record record, ReadRecord(id, version));
  if (protect::EnvelopeOwner(record.body).empty()) return View(std::move(record));
  if (!keys_->unlocked()) return LockedError("reveal the sealed fields of " + id);
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(Json clear, UnsealBody(*store_, record));
  // The access is on the record before anyone sees the fields.
  RETURN_IF_ERROR(AppendEvent(txn, {{"op", "access"},
                                    {"scope", "show"},
                                    {"records", Json::array({id})},
                                    {"version", record.version},
                                    {"purpose", purpose}})
                      .status());
  RETURN_IF_ERROR(txn.Commit());
  if (record.kind == model::Kind::kPerson) {
    record.pseudonym = protect::Pseudonym(keys_->pseudonym_key(), record.id);
  }
  record.body = std::move(clear);
  record.revealed = true;
  return record;
}

Result<std::vector<AccessEvent>> Repository::Audit(const std::string& record,
                                                   const std::string& account, int64_t limit,
                                                   uint64_t before) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadAudit));
  ASSIGN_OR_RETURN(std::vector<uint64_t> seqs,
                   store_->ListAccesses(record, account, limit, before));
  std::vector<AccessEvent> out;
  for (uint64_t seq : seqs) {
    ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, seq));
    AccessEvent& event = out.emplace_back();
    event.seq = seq;
    event.at = entry.value("at", "");
    event.account = entry.value("by", "");
    event.scope = entry.value("scope", "");
    event.purpose = entry.value("purpose", "");
    for (const Json& id : entry.value("records", Json::array())) {
      if (id.is_string()) event.records.push_back(id.get<std::string>());
    }
  }
  return out;
}

Result<uint64_t> Repository::EraseIdentity(const std::string& id, const std::string& reason) {
  RETURN_IF_ERROR(Authorize(protect::Action::kEraseIdentity));
  RETURN_IF_ERROR(CheckFreeText("a reason", reason));
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(Record record, ReadRecord(id));
  ASSIGN_OR_RETURN(std::optional<uint64_t> erased, store_->GetErasure(id));
  if (erased) {
    return AlreadyExistsError("the identity of " + id + " was already erased (ledger entry " +
                              std::to_string(*erased) + ")");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> key, store_->GetDataKey(id));
  if (!key) return NotFoundError(id + " has nothing sealed under its own key to erase");
  ASSIGN_OR_RETURN(uint64_t seq,
                   AppendEvent(txn, {{"op", "erase"}, {"id", id}, {"reason", reason}}));
  RETURN_IF_ERROR(store_->DeleteDataKey(id));
  RETURN_IF_ERROR(txn.Commit());
  keys_->Forget(id);
  // The deleted key's page must not linger in the WAL, which SQLite only overwrites later.
  RETURN_IF_ERROR(store_->ScrubDeleted());
  // The search index holds the erased names' blind terms; it is rebuilt without them.
  RETURN_IF_ERROR(DropSearchIndex());
  return seq;
}

Result<std::string> Repository::Pseudonym(const std::string& person_id) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  ASSIGN_OR_RETURN(model::Kind kind, model::KindOfId(person_id));
  if (kind != model::Kind::kPerson) return InvalidArgumentError(person_id + " is not a person");
  if (!keys_->unlocked()) return LockedError("compute pseudonyms");
  return protect::Pseudonym(keys_->pseudonym_key(), person_id);
}

// ---- The repository key ----

Status Repository::InitKeys(const InitOptions& init) {
  crypto::SecretKey repository_key = crypto::SecretKey::Generate(*options_.env);
  crypto::SecretKey pseudonym_key = crypto::SecretKey::Generate(*options_.env);
  ASSIGN_OR_RETURN(std::vector<protect::KeySlot> slots,
                   SlotsFor(repository_key, init.unlock, options_.kdf, *options_.env));
  for (const protect::KeySlot& slot : slots)
    RETURN_IF_ERROR(store_->AddKeySlot(ToRow(slot)).status());
  RETURN_IF_ERROR(store_->SetMeta(
      kPseudonymKeyMeta,
      crypto::Base64Encode(protect::WrapKey(repository_key, pseudonym_key,
                                            protect::kPseudonymKeyPurpose, *options_.env))));
  RETURN_IF_ERROR(store_->SetMeta(kFingerprintMeta, protect::KeyFingerprint(repository_key)));
  return keys_->Unlock(std::move(repository_key), *store_);
}

Result<KeyringInfo> Repository::Keyring() {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageKeys));
  KeyringInfo info;
  ASSIGN_OR_RETURN(std::optional<std::string> fingerprint, store_->GetMeta(kFingerprintMeta));
  info.fingerprint = fingerprint.value_or("");
  ASSIGN_OR_RETURN(std::vector<store::Store::KeySlotRow> rows, store_->ListKeySlots());
  for (const auto& row : rows) info.slots.push_back({row.id, row.kind});
  ASSIGN_OR_RETURN(info.data_keys, store_->CountDataKeys());
  info.unlocked = keys_->unlocked();
  return info;
}

Result<int64_t> Repository::AddKeySlot(const protect::Unlocker& secret) {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageKeys));
  if (!secret.passphrase.empty() && !secret.key_file_text.empty()) {
    return InvalidArgumentError("add one key slot at a time: a passphrase or a key file");
  }
  if (!keys_->unlocked()) return LockedError("add a key slot");
  ASSIGN_OR_RETURN(std::vector<protect::KeySlot> slots,
                   SlotsFor(keys_->repository_key(), secret, options_.kdf, *options_.env));
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(int64_t id, store_->AddKeySlot(ToRow(slots.front())));
  RETURN_IF_ERROR(
      AppendEvent(
          txn, {{"op", "key_slot"}, {"action", "add"}, {"slot", id}, {"kind", slots.front().kind}})
          .status());
  RETURN_IF_ERROR(txn.Commit());
  return id;
}

Status Repository::RemoveKeySlot(int64_t id) {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageKeys));
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(std::vector<store::Store::KeySlotRow> rows, store_->ListKeySlots());
  auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.id == id; });
  if (it == rows.end()) return NotFoundError("no key slot " + std::to_string(id));
  if (rows.size() == 1) {
    return FailedPreconditionError("key slot " + std::to_string(id) +
                                   " is the last: without it nothing could unlock the "
                                   "repository again");
  }
  RETURN_IF_ERROR(store_->DeleteKeySlot(id));
  RETURN_IF_ERROR(
      AppendEvent(txn, {{"op", "key_slot"}, {"action", "remove"}, {"slot", id}, {"kind", it->kind}})
          .status());
  RETURN_IF_ERROR(txn.Commit());
  return store_->ScrubDeleted();
}

Result<int64_t> Repository::RotateKey(const protect::Unlocker& unlock, const Progress& progress) {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageKeys));
  if (!keys_->unlocked()) return LockedError("rotate the repository key");
  Env& env = *options_.env;
  crypto::SecretKey next = crypto::SecretKey::Generate(env);
  ASSIGN_OR_RETURN(std::vector<protect::KeySlot> slots, SlotsFor(next, unlock, options_.kdf, env));
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  // Collected first: the table cannot be rewritten while it is being scanned. Wrapped keys
  // are 72 bytes, so even a million persons fit in memory.
  std::vector<std::pair<std::string, std::string>> wrapped;
  RETURN_IF_ERROR(store_->ScanDataKeys([&](std::string_view owner, std::string_view key) {
    wrapped.emplace_back(owner, key);
    return true;
  }));
  int64_t done = 0;
  for (auto& [owner, key] : wrapped) {
    const std::string purpose = protect::DataKeyPurpose(owner);
    ASSIGN_OR_RETURN(crypto::SecretKey data_key,
                     protect::UnwrapKey(keys_->repository_key(), key, purpose));
    RETURN_IF_ERROR(store_->PutDataKey(owner, protect::WrapKey(next, data_key, purpose, env)));
    if (progress && ++done % 4096 == 0) progress(done, wrapped.size());
  }
  RETURN_IF_ERROR(store_->SetMeta(
      kPseudonymKeyMeta, crypto::Base64Encode(protect::WrapKey(
                             next, keys_->pseudonym_key(), protect::kPseudonymKeyPurpose, env))));
  ASSIGN_OR_RETURN(std::vector<store::Store::KeySlotRow> old_slots, store_->ListKeySlots());
  for (const auto& row : old_slots) RETURN_IF_ERROR(store_->DeleteKeySlot(row.id));
  for (const protect::KeySlot& slot : slots)
    RETURN_IF_ERROR(store_->AddKeySlot(ToRow(slot)).status());
  const std::string fingerprint = protect::KeyFingerprint(next);
  RETURN_IF_ERROR(store_->SetMeta(kFingerprintMeta, fingerprint));
  Json kinds = Json::array();
  for (const protect::KeySlot& slot : slots) kinds.push_back(slot.kind);
  RETURN_IF_ERROR(
      AppendEvent(txn, {{"op", "rekey"}, {"key", fingerprint}, {"slots", kinds}}).status());
  RETURN_IF_ERROR(txn.Commit());
  if (progress) progress(wrapped.size(), wrapped.size());
  RETURN_IF_ERROR(keys_->Unlock(std::move(next), *store_));
  RETURN_IF_ERROR(store_->ScrubDeleted());
  return static_cast<int64_t>(wrapped.size());
}

}  // namespace custodian::repo
