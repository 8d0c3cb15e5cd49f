// store: where the ledger and its projections are kept. The only module that writes SQL.
//
// A Store holds, in one database:
//   - the ledger: entries and Merkle node hashes (it implements ledger::LogStore);
//   - projections: one row per record (kind, current version, the ledger entry that holds it,
//     and the columns filters need) and its references to other records;
//   - checkpoints (signed tree heads) and the witnesses whose cosignatures are kept. Projections
//   are derived: repo can clear and rebuild them from the ledger.
// Every statement is parameterised; nothing a user typed is ever pasted into SQL.
//
// Transactions are explicit (Begin/Commit/Rollback) so that repo can append a ledger entry
// and write its projection atomically. The SQLite backend (sqlite/) is the embedded default;
// a PostgreSQL backend will implement the same interface and run the same test suite.
//
// Thread-safety: a Store object is used by one thread at a time. Several processes may open
// the same SQLite file; writers are serialised by SQLite's lock (busy timeout 10 s).
#ifndef CUSTODIAN_STORE_STORE_H_
#define CUSTODIAN_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"

namespace custodian::store {

// The projection of one record. Field names follow the columns in docs/formats/store.md.
struct RecordRow {
  std::string id;
  std::string kind;                              // model::KindName
  int64_t version = 0;                           // 1 for the first version, +1 per amendment
  uint64_t seq = 0;                              // the ledger entry holding this version
  uint64_t created_seq = 0;                      // the ledger entry holding version 1
  std::string type;                              // classifying term ("" if none)
  std::string place;                             // place id ("" if none)
  std::optional<int32_t> date_first, date_last;  // days since 1970-01-01, inclusive
  friend bool operator==(const RecordRow&, const RecordRow&) = default;
};

struct RecordFilter {
  std::string kind;                // "" for any
  std::vector<std::string> types;  // any of these ("" vector for any)
  std::string within_place;        // this place or any place inside it ("" for anywhere)
  std::optional<int32_t> date_first, date_last;  // records whose date range overlaps this
  std::string refers_to;                         // records with a reference to this id
  std::string after_id;  // only ids after this one: a page that starts where the last ended
  // When set, dossiers other than these are left out (an account sees only those granted),
  // inside the query, so that pages and counts hold only what the reader may see.
  std::optional<std::vector<std::string>> visible_dossiers;
  enum class Order { kId, kCreation };
  Order order = Order::kId;
  int64_t limit = -1;  // -1 for no limit
  int64_t offset = 0;
};

// A count of projected records grouped by one column.
enum class GroupBy { kKind, kType, kPlace, kYear };

class Store : public ledger::LogStore {
 public:
  enum class OpenMode { kCreate, kExisting };
  // The embedded default. kCreate fails if `path` exists; kExisting if it does not.
  static Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, OpenMode mode);

  ~Store() override = default;

  virtual Status Begin() = 0;  // a write transaction
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // A read transaction: every read until Rollback sees the database as it is now, and costs no
  // lock per statement (an import's preparing thread reads thousands of times).
  virtual Status BeginRead() = 0;

  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;

  // Reads entries [from, to) in order; stops early if `visit` returns false.
  virtual Status ScanEntries(uint64_t from, uint64_t to,
                             const std::function<bool(uint64_t, std::string_view)>& visit) = 0;

  virtual Result<std::optional<RecordRow>> GetRecord(std::string_view id) = 0;
  using Refs = std::vector<std::pair<std::string, std::string>>;  // (field, referenced id)
  // Writes the projection of a version of a record: its row (replacing the previous
  // version's) and its references, replacing `old_refs`, the previous version's. (History
  // needs no table: each amendment's ledger entry names the entry of the version before.)
  virtual Status PutRecord(const RecordRow& row, const Refs& refs, const Refs& old_refs) = 0;

  // Bulk loading: drops the secondary indexes so that a large import appends rows instead of
  // inserting into random places of several B-trees, and recreates them (sorted, in one pass)
  // when it ends. Both run inside the caller's transaction, so a crash restores the indexes.
  virtual Status BeginBulkLoad() = 0;
  virtual Status EndBulkLoad() = 0;
  virtual Status ListRecords(const RecordFilter& filter,
                             const std::function<bool(const RecordRow&)>& visit) = 0;
  virtual Result<int64_t> CountRecords(const RecordFilter& filter) = 0;
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountGrouped(
      const RecordFilter& filter, GroupBy group_by) = 0;

  // Stored node hashes of one level with index in [from, to), in index order.
  virtual Status ScanNodes(
      int level, uint64_t from, uint64_t to,
      const std::function<bool(uint64_t index, std::string_view hash)>& visit) = 0;
  virtual Result<uint64_t> NodeCount() = 0;

  // ---- Checkpoints and witnesses: they sign the ledger, so they live beside it ----
  struct StoredCheckpoint {
    int64_t id = 0;
    uint64_t size = 0;
    std::string note;  // the signed note, including any witness cosignatures
    std::string at;
  };
  virtual Result<int64_t> AddCheckpoint(uint64_t size, std::string_view note,
                                        std::string_view at) = 0;
  virtual Status SetCheckpointNote(int64_t id, std::string_view note) = 0;
  virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints() = 0;
  // Witnesses are keyed by their verifier key text (which begins with their name).
  virtual Status AddWitness(std::string_view verifier_key, std::string_view at) = 0;
  virtual Result<std::vector<std::string>> ListWitnesses() = 0;

  // ---- Accounts, grants, erasures and accesses: projections of ledger entries ----
  struct AccountRow {
    std::string name;
    std::string role;
    bool clearance = false;
    bool disabled = false;
    uint64_t seq = 0;  // the ledger entry that set this state
  };
  virtual Status PutAccount(const AccountRow& account) = 0;
  virtual Result<std::optional<AccountRow>> GetAccount(std::string_view name) = 0;
  virtual Result<std::vector<AccountRow>> ListAccounts() = 0;
  virtual Status SetGrant(std::string_view account, std::string_view dossier, bool granted) = 0;
  virtual Result<std::vector<std::string>> ListGrants(std::string_view account) = 0;
  // The ledger entry that erased the identity sealed under `owner`'s data key, if any.
  virtual Status PutErasure(std::string_view owner, uint64_t seq) = 0;
  virtual Result<std::optional<uint64_t>> GetErasure(std::string_view owner) = 0;
  // Sealed fields revealed: entry `seq` shows that `account` saw record `record`.
  virtual Status PutAccess(uint64_t seq, std::string_view account, std::string_view record) = 0;
  // Entries of accesses, newest first, to `record` (complete exports, stored as record "*",
  // included) and/or by `account` ("" for any), older than entry `before`.
  virtual Result<std::vector<uint64_t>> ListAccesses(std::string_view record,
                                                     std::string_view account, int64_t limit,
                                                     uint64_t before) = 0;

  // ---- Linkage (docs/formats/linkage.md): projections of link_run and link_decision entries ----
  // The pairs of persons the latest linkage run scored, and its clusters as decisions changed
  // them. Names never reach these tables: only record ids, probabilities and agreement levels.
  struct LinkPairRow {
    std::string a, b;  // person record ids, a < b
    double probability = 0;
    std::string explanation;  // JSON: each field's agreement level and weight
  };
  struct LinkPairQuery {
    std::string record;           // pairs with this record ("" for any)
    bool undecided_only = false;  // without a decision in force on the pair
    double min_probability = 0, max_probability = 1;
    bool by_uncertainty = false;  // closest to 0.5 first; else most probable first
    int64_t limit = -1, offset = 0;
  };
  struct LinkDecisionRow {
    uint64_t seq = 0;  // the entry that made it
    std::string a, b;
    std::string decision;  // "same" or "different"
    std::string account, reason, at;
    uint64_t revoked_by = 0;  // the entry that withdrew it; 0 while in force
  };
  struct LinkClusterRow {
    std::string cluster;  // one of its records
    std::vector<std::string> records;
  };
  // Forgets the previous run's pairs and clusters.
  virtual Status ClearLinkRun() = 0;
  virtual Status PutLinkPair(const LinkPairRow& pair) = 0;
  virtual Result<std::vector<LinkPairRow>> ListLinkPairs(const LinkPairQuery& query) = 0;
  virtual Result<int64_t> CountLinkPairs(const LinkPairQuery& query) = 0;
  // Puts `record` in `cluster` (a record of it); a record in no cluster stands alone.
  virtual Status SetLinkCluster(std::string_view record, std::string_view cluster) = 0;
  virtual Status MergeLinkClusters(std::string_view from, std::string_view into) = 0;
  virtual Result<std::optional<std::string>> GetLinkCluster(std::string_view record) = 0;
  // Clusters of at least `min_size` records, largest first, then by cluster id.
  virtual Result<std::vector<LinkClusterRow>> ListLinkClusters(std::string_view cluster,
                                                               int64_t min_size, int64_t limit,
                                                               int64_t offset) = 0;
  struct LinkClusterCount {
    int64_t clusters = 0, records = 0;
  };
  virtual Result<LinkClusterCount> CountLinkClusters(int64_t min_size) = 0;
  virtual Status PutLinkDecision(const LinkDecisionRow& decision) = 0;
  virtual Status RevokeLinkDecision(uint64_t seq, uint64_t revoked_by) = 0;
  virtual Result<std::optional<LinkDecisionRow>> GetLinkDecision(uint64_t seq) = 0;
  // Decisions in ledger order, on pairs with `record` ("" for all), optionally only those in force.
  virtual Result<std::vector<LinkDecisionRow>> ListLinkDecisions(std::string_view record,
                                                                 bool in_force_only) = 0;

  // ---- Secrets: never in the ledger, never rebuilt, never exported ----
  // Key slots hold the repository key wrapped under a passphrase-derived key or a key file.
  struct KeySlotRow {
    int64_t id = 0;
    std::string kind;
    std::string salt;
    uint64_t ops = 0;
    uint64_t memory = 0;
    std::string wrapped;
  };
  virtual Result<int64_t> AddKeySlot(const KeySlotRow& slot) = 0;
  virtual Status ReplaceKeySlot(const KeySlotRow& slot) = 0;
  virtual Status DeleteKeySlot(int64_t id) = 0;
  virtual Result<std::vector<KeySlotRow>> ListKeySlots() = 0;
  // Data keys, wrapped under the repository key, by the id of the record they belong to.
  virtual Status PutDataKey(std::string_view owner, std::string_view wrapped) = 0;
  virtual Result<std::optional<std::string>> GetDataKey(std::string_view owner) = 0;
  // Deletes a data key so that its bytes do not survive in the database file (secure_delete)
  // or its WAL (checkpointed and truncated at commit by ScrubDeleted).
  virtual Status DeleteDataKey(std::string_view owner) = 0;
  virtual Status ScanDataKeys(
      const std::function<bool(std::string_view owner, std::string_view wrapped)>& visit) = 0;
  virtual Result<int64_t> CountDataKeys() = 0;
  // Moves every committed page from the WAL into the database and truncates the WAL, so that
  // deleted secrets are gone from both files. Call outside a transaction.
  virtual Status ScrubDeleted() = 0;
  virtual Status SetPasswordHash(std::string_view account, std::string_view hash) = 0;
  virtual Result<std::optional<std::string>> GetPasswordHash(std::string_view account) = 0;
  struct TokenRow {
    std::string digest;  // SHA-256 of the token, hex
    std::string account;
    std::string label;
    std::string created;
    std::string expires;  // as created, FormatTimestamp's form: compares as text
  };
  virtual Status AddToken(const TokenRow& token) = 0;
  virtual Result<std::optional<TokenRow>> FindToken(std::string_view digest) = 0;
  virtual Result<std::vector<TokenRow>> ListTokens(std::string_view account) = 0;
  // Deletes the account's tokens whose digest begins with `digest_prefix` ("" for all);
  // returns how many.
  virtual Result<int64_t> DeleteTokens(std::string_view account,
                                       std::string_view digest_prefix) = 0;

  // Empties every projection table (not the ledger), for a rebuild.
  virtual Status ClearProjections() = 0;
  // SHA-256 over every projection row in a fixed order: equal digests, equal projections.
  virtual Result<ledger::Hash> ProjectionDigest() = 0;
};

}  // namespace custodian::store

#endif  // CUSTODIAN_STORE_STORE_H_
