// Import and export of JSON Lines (docs/formats/jsonl.md). An import is one transaction: it
// applies completely, or (unless skip_bad) reports every bad line and applies nothing.
#include <algorithm>
#include <map>
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
// same few places again and again: answer those from memory instead of asking the store.
class CachingResolver : public model::RecordResolver {
 public:
  explicit CachingResolver(store::Store& store) : store_(store) {}

  Result<std::optional<model::Kind>> KindOf(std::string_view id) override {
    auto it = known_.find(std::string(id));
    if (it != known_.end()) return std::optional<model::Kind>(it->second);
    ASSIGN_OR_RETURN(std::optional<model::Kind> kind, store_.KindOf(id));
    if (kind) known_.emplace(std::string(id), *kind);
    return kind;
  }
  void Created(const std::string& id, model::Kind kind) { known_.emplace(id, kind); }

 private:
  StoreResolver store_;
  std::unordered_map<std::string, model::Kind> known_;
};

// Below this many bytes of input an import just inserts; above it, and when the import is
// larger than the repository, the secondary indexes are rebuilt once at the end instead.
constexpr uint64_t kBulkLoadBytes = 8 << 20;
constexpr uint64_t kBytesPerRecordGuess = 1024;

}  // namespace

Result<ImportReport> Repository::Import(std::istream& in, const ImportOptions& options) {
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  bool bulk = false;
  if (options.source_bytes >= kBulkLoadBytes) {
    ASSIGN_OR_RETURN(int64_t existing, store_->CountRecords({}));
    bulk = options.source_bytes / kBytesPerRecordGuess > static_cast<uint64_t>(existing);
    if (bulk) RETURN_IF_ERROR(store_->BeginBulkLoad());
  }
  CachingResolver resolver(*store_);
  ImportReport report;
  LineReader reader(in, options.max_line_bytes);
  std::string line;
  bool too_long = false;
  uint64_t length = 0;
  const JsonLimits limits{.max_bytes = options.max_line_bytes, .max_depth = 64};

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
    bool unchanged = false;
    Result<Record> added =
        AddInTransaction(txn, *document, /*reject_existing=*/false, &unchanged, &resolver);
    if (!added.ok()) {
      if (!IsInputError(added.status())) {
        return added.status().WithContext(options.source_name + " line " +
                                          std::to_string(report.lines));
      }
      reject(added.status(), line);
      continue;
    }
    ++(unchanged ? report.unchanged : report.created);
    resolver.Created(added->id, added->kind);
  }
  if (in.bad()) return UnavailableError("cannot read " + options.source_name);
  if (options.progress) options.progress(reader.consumed(), options.source_bytes);
  if (report.rejected > 0 && !options.skip_bad) return report;  // rolled back by ~Transaction
  if (bulk) RETURN_IF_ERROR(store_->EndBulkLoad());
  RETURN_IF_ERROR(txn.Commit());
  report.applied = true;
  return report;
}

Status Repository::Export(std::ostream& out, const Progress& progress) {
  store::RecordFilter all;
  all.order = store::RecordFilter::Order::kCreation;
  std::vector<store::RecordRow> rows;
  RETURN_IF_ERROR(store_->ListRecords(all, [&](const store::RecordRow& row) {
    rows.push_back(row);
    return true;
  }));

  // Creation order already puts every record after what it referred to when it was created;
  // an amendment may have added a reference to a later record, so such a record waits until
  // that one has been written.
  std::unordered_set<std::string> written;
  std::multimap<std::string, std::pair<std::string, std::vector<std::string>>> waiting;
  uint64_t done = 0;

  std::function<void(const std::string&, const std::string&)> write =
      [&](const std::string& id, const std::string& line) {
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

  for (const store::RecordRow& row : rows) {
    ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, row.seq));
    ASSIGN_OR_RETURN(Record record, RecordFromEntry(row.seq, entry));
    ASSIGN_OR_RETURN(model::ValidRecord projected,
                     model::Project(record.kind, record.id, record.body));
    std::string line = CanonicalJson(record.ToDocument());
    std::vector<std::string> refs;
    for (const auto& [field, to_id] : projected.refs) refs.push_back(to_id);
    refs.push_back(record.id);
    auto missing = std::find_if(refs.begin(), refs.end() - 1,
                                [&](const std::string& r) { return !written.count(r); });
    if (missing == refs.end() - 1) {
      write(record.id, line);
    } else {
      waiting.emplace(*missing, std::make_pair(std::move(line), std::move(refs)));
    }
    if (progress && ++done % 4096 == 0) progress(done, rows.size());
  }
  if (!waiting.empty()) {
    return FailedPreconditionError(
        "cannot export " + std::to_string(waiting.size()) +
        " records whose references form a cycle (first: " + waiting.begin()->second.second.back() +
        " waits for " + waiting.begin()->first + ")");
  }
  if (progress) progress(rows.size(), rows.size());
  if (!out) return UnavailableError("cannot write the export");
  return OkStatus();
}

}  // namespace custodian::repo
