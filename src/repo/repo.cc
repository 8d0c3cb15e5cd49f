// Repository: opening and creating repositories, and every single-record operation. Each
// public method that writes runs in one store transaction: ledger entry + projection.
#include "repo/repo.h"

#include <set>

#include "base/canonical_json.h"
#include "base/id.h"
#include "crypto/crypto.h"
#include "repo/internal.h"
#include "store/store.h"

namespace custodian::repo {

namespace {

constexpr const char* kSoftware = "custodian 0.1.0";

}  // namespace

Json Record::ToDocument() const {
  Json doc = body;
  doc["kind"] = std::string(model::KindName(kind));
  doc["id"] = id;
  return doc;
}

// ---- StoreResolver and Transaction (repo/internal.h) ----

Result<std::optional<model::Kind>> StoreResolver::KindOf(std::string_view id) {
  ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, store_.GetRecord(id));
  if (!row) return std::optional<model::Kind>();
  ASSIGN_OR_RETURN(model::Kind kind, model::ParseKind(row->kind));
  return std::optional<model::Kind>(kind);
}

Repository::Transaction::Transaction(store::Store& store) : store_(store) {}

Repository::Transaction::~Transaction() {
  if (open_) store_.Rollback().IgnoreError();
}

Status Repository::Transaction::Begin() {
  RETURN_IF_ERROR(store_.Begin());
  open_ = true;
  Result<ledger::Log> log = ledger::Log::Open(store_);
  if (!log.ok()) return log.status();
  log_.emplace(std::move(log).value());
  return OkStatus();
}

Status Repository::Transaction::Commit() {
  open_ = false;
  return store_.Commit();
}

// ---- Opening ----

Repository::Repository(std::string dir, const Options& options, std::unique_ptr<store::Store> store)
    : dir_(std::move(dir)),
      options_(options),
      store_(std::move(store)),
      keys_(std::make_unique<KeyRing>()) {}

Repository::~Repository() = default;

const model::Vocabularies& Repository::vocabularies() const {
  return model::Vocabularies::Builtin();
}

Result<std::unique_ptr<Repository>> Repository::Init(const std::string& dir, const Options& options,
                                                     const InitOptions& init) {
  Env& env = *options.env;
  const std::string db_path = dir + "/" + kDatabaseFile;
  RETURN_IF_ERROR(protect::CheckAccountName(init.admin).WithContext("the admin account"));
  RETURN_IF_ERROR(protect::CheckPasswordStrength(init.admin_password));
  if (init.unlock.empty()) {
    return InvalidArgumentError("a repository needs a passphrase or a key file to unlock it");
  }
  if (env.FileExists(db_path)) {
    return AlreadyExistsError("'" + dir + "' already holds a Custodian repository");
  }
  Result<std::vector<std::string>> existing = env.ListDir(dir);
  if (existing.ok() && !existing->empty()) {
    return AlreadyExistsError("'" + dir +
                              "' is not empty; a repository needs a directory of "
                              "its own");
  }
  RETURN_IF_ERROR(env.CreateDir(dir));
  // Whatever init leaves half-made is removed, so a failed init can simply be retried.
  struct Cleanup {
    Env& env;
    std::string dir;
    bool armed = true;
    ~Cleanup() {
      if (!armed) return;
      for (const char* f : {"custodian.db", "custodian.db-wal", "custodian.db-shm", kKeyFile}) {
        env.RemoveFile(dir + "/" + f).IgnoreError();
      }
    }
  } cleanup{env, dir};
  // The database is made private before SQLite opens it; its -wal and -shm files inherit
  // the mode. The directory itself is 0700 when init creates it.
  RETURN_IF_ERROR(env.WriteFileAtomically(db_path, "", 0600));
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                   store::Store::OpenSqlite(db_path, store::Store::OpenMode::kCreate));
  crypto::SigningKey key = crypto::SigningKey::Generate(env);
  RETURN_IF_ERROR(env.WriteFileAtomically(dir + "/" + kKeyFile, KeyFileText(key), 0600));
  std::unique_ptr<Repository> repo(new Repository(dir, options, std::move(store)));

  std::array<uint8_t, 16> repository_id;
  env.RandomBytes(repository_id);
  const std::string public_key = crypto::Base64Encode(crypto::AsBytes(key.public_key()));

  ASSIGN_OR_RETURN(std::string admin_hash, crypto::HashPassword(init.admin_password, options.kdf));
  repo->principal_ = {.account = init.admin, .role = protect::Role::kAdmin, .clearance = true};

  Transaction txn(*repo->store_);
  RETURN_IF_ERROR(txn.Begin());
  RETURN_IF_ERROR(repo->InitKeys(init));
  ASSIGN_OR_RETURN(std::optional<std::string> fingerprint,
                   repo->store_->GetMeta("key_fingerprint"));
  Json entry = {
      {"op", "init"},
      {"seq", 0},
      {"repository", crypto::HexEncode(repository_id)},
      {"software", kSoftware},
      {"vocabularies", repo->vocabularies().Versions()},
      {"public_key", public_key},
      {"repository_key", fingerprint.value_or("")},
      {"at", FormatTimestamp(env.NowMicros())},
      {"by", init.admin},
  };
  RETURN_IF_ERROR(txn.log().Append(CanonicalJson(entry)).status());
  RETURN_IF_ERROR(repo->WriteAccount(
      txn, {.name = init.admin, .role = protect::Role::kAdmin, .clearance = true}));
  RETURN_IF_ERROR(repo->store_->SetPasswordHash(init.admin, admin_hash));
  RETURN_IF_ERROR(repo->store_->SetMeta("repository_id", crypto::HexEncode(repository_id)));
  RETURN_IF_ERROR(repo->store_->SetMeta("public_key", public_key));
  if (init.gazetteer) {  // the gazetteer's places are ordinary, amendable records
    ASSIGN_OR_RETURN(std::vector<Json> places, model::BuiltinGazetteer());
    StoreResolver resolver(*repo->store_);
    for (const Json& place : places) {
      Result<std::optional<PreparedVersion>> prepared =
          repo->PrepareCreate(place, /*reject_existing=*/true, txn.log().size(), *repo->store_,
                              resolver, repo->StoreLookup());
      if (!prepared.ok()) return prepared.status().WithContext("built-in gazetteer");
      RETURN_IF_ERROR(repo->AppendPrepared(txn, std::move(**prepared)).status());
    }
  }
  RETURN_IF_ERROR(txn.Commit());
  repo->keys_->Promote();
  cleanup.armed = false;
  return repo;
}

Result<std::unique_ptr<Repository>> Repository::Open(const std::string& dir,
                                                     const Options& options) {
  const std::string db_path = dir + "/" + kDatabaseFile;
  if (!options.env->FileExists(db_path)) {
    return NotFoundError("'" + dir + "' is not a Custodian repository (no " + kDatabaseFile +
                         "); create one with: custodian init " + dir);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                   store::Store::OpenSqlite(db_path, store::Store::OpenMode::kExisting));
  return std::unique_ptr<Repository>(new Repository(dir, options, std::move(store)));
}

// ---- Writing records ----

PreparedVersion Repository::PrepareVersion(model::ValidRecord record, uint64_t seq,
                                           const PriorVersion* prior) {
  PreparedVersion out{.version = prior ? prior->version + 1 : 1,
                      .seq = seq,
                      .created_seq = prior ? prior->created_seq : seq,
                      .at = FormatTimestamp(options_.env->NowMicros()),
                      .by = principal_.account,
                      .reason = prior ? prior->reason : ""};
  if (prior) out.old_refs = prior->refs;
  // The canonical entry (RFC 8785: members sorted by key) written member by member, so the
  // record's body is serialised in place instead of copied into a temporary document.
  std::string& e = out.entry;
  auto key = [&](std::string_view name) {
    e += e.empty() ? '{' : ',';
    AppendCanonicalString(name, e);
    e += ':';
  };
  auto text = [&](std::string_view name, std::string_view value) {
    key(name);
    AppendCanonicalString(value, e);
  };
  auto number = [&](std::string_view name, uint64_t value) {
    key(name);
    e += std::to_string(value);  // ledger positions and versions are far below 2^53
  };
  text("at", out.at);
  text("by", out.by);
  text("id", record.id);
  text("kind", model::KindName(record.kind));
  text("op", prior ? "amend" : "create");
  if (prior) number("previous", prior->seq);  // history is the chain of these to version 1
  if (prior) text("reason", prior->reason);
  key("record");
  AppendCanonicalJson(record.body, e);
  number("seq", seq);
  number("version", static_cast<uint64_t>(out.version));
  e += '}';
  out.record = std::move(record);
  return out;
}

Result<Record> Repository::AppendPrepared(Transaction& txn, PreparedVersion prepared) {
  ASSIGN_OR_RETURN(uint64_t seq, txn.log().Append(prepared.entry));
  if (seq != prepared.seq) {
    return InternalError("entry prepared for ledger position " + std::to_string(prepared.seq) +
                         " landed at " + std::to_string(seq));
  }
  RETURN_IF_ERROR(
      store_->PutRecord(ToRow(prepared.record, prepared.version, seq, prepared.created_seq),
                        prepared.record.refs, prepared.old_refs));
  if (!prepared.new_key.owner.empty()) {
    RETURN_IF_ERROR(store_->PutDataKey(prepared.new_key.owner, prepared.new_key.wrapped));
  }
  return Record{.id = std::move(prepared.record.id),
                .kind = prepared.record.kind,
                .version = prepared.version,
                .seq = seq,
                .body = std::move(prepared.record.body),
                .at = std::move(prepared.at),
                .by = std::move(prepared.by),
                .reason = std::move(prepared.reason)};
}

store::RecordRow ToRow(const model::ValidRecord& record, int64_t version, uint64_t seq,
                       uint64_t created_seq) {
  store::RecordRow row;
  row.id = record.id;
  row.kind = std::string(model::KindName(record.kind));
  row.version = version;
  row.seq = seq;
  row.created_seq = created_seq;
  row.type = record.type;
  row.place = record.place;
  if (record.date) {
    row.date_first = record.date->first_day;
    row.date_last = record.date->last_day;
  }
  return row;
}

Result<DocumentParts> SplitDocument(Json document) {
  if (!document.is_object()) {
    return InvalidArgumentError("a record is a JSON object such as {\"kind\": \"act\", ...}");
  }
  auto kind_it = document.find("kind");
  if (kind_it == document.end() || !kind_it->is_string()) {
    return InvalidArgumentError(
        "field 'kind': required, one of place, organization, person, "
        "source, incident, act, post, claim, dossier");
  }
  DocumentParts parts;
  ASSIGN_OR_RETURN(parts.kind, model::ParseKind(kind_it->get<std::string>()));
  auto id_it = document.find("id");
  if (id_it != document.end()) {
    if (!id_it->is_string()) return InvalidArgumentError("field 'id': expected a string");
    parts.id = id_it->get<std::string>();
    document.erase("id");
  }
  document.erase("kind");
  parts.body = std::move(document);
  return parts;
}

Result<std::optional<PreparedVersion>> Repository::PrepareCreate(Json document,
                                                                 bool reject_existing, uint64_t seq,
                                                                 store::Store& store,
                                                                 model::RecordResolver& resolver,
                                                                 const ExistingLookup& existing) {
  ASSIGN_OR_RETURN(DocumentParts parts, SplitDocument(std::move(document)));
  RETURN_IF_ERROR(Authorize(protect::WriteAction(parts.kind)));
  const bool given_id = !parts.id.empty();
  if (!given_id) parts.id = GenerateId(*options_.env, model::KindPrefix(parts.kind));
  ASSIGN_OR_RETURN(
      model::ValidRecord record,
      model::Validate(parts.kind, parts.id, std::move(parts.body), vocabularies(), resolver));
  if (given_id) {
    ASSIGN_OR_RETURN(std::optional<Record> current, existing(record.id));
    if (current) {
      if (!reject_existing && current->kind == record.kind) {
        ASSIGN_OR_RETURN(Json clear, ClearFields(store, *current));
        if (clear == record.body) return std::optional<PreparedVersion>();
      }
      return AlreadyExistsError("field 'id': " + record.id + " already exists" +
                                (reject_existing ? "" : " with other content") +
                                "; change it with custodian amend " + record.id);
    }
  }
  NewDataKey new_key;
  RETURN_IF_ERROR(SealRecord(store, record, &new_key));
  PreparedVersion prepared = PrepareVersion(std::move(record), seq, nullptr);
  prepared.new_key = std::move(new_key);
  return std::optional<PreparedVersion>(std::move(prepared));
}

ExistingLookup Repository::StoreLookup() {
  return [this](const std::string& id) -> Result<std::optional<Record>> {
    ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, store_->GetRecord(id));
    if (!row) return std::optional<Record>();
    ASSIGN_OR_RETURN(Record record, ReadRecord(id));
    return std::optional<Record>(std::move(record));
  };
}

Result<Record> Repository::Add(const Json& document) {
  keys_->DropPending();
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  StoreResolver resolver(*store_);
  ASSIGN_OR_RETURN(std::optional<PreparedVersion> prepared,
                   PrepareCreate(document, /*reject_existing=*/true, txn.log().size(), *store_,
                                 resolver, StoreLookup()));
  ASSIGN_OR_RETURN(Record record, AppendPrepared(txn, std::move(*prepared)));
  if (record.kind == model::Kind::kDossier && principal_.role != protect::Role::kAdmin) {
    // Whoever opens a dossier can work on it; others need a grant.
    RETURN_IF_ERROR(AppendEvent(txn, {{"op", "grant"},
                                      {"account", principal_.account},
                                      {"dossier", record.id},
                                      {"granted", true}})
                        .status());
    principal_.dossiers.insert(record.id);
  }
  RETURN_IF_ERROR(txn.Commit());
  keys_->Promote();
  return View(std::move(record));
}

Result<Record> Repository::Amend(const std::string& id, const Json& changes,
                                 const std::string& reason) {
  if (reason.empty()) {
    return InvalidArgumentError("an amendment needs a reason (--reason), kept in the ledger");
  }
  if (reason.size() > 1000) return InvalidArgumentError("the reason is longer than 1000 bytes");
  if (!changes.is_object()) {
    return InvalidArgumentError("changes must be a JSON object (an RFC 7386 merge patch)");
  }
  if (changes.contains("kind") || changes.contains("id")) {
    return InvalidArgumentError("a record's kind and id cannot be amended");
  }
  ASSIGN_OR_RETURN(model::Kind kind, model::KindOfId(id));
  RETURN_IF_ERROR(Authorize(protect::WriteAction(kind)));
  RETURN_IF_ERROR(CheckDossierVisible(id));
  keys_->DropPending();
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(Record current, ReadRecord(id));
  // The new version is made from the clear fields: the amending account does not see them,
  // but a patch may change one, and what it leaves alone must be sealed again as it was.
  ASSIGN_OR_RETURN(Json body, ClearFields(*store_, current));
  Json before = body;
  body.merge_patch(changes);
  StoreResolver resolver(*store_);
  ASSIGN_OR_RETURN(model::ValidRecord record,
                   model::Validate(current.kind, id, std::move(body), vocabularies(), resolver));
  if (record.body == before) {
    return InvalidArgumentError("the amendment changes nothing in " + id);
  }
  NewDataKey new_key;
  RETURN_IF_ERROR(SealRecord(*store_, record, &new_key));
  ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, store_->GetRecord(id));
  ASSIGN_OR_RETURN(model::ValidRecord old, model::Project(current.kind, id, current.body));
  PriorVersion prior{.version = current.version,
                     .seq = current.seq,
                     .created_seq = row->created_seq,
                     .refs = std::move(old.refs),
                     .reason = reason};
  PreparedVersion prepared = PrepareVersion(std::move(record), txn.log().size(), &prior);
  prepared.new_key = std::move(new_key);
  ASSIGN_OR_RETURN(Record amended, AppendPrepared(txn, std::move(prepared)));
  RETURN_IF_ERROR(txn.Commit());
  keys_->Promote();
  return View(std::move(amended));
}

// ---- Reading records ----

Result<Record> RecordFromEntry(uint64_t seq, const Json& entry) {
  const std::string op = entry.value("op", "");
  if (op != "create" && op != "amend") {
    return DataLossError("ledger entry " + std::to_string(seq) + " is not a record entry");
  }
  Record out;
  ASSIGN_OR_RETURN(out.kind, model::ParseKind(entry.value("kind", "")));
  out.id = entry.value("id", "");
  out.version = entry.value("version", int64_t{0});
  out.seq = seq;
  out.body = entry.value("record", Json::object());
  out.at = entry.value("at", "");
  out.by = entry.value("by", "");
  out.reason = entry.value("reason", "");
  out.previous = entry.value("previous", uint64_t{0});
  return out;
}

Result<Json> ReadEntryJson(store::Store& store, uint64_t seq) {
  ASSIGN_OR_RETURN(std::string bytes, store.ReadEntry(seq));
  Result<Json> entry = ParseJson(bytes, {.max_bytes = 64 << 20, .max_depth = 64});
  if (!entry.ok()) {
    return DataLossError("ledger entry " + std::to_string(seq) +
                         " is not valid JSON: " + entry.status().message());
  }
  return entry;
}

Result<Record> Repository::Get(const std::string& id, std::optional<int64_t> version) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  RETURN_IF_ERROR(CheckDossierVisible(id));
  ASSIGN_OR_RETURN(Record record, ReadRecord(id, version));
  return View(std::move(record));
}

Result<Record> Repository::ReadRecord(const std::string& id, std::optional<int64_t> version) {
  ASSIGN_OR_RETURN(model::Kind kind, model::KindOfId(id));
  ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, store_->GetRecord(id));
  if (!row) return NotFoundError("no " + std::string(model::KindName(kind)) + " " + id);
  if (version && (*version < 1 || *version > row->version)) {
    return NotFoundError(id + " has versions 1 to " + std::to_string(row->version) + ", not " +
                         std::to_string(*version));
  }
  ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, row->seq));
  ASSIGN_OR_RETURN(Record record, RecordFromEntry(row->seq, entry));
  while (version && record.version > *version) {
    ASSIGN_OR_RETURN(record, PreviousVersion(record));
  }
  return record;
}

Result<Record> Repository::PreviousVersion(const Record& record) {
  if (record.version <= 1 || record.previous >= record.seq) {
    return DataLossError("ledger entry " + std::to_string(record.seq) + " (" + record.id +
                         " version " + std::to_string(record.version) +
                         ") does not name an earlier version");
  }
  ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, record.previous));
  ASSIGN_OR_RETURN(Record previous, RecordFromEntry(record.previous, entry));
  if (previous.id != record.id || previous.version != record.version - 1) {
    return DataLossError("ledger entry " + std::to_string(record.seq) +
                         " names an entry that is not its record's previous version");
  }
  return previous;
}

Result<std::vector<Record>> Repository::History(const std::string& id) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  RETURN_IF_ERROR(CheckDossierVisible(id));
  ASSIGN_OR_RETURN(Record record, ReadRecord(id));
  std::vector<Record> out;
  while (true) {
    bool first = record.version == 1;
    ASSIGN_OR_RETURN(out.emplace_back(), View(record));
    if (first) break;
    ASSIGN_OR_RETURN(record, PreviousVersion(record));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result<store::RecordFilter> Repository::Filter(const ListQuery& query) {
  store::RecordFilter filter;
  if (query.kind) filter.kind = std::string(model::KindName(*query.kind));
  if (!query.type.empty()) {
    // With a kind, the term is looked up in that kind's vocabulary only; without one, in
    // every vocabulary (a code such as "other" may then match several kinds).
    std::set<std::string> types;
    for (const auto& [name, vocab] : vocabularies().all()) {
      if (query.kind && name != model::TypeVocabulary(*query.kind)) continue;
      for (std::string& code : vocab.WithDescendants(query.type)) types.insert(std::move(code));
    }
    if (types.empty()) {
      std::string where = query.kind
                              ? "vocabulary " + std::string(model::TypeVocabulary(*query.kind))
                              : std::string("any vocabulary");
      return InvalidArgumentError("'" + query.type.substr(0, 60) + "' is not a term of " + where +
                                  " (see custodian vocab)");
    }
    filter.types.assign(types.begin(), types.end());
  }
  if (!query.place.empty()) {
    ASSIGN_OR_RETURN(std::optional<store::RecordRow> place, store_->GetRecord(query.place));
    if (!place || place->kind != "place") {
      return NotFoundError("no place " + query.place.substr(0, 70) +
                           " (list places with: custodian list --kind place)");
    }
    filter.within_place = query.place;
  }
  if (!query.date.empty()) {
    Result<FuzzyDate> date = ParseFuzzyDate(query.date);
    if (!date.ok()) return date.status().WithContext("--date");
    if (date->precision == DatePrecision::kUnknown) {
      return InvalidArgumentError(
          "--date: give a date or range to filter by; records with an "
          "unknown date match no date filter");
    }
    filter.date_first = date->first_day;
    filter.date_last = date->last_day;
  }
  filter.refers_to = query.refers_to;
  if (principal_.role != protect::Role::kAdmin &&
      (!query.kind || *query.kind == model::Kind::kDossier)) {
    filter.visible_dossiers.emplace(principal_.dossiers.begin(), principal_.dossiers.end());
  }
  filter.after_id = query.after;
  filter.limit = query.limit;
  filter.offset = query.offset;
  return filter;
}

Status Repository::List(const ListQuery& query, const std::function<bool(const Record&)>& visit) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  ASSIGN_OR_RETURN(store::RecordFilter filter, Filter(query));
  Status status;
  RETURN_IF_ERROR(store_->ListRecords(filter, [&](const store::RecordRow& row) {
    Result<Json> entry = ReadEntryJson(*store_, row.seq);
    Result<Record> record = entry.ok() ? RecordFromEntry(row.seq, *entry) : entry.status();
    if (record.ok()) record = View(std::move(record).value());
    if (!record.ok()) {
      status = record.status();
      return false;
    }
    return visit(*record);
  }));
  return status;
}

Result<int64_t> Repository::Count(const ListQuery& query) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  ASSIGN_OR_RETURN(store::RecordFilter filter, Filter(query));
  filter.limit = -1;
  filter.offset = 0;
  return store_->CountRecords(filter);
}

// ---- The ledger ----

Status Repository::Log(
    uint64_t from, uint64_t limit,
    const std::function<bool(uint64_t, const ledger::Hash&, const Json&)>& visit) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadLedger));
  Status status;
  const uint64_t to = limit > UINT64_MAX - from ? UINT64_MAX : from + limit;
  RETURN_IF_ERROR(store_->ScanEntries(from, to, [&](uint64_t seq, std::string_view bytes) {
    Result<Json> entry = ParseJson(bytes, {.max_bytes = 64 << 20, .max_depth = 64});
    if (!entry.ok()) {
      status = DataLossError("ledger entry " + std::to_string(seq) + " is not valid JSON");
      return false;
    }
    return visit(seq, ledger::LeafHash(bytes), *entry);
  }));
  return status;
}

Result<LedgerInfo> Repository::Ledger() {
  ASSIGN_OR_RETURN(ledger::Log log, ledger::Log::Open(*store_));
  LedgerInfo info;
  info.size = log.size();
  info.root = log.RootHash();
  ASSIGN_OR_RETURN(std::optional<std::string> id, store_->GetMeta("repository_id"));
  ASSIGN_OR_RETURN(std::optional<std::string> key, store_->GetMeta("public_key"));
  info.repository_id = id.value_or("");
  info.public_key = key.value_or("");
  return info;
}

Status Repository::ApplyProjection(uint64_t seq, const Json& entry) {
  // Entries name their own position, so one that was moved is caught here too.
  if (!entry.is_object() || entry.value("seq", UINT64_MAX) != seq) {
    return DataLossError("ledger entry " + std::to_string(seq) + " does not say it is entry " +
                         std::to_string(seq) + ": entries were reordered, removed or inserted");
  }
  const std::string op = entry.value("op", "");
  if (op == "init" || op == "rekey" || op == "key_slot") return OkStatus();
  auto text = [&](const char* field) -> Result<std::string> {
    auto it = entry.find(field);
    if (it == entry.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return DataLossError("ledger entry " + std::to_string(seq) + " (" + op + ") has no '" +
                           field + "'");
    }
    return it->get<std::string>();
  };
  if (op == "account") {
    store::Store::AccountRow row{.clearance = entry.value("clearance", false),
                                 .disabled = entry.value("disabled", false),
                                 .seq = seq};
    ASSIGN_OR_RETURN(row.name, text("account"));
    ASSIGN_OR_RETURN(row.role, text("role"));
    if (!protect::ParseRole(row.role).ok()) {
      return DataLossError("ledger entry " + std::to_string(seq) + " names an unknown role");
    }
    return store_->PutAccount(row);
  }
  if (op == "grant") {
    ASSIGN_OR_RETURN(std::string account, text("account"));
    ASSIGN_OR_RETURN(std::string dossier, text("dossier"));
    return store_->SetGrant(account, dossier, entry.value("granted", false));
  }
  if (op == "access") {
    ASSIGN_OR_RETURN(std::string by, text("by"));
    for (const Json& id : entry.value("records", Json::array())) {
      if (id.is_string()) RETURN_IF_ERROR(store_->PutAccess(seq, by, id.get<std::string>()));
    }
    return OkStatus();
  }
  if (op == "erase") {
    ASSIGN_OR_RETURN(std::string id, text("id"));
    return store_->PutErasure(id, seq);
  }
  if (op.starts_with("link_")) return ApplyLinkEntry(seq, op, entry);
  ASSIGN_OR_RETURN(Record record, RecordFromEntry(seq, entry));
  ASSIGN_OR_RETURN(model::ValidRecord projected,
                   model::Project(record.kind, record.id, std::move(record.body)));
  uint64_t created_seq = seq;
  store::Store::Refs old_refs;
  if (op == "amend") {
    ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, store_->GetRecord(record.id));
    if (!row || row->version + 1 != record.version || row->seq != record.previous) {
      return DataLossError("ledger entry " + std::to_string(seq) + " amends " + record.id +
                           " to version " + std::to_string(record.version) +
                           " but the ledger before it has no such previous version");
    }
    created_seq = row->created_seq;
    ASSIGN_OR_RETURN(Json before, ReadEntryJson(*store_, row->seq));
    ASSIGN_OR_RETURN(Record old, RecordFromEntry(row->seq, before));
    ASSIGN_OR_RETURN(model::ValidRecord old_projection,
                     model::Project(old.kind, old.id, std::move(old.body)));
    old_refs = std::move(old_projection.refs);
  } else if (record.version != 1) {
    return DataLossError("ledger entry " + std::to_string(seq) + " creates " + record.id +
                         " at version " + std::to_string(record.version));
  }
  return store_->PutRecord(ToRow(projected, record.version, seq, created_seq), projected.refs,
                           old_refs);
}

Result<Repository::RebuildReport> Repository::Rebuild(const Progress& progress) {
  RETURN_IF_ERROR(Authorize(protect::Action::kRebuild));
  ASSIGN_OR_RETURN(RebuildReport report, RebuildProjections(progress, /*commit=*/true));
  // The search index is a projection too: emptied here, refilled by the next update (which
  // needs the repository unlocked).
  RETURN_IF_ERROR(DropSearchIndex());
  return report;
}

// Without `commit` the rebuild is rolled back: a check that leaves the tables as they were.
Result<Repository::RebuildReport> Repository::RebuildProjections(const Progress& progress,
                                                                 bool commit) {
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  RebuildReport report;
  ASSIGN_OR_RETURN(report.before, store_->ProjectionDigest());
  RETURN_IF_ERROR(store_->ClearProjections());
  RETURN_IF_ERROR(store_->BeginBulkLoad());
  const uint64_t total = txn.log().size();
  // Entries are read in batches so that projection writes never interleave with an open scan.
  constexpr uint64_t kBatch = 4096;
  std::vector<std::pair<uint64_t, std::string>> batch;
  for (uint64_t from = 0; from < total; from += kBatch) {
    batch.clear();
    RETURN_IF_ERROR(store_->ScanEntries(from, std::min(total, from + kBatch),
                                        [&](uint64_t seq, std::string_view bytes) {
                                          batch.emplace_back(seq, std::string(bytes));
                                          return true;
                                        }));
    for (const auto& [seq, bytes] : batch) {
      Result<Json> entry = ParseJson(bytes, {.max_bytes = 64 << 20, .max_depth = 64});
      if (!entry.ok()) {
        return DataLossError("ledger entry " + std::to_string(seq) + " is not valid JSON");
      }
      RETURN_IF_ERROR(ApplyProjection(seq, *entry));
      ++report.entries;
    }
    if (progress) progress(std::min(total, from + kBatch), total);
  }
  RETURN_IF_ERROR(store_->EndBulkLoad());
  ASSIGN_OR_RETURN(report.after, store_->ProjectionDigest());
  if (commit) RETURN_IF_ERROR(txn.Commit());
  return report;
}

Result<Stats> Repository::Statistics() {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  Stats stats;
  ASSIGN_OR_RETURN(stats.ledger, Ledger());
  store::RecordFilter all;
  ASSIGN_OR_RETURN(stats.by_kind, store_->CountGrouped(all, store::GroupBy::kKind));
  store::RecordFilter acts;
  acts.kind = "act";
  ASSIGN_OR_RETURN(stats.acts_by_violation, store_->CountGrouped(acts, store::GroupBy::kType));
  ASSIGN_OR_RETURN(stats.acts_by_year, store_->CountGrouped(acts, store::GroupBy::kYear));
  store::RecordFilter sources;
  sources.kind = "source";
  ASSIGN_OR_RETURN(stats.sources_by_type, store_->CountGrouped(sources, store::GroupBy::kType));

  store::RecordFilter provinces;
  provinces.kind = "place";
  provinces.types = {"province", "special_city", "china_province"};
  std::vector<std::string> province_ids;
  RETURN_IF_ERROR(store_->ListRecords(provinces, [&](const store::RecordRow& row) {
    province_ids.push_back(row.id);
    return true;
  }));
  ASSIGN_OR_RETURN(stats.linkage, LinkageStats());
  for (const std::string& province : province_ids) {
    store::RecordFilter inside = acts;
    inside.within_place = province;
    ASSIGN_OR_RETURN(int64_t n, store_->CountRecords(inside));
    if (n > 0) stats.acts_by_province.emplace_back(province, n);
  }
  // Largest first, as a reader scans them; years stay in time order.
  for (auto* counts : {&stats.acts_by_violation, &stats.acts_by_province, &stats.sources_by_type}) {
    std::stable_sort(counts->begin(), counts->end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  return stats;
}

}  // namespace custodian::repo
