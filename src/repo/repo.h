// repo: the application core. Every user-facing operation (CLI, later the HTTP API) calls a
// Repository method; this is the only module that combines the ledger, the store and the
// model, and it does so inside one store transaction per operation, so a ledger entry and its
// projection are committed together or not at all.
//
// A repository is a directory:
//   custodian.db     SQLite database (WAL mode): ledger entries, Merkle nodes, projections,
//                    accounts, and the wrapped keys (never a key in the clear)
//   ledger.key       the Ed25519 key that signs the ledger's checkpoints (mode 0600)
//   search/          the full-text index (Xapian), a projection that can be deleted at will
// Ledger entries are canonical JSON (RFC 8785); their format is docs/formats/ledger.md.
//
// Every method acts as the signed-in account (SignIn, SignInWithToken) and checks its
// permission first (protect::Authorize): nothing is readable before sign-in. Identifying
// fields are sealed on the way in and stay sealed on the way out unless the account holds
// clearance, states a purpose, and the reading is recorded as a ledger entry (Reveal, Export
// with an identity-revealing profile). Sealing and unsealing need the repository unlocked
// (Unlock) with a passphrase or key file; records without identifying content do not.
//
// Thread-safety: a Repository is used by one thread at a time. Several processes may open the
// same directory; their writes are serialised by the database.
#ifndef CUSTODIAN_REPO_REPO_H_
#define CUSTODIAN_REPO_REPO_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "ledger/ledger.h"
#include "model/model.h"
#include "protect/protect.h"
#include "search/search.h"

namespace custodian::store {
class Store;
struct RecordFilter;
}  // namespace custodian::store

namespace custodian::repo {

using Json = nlohmann::json;
struct PriorVersion;     // repo/internal.h
struct PreparedVersion;  // repo/internal.h
class Pipe;              // repo/import_export.cc

class KeyRing;      // repo/internal.h
struct NewDataKey;  // repo/internal.h

struct Options {
  Env* env = &Env::Default();
  // The argon2id cost of new password hashes and passphrase key slots. Tests lower it; the
  // cost of existing hashes and slots is stored with them.
  crypto::Argon2Params kdf = crypto::DefaultArgon2Params();
};

struct InitOptions {
  // Seed the built-in gazetteer. A bare repository starts empty, e.g. to restore an export.
  bool gazetteer = true;
  // The first account: an admin with identity clearance.
  std::string admin;
  std::string admin_password;
  // What will unlock the repository key: a passphrase, a key file's text, or both (one key
  // slot each). At least one.
  protect::Unlocker unlock;
};

// One version of one record, as the ledger holds it.
struct Record {
  std::string id;
  model::Kind kind;
  int64_t version = 0;
  uint64_t seq = 0;       // the ledger entry of this version
  Json body;              // the record's fields
  std::string at;         // when this version was recorded (RFC 3339, UTC)
  std::string by;         // who recorded it
  std::string reason;     // why it was amended ("" for version 1)
  uint64_t previous = 0;  // the ledger entry of version - 1 (0 for version 1)
  // A person's pseudonym (when the repository is unlocked); "" for other kinds.
  std::string pseudonym;
  // True if `body` holds the sealed fields in the clear (Reveal); otherwise body["sealed"]
  // lists the fields that are sealed.
  bool revealed = false;
  // The entry that erased the identity this record's sealed fields belonged to (0 if none).
  uint64_t erased_by = 0;
  // {"kind": ..., "id": ..., fields...}: the form that add, import and export use.
  Json ToDocument() const;
};

// What a record is, in one line, as an account without clearance may read it: a place's name
// and type, a person's pseudonym (and public name), a source's type and title, an act's
// violation and victim, with the date in words ("spring 2009").
std::string Describe(const Record& record, const model::Vocabularies& vocabularies);
// A fuzzy date field in words ("" if absent; as written if it does not parse).
std::string DescribeDate(const Json& body, std::string_view field);
class Repository;
// A facet value as people read it: a term's label, a place's or unit's name (the value itself
// when there is nothing better, or the account may not read the record).
std::string DescribeFacetValue(Repository& repo, search::Facet facet, const std::string& value);

struct ListQuery {
  std::optional<model::Kind> kind;
  std::string type;       // a vocabulary code; includes the terms below it in its hierarchy
  std::string place;      // a place id; includes every place inside it
  std::string date;       // a fuzzy date; records whose date range overlaps it
  std::string refers_to;  // records that reference this id
  int64_t limit = -1;
  int64_t offset = 0;
  // Only records whose id sorts after this one (in id order). Unlike offset, it costs the
  // same on the thousandth page as on the first: pass the last id of the page before.
  std::string after;
};

// Called now and then during long operations: (units done, units in all; 0 if unknown).
using Progress = std::function<void(uint64_t done, uint64_t total)>;

struct ImportOptions {
  std::string source_name = "<stdin>";  // for messages: "file.jsonl line 12: ..."
  uint64_t source_bytes = 0;            // the input's size if known, for progress
  bool skip_bad = false;                // apply good lines, report bad ones
  size_t max_line_bytes = 8 << 20;
  size_t max_reported_errors = 100;
  Progress progress;  // in bytes of input when source_bytes is known, else in lines
  // Called for every rejected line with its full text (for a reject file).
  std::function<void(uint64_t line, std::string_view text, const std::string& why)> on_reject;
};

// A search (docs/user-guide.md, "Searching"; the syntax is docs/formats/search.md).
struct SearchRequest {
  std::string text;  // the query; may be empty when filters are given
  std::map<search::Facet, std::vector<std::string>> filters;
  std::string from, to;  // fuzzy dates ("2010", "spring 2015"): records overlapping them
  size_t offset = 0;
  size_t limit = 20;
  // Also match names sealed in persons (and the testimonies and acts about them): needs the
  // clearance to reveal identities and a purpose, and appends an access entry.
  bool identities = false;
  std::string purpose;
  // Count every match, however many (slow for common words); otherwise totals and facet counts
  // beyond a few thousand matches are estimates, flagged in the results.
  bool exact_count = false;
};

struct SearchReport {
  search::Results results;
  // Ledger entries not yet in the index (it could not be brought up to date: the repository
  // is locked, or another process is updating it); 0 when current.
  uint64_t behind = 0;
};

// Record linkage of persons (docs/formats/linkage.md; docs/user-guide.md, "Linking persons").
struct LinkRunOptions {
  std::string purpose;   // why sealed names are read: required, recorded in an access entry
  bool retrain = false;  // fit a new model even when one is recorded
  int threads = 2;
  Progress progress;  // in persons read
};

struct LinkRunReport {
  uint64_t persons = 0;          // person records compared
  uint64_t unnamed = 0;          // of them, with no name to compare (pseudonym only, erased)
  uint64_t candidate_pairs = 0;  // pairs blocking produced
  uint64_t kept_pairs = 0;       // pairs recorded (probability >= kLinkKeepProbability)
  uint64_t clusters = 0;         // of two records or more
  uint64_t linked_persons = 0;   // records in those clusters
  uint64_t model_seq = 0;        // the link_model entry used
  bool trained = false;          // that model was fitted by this run
  bool model_outdated = false;   // because the recorded one was fitted by an earlier version
  int iterations = 0;
  bool converged = false;
  uint64_t first_seq = 0, entries = 0;  // the run's link_run entries
};

// Pairs scored below this are not recorded: nothing to review, nothing to join.
inline constexpr double kLinkKeepProbability = 0.05;

struct LinkPairQuery {
  std::string record;           // pairs with this person ("" for any)
  bool undecided_only = false;  // leave out pairs with a decision in force
  double min_probability = 0, max_probability = 1;
  bool by_uncertainty = false;  // closest to 0.5 first (the review queue); else most probable
  int64_t limit = 20, offset = 0;
};

struct LinkPair {
  std::string a, b;  // person record ids, a < b
  double probability = 0;
  // Per field: {"field", "level", "levels", "weight"} (log2 Bayes factors); and the prior's.
  Json explanation;
  std::string decision;              // in force on this pair: "same", "different" or ""
  std::string cluster_a, cluster_b;  // their clusters now ("" when alone)
};

struct LinkDecision {
  uint64_t seq = 0;  // the ledger entry
  std::string a, b, decision, account, reason, at;
  uint64_t revoked_by = 0;
};

struct LinkCluster {
  std::string id;  // one of its records
  std::vector<std::string> records;
  std::vector<LinkDecision> decisions;  // in force, on pairs inside it
};

// The JSON forms the CLI's --json and the API share (docs/formats/api.md).
Json LinkDecisionJson(const LinkDecision& decision);
Json LinkPairJson(const LinkPair& pair);
Json LinkClusterJson(const LinkCluster& cluster);
Json LinkRunJson(const LinkRunReport& report);

struct ExportOptions {
  protect::Profile profile = protect::Profile::kAnalyst;
  std::string dossier;  // for the disclosure profile: the dossier to disclose
  std::string purpose;  // why identities are exported (profiles that reveal them)
  Progress progress;
};

struct AccountInfo {
  std::string name;
  protect::Role role = protect::Role::kViewer;
  bool clearance = false;
  bool disabled = false;
  std::vector<std::string> dossiers;  // granted
  uint64_t seq = 0;                   // the ledger entry that set this state
};

struct AccountChange {
  std::optional<protect::Role> role;
  std::optional<bool> clearance;
  std::optional<bool> disabled;
};

// One recorded reading of sealed fields.
struct AccessEvent {
  uint64_t seq = 0;
  std::string at, account, scope, purpose;
  std::vector<std::string> records;  // ["*"] for a complete export
};

struct KeySlotInfo {
  int64_t id = 0;
  std::string kind;  // "passphrase" or "key-file"
};

struct KeyringInfo {
  std::string fingerprint;  // of the current repository key
  std::vector<KeySlotInfo> slots;
  int64_t data_keys = 0;
  bool unlocked = false;
};

struct LineError {
  uint64_t line = 0;
  std::string message;  // "field 'date': 'spring 20O9' is not a date; ..."
};

struct ImportReport {
  uint64_t lines = 0;
  uint64_t created = 0;
  uint64_t unchanged = 0;  // lines identical to a record that already exists
  uint64_t rejected = 0;
  std::vector<LineError> errors;  // at most max_reported_errors, in line order
  bool applied = false;           // false if nothing was written (errors without skip_bad)
};

struct LedgerInfo {
  uint64_t size = 0;
  ledger::Hash root{};
  std::string repository_id;
  std::string public_key;  // base64 Ed25519
};

struct Stats {
  LedgerInfo ledger;
  std::vector<std::pair<std::string, int64_t>> by_kind;
  std::vector<std::pair<std::string, int64_t>> acts_by_violation;
  std::vector<std::pair<std::string, int64_t>> acts_by_year;
  std::vector<std::pair<std::string, int64_t>> acts_by_province;  // place ids of provinces
  std::vector<std::pair<std::string, int64_t>> sources_by_type;
  // Record linkage (after the latest `link run` and the decisions since): how many person
  // records there are, how many clusters of two or more hold how many of them, and so about
  // how many distinct persons; run 0 when linkage has not been run.
  struct Linkage {
    int64_t person_records = 0, clusters = 0, linked_records = 0, decisions = 0;
    uint64_t run = 0;
    int64_t distinct_persons() const { return person_records - linked_records + clusters; }
  } linkage;
};
Json LinkageStatsJson(const Stats::Linkage& linkage);

struct CheckpointInfo {
  int64_t id = 0;
  uint64_t size = 0;
  std::string note;  // the signed note (C2SP tlog-checkpoint), with any cosignatures
  std::string at;
};

struct WitnessInfo {
  std::string verifier_key;
  std::vector<uint64_t> sizes;  // tree sizes of the checkpoints it has cosigned
};

struct VerifyOptions {
  Progress progress;
  // The log's verifier key as published out of band; by default the key in ledger.key is
  // trusted (and checked against the one recorded in the ledger's first entry).
  std::string trusted_key;
  bool projections = true;  // also check that the tables equal a rebuild from the ledger
};

struct VerifyReport {
  uint64_t entries = 0;
  uint64_t nodes = 0;
  size_t checkpoints = 0;
  ledger::Hash root{};
  std::string verifier_key;
  bool projections_checked = false;
  // Entries after the newest checkpoint: intact as far as the repository can tell, but only a
  // checkpoint held outside it (published, or cosigned by a witness) protects them.
  uint64_t uncovered = 0;
};

// Looks up an existing record by id for the "already exists" check of a create.
using ExistingLookup = std::function<Result<std::optional<Record>>(const std::string& id)>;

class Repository {
 public:
  // Creates DIR (which must not exist or be empty) with a new ledger and signing key.
  static Result<std::unique_ptr<Repository>> Init(const std::string& dir, const Options& options,
                                                  const InitOptions& init = {});
  static Result<std::unique_ptr<Repository>> Open(const std::string& dir, const Options& options);
  ~Repository();

  // ---- Who acts, and the keys ----
  // Signs in; the same message for an unknown account and a wrong password.
  Status SignIn(const std::string& account, const std::string& password);
  Status SignInWithToken(const std::string& token);
  // For a server that authenticated `account` itself (a session it began with SignIn): acts as
  // the account as it stands now (role, clearance and grants are read again; a disabled or
  // deleted account is refused).
  Status ResumeSession(const std::string& account);
  // Acts as nobody until the next sign-in.
  void SignOut() { principal_ = {}; }
  const protect::Principal& principal() const { return principal_; }
  // Opens the repository key with a passphrase or key file.
  Status Unlock(const protect::Unlocker& unlocker);
  // Unlocks with the key `other` (a handle on the same repository) was unlocked with, without
  // deriving it again: a server opens one handle per thread.
  Status UnlockLike(const Repository& other);
  bool unlocked() const;

  // ---- Accounts (admin) ----
  Status CreateAccount(const std::string& name, protect::Role role, bool clearance,
                       const std::string& password);
  Status ChangeAccount(const std::string& name, const AccountChange& change);
  // An admin sets anyone's password; others only their own.
  Status SetPassword(const std::string& name, const std::string& password);
  Result<std::vector<AccountInfo>> Accounts();
  Status Grant(const std::string& account, const std::string& dossier, bool granted);
  // A new API token for the signed-in account, valid for `days` (1 to kMaxTokenDays); only
  // its digest is kept. A token that leaked stops working by itself.
  static constexpr int kDefaultTokenDays = 90, kMaxTokenDays = 366;
  Result<std::string> CreateToken(const std::string& label, int days = kDefaultTokenDays);
  struct TokenInfo {
    std::string digest, label, created, expires;
  };
  // The account's tokens (its own, or anyone's for an admin); only digests are kept.
  Result<std::vector<TokenInfo>> Tokens(const std::string& account);
  // Revokes the account's tokens whose digest starts with `digest_prefix` ("" for all).
  Result<int64_t> RevokeTokens(const std::string& account, const std::string& digest_prefix);

  // ---- Sealed identities ----
  // The record with its sealed fields in the clear; needs clearance and a purpose, and
  // appends an access entry naming the account, the record and the purpose.
  Result<Record> Reveal(const std::string& id, const std::string& purpose,
                        std::optional<int64_t> version = std::nullopt);
  // Accesses to sealed fields, newest first, optionally of one record or by one account; only
  // those recorded before ledger entry `before` (the last seq of the page before, for paging).
  Result<std::vector<AccessEvent>> Audit(const std::string& record, const std::string& account,
                                         int64_t limit, uint64_t before = UINT64_MAX);
  // Destroys the data key of `id` (a person, or a record sealed under its own key): every
  // field and passage sealed under it becomes unrecoverable, for good. Appends an erase entry.
  Result<uint64_t> EraseIdentity(const std::string& id, const std::string& reason);
  Result<std::string> Pseudonym(const std::string& person_id);

  // ---- The repository key (admin) ----
  Result<KeyringInfo> Keyring();
  Result<int64_t> AddKeySlot(const protect::Unlocker& secret);
  Status RemoveKeySlot(int64_t id);
  // Replaces the repository key: re-wraps every data key under a new one, and replaces every
  // key slot with slots for `unlock` only (old passphrases and key files stop working).
  Result<int64_t> RotateKey(const protect::Unlocker& unlock, const Progress& progress = {});

  // Creates a record; `document` is {"kind": ..., optional "id": ..., fields...}.
  Result<Record> Add(const Json& document);
  // Creates a new version: `changes` is a JSON merge patch (RFC 7386) over the current fields.
  Result<Record> Amend(const std::string& id, const Json& changes, const std::string& reason);
  // The current version, or `version` if given, with sealed fields sealed.
  Result<Record> Get(const std::string& id, std::optional<int64_t> version = std::nullopt);
  Result<std::vector<Record>> History(const std::string& id);
  Status List(const ListQuery& query, const std::function<bool(const Record&)>& visit);
  Result<int64_t> Count(const ListQuery& query);

  // Reads JSON Lines of documents; all-or-nothing unless options.skip_bad.
  Result<ImportReport> Import(std::istream& in, const ImportOptions& options);
  // Writes the records the profile selects, current versions, as JSON Lines in creation
  // order. The full profile's export imports into a bare repository and re-exports the same
  // bytes.
  Status Export(std::ostream& out, const ExportOptions& options);

  // Ledger entries [from, from + limit), parsed.
  Status Log(
      uint64_t from, uint64_t limit,
      const std::function<bool(uint64_t seq, const ledger::Hash& leaf, const Json& entry)>& visit);
  Result<LedgerInfo> Ledger();

  // Recreates every projection from the ledger and checks it equals what was there.
  struct RebuildReport {
    uint64_t entries = 0;
    ledger::Hash before{}, after{};
    bool identical() const { return before == after; }
  };
  Result<RebuildReport> Rebuild(const Progress& progress = {});

  // ---- Search (a projection in DIR/search, docs/formats/search.md) ----
  // Brings the search index up to the ledger: indexes the records of every entry it has not
  // seen. Needs the repository unlocked (sealed names are indexed as keyed blind terms).
  // An erasure in the new entries rebuilds the index from nothing, so no trace of the erased
  // names' terms survives in it. Returns the number of entries it read.
  Result<uint64_t> UpdateSearchIndex(const Progress& progress = {});
  // Searches what the signed-in account may see; first updates the index when it can.
  Result<SearchReport> Search(const SearchRequest& request);

  Result<Stats> Statistics();

  // ---- Record linkage (docs/formats/linkage.md) ----
  // Reads every person's sealed names (needs clearance, a purpose and the repository
  // unlocked; one access entry), scores candidate pairs with the recorded model (fitting and
  // recording one first if there is none, or with `retrain`), clusters them, and records the
  // result as link_run entries: pairs and clusters by record id, never a name. The clusters
  // shown are the machine's with the decisions in force applied over them.
  Result<LinkRunReport> LinkPersons(const LinkRunOptions& options);
  // Scored pairs of the latest run; `total` (if given) counts all that match the query.
  Result<std::vector<LinkPair>> LinkPairs(const LinkPairQuery& query, int64_t* total = nullptr);
  // Records a reviewer's decision that two persons are (`same`) or are not the same person;
  // it changes the clusters at once and binds later runs. Returns its ledger entry.
  Result<uint64_t> DecideLink(const std::string& a, const std::string& b, bool same,
                              const std::string& reason);
  // Withdraws decision `seq` (a new entry; the decision stays in the ledger, marked revoked).
  Result<uint64_t> RevokeLinkDecision(uint64_t seq, const std::string& reason);
  Result<std::vector<LinkDecision>> LinkDecisions(const std::string& record, bool in_force_only);
  // Clusters of at least `min_size` records, largest first; `record` picks the one holding it.
  Result<std::vector<LinkCluster>> LinkClusters(const std::string& record, int64_t min_size,
                                                int64_t limit, int64_t offset,
                                                int64_t* total = nullptr);
  // The latest recorded model (the link_model entry's "model"), or null if none.
  Result<Json> LinkModel();

  // ---- Integrity (docs/formats/proofs.md) ----
  // "custodian/<repository id>+<key id>+<key>": what verifiers need to check checkpoints.
  Result<std::string> VerifierKey();
  // Signs the current tree and keeps the checkpoint (or returns the newest one if it already
  // covers every entry).
  Result<CheckpointInfo> Checkpoint();
  Result<std::vector<CheckpointInfo>> Checkpoints();
  // Proves entry `seq` is in the tree of a checkpoint (the newest if none is given).
  Result<ledger::InclusionProofDoc> ProveInclusion(uint64_t seq,
                                                   std::optional<int64_t> checkpoint_id);
  // Proves the tree of checkpoint `old_id` is a prefix of the tree of checkpoint `new_id`.
  Result<ledger::ConsistencyProofDoc> ProveConsistency(int64_t old_id, int64_t new_id);
  // Recomputes every leaf and node from the entries, checks every checkpoint and the
  // projections. DataLoss names the first entry, node or checkpoint that does not hold.
  Result<VerifyReport> Verify(const VerifyOptions& options);
  // Writes a bundle (ledger::VerifyBundle reads it) after making sure a checkpoint covers
  // every entry.
  Status ExportBundle(std::ostream& out, const Progress& progress = {});
  // Witnesses: other parties whose signatures on checkpoints Custodian keeps and shows.
  Status AddWitness(const std::string& verifier_key);
  Result<std::vector<WitnessInfo>> Witnesses();
  // Adds the known witnesses' valid signatures found in `note` to the stored checkpoint with
  // the same body; returns how many were new.
  Result<int> ImportCosignatures(const std::string& note);

  const model::Vocabularies& vocabularies() const;

 private:
  class Transaction;           // repo/internal.h
  friend class SearchIndexer;  // repo/search_index.cc
  Result<search::Index*> OpenSearchIndex();
  // Indexes what the ledger's first `size` entries changed since the index's last_seq(),
  // under the writer's lock (UpdateSearchIndex without its check that nothing is to be done).
  Result<uint64_t> CatchUpSearchIndex(uint64_t size, const Progress& progress = {});
  // Deletes the search index's files; the next update rebuilds it from the ledger.
  Status DropSearchIndex();
  Repository(std::string dir, const Options& options, std::unique_ptr<store::Store> store);

  // Validates a create document and builds its entry for ledger position `seq`. An existing
  // id is an error if `reject_existing`; otherwise a document identical to the existing record
  // gives nullopt (nothing to write). Seals identifying content (reading keys from `store`).
  // Touches the store only through its arguments, so an import can prepare on one thread
  // (with its own read connection) while another appends.
  Result<std::optional<PreparedVersion>> PrepareCreate(Json document, bool reject_existing,
                                                       uint64_t seq, store::Store& store,
                                                       model::RecordResolver& resolver,
                                                       const ExistingLookup& existing);
  // Builds the entry of a new version of `record`; `prior` is the one it replaces (null for
  // a new record).
  PreparedVersion PrepareVersion(model::ValidRecord record, uint64_t seq,
                                 const PriorVersion* prior);
  // Appends a prepared version to the ledger and writes its projection.
  Result<Record> AppendPrepared(Transaction& txn, PreparedVersion prepared);
  // Existing records as this repository's own store sees them.
  ExistingLookup StoreLookup();
  // The reading, parsing and validating half of Import, run on its own thread.
  Status PrepareImport(std::istream& in, const ImportOptions& options, store::Store& snapshot,
                       uint64_t first_seq, Pipe& pipe, ImportReport& report);
  Status ApplyProjection(uint64_t seq, const Json& entry);
  Status ApplyLinkEntry(uint64_t seq, const std::string& op, const Json& entry);
  Status ApplyLinkDecision(const std::string& a, const std::string& b, bool same);
  Status ReplayLinkClusters();
  Result<Stats::Linkage> LinkageStats();
  Result<Record> PreviousVersion(const Record& record);
  Result<store::RecordFilter> Filter(const ListQuery& query);
  Result<Repository::RebuildReport> RebuildProjections(const Progress& progress, bool commit);
  Result<std::string> Origin();

  // The raw record as the ledger holds it (sealed), without permission checks.
  Result<Record> ReadRecord(const std::string& id, std::optional<int64_t> version = std::nullopt);
  // What the signed-in account sees of a raw record: sealed fields listed, pseudonym added.
  Result<Record> View(Record record);
  // The record's body with its sealed fields in the clear (DataLoss or FailedPrecondition if
  // they cannot be opened).
  Result<Json> UnsealBody(store::Store& store, const Record& record);
  // The record's fields as they stand now: unsealed, or without what an erasure destroyed.
  Result<Json> ClearFields(store::Store& store, const Record& record);
  // Seals the identifying content of a validated record, making a data key if its owner has
  // none (returned in `prepared` to be stored with the entry).
  Status SealRecord(store::Store& store, model::ValidRecord& record, NewDataKey* new_key);
  // Makes the repository key, its first key slots and the pseudonym key, and unlocks.
  Status InitKeys(const InitOptions& init);
  Status Authorize(protect::Action action) const;
  Result<std::vector<CheckpointInfo>> StoredCheckpoints();  // Checkpoints() without the check
  Result<std::unordered_set<std::string>> DisclosureClosure(const std::string& dossier);
  Status CheckDossierVisible(const std::string& id) const;
  // Appends a non-record entry (account, grant, access, erase, rekey) in `txn`.
  Result<uint64_t> AppendEvent(Transaction& txn, Json entry);
  Result<protect::Principal> LoadPrincipal(const std::string& account);
  Status WriteAccount(Transaction& txn, const AccountInfo& account);

  std::string dir_;
  Options options_;
  std::unique_ptr<store::Store> store_;
  protect::Principal principal_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<search::Index> search_;  // open only during a search or an update
};

}  // namespace custodian::repo

#endif  // CUSTODIAN_REPO_REPO_H_
