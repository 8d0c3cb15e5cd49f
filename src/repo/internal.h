// Private to src/repo: the transaction wrapper and helpers shared by repo.cc and
// import_export.cc.
#ifndef CUSTODIAN_REPO_INTERNAL_H_
#define CUSTODIAN_REPO_INTERNAL_H_

#include <optional>
#include <unordered_map>

#include "crypto/crypto.h"
#include "repo/repo.h"
#include "store/store.h"

namespace custodian::repo {

// A store transaction with the ledger opened inside it. Rolls back unless committed, so an
// early return on error leaves the repository as it was.
class Repository::Transaction {
 public:
  explicit Transaction(store::Store& store);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();
  ledger::Log& log() { return *log_; }

 private:
  store::Store& store_;
  std::optional<ledger::Log> log_;
  bool open_ = false;
};

// Resolves references against the projections (which, inside a transaction, include the
// records it has already written).
class StoreResolver : public model::RecordResolver {
 public:
  explicit StoreResolver(store::Store& store) : store_(store) {}
  Result<std::optional<model::Kind>> KindOf(std::string_view id) override;

 private:
  store::Store& store_;
};

// What an amendment needs to know about the version it replaces.
struct PriorVersion {
  int64_t version = 0;
  uint64_t seq = 0;                                       // its ledger entry
  uint64_t created_seq = 0;                               // the ledger entry of version 1
  std::vector<std::pair<std::string, std::string>> refs;  // its references, to be replaced
  std::string reason;                                     // why the new version was made
};

// A data key made for a record's sealed fields, wrapped, to be stored with its entry.
struct NewDataKey {
  std::string owner, wrapped;
};

// A version of a record turned into its ledger entry for position `seq`, ready to append.
struct PreparedVersion {
  model::ValidRecord record;
  int64_t version = 1;
  uint64_t seq = 0;
  uint64_t created_seq = 0;  // == seq for version 1
  std::string at, by, reason;
  std::vector<std::pair<std::string, std::string>> old_refs;  // the replaced version's
  std::string entry;                                          // canonical JSON bytes
  NewDataKey new_key;                                         // owner "" if none was made
};

// The repository's keys while it is unlocked, and the data keys opened so far. Keys made
// inside a transaction stay pending until it commits (Promote), so a rolled-back write never
// leaves a cached key that the database does not hold.
class KeyRing {
 public:
  bool unlocked() const { return repository_key_.has_value(); }
  Status Unlock(crypto::SecretKey repository_key, store::Store& store);
  const crypto::SecretKey& repository_key() const { return *repository_key_; }
  const crypto::SecretKey& pseudonym_key() const { return *pseudonym_key_; }
  // The data key of `owner`, from the cache or the store. With `create`, makes one if the
  // owner has none and sets `*created_wrapped` to its wrapped form (else leaves it empty).
  // FailedPrecondition if locked; DataLoss if a stored key does not open.
  Result<const crypto::SecretKey*> DataKey(store::Store& store, const std::string& owner,
                                           bool create, std::string* created_wrapped, Env& env);
  void Promote();      // after a commit
  void DropPending();  // before a new transaction
  void Forget(const std::string& owner);

 private:
  std::optional<crypto::SecretKey> repository_key_, pseudonym_key_;
  std::unordered_map<std::string, crypto::SecretKey> data_keys_, pending_;
};

// "the repository is locked ...": what to do when a key is needed and none is open.
Status LockedError(std::string_view need);
// A purpose, reason or label: required, one line, at most 1000 bytes.
Status CheckFreeText(std::string_view what, const std::string& text);

struct DocumentParts {
  model::Kind kind;
  std::string id;  // "" if the document has none
  Json body;       // the document without "kind" and "id"
};
Result<DocumentParts> SplitDocument(Json document);

store::RecordRow ToRow(const model::ValidRecord& record, int64_t version, uint64_t seq,
                       uint64_t created_seq);

inline constexpr const char* kDatabaseFile = "custodian.db";

Result<Json> ReadEntryJson(store::Store& store, uint64_t seq);
// The record version held by a create or amend entry.
Result<Record> RecordFromEntry(uint64_t seq, const Json& entry);

// The ledger's signing key lives in DIR/ledger.key as "custodian-ledger-key-v1\n<base64 seed>\n"
// (mode 0600), outside the database, so that a copy of the database cannot forge checkpoints.
inline constexpr const char* kKeyFile = "ledger.key";
std::string KeyFileText(const crypto::SigningKey& key);
Result<crypto::SigningKey> ReadKeyFile(Env& env, const std::string& path);

}  // namespace custodian::repo

#endif  // CUSTODIAN_REPO_INTERNAL_H_
