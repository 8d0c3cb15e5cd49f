// Import and export of JSON Lines (docs/formats/jsonl.md). An import is one transaction: it
// applies completely, or (unless skip_bad) reports every bad line and applies nothing.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "base/canonical_json.h"
#include "repo/internal.h"

namespace custodian::repo {
namespace {

// Splits a stream into lines without ever holding more than `max_bytes` of one line, so a
// 100 MB line costs a skip, not 100 MB of memory.
class LineReader {
 public:
  LineReader(std::istream& in, size_t max_bytes) : in_(in), max_bytes_(max_bytes) {}

  // Returns false at the end of input. `too_long` is set (and `line` left empty) for a line
  // over the limit; `length` is its length in bytes either way.
  bool Next(std::string& line, bool& too_long, uint64_t& length) {
    line.clear();
    too_long = false;
    length = 0;
    bool any = false;
    while (true) {
      if (pos_ == end_) {
        if (!Fill()) return any;
      }
      any = true;
      const char* start = buffer_.data() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      size_t n = nl ? static_cast<size_t>(nl - start) : end_ - pos_;
      length += n;
      if (!too_long) {
        if (line.size() + n > max_bytes_) {
          too_long = true;
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(start, n);
        }
      }
      pos_ += n;
      consumed_ += n;
      if (nl) {
        ++pos_;
        ++consumed_;
        return true;
      }
    }
  }

  uint64_t consumed() const { return consumed_; }

 private:
  bool Fill() {
    if (!in_) return false;
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    pos_ = 0;
    end_ = static_cast<size_t>(in_.gcount());
    return end_ > 0;
  }

  std::istream& in_;
  size_t max_bytes_;
  std::vector<char> buffer_ = std::vector<char>(1 << 16);
  size_t pos_ = 0, end_ = 0;
  uint64_t consumed_ = 0;
};

// Input errors are reported per line; anything else (a full disk, a damaged database) stops
// the whole import.
bool IsInputError(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kPermissionDenied:  // a line of a kind the account may not write
      return true;
    default:
      return false;
  }
}

std::string HumanBytes(uint64_t n) {
  if (n >= (1 << 20)) return std::to_string(n >> 20) + " MiB";
  if (n >= (1 << 10)) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

// References in an import mostly point at records made earlier in the same file, or at the
// same few places again and again: answer those from memory instead of asking the store. A
// repository of up to kPreloadRecords records is read into memory whole, once, so that "does
// this id exist?" never needs the store at all.
constexpr int64_t kPreloadRecords = 4'000'000;

// Hashes ids as string_views, so that a lookup by std::string_view builds no std::string (ids
// are 16 bytes, one more than libstdc++'s short-string buffer: each would be a malloc).
struct IdHash {
  using is_transparent = void;
  size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
};

class CachingResolver : public model::RecordResolver {
 public:
  // line_made == 0: the record was in the repository before the import.
  struct Known {
    model::Kind kind;
    uint64_t line_made = 0;
  };

  explicit CachingResolver(store::Store& store) : store_(store) {}

  Status Preload(store::Store& store, uint64_t expected_new) {
    ASSIGN_OR_RETURN(int64_t count, store.CountRecords({}));
    // Sized once for the import too: rehashing a table of a million ids midway costs more
    // than the memory it saves.
    expected_new = std::min<uint64_t>(expected_new, kPreloadRecords);
    if (count > kPreloadRecords) {
      known_.reserve(expected_new);
      return OkStatus();
    }
    known_.reserve(static_cast<size_t>(count + expected_new));
    Status bad_kind;
    RETURN_IF_ERROR(store.ListRecords({}, [&](const store::RecordRow& row) {
      Result<model::Kind> kind = model::ParseKind(row.kind);
      if (!kind.ok()) {
        bad_kind = DataLossError("record " + row.id + " has kind '" + row.kind + "'");
        return false;
      }
      known_.emplace(row.id, Known{*kind});
      return true;
    }));
    RETURN_IF_ERROR(bad_kind);
    complete_ = true;
    return OkStatus();
  }

  Result<std::optional<model::Kind>> KindOf(std::string_view id) override {
    auto it = known_.find(id);
    if (it != known_.end()) return std::optional<model::Kind>(it->second.kind);
    if (complete_) return std::optional<model::Kind>();
    ASSIGN_OR_RETURN(std::optional<model::Kind> kind, store_.KindOf(id));
    if (kind) known_.emplace(std::string(id), Known{*kind});
    return kind;
  }
  void Created(std::string id, model::Kind kind, uint64_t line) {
    known_.insert_or_assign(std::move(id), Known{kind, line});
  }
  // What is known about `id`, or null.
  const Known* Find(std::string_view id) const {
    auto it = known_.find(id);
    return it == known_.end() ? nullptr : &it->second;
  }
  // True when `id` is surely not in the store (only a preloaded resolver knows that).
  bool complete() const { return complete_; }

 private:
  StoreResolver store_;
  std::unordered_map<std::string, Known, IdHash, std::equal_to<>> known_;
  bool complete_ = false;
};

// Below this many bytes of input an import just inserts; above it, and when the import is
// larger than the repository, the secondary indexes are rebuilt once at the end instead.
constexpr uint64_t kBulkLoadBytes = 8 << 20;
constexpr uint64_t kBytesPerRecordGuess = 1024;

// Prepared records travel from the preparing thread to the writing thread in batches, at most
// kMaxBatches in flight, so memory stays bounded however large the file.
constexpr size_t kBatchSize = 256;
constexpr size_t kMaxBatches = 16;

}  // namespace

class Pipe {
 public:
  // False if the writer gave up; the preparer should stop.
  bool Push(std::vector<PreparedVersion>&& batch) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return queue_.size() < kMaxBatches || stopped_; });
    if (stopped_) return false;
    queue_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }
  // False when the preparer is done (or gave up) and nothing is left.
  bool Pop(std::vector<PreparedVersion>& batch) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !queue_.empty() || closed_ || stopped_; });
    if (stopped_ || queue_.empty()) return false;
    batch = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return true;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<PreparedVersion>> queue_;
  bool closed_ = false, stopped_ = false;
};

// An import runs on two threads: this one owns the write transaction and only appends
// entries and projections; a preparing thread reads, parses and validates lines and builds
// their ledger entries. The preparer sees the repository through its own read connection,
// which shows the state before the import (the write transaction is not committed), and it
// remembers what the import itself has made.
Result<ImportReport> Repository::Import(std::istream& in, const ImportOptions& options) {
  // Lines of a kind the account may not write are rejected one by one (a legal officer may
  // import claims and dossiers); an account that may write nothing is refused at once.
  if (!Authorize(protect::Action::kWriteClaims).ok() &&
      !Authorize(protect::Action::kWriteDossiers).ok()) {
    RETURN_IF_ERROR(Authorize(protect::Action::kWriteRecords));
  }
  keys_->DropPending();
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  bool bulk = false;
  if (options.source_bytes >= kBulkLoadBytes) {
    ASSIGN_OR_RETURN(int64_t existing, store_->CountRecords({}));
    bulk = options.source_bytes / kBytesPerRecordGuess > static_cast<uint64_t>(existing);
    if (bulk) RETURN_IF_ERROR(store_->BeginBulkLoad());
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<store::Store> snapshot,
      store::Store::OpenSqlite(dir_ + "/" + kDatabaseFile, store::Store::OpenMode::kExisting));
  RETURN_IF_ERROR(snapshot->BeginRead());
  const uint64_t first_seq = txn.log().size();

  ImportReport report;
  Status preparer_status;
  Pipe pipe;
  std::thread preparer([&] {
    try {
      preparer_status = PrepareImport(in, options, *snapshot, first_seq, pipe, report);
    } catch (const std::exception& e) {
      preparer_status = InternalError(std::string("import stopped: ") + e.what());
    }
    if (!preparer_status.ok()) pipe.Stop();
    pipe.Close();
  });

  Status writer_status;
  std::vector<PreparedVersion> batch;
  std::vector<std::string> dossiers;  // made by this import
  while (writer_status.ok() && pipe.Pop(batch)) {
    for (PreparedVersion& prepared : batch) {
      Result<Record> written = AppendPrepared(txn, std::move(prepared));
      if (!written.ok()) {
        writer_status = written.status();
        pipe.Stop();
        break;
      }
      if (written->kind == model::Kind::kDossier) dossiers.push_back(written->id);
    }
  }
  preparer.join();
  snapshot.reset();
  RETURN_IF_ERROR(writer_status);
  RETURN_IF_ERROR(preparer_status);
  if (report.rejected > 0 && !options.skip_bad) return report;  // rolled back by ~Transaction
  if (bulk) RETURN_IF_ERROR(store_->EndBulkLoad());
  // As with Add: whoever brings a dossier in may work on it. The grants follow the import's
  // records in the ledger (their positions were fixed while preparing).
  if (principal_.role != protect::Role::kAdmin) {
    for (const std::string& dossier : dossiers) {
      RETURN_IF_ERROR(AppendEvent(txn, {{"op", "grant"},
                                        {"account", principal_.account},
                                        {"dossier", dossier},
                                        {"granted", true}})
                          .status());
      principal_.dossiers.insert(dossier);
    }
  }
  RETURN_IF_ERROR(txn.Commit());
  keys_->Promote();
  report.applied = true;
  return report;
}

Status Repository::PrepareImport(std::istream& in, const ImportOptions& options,
                                 store::Store& snapshot, uint64_t first_seq, Pipe& pipe,
                                 ImportReport& report) {
  CachingResolver resolver(snapshot);
  RETURN_IF_ERROR(resolver.Preload(snapshot, options.source_bytes / kBytesPerRecordGuess));
  ExistingLookup existing = [&](const std::string& id) -> Result<std::optional<Record>> {
    const CachingResolver::Known* known = resolver.Find(id);
    // A second line with an id this import has made is an error in the file, not an update.
    if (known != nullptr && known->line_made > 0) {
      return AlreadyExistsError("field 'id': " + id + " was already used on line " +
                                std::to_string(known->line_made) + " of this file");
    }
    if (known == nullptr && resolver.complete()) return std::optional<Record>();
    ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, snapshot.GetRecord(id));
    if (!row) return std::optional<Record>();
    ASSIGN_OR_RETURN(Json entry, ReadEntryJson(snapshot, row->seq));
    ASSIGN_OR_RETURN(Record record, RecordFromEntry(row->seq, entry));
    return std::optional<Record>(std::move(record));
  };

  LineReader reader(in, options.max_line_bytes);
  std::string line;
  bool too_long = false;
  uint64_t length = 0;
  const JsonLimits limits{.max_bytes = options.max_line_bytes, .max_depth = 64};
  uint64_t next_seq = first_seq;
  std::vector<PreparedVersion> batch;

  auto reject = [&](const Status& why, std::string_view text) {
    ++report.rejected;
    if (report.errors.size() < options.max_reported_errors) {
      report.errors.push_back({report.lines, why.message()});
    }
    if (options.on_reject) options.on_reject(report.lines, text, why.message());
  };

  while (reader.Next(line, too_long, length)) {
    ++report.lines;
    if (options.progress && report.lines % 1024 == 0) {
      if (options.source_bytes > 0) {
        options.progress(reader.consumed(), options.source_bytes);
      } else {
        options.progress(report.lines, 0);
      }
    }
    if (too_long) {
      reject(InvalidArgumentError("the line is " + HumanBytes(length) + ", over the limit of " +
                                  HumanBytes(options.max_line_bytes) +
                                  " (raise it with --max-line-bytes)"),
             "");
      continue;
    }
    std::string_view text = line;
    if (report.lines == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // BOM
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;

    Result<Json> document = ParseJson(text, limits);
    if (!document.ok()) {
      reject(document.status(), line);
      continue;
    }
    Result<std::optional<PreparedVersion>> prepared = PrepareCreate(
        std::move(*document), /*reject_existing=*/false, next_seq, snapshot, resolver, existing);
    if (!prepared.ok()) {
      if (!IsInputError(prepared.status())) {
        return prepared.status().WithContext(options.source_name + " line " +
                                             std::to_string(report.lines));
      }
      reject(prepared.status(), line);
      continue;
    }
    if (!prepared->has_value()) {
      ++report.unchanged;
      continue;
    }
    PreparedVersion& version = **prepared;
    resolver.Created(version.record.id, version.record.kind, report.lines);
    ++report.created;
    ++next_seq;
    batch.push_back(std::move(version));
    if (batch.size() == kBatchSize) {
      if (!pipe.Push(std::move(batch))) return OkStatus();  // the writer failed; it reports
      batch.clear();
    }
  }
  if (in.bad()) return UnavailableError("cannot read " + options.source_name);
  if (!batch.empty()) pipe.Push(std::move(batch));
  if (options.progress) options.progress(reader.consumed(), options.source_bytes);
  return OkStatus();
}

// The records a disclosure package holds: the dossier and, transitively, everything it
// refers to, so that the package stands on its own (and imports into an empty repository).
Result<std::unordered_set<std::string>> Repository::DisclosureClosure(const std::string& dossier) {
  std::unordered_set<std::string> seen = {dossier};
  std::vector<std::string> todo = {dossier};
  while (!todo.empty()) {
    std::string id = std::move(todo.back());
    todo.pop_back();
    ASSIGN_OR_RETURN(Record record, ReadRecord(id));
    ASSIGN_OR_RETURN(model::ValidRecord projected,
                     model::Project(record.kind, record.id, std::move(record.body)));
    for (auto& [field, to] : projected.refs) {
      if (seen.insert(to).second) todo.push_back(std::move(to));
    }
  }
  return seen;
}

Status Repository::Export(std::ostream& out, const ExportOptions& options) {
  const protect::Profile profile = options.profile;
  const bool reveal = protect::RevealsIdentities(profile);
  RETURN_IF_ERROR(Authorize(protect::ExportAction(profile)));
  if (reveal) RETURN_IF_ERROR(CheckFreeText("a purpose (--purpose)", options.purpose));
  if (!keys_->unlocked()) {
    return LockedError(reveal ? "export sealed identities" : "export pseudonyms");
  }
  std::optional<std::unordered_set<std::string>> selection;
  if (profile == protect::Profile::kDisclosure) {
    if (options.dossier.empty()) {
      return InvalidArgumentError("a disclosure package is made from a dossier (--dossier)");
    }
    ASSIGN_OR_RETURN(model::Kind kind, model::KindOfId(options.dossier));
    if (kind != model::Kind::kDossier) {
      return InvalidArgumentError(options.dossier + " is not a dossier");
    }
    RETURN_IF_ERROR(CheckDossierVisible(options.dossier));
    ASSIGN_OR_RETURN(selection, DisclosureClosure(options.dossier));
  } else if (!options.dossier.empty()) {
    return InvalidArgumentError("--dossier is for the disclosure profile");
  }

  store::RecordFilter all;
  all.order = store::RecordFilter::Order::kCreation;
  std::vector<store::RecordRow> rows;
  RETURN_IF_ERROR(store_->ListRecords(all, [&](const store::RecordRow& row) {
    if (!selection || selection->count(row.id)) rows.push_back(row);
    return true;
  }));

  // What this profile leaves out, known before writing, so that references to it can be
  // dropped wherever they appear.
  std::unordered_set<std::string> withheld;
  std::vector<std::string> revealed;
  for (const store::RecordRow& row : rows) {
    if (row.kind == "dossier" && !protect::CanSeeDossier(principal_, row.id)) {
      withheld.insert(row.id);
      continue;
    }
    // Only what decides needs reading now: a public export's sources (consent) and dossiers, a
    // disclosure's records (which of them it reveals). A full export reveals everything.
    const bool decide_consent =
        profile == protect::Profile::kPublic && (row.kind == "source" || row.kind == "dossier");
    if (decide_consent || profile == protect::Profile::kDisclosure) {
      ASSIGN_OR_RETURN(Record record, ReadRecord(row.id));
      if (protect::WithheldByProfile(profile, record.kind, record.body)) withheld.insert(row.id);
      if (reveal && !protect::EnvelopeOwner(record.body).empty()) revealed.push_back(row.id);
    }
  }
  if (profile == protect::Profile::kFull || (reveal && !revealed.empty())) {
    // The export is on the record before the identities leave the repository.
    Transaction txn(*store_);
    RETURN_IF_ERROR(txn.Begin());
    Json records = profile == protect::Profile::kFull ? Json::array({"*"}) : Json(revealed);
    RETURN_IF_ERROR(
        AppendEvent(txn, {{"op", "access"},
                          {"scope", "export:" + std::string(protect::ProfileName(profile))},
                          {"records", std::move(records)},
                          {"purpose", options.purpose}})
            .status());
    RETURN_IF_ERROR(txn.Commit());
  }
  auto is_withheld = [&](const std::string& id) { return withheld.count(id) > 0; };
  auto pseudonym = [&](const std::string& id) {
    return protect::Pseudonym(keys_->pseudonym_key(), id);
  };

  // Creation order already puts every record after what it referred to when it was created;
  // an amendment may have added a reference to a later record, so in an importable export
  // such a record waits until that one has been written.
  std::unordered_set<std::string> written;
  std::multimap<std::string, std::pair<std::string, std::vector<std::string>>> waiting;
  uint64_t done = 0;

  std::function<void(const std::string&, const std::string&)> write = [&](const std::string& id,
                                                                          const std::string& line) {
    out << line << '\n';
    written.insert(id);
    auto [first, last] = waiting.equal_range(id);
    std::vector<std::pair<std::string, std::vector<std::string>>> released;
    for (auto it = first; it != last; ++it) released.push_back(std::move(it->second));
    waiting.erase(first, last);
    for (auto& [waiting_line, refs] : released) {
      auto missing = std::find_if(refs.begin(), refs.end(),
                                  [&](const std::string& r) { return !written.count(r); });
      std::string waiting_id = refs.back();  // the record's own id rides at the end
      if (missing == refs.end() - 1) {
        write(waiting_id, waiting_line);
      } else {
        waiting.emplace(*missing, std::make_pair(waiting_line, refs));
      }
    }
  };

  // One read transaction for the thousands of reads below: without it SQLite takes and drops
  // a lock for each statement, which cost a full export about a fifth of its time.
  RETURN_IF_ERROR(store_->BeginRead());
  struct EndRead {
    store::Store& store;
    ~EndRead() { (void)store.Rollback(); }
  } end_read{*store_};
  for (const store::RecordRow& row : rows) {
    if (withheld.count(row.id)) continue;
    ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, row.seq));
    ASSIGN_OR_RETURN(Record record, RecordFromEntry(row.seq, entry));
    ASSIGN_OR_RETURN(model::ValidRecord projected,
                     model::Project(record.kind, record.id, record.body));
    if (reveal) {
      ASSIGN_OR_RETURN(record.body, ClearFields(*store_, record));
    } else {
      record.body = protect::Redact(std::move(record.body));
    }
    std::optional<Json> document =
        protect::ApplyProfile(profile, record.ToDocument(), is_withheld, pseudonym);
    if (!document) continue;
    std::string line = CanonicalJson(*document);
    std::vector<std::string> refs;
    if (reveal) {
      for (const auto& [field, to_id] : projected.refs) refs.push_back(to_id);
    }
    refs.push_back(record.id);
    auto missing = std::find_if(refs.begin(), refs.end() - 1,
                                [&](const std::string& r) { return !written.count(r); });
    if (missing == refs.end() - 1) {
      write(record.id, line);
    } else {
      waiting.emplace(*missing, std::make_pair(std::move(line), std::move(refs)));
    }
    if (options.progress && ++done % 4096 == 0) options.progress(done, rows.size());
  }
  if (!waiting.empty()) {
    return FailedPreconditionError(
        "cannot export " + std::to_string(waiting.size()) +
        " records whose references form a cycle (first: " + waiting.begin()->second.second.back() +
        " waits for " + waiting.begin()->first + ")");
  }
  if (options.progress) options.progress(rows.size(), rows.size());
  if (!out) return UnavailableError("cannot write the export");
  return OkStatus();
}

}  // namespace custodian::repo
