// The SQLite backend of Store: one file in WAL mode holding the ledger and the projections.
// Table layout: docs/formats/store.md.
#include <sqlite3.h>

#include <climits>
#include <map>
#include <mutex>

#include "store/store.h"

namespace custodian::store {
namespace {

// 2: records keyed by created_seq, no history table. 3: accounts, keys, sealed identities.
constexpr int kSchemaVersion = 5;
// Tokens made before tokens expired (schema 4 and older) expire this long after they were made.
constexpr int kLegacyTokenDays = 90;

// Version 4 added the linkage projections; a version 3 database gains them empty (it has no
// link entries to project) when it is opened.
constexpr const char* kLinkSchema = R"sql(
CREATE TABLE IF NOT EXISTS link_pairs (
  a TEXT NOT NULL, b TEXT NOT NULL, probability REAL NOT NULL, explanation TEXT NOT NULL,
  PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_pairs_b ON link_pairs (b);
CREATE TABLE IF NOT EXISTS link_clusters (record TEXT PRIMARY KEY, cluster TEXT NOT NULL)
  WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_clusters_cluster ON link_clusters (cluster);
CREATE TABLE IF NOT EXISTS link_decisions (
  seq INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL, decision TEXT NOT NULL,
  account TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL, revoked_by INTEGER
);
CREATE INDEX IF NOT EXISTS link_decisions_pair ON link_decisions (a, b);
CREATE INDEX IF NOT EXISTS link_decisions_b ON link_decisions (b);
)sql";

constexpr const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ledger_entries (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL);
-- key = level << 57 | index: one integer key keeps node writes to one B-tree insert.
CREATE TABLE ledger_nodes (key INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY, tree_size INTEGER NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL
);
CREATE TABLE witnesses (verifier_key TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID;
-- Keyed by the ledger entry that created the record, so new records append to the table.
CREATE TABLE records (
  created_seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT,
  place TEXT,
  date_first INTEGER,
  date_last INTEGER
);
CREATE TABLE refs (to_id TEXT NOT NULL, field TEXT NOT NULL, from_id TEXT NOT NULL);
CREATE TABLE accounts (
  name TEXT PRIMARY KEY, role TEXT NOT NULL, clearance INTEGER NOT NULL,
  disabled INTEGER NOT NULL, seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE grants (account TEXT NOT NULL, dossier TEXT NOT NULL,
                     PRIMARY KEY (account, dossier)) WITHOUT ROWID;
CREATE TABLE erasures (owner TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE accesses (seq INTEGER NOT NULL, account TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX accesses_record ON accesses (record, seq);
CREATE INDEX accesses_account ON accesses (account, seq);
-- Secrets: not derived from the ledger, so a rebuild leaves them alone.
CREATE TABLE key_slots (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, salt BLOB NOT NULL, ops INTEGER NOT NULL,
  memory INTEGER NOT NULL, wrapped BLOB NOT NULL
);
CREATE TABLE data_keys (owner TEXT PRIMARY KEY, wrapped BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE credentials (account TEXT PRIMARY KEY, password_hash TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE tokens (
  digest TEXT PRIMARY KEY, account TEXT NOT NULL, label TEXT NOT NULL, created TEXT NOT NULL,
  expires TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Secondary indexes, dropped and recreated around bulk loads. The filters of `list` and of
// the API (kind, type and its descendants, a place and what lies inside it, a date range)
// seek in the first two for each (type, place) pair instead of scanning every act of a type,
// and test both ends of the date range and page by id inside the index: only the rows of the
// page are read from the table.
constexpr const char* kCreateIndexes = R"sql(
CREATE INDEX IF NOT EXISTS records_filter_type ON records (kind, type, place, date_first, date_last, id);
CREATE INDEX IF NOT EXISTS records_filter_place ON records (kind, place, date_first, date_last, id);
CREATE INDEX IF NOT EXISTS records_place ON records (place);
CREATE INDEX IF NOT EXISTS records_date ON records (date_first, date_last);
CREATE INDEX IF NOT EXISTS refs_to ON refs (to_id, field, from_id);
)sql";
// Also the indexes of earlier schemas (Migrate).
constexpr const char* kDropIndexes = R"sql(
DROP INDEX IF EXISTS records_kind_type;
DROP INDEX IF EXISTS records_kind_type_place;
DROP INDEX IF EXISTS records_kind_place;
DROP INDEX IF EXISTS records_filter_type;
DROP INDEX IF EXISTS records_filter_place;
DROP INDEX IF EXISTS records_place;
DROP INDEX IF EXISTS records_date;
DROP INDEX IF EXISTS refs_to;
)sql";

// Places inside ?N (itself included), following the place hierarchy's "parent" references.
constexpr const char* kWithinPlace =
    "place IN (WITH RECURSIVE inside(id) AS (SELECT ? UNION SELECT r.from_id FROM refs r "
    "JOIN inside ON r.to_id = inside.id WHERE r.field = 'parent' AND r.from_id LIKE 'plc-%') "
    "SELECT id FROM inside)";

int64_t NodeKey(int level, uint64_t index) {
  return static_cast<int64_t>((static_cast<uint64_t>(level) << 57) | index);
}

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Status Prepare(sqlite3* db, std::string_view sql) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK) {
      return InternalError(std::string("SQL prepare failed: ") + sqlite3_errmsg(db));
    }
    return OkStatus();
  }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Binds parameters 1..n and resets the statement when it goes out of scope.
class Use {
 public:
  explicit Use(Statement& s) : stmt_(s.get()) {}
  ~Use() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Use& Text(std::string_view v) {
    sqlite3_bind_text(stmt_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Use& TextOrNull(std::string_view v) {
    if (v.empty()) {
      sqlite3_bind_null(stmt_, ++n_);
      return *this;
    }
    return Text(v);
  }
  Use& Blob(std::string_view v) {
    sqlite3_bind_blob(stmt_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Use& Int(int64_t v) {
    sqlite3_bind_int64(stmt_, ++n_, v);
    return *this;
  }
  Use& IntOrNull(std::optional<int32_t> v) {
    if (v) return Int(*v);
    sqlite3_bind_null(stmt_, ++n_);
    return *this;
  }
  Use& Skip(int n) {  // for parameters bound directly (doubles)
    n_ += n;
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
  int n_ = 0;
};

std::string_view ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* p = sqlite3_column_text(s, i);
  return p == nullptr
             ? std::string_view()
             : std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s, i));
}

std::string_view ColumnBlob(sqlite3_stmt* s, int i) {
  const void* p = sqlite3_column_blob(s, i);
  return p == nullptr ? std::string_view()
                      : std::string_view(static_cast<const char*>(p), sqlite3_column_bytes(s, i));
}

std::optional<int32_t> ColumnIntOrNull(sqlite3_stmt* s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
  return static_cast<int32_t>(sqlite3_column_int64(s, i));
}

RecordRow ReadRow(sqlite3_stmt* s) {
  RecordRow row;
  row.id = ColumnText(s, 0);
  row.kind = ColumnText(s, 1);
  row.version = sqlite3_column_int64(s, 2);
  row.seq = static_cast<uint64_t>(sqlite3_column_int64(s, 3));
  row.created_seq = static_cast<uint64_t>(sqlite3_column_int64(s, 4));
  row.type = ColumnText(s, 5);
  row.place = ColumnText(s, 6);
  row.date_first = ColumnIntOrNull(s, 7);
  row.date_last = ColumnIntOrNull(s, 8);
  return row;
}

// SQLite counts every allocation under one process-wide mutex unless told not to; with an
// import's two threads each on its own connection, that mutex serialises them. Nothing here
// reads the counts. Must run before SQLite initialises; if something opened a database first,
// the call is refused and costs only the contention.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

constexpr const char* kRowColumns =
    "id, kind, version, seq, created_seq, type, place, date_first, date_last";

class SqliteStore final : public Store {
 public:
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  static Result<std::unique_ptr<Store>> Open(const std::string& path, OpenMode mode) {
    ConfigureSqliteOnce();
    auto store = std::unique_ptr<SqliteStore>(new SqliteStore());
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path.c_str(), &store->db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string why = store->db_ ? sqlite3_errmsg(store->db_) : sqlite3_errstr(rc);
      if (mode == OpenMode::kExisting) {
        return NotFoundError("cannot open repository database '" + path + "': " + why);
      }
      return UnavailableError("cannot create repository database '" + path + "': " + why);
    }
    sqlite3_busy_timeout(store->db_, 10000);
    if (mode == OpenMode::kCreate) {
      // Entries of about 1 KB pack four times better into 16 KiB pages: fewer page splits
      // and writes per append (measured in bench/ledger_bench). Only settable before WAL.
      RETURN_IF_ERROR(store->Exec("PRAGMA page_size=16384"));
    }
    // FULL: a committed testimony survives power loss, not only a process crash.
    RETURN_IF_ERROR(
        store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
                    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
                    // Deleted content (an erased person's data key) is overwritten, not
                    // left in free pages.
                    "PRAGMA secure_delete=ON;"));
    if (mode == OpenMode::kCreate) {
      RETURN_IF_ERROR(store->Exec("BEGIN IMMEDIATE"));
      Status created = store->Exec(kSchema);
      if (created.ok()) created = store->Exec(kLinkSchema);
      if (created.ok()) created = store->Exec(kCreateIndexes);
      if (created.ok()) {
        created = store->SetMeta("schema_version", std::to_string(kSchemaVersion));
      }
      if (!created.ok()) {
        store->Exec("ROLLBACK").IgnoreError();
        return created;
      }
      RETURN_IF_ERROR(store->Exec("COMMIT"));
    } else {
      Result<std::optional<std::string>> version = store->GetMetaUnprepared("schema_version");
      if (!version.ok() || !version->has_value()) {
        return FailedPreconditionError("'" + path + "' is not a Custodian repository database");
      }
      if (**version == "3" || **version == "4") {
        RETURN_IF_ERROR(store->Migrate(**version));
      } else if (**version != std::to_string(kSchemaVersion)) {
        return FailedPreconditionError(
            "'" + path + "' has schema version " + **version + "; this custodian reads version " +
            std::to_string(kSchemaVersion) +
            ". Move its records with the custodian that made it (export) and import them "
            "into a new repository");
      }
    }
    RETURN_IF_ERROR(store->PrepareAll());
    return std::unique_ptr<Store>(std::move(store));
  }

  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }
  // A deferred transaction takes its snapshot at its first read; read something now.
  Status BeginRead() override {
    return Exec("BEGIN DEFERRED; SELECT count(*) FROM meta WHERE key = 'schema_version'");
  }
  Status Commit() override { return Exec("COMMIT"); }
  Status Rollback() override { return Exec("ROLLBACK"); }

  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    Use q(get_meta_);
    q.Text(key);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(ColumnText(q.get(), 0));
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return Error("reading metadata");
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    if (set_meta_.get() == nullptr) RETURN_IF_ERROR(set_meta_.Prepare(db_, kSetMeta));
    Use q(set_meta_);
    q.Text(key).Text(value);
    return Done(q.Step(), "writing metadata");
  }

  // ---- ledger::LogStore ----
  Result<uint64_t> EntryCount() override {
    Use q(entry_count_);
    if (q.Step() != SQLITE_ROW) return Error("counting ledger entries");
    return static_cast<uint64_t>(sqlite3_column_int64(q.get(), 0));
  }

  Status WriteEntry(uint64_t seq, std::string_view entry) override {
    Use q(write_entry_);
    q.Int(static_cast<int64_t>(seq)).Blob(entry);
    return Done(q.Step(), "appending a ledger entry");
  }

  Result<std::string> ReadEntry(uint64_t seq) override {
    Use q(read_entry_);
    q.Int(static_cast<int64_t>(seq));
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::string(ColumnBlob(q.get(), 0));
    if (rc == SQLITE_DONE) return NotFoundError("no ledger entry " + std::to_string(seq));
    return Error("reading a ledger entry");
  }

  Status WriteNode(int level, uint64_t index, const ledger::Hash& hash) override {
    Use q(write_node_);
    q.Int(NodeKey(level, index)).Blob(crypto::AsBytes(hash));
    return Done(q.Step(), "writing a ledger node");
  }

  Result<ledger::Hash> ReadNode(int level, uint64_t index) override {
    Use q(read_node_);
    q.Int(NodeKey(level, index));
    int rc = q.Step();
    if (rc == SQLITE_DONE) {
      return DataLossError("ledger node (level " + std::to_string(level) + ", index " +
                           std::to_string(index) + ") is missing");
    }
    if (rc != SQLITE_ROW) return Error("reading a ledger node");
    std::string_view bytes = ColumnBlob(q.get(), 0);
    ledger::Hash hash;
    if (bytes.size() != hash.size()) {
      return DataLossError("ledger node (level " + std::to_string(level) + ", index " +
                           std::to_string(index) + ") is not 32 bytes");
    }
    std::copy(bytes.begin(), bytes.end(), hash.begin());
    return hash;
  }

  Status ScanEntries(uint64_t from, uint64_t to,
                     const std::function<bool(uint64_t, std::string_view)>& visit) override {
    Use q(scan_entries_);
    // SQLite's integers are signed: "to the end" (UINT64_MAX) must not become -1.
    constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
    q.Int(static_cast<int64_t>(std::min(from, kMax))).Int(static_cast<int64_t>(std::min(to, kMax)));
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      if (!visit(static_cast<uint64_t>(sqlite3_column_int64(q.get(), 0)), ColumnBlob(q.get(), 1))) {
        return OkStatus();
      }
    }
    return Done(rc, "scanning the ledger");
  }

  // ---- projections ----
  Result<std::optional<RecordRow>> GetRecord(std::string_view id) override {
    Use q(get_record_);
    q.Text(id);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<RecordRow>(ReadRow(q.get()));
    if (rc == SQLITE_DONE) return std::optional<RecordRow>();
    return Error("reading a record");
  }

  Status PutRecord(const RecordRow& row, const Refs& refs, const Refs& old_refs) override {
    {
      Use q(put_record_);
      q.Int(static_cast<int64_t>(row.created_seq)).Text(row.id).Text(row.kind).Int(row.version);
      q.Int(static_cast<int64_t>(row.seq));
      q.TextOrNull(row.type)
          .TextOrNull(row.place)
          .IntOrNull(row.date_first)
          .IntOrNull(row.date_last);
      RETURN_IF_ERROR(Done(q.Step(), "writing a record"));
    }
    if (!old_refs.empty() && refs_index_dropped_) {
      // Replacing references finds them through refs_to; without it every amendment in a
      // bulk load would scan the whole table. Building it now, sorted, is one pass.
      RETURN_IF_ERROR(Exec("CREATE INDEX IF NOT EXISTS refs_to ON refs (to_id, field, from_id)"));
      refs_index_dropped_ = false;
    }
    for (const auto& [field, to_id] : old_refs) {
      Use q(delete_ref_);
      q.Text(to_id).Text(field).Text(row.id);
      RETURN_IF_ERROR(Done(q.Step(), "replacing references"));
    }
    for (const auto& [field, to_id] : refs) {
      Use q(put_ref_);
      q.Text(to_id).Text(field).Text(row.id);
      RETURN_IF_ERROR(Done(q.Step(), "writing a reference"));
    }
    return OkStatus();
  }

  Status BeginBulkLoad() override {
    refs_index_dropped_ = true;
    return Exec(kDropIndexes);
  }
  Status EndBulkLoad() override {
    refs_index_dropped_ = false;
    // Helper threads for the sorts behind CREATE INDEX: about 20% off the records indexes.
    RETURN_IF_ERROR(Exec("PRAGMA threads = 2"));
    Status created = Exec(kCreateIndexes);
    Exec("PRAGMA threads = 0").IgnoreError();
    return created;
  }

  Status ListRecords(const RecordFilter& filter,
                     const std::function<bool(const RecordRow&)>& visit) override {
    const char* order =
        filter.order == RecordFilter::Order::kCreation ? " ORDER BY created_seq" : " ORDER BY id";
    std::string sql = std::string("SELECT ") + kRowColumns + " FROM records";
    if (filter.limit >= 0) {
      // A page: the filter indexes hold the id and (as every index) the row key, so the page
      // is chosen inside the index and only its own rows are read from the table, not every
      // match's. Unpaged listings read every row anyway and need no such detour.
      sql += " WHERE created_seq IN (SELECT created_seq FROM records" + Where(filter) + order +
             " LIMIT ? OFFSET ?)" + order;
    } else {
      sql += Where(filter) + order + " LIMIT ? OFFSET ?";
    }
    Statement stmt;
    RETURN_IF_ERROR(stmt.Prepare(db_, sql));
    Use q(stmt);
    BindFilter(filter, q);
    q.Int(filter.limit).Int(filter.offset);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      if (!visit(ReadRow(q.get()))) return OkStatus();
    }
    return Done(rc, "listing records");
  }

  Result<int64_t> CountRecords(const RecordFilter& filter) override {
    Statement stmt;
    RETURN_IF_ERROR(stmt.Prepare(db_, "SELECT count(*) FROM records" + Where(filter)));
    Use q(stmt);
    BindFilter(filter, q);
    if (q.Step() != SQLITE_ROW) return Error("counting records");
    return sqlite3_column_int64(q.get(), 0);
  }

  Result<std::vector<std::pair<std::string, int64_t>>> CountGrouped(const RecordFilter& filter,
                                                                    GroupBy group_by) override {
    std::string key;
    switch (group_by) {
      case GroupBy::kKind:
        key = "kind";
        break;
      case GroupBy::kType:
        key = "type";
        break;
      case GroupBy::kPlace:
        key = "place";
        break;
      case GroupBy::kYear:
        key = "strftime('%Y', date_first * 86400, 'unixepoch')";
        break;
    }
    Statement stmt;
    RETURN_IF_ERROR(stmt.Prepare(db_, "SELECT " + key + " AS k, count(*) FROM records" +
                                          Where(filter) + " GROUP BY k ORDER BY k"));
    Use q(stmt);
    BindFilter(filter, q);
    std::vector<std::pair<std::string, int64_t>> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.emplace_back(ColumnText(q.get(), 0), sqlite3_column_int64(q.get(), 1));
    }
    RETURN_IF_ERROR(Done(rc, "counting records"));
    return out;
  }

  Status ScanNodes(int level, uint64_t from, uint64_t to,
                   const std::function<bool(uint64_t, std::string_view)>& visit) override {
    Use q(scan_nodes_);
    q.Int(NodeKey(level, from)).Int(NodeKey(level, to));
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      uint64_t key = static_cast<uint64_t>(sqlite3_column_int64(q.get(), 0));
      if (!visit(key & ((uint64_t{1} << 57) - 1), ColumnBlob(q.get(), 1))) return OkStatus();
    }
    return Done(rc, "scanning ledger nodes");
  }

  Result<uint64_t> NodeCount() override {
    Use q(node_count_);
    if (q.Step() != SQLITE_ROW) return Error("counting ledger nodes");
    return static_cast<uint64_t>(sqlite3_column_int64(q.get(), 0));
  }

  Result<int64_t> AddCheckpoint(uint64_t size, std::string_view note,
                                std::string_view at) override {
    Use q(add_checkpoint_);
    q.Int(static_cast<int64_t>(size)).Text(note).Text(at);
    RETURN_IF_ERROR(Done(q.Step(), "storing a checkpoint"));
    return sqlite3_last_insert_rowid(db_);
  }

  Status SetCheckpointNote(int64_t id, std::string_view note) override {
    Use q(set_checkpoint_note_);
    q.Text(note).Int(id);
    return Done(q.Step(), "updating a checkpoint");
  }

  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override {
    Use q(list_checkpoints_);
    std::vector<StoredCheckpoint> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back({sqlite3_column_int64(q.get(), 0),
                     static_cast<uint64_t>(sqlite3_column_int64(q.get(), 1)),
                     std::string(ColumnText(q.get(), 2)), std::string(ColumnText(q.get(), 3))});
    }
    RETURN_IF_ERROR(Done(rc, "listing checkpoints"));
    return out;
  }

  Status AddWitness(std::string_view verifier_key, std::string_view at) override {
    Use q(add_witness_);
    q.Text(verifier_key).Text(at);
    return Done(q.Step(), "adding a witness");
  }

  Result<std::vector<std::string>> ListWitnesses() override {
    Use q(list_witnesses_);
    std::vector<std::string> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.emplace_back(ColumnText(q.get(), 0));
    RETURN_IF_ERROR(Done(rc, "listing witnesses"));
    return out;
  }

  Status PutAccount(const AccountRow& a) override {
    Use q(put_account_);
    q.Text(a.name).Text(a.role).Int(a.clearance).Int(a.disabled).Int(static_cast<int64_t>(a.seq));
    return Done(q.Step(), "writing an account");
  }

  Result<std::optional<AccountRow>> GetAccount(std::string_view name) override {
    Use q(get_account_);
    q.Text(name);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<AccountRow>(ReadAccount(q.get()));
    RETURN_IF_ERROR(Done(rc, "reading an account"));
    return std::optional<AccountRow>();
  }

  Result<std::vector<AccountRow>> ListAccounts() override {
    Use q(list_accounts_);
    std::vector<AccountRow> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadAccount(q.get()));
    RETURN_IF_ERROR(Done(rc, "listing accounts"));
    return out;
  }

  Status SetGrant(std::string_view account, std::string_view dossier, bool granted) override {
    Use q(granted ? add_grant_ : delete_grant_);
    q.Text(account).Text(dossier);
    return Done(q.Step(), "writing a grant");
  }

  Result<std::vector<std::string>> ListGrants(std::string_view account) override {
    return Texts(list_grants_, account, "listing grants");
  }

  Status PutErasure(std::string_view owner, uint64_t seq) override {
    Use q(put_erasure_);
    q.Text(owner).Int(static_cast<int64_t>(seq));
    return Done(q.Step(), "recording an erasure");
  }

  Result<std::optional<uint64_t>> GetErasure(std::string_view owner) override {
    Use q(get_erasure_);
    q.Text(owner);
    int rc = q.Step();
    if (rc == SQLITE_ROW) {
      return std::optional<uint64_t>(static_cast<uint64_t>(sqlite3_column_int64(q.get(), 0)));
    }
    RETURN_IF_ERROR(Done(rc, "reading an erasure"));
    return std::optional<uint64_t>();
  }

  Status PutAccess(uint64_t seq, std::string_view account, std::string_view record) override {
    Use q(put_access_);
    q.Int(static_cast<int64_t>(seq)).Text(account).Text(record);
    return Done(q.Step(), "recording an access");
  }

  Result<std::vector<uint64_t>> ListAccesses(std::string_view record, std::string_view account,
                                             int64_t limit, uint64_t before) override {
    Use q(list_accesses_);
    q.Text(record).Text(record).Text(account).Text(account);
    q.Int(static_cast<int64_t>(std::min<uint64_t>(before, INT64_MAX))).Int(limit);
    std::vector<uint64_t> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back(static_cast<uint64_t>(sqlite3_column_int64(q.get(), 0)));
    }
    RETURN_IF_ERROR(Done(rc, "listing accesses"));
    return out;
  }

  Result<int64_t> AddKeySlot(const KeySlotRow& slot) override {
    Use q(add_key_slot_);
    q.Text(slot.kind).Blob(slot.salt).Int(static_cast<int64_t>(slot.ops));
    q.Int(static_cast<int64_t>(slot.memory)).Blob(slot.wrapped);
    RETURN_IF_ERROR(Done(q.Step(), "adding a key slot"));
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status ReplaceKeySlot(const KeySlotRow& slot) override {
    Use q(replace_key_slot_);
    q.Blob(slot.salt).Int(static_cast<int64_t>(slot.ops)).Int(static_cast<int64_t>(slot.memory));
    q.Blob(slot.wrapped).Int(slot.id);
    return Done(q.Step(), "replacing a key slot");
  }

  Status DeleteKeySlot(int64_t id) override {
    Use q(delete_key_slot_);
    q.Int(id);
    return Done(q.Step(), "deleting a key slot");
  }

  Result<std::vector<KeySlotRow>> ListKeySlots() override {
    Use q(list_key_slots_);
    std::vector<KeySlotRow> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      KeySlotRow& slot = out.emplace_back();
      slot.id = sqlite3_column_int64(q.get(), 0);
      slot.kind = ColumnText(q.get(), 1);
      slot.salt = ColumnBlob(q.get(), 2);
      slot.ops = static_cast<uint64_t>(sqlite3_column_int64(q.get(), 3));
      slot.memory = static_cast<uint64_t>(sqlite3_column_int64(q.get(), 4));
      slot.wrapped = ColumnBlob(q.get(), 5);
    }
    RETURN_IF_ERROR(Done(rc, "listing key slots"));
    return out;
  }

  Status PutDataKey(std::string_view owner, std::string_view wrapped) override {
    Use q(put_data_key_);
    q.Text(owner).Blob(wrapped);
    return Done(q.Step(), "storing a data key");
  }

  Result<std::optional<std::string>> GetDataKey(std::string_view owner) override {
    Use q(get_data_key_);
    q.Text(owner);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(ColumnBlob(q.get(), 0));
    RETURN_IF_ERROR(Done(rc, "reading a data key"));
    return std::optional<std::string>();
  }

  Status DeleteDataKey(std::string_view owner) override {
    Use q(delete_data_key_);
    q.Text(owner);
    return Done(q.Step(), "deleting a data key");
  }

  Status ScanDataKeys(
      const std::function<bool(std::string_view, std::string_view)>& visit) override {
    Use q(scan_data_keys_);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      if (!visit(ColumnText(q.get(), 0), ColumnBlob(q.get(), 1))) return OkStatus();
    }
    return Done(rc, "reading data keys");
  }

  Result<int64_t> CountDataKeys() override {
    Use q(count_data_keys_);
    if (q.Step() != SQLITE_ROW) return Error("counting data keys");
    return sqlite3_column_int64(q.get(), 0);
  }

  Status ScrubDeleted() override { return Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

  Status SetPasswordHash(std::string_view account, std::string_view hash) override {
    Use q(set_password_);
    q.Text(account).Text(hash);
    return Done(q.Step(), "storing a password hash");
  }

  Result<std::optional<std::string>> GetPasswordHash(std::string_view account) override {
    Use q(get_password_);
    q.Text(account);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(ColumnText(q.get(), 0));
    RETURN_IF_ERROR(Done(rc, "reading a password hash"));
    return std::optional<std::string>();
  }

  Status AddToken(const TokenRow& t) override {
    Use q(add_token_);
    q.Text(t.digest).Text(t.account).Text(t.label).Text(t.created).Text(t.expires);
    return Done(q.Step(), "storing a token");
  }

  Result<std::optional<TokenRow>> FindToken(std::string_view digest) override {
    Use q(find_token_);
    q.Text(digest);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<TokenRow>(ReadToken(q.get()));
    RETURN_IF_ERROR(Done(rc, "reading a token"));
    return std::optional<TokenRow>();
  }

  Result<std::vector<TokenRow>> ListTokens(std::string_view account) override {
    Use q(list_tokens_);
    q.Text(account);
    std::vector<TokenRow> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadToken(q.get()));
    RETURN_IF_ERROR(Done(rc, "listing tokens"));
    return out;
  }

  Result<int64_t> DeleteTokens(std::string_view account, std::string_view prefix) override {
    // Bound without a copy (SQLITE_STATIC): the pattern must outlive the step.
    const std::string pattern = std::string(prefix) + "%";
    Use q(delete_tokens_);
    q.Text(account).Text(pattern);
    RETURN_IF_ERROR(Done(q.Step(), "deleting tokens"));
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Status ClearProjections() override {
    return Exec(
        "DELETE FROM records; DELETE FROM refs; DELETE FROM accounts; "
        "DELETE FROM grants; DELETE FROM erasures; DELETE FROM accesses; "
        "DELETE FROM link_pairs; DELETE FROM link_clusters; DELETE FROM link_decisions;");
  }

  // ---- Linkage ----
  Status ClearLinkRun() override {
    return Exec("DELETE FROM link_pairs; DELETE FROM link_clusters;");
  }

  Status PutLinkPair(const LinkPairRow& p) override {
    Use q(put_link_pair_);
    q.Text(p.a).Text(p.b);
    sqlite3_bind_double(q.get(), 3, p.probability);
    sqlite3_bind_text(q.get(), 4, p.explanation.data(), static_cast<int>(p.explanation.size()),
                      SQLITE_STATIC);
    return Done(q.Step(), "storing a link pair");
  }

  Result<std::vector<LinkPairRow>> ListLinkPairs(const LinkPairQuery& query) override {
    Statement stmt;
    std::string sql = "SELECT a, b, probability, explanation FROM link_pairs" +
                      LinkPairWhere(query) +
                      (query.by_uncertainty ? " ORDER BY abs(probability - 0.5), a, b"
                                            : " ORDER BY probability DESC, a, b") +
                      " LIMIT ? OFFSET ?";
    RETURN_IF_ERROR(stmt.Prepare(db_, sql));
    Use q(stmt);
    BindLinkPairQuery(query, q);
    q.Int(query.limit).Int(query.offset);
    std::vector<LinkPairRow> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back({.a = std::string(ColumnText(q.get(), 0)),
                     .b = std::string(ColumnText(q.get(), 1)),
                     .probability = sqlite3_column_double(q.get(), 2),
                     .explanation = std::string(ColumnText(q.get(), 3))});
    }
    RETURN_IF_ERROR(Done(rc, "listing link pairs"));
    return out;
  }

  Result<int64_t> CountLinkPairs(const LinkPairQuery& query) override {
    Statement stmt;
    RETURN_IF_ERROR(stmt.Prepare(db_, "SELECT count(*) FROM link_pairs" + LinkPairWhere(query)));
    Use q(stmt);
    BindLinkPairQuery(query, q);
    if (q.Step() != SQLITE_ROW) return Error("counting link pairs");
    return sqlite3_column_int64(q.get(), 0);
  }

  Status SetLinkCluster(std::string_view record, std::string_view cluster) override {
    Use q(set_link_cluster_);
    q.Text(record).Text(cluster);
    return Done(q.Step(), "storing a link cluster");
  }

  Status MergeLinkClusters(std::string_view from, std::string_view into) override {
    Use q(merge_link_clusters_);
    q.Text(into).Text(from);
    return Done(q.Step(), "merging link clusters");
  }

  Result<std::optional<std::string>> GetLinkCluster(std::string_view record) override {
    Use q(get_link_cluster_);
    q.Text(record);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(ColumnText(q.get(), 0));
    RETURN_IF_ERROR(Done(rc, "reading a link cluster"));
    return std::optional<std::string>();
  }

  Result<std::vector<LinkClusterRow>> ListLinkClusters(std::string_view cluster, int64_t min_size,
                                                       int64_t limit, int64_t offset) override {
    // The page of clusters first, then their members: group_concat would have to pick a
    // separator that no record id may contain.
    std::vector<LinkClusterRow> out;
    {
      Use q(list_link_clusters_);
      q.Text(cluster).Text(cluster).Int(min_size).Int(limit).Int(offset);
      int rc;
      while ((rc = q.Step()) == SQLITE_ROW)
        out.push_back({.cluster = std::string(ColumnText(q.get(), 0))});
      RETURN_IF_ERROR(Done(rc, "listing link clusters"));
    }
    for (LinkClusterRow& row : out) {
      ASSIGN_OR_RETURN(row.records, Texts(link_cluster_members_, row.cluster, "listing a cluster"));
    }
    return out;
  }

  Result<LinkClusterCount> CountLinkClusters(int64_t min_size) override {
    Use q(count_link_clusters_);
    q.Int(min_size);
    if (q.Step() != SQLITE_ROW) return Error("counting link clusters");
    return LinkClusterCount{.clusters = sqlite3_column_int64(q.get(), 0),
                            .records = sqlite3_column_int64(q.get(), 1)};
  }

  Status PutLinkDecision(const LinkDecisionRow& d) override {
    Use q(put_link_decision_);
    q.Int(static_cast<int64_t>(d.seq))
        .Text(d.a)
        .Text(d.b)
        .Text(d.decision)
        .Text(d.account)
        .Text(d.reason)
        .Text(d.at);
    return Done(q.Step(), "storing a link decision");
  }

  Status RevokeLinkDecision(uint64_t seq, uint64_t revoked_by) override {
    Use q(revoke_link_decision_);
    q.Int(static_cast<int64_t>(revoked_by)).Int(static_cast<int64_t>(seq));
    return Done(q.Step(), "revoking a link decision");
  }

  Result<std::optional<LinkDecisionRow>> GetLinkDecision(uint64_t seq) override {
    Use q(get_link_decision_);
    q.Int(static_cast<int64_t>(seq));
    int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<LinkDecisionRow>(ReadLinkDecision(q.get()));
    RETURN_IF_ERROR(Done(rc, "reading a link decision"));
    return std::optional<LinkDecisionRow>();
  }

  Result<std::vector<LinkDecisionRow>> ListLinkDecisions(std::string_view record,
                                                         bool in_force_only) override {
    Use q(list_link_decisions_);
    q.Text(record).Text(record).Text(record).Int(in_force_only ? 1 : 0);
    std::vector<LinkDecisionRow> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadLinkDecision(q.get()));
    RETURN_IF_ERROR(Done(rc, "listing link decisions"));
    return out;
  }

  Result<ledger::Hash> ProjectionDigest() override {
    crypto::Sha256Hasher hasher;
    // Each value is written with its length so that no two different tables hash the same.
    auto add = [&](std::string_view v) {
      std::string len = std::to_string(v.size()) + ":";
      hasher.Update(len);
      hasher.Update(v);
    };
    static constexpr const char* kQueries[] = {
        "SELECT id, kind, version, seq, created_seq, type, place, date_first, date_last "
        "FROM records ORDER BY id",
        "SELECT to_id, field, from_id FROM refs ORDER BY to_id, field, from_id",
        "SELECT name, role, clearance, disabled, seq FROM accounts ORDER BY name",
        "SELECT account, dossier FROM grants ORDER BY account, dossier",
        "SELECT owner, seq FROM erasures ORDER BY owner",
        "SELECT seq, account, record FROM accesses ORDER BY seq, record",
        "SELECT a, b, probability, explanation FROM link_pairs ORDER BY a, b",
        "SELECT record, cluster FROM link_clusters ORDER BY record",
        "SELECT seq, a, b, decision, account, reason, at, revoked_by FROM link_decisions "
        "ORDER BY seq",
    };
    for (const char* sql : kQueries) {
      Statement stmt;
      RETURN_IF_ERROR(stmt.Prepare(db_, sql));
      add(sql);
      Use q(stmt);
      int rc;
      while ((rc = q.Step()) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(q.get()); ++i) {
          add(sqlite3_column_type(q.get(), i) == SQLITE_NULL ? std::string_view("\x01null")
                                                             : ColumnText(q.get(), i));
        }
      }
      RETURN_IF_ERROR(Done(rc, "digesting projections"));
    }
    return hasher.Finish();
  }

 private:
  static constexpr const char* kSetMeta =
      "INSERT INTO meta (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value";

  SqliteStore() = default;

  Status Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      int code = sqlite3_extended_errcode(db_);
      if (code == SQLITE_BUSY || (code & 0xff) == SQLITE_BUSY) {
        return UnavailableError("the repository is busy (another process is writing): " + message);
      }
      return Classify(code, message);
    }
    return OkStatus();
  }

  static Status Classify(int code, const std::string& message) {
    switch (code & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return UnavailableError("the repository is busy: " + message);
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return DataLossError("the repository database is damaged: " + message);
      case SQLITE_FULL:
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
      case SQLITE_READONLY:
        return UnavailableError("the repository database cannot be written: " + message);
      case SQLITE_CONSTRAINT:
        return AlreadyExistsError(message);
      default:
        return InternalError("SQLite: " + message);
    }
  }

  Status Error(std::string_view doing) {
    return Classify(sqlite3_extended_errcode(db_), std::string(doing) + ": " + sqlite3_errmsg(db_));
  }

  Status Done(int rc, std::string_view doing) {
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return OkStatus();
    return Error(doing);
  }

  Result<bool> HasColumn(std::string_view table, std::string_view column) {
    Statement stmt;
    RETURN_IF_ERROR(stmt.Prepare(db_, "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?"));
    Use q(stmt);
    q.Text(table).Text(column);
    if (q.Step() != SQLITE_ROW) return Error("reading the schema");
    return sqlite3_column_int64(q.get(), 0) > 0;
  }

  // Version 3 lacks the linkage tables; 3 and 4 have the filter indexes of before and tokens
  // that never expire, which now expire kLegacyTokenDays after they were made. Two processes
  // may open the same old file at once: the second finds the work done and does nothing.
  Status Migrate(const std::string& from) {
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Result<std::optional<std::string>> now = GetMetaUnprepared("schema_version");
    if (now.ok() && *now == std::to_string(kSchemaVersion)) return Exec("COMMIT");
    Status migrated = from == "3" ? Exec(kLinkSchema) : OkStatus();
    Result<bool> has_expiry = HasColumn("tokens", "expires");
    if (!has_expiry.ok()) migrated = has_expiry.status();
    if (migrated.ok() && !*has_expiry) {
      // The stored form is FormatTimestamp's (microseconds, Z), so expiries compare as text.
      const std::string expire_tokens =
          "ALTER TABLE tokens ADD COLUMN expires TEXT NOT NULL DEFAULT ''; "
          "UPDATE tokens SET expires = strftime('%Y-%m-%dT%H:%M:%S', created, '+" +
          std::to_string(kLegacyTokenDays) + " days') || '.000000Z'";
      migrated = Exec(expire_tokens.c_str());
    }
    if (migrated.ok()) {
      migrated = Exec(
          "DROP INDEX IF EXISTS records_kind_type; DROP INDEX IF EXISTS records_kind_type_place; "
          "DROP INDEX IF EXISTS records_kind_place");
    }
    if (migrated.ok()) migrated = Exec(kCreateIndexes);
    if (migrated.ok()) {
      migrated = Exec(("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '" +
                       std::to_string(kSchemaVersion) + "')")
                          .c_str());
    }
    if (!migrated.ok()) {
      Exec("ROLLBACK").IgnoreError();
      return migrated;
    }
    return Exec("COMMIT");
  }

  static std::string LinkPairWhere(const LinkPairQuery& query) {
    std::string where = " WHERE probability >= ? AND probability <= ?";
    if (!query.record.empty()) where += " AND (a = ? OR b = ?)";
    if (query.undecided_only) {
      where +=
          " AND NOT EXISTS (SELECT 1 FROM link_decisions d WHERE d.a = link_pairs.a AND "
          "d.b = link_pairs.b AND d.revoked_by IS NULL)";
    }
    return where;
  }

  static void BindLinkPairQuery(const LinkPairQuery& query, Use& q) {
    sqlite3_bind_double(q.get(), 1, query.min_probability);
    sqlite3_bind_double(q.get(), 2, query.max_probability);
    q.Skip(2);
    if (!query.record.empty()) q.Text(query.record).Text(query.record);
  }

  static LinkDecisionRow ReadLinkDecision(sqlite3_stmt* s) {
    return {.seq = static_cast<uint64_t>(sqlite3_column_int64(s, 0)),
            .a = std::string(ColumnText(s, 1)),
            .b = std::string(ColumnText(s, 2)),
            .decision = std::string(ColumnText(s, 3)),
            .account = std::string(ColumnText(s, 4)),
            .reason = std::string(ColumnText(s, 5)),
            .at = std::string(ColumnText(s, 6)),
            .revoked_by = static_cast<uint64_t>(sqlite3_column_int64(s, 7))};
  }

  Result<std::optional<std::string>> GetMetaUnprepared(std::string_view key) {
    Statement stmt;
    if (!stmt.Prepare(db_, "SELECT value FROM meta WHERE key = ?").ok()) {
      return std::optional<std::string>();
    }
    Use q(stmt);
    q.Text(key);
    if (q.Step() == SQLITE_ROW) return std::optional<std::string>(ColumnText(q.get(), 0));
    return std::optional<std::string>();
  }

  Status PrepareAll() {
    const std::pair<Statement*, std::string> statements[] = {
        {&get_meta_, "SELECT value FROM meta WHERE key = ?"},
        {&set_meta_, kSetMeta},
        {&entry_count_, "SELECT coalesce(max(seq) + 1, 0) FROM ledger_entries"},
        {&write_entry_, "INSERT INTO ledger_entries (seq, entry) VALUES (?, ?)"},
        {&read_entry_, "SELECT entry FROM ledger_entries WHERE seq = ?"},
        {&scan_entries_,
         "SELECT seq, entry FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq"},
        {&write_node_, "INSERT INTO ledger_nodes (key, hash) VALUES (?, ?)"},
        {&read_node_, "SELECT hash FROM ledger_nodes WHERE key = ?"},
        {&get_record_, std::string("SELECT ") + kRowColumns + " FROM records WHERE id = ?"},
        {&put_record_,
         "INSERT INTO records (created_seq, id, kind, version, seq, type, place, date_first, "
         "date_last) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (created_seq) DO UPDATE SET "
         "version = excluded.version, seq = excluded.seq, type = excluded.type, "
         "place = excluded.place, date_first = excluded.date_first, "
         "date_last = excluded.date_last"},
        {&delete_ref_, "DELETE FROM refs WHERE to_id = ? AND field = ? AND from_id = ?"},
        {&put_ref_, "INSERT INTO refs (to_id, field, from_id) VALUES (?, ?, ?)"},
        {&scan_nodes_,
         "SELECT key, hash FROM ledger_nodes WHERE key >= ? AND key < ? ORDER BY key"},
        {&node_count_, "SELECT count(*) FROM ledger_nodes"},
        {&add_checkpoint_, "INSERT INTO checkpoints (tree_size, note, at) VALUES (?, ?, ?)"},
        {&set_checkpoint_note_, "UPDATE checkpoints SET note = ? WHERE id = ?"},
        {&list_checkpoints_, "SELECT id, tree_size, note, at FROM checkpoints ORDER BY id"},
        {&add_witness_, "INSERT OR IGNORE INTO witnesses (verifier_key, at) VALUES (?, ?)"},
        {&list_witnesses_, "SELECT verifier_key FROM witnesses ORDER BY verifier_key"},
        {&put_account_,
         "INSERT OR REPLACE INTO accounts (name, role, clearance, disabled, seq) "
         "VALUES (?, ?, ?, ?, ?)"},
        {&get_account_, "SELECT name, role, clearance, disabled, seq FROM accounts WHERE name = ?"},
        {&list_accounts_,
         "SELECT name, role, clearance, disabled, seq FROM accounts ORDER BY name"},
        {&add_grant_, "INSERT OR IGNORE INTO grants (account, dossier) VALUES (?, ?)"},
        {&delete_grant_, "DELETE FROM grants WHERE account = ? AND dossier = ?"},
        {&list_grants_, "SELECT dossier FROM grants WHERE account = ? ORDER BY dossier"},
        {&put_erasure_, "INSERT OR REPLACE INTO erasures (owner, seq) VALUES (?, ?)"},
        {&get_erasure_, "SELECT seq FROM erasures WHERE owner = ?"},
        {&put_access_, "INSERT INTO accesses (seq, account, record) VALUES (?, ?, ?)"},
        {&list_accesses_,
         "SELECT DISTINCT seq FROM accesses WHERE (? = '' OR record = ? OR record = '*') AND "
         "(? = '' OR account = ?) AND seq < ? ORDER BY seq DESC LIMIT ?"},
        {&add_key_slot_,
         "INSERT INTO key_slots (kind, salt, ops, memory, wrapped) VALUES (?, ?, ?, ?, ?)"},
        {&replace_key_slot_,
         "UPDATE key_slots SET salt = ?, ops = ?, memory = ?, wrapped = ? WHERE id = ?"},
        {&delete_key_slot_, "DELETE FROM key_slots WHERE id = ?"},
        {&list_key_slots_,
         "SELECT id, kind, salt, ops, memory, wrapped FROM key_slots ORDER BY id"},
        {&put_data_key_, "INSERT OR REPLACE INTO data_keys (owner, wrapped) VALUES (?, ?)"},
        {&get_data_key_, "SELECT wrapped FROM data_keys WHERE owner = ?"},
        {&delete_data_key_, "DELETE FROM data_keys WHERE owner = ?"},
        {&scan_data_keys_, "SELECT owner, wrapped FROM data_keys ORDER BY owner"},
        {&count_data_keys_, "SELECT count(*) FROM data_keys"},
        {&set_password_,
         "INSERT OR REPLACE INTO credentials (account, password_hash) VALUES (?, ?)"},
        {&get_password_, "SELECT password_hash FROM credentials WHERE account = ?"},
        {&add_token_,
         "INSERT INTO tokens (digest, account, label, created, expires) VALUES (?, ?, ?, ?, ?)"},
        {&find_token_,
         "SELECT digest, account, label, created, expires FROM tokens WHERE digest = ?"},
        {&list_tokens_,
         "SELECT digest, account, label, created, expires FROM tokens WHERE account = ? "
         "ORDER BY created"},
        {&delete_tokens_, "DELETE FROM tokens WHERE account = ? AND digest LIKE ?"},
        {&put_link_pair_,
         "INSERT OR REPLACE INTO link_pairs (a, b, probability, explanation) VALUES (?, ?, ?, ?)"},
        {&set_link_cluster_,
         "INSERT OR REPLACE INTO link_clusters (record, cluster) VALUES (?, ?)"},
        {&merge_link_clusters_, "UPDATE link_clusters SET cluster = ? WHERE cluster = ?"},
        {&get_link_cluster_, "SELECT cluster FROM link_clusters WHERE record = ?"},
        {&list_link_clusters_,
         "SELECT cluster FROM link_clusters WHERE (? = '' OR cluster = ?) GROUP BY cluster "
         "HAVING count(*) >= ? ORDER BY count(*) DESC, cluster LIMIT ? OFFSET ?"},
        {&link_cluster_members_,
         "SELECT record FROM link_clusters WHERE cluster = ? ORDER BY record"},
        {&count_link_clusters_,
         "SELECT count(*), coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM link_clusters "
         "GROUP BY cluster HAVING count(*) >= ?)"},
        {&put_link_decision_,
         "INSERT INTO link_decisions (seq, a, b, decision, account, reason, at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?)"},
        {&revoke_link_decision_, "UPDATE link_decisions SET revoked_by = ? WHERE seq = ?"},
        {&get_link_decision_,
         "SELECT seq, a, b, decision, account, reason, at, coalesce(revoked_by, 0) "
         "FROM link_decisions WHERE seq = ?"},
        {&list_link_decisions_,
         "SELECT seq, a, b, decision, account, reason, at, coalesce(revoked_by, 0) "
         "FROM link_decisions WHERE (? = '' OR a = ? OR b = ?) "
         "AND (? = 0 OR revoked_by IS NULL) ORDER BY seq"},
    };
    for (const auto& [stmt, sql] : statements) RETURN_IF_ERROR(stmt->Prepare(db_, sql));
    return OkStatus();
  }

  // The WHERE clause for a filter: fixed SQL fragments with ? placeholders only.
  static std::string Where(const RecordFilter& f) {
    std::vector<std::string> terms;
    if (!f.kind.empty()) terms.emplace_back("kind = ?");
    if (!f.types.empty()) {
      std::string in = "type IN (?";
      for (size_t i = 1; i < f.types.size(); ++i) in += ", ?";
      terms.push_back(in + ")");
    }
    if (!f.within_place.empty()) terms.emplace_back(kWithinPlace);
    if (f.date_last) terms.emplace_back("date_first <= ?");
    if (f.date_first) terms.emplace_back("date_last >= ?");
    if (!f.refers_to.empty()) {
      terms.emplace_back("id IN (SELECT from_id FROM refs WHERE to_id = ?)");
    }
    if (f.visible_dossiers) {
      std::string visible = "(kind <> 'dossier'";
      if (!f.visible_dossiers->empty()) {
        visible += " OR id IN (?";
        for (size_t i = 1; i < f.visible_dossiers->size(); ++i) visible += ", ?";
        visible += ")";
      }
      terms.push_back(visible + ")");
    }
    if (!f.after_id.empty()) terms.emplace_back("id > ?");
    std::string out;
    for (const std::string& t : terms) out += (out.empty() ? " WHERE " : " AND ") + t;
    return out;
  }

  static void BindFilter(const RecordFilter& f, Use& q) {
    if (!f.kind.empty()) q.Text(f.kind);
    for (const std::string& t : f.types) q.Text(t);
    if (!f.within_place.empty()) q.Text(f.within_place);
    if (f.date_last) q.Int(*f.date_last);
    if (f.date_first) q.Int(*f.date_first);
    if (!f.refers_to.empty()) q.Text(f.refers_to);
    if (f.visible_dossiers) {
      for (const std::string& id : *f.visible_dossiers) q.Text(id);
    }
    if (!f.after_id.empty()) q.Text(f.after_id);
  }

  static AccountRow ReadAccount(sqlite3_stmt* s) {
    return {.name = std::string(ColumnText(s, 0)),
            .role = std::string(ColumnText(s, 1)),
            .clearance = sqlite3_column_int64(s, 2) != 0,
            .disabled = sqlite3_column_int64(s, 3) != 0,
            .seq = static_cast<uint64_t>(sqlite3_column_int64(s, 4))};
  }

  static TokenRow ReadToken(sqlite3_stmt* s) {
    return {.digest = std::string(ColumnText(s, 0)),
            .account = std::string(ColumnText(s, 1)),
            .label = std::string(ColumnText(s, 2)),
            .created = std::string(ColumnText(s, 3)),
            .expires = std::string(ColumnText(s, 4))};
  }

  Result<std::vector<std::string>> Texts(Statement& stmt, std::string_view arg,
                                         std::string_view doing) {
    Use q(stmt);
    q.Text(arg);
    std::vector<std::string> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.emplace_back(ColumnText(q.get(), 0));
    RETURN_IF_ERROR(Done(rc, doing));
    return out;
  }

  sqlite3* db_ = nullptr;
  bool refs_index_dropped_ = false;
  Statement get_meta_, set_meta_, entry_count_, write_entry_, read_entry_, scan_entries_,
      write_node_, read_node_, get_record_, put_record_, delete_ref_, put_ref_, scan_nodes_,
      node_count_, add_checkpoint_, set_checkpoint_note_, list_checkpoints_, add_witness_,
      list_witnesses_, put_account_, get_account_, list_accounts_, add_grant_, delete_grant_,
      list_grants_, put_erasure_, get_erasure_, put_access_, list_accesses_, add_key_slot_,
      replace_key_slot_, delete_key_slot_, list_key_slots_, put_data_key_, get_data_key_,
      delete_data_key_, scan_data_keys_, count_data_keys_, set_password_, get_password_, add_token_,
      find_token_, list_tokens_, delete_tokens_, put_link_pair_, set_link_cluster_,
      merge_link_clusters_, get_link_cluster_, list_link_clusters_, link_cluster_members_,
      count_link_clusters_, put_link_decision_, revoke_link_decision_, get_link_decision_,
      list_link_decisions_;
};

}  // namespace

Result<std::unique_ptr<Store>> Store::OpenSqlite(const std::string& path, OpenMode mode) {
  return SqliteStore::Open(path, mode);
}

}  // namespace custodian::store
