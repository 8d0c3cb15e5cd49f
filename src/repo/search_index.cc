// The search index: a projection of the ledger into Xapian (search/search.h), kept in
// DIR/search. What a record contributes is what an account without clearance may read of it
// (sealed passages read "[sealed passage N]"), plus its sealed names as blind terms: an HMAC,
// under the repository's pseudonym key, of each name's canonical key. A cleared account's
// search turns the names in its query into the same terms, and leaves an access entry.
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "base/canonical_json.h"
#include "base/fuzzy_date.h"
#include "crypto/crypto.h"
#include "repo/internal.h"
#include "store/store.h"

namespace custodian::repo {
namespace {

constexpr const char* kSearchDir = "search";
// Every record but a dossier is readable by every account that may read records; a dossier
// only by those it was granted to (protect::CanSeeDossier).
constexpr const char* kEveryReader = "records";
std::string DossierTag(std::string_view id) { return "dossier:" + std::string(id); }

// yyyymmdd of a day number (days since 1970-01-01).
int32_t DayToYmd(int32_t day) {
  const std::string iso = DayToIso(day);  // YYYY-MM-DD
  return std::stoi(iso.substr(0, 4)) * 10000 + std::stoi(iso.substr(5, 2)) * 100 +
         std::stoi(iso.substr(8, 2));
}

std::string BlindTerm(const crypto::SecretKey& pseudonym_key, std::string_view name_key) {
  // Domain-separated from pseudonyms, which use the same key over record ids.
  return crypto::HexEncode(
      crypto::HmacSha256(pseudonym_key, "custodian search name\n" + std::string(name_key)));
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

// The "text" of each entry of a names field ([{"text": ...}, ...]).
std::vector<std::string> NameTexts(const Json& body, std::string_view field) {
  std::vector<std::string> out;
  auto it = body.find(field);
  if (it == body.end() || !it->is_array()) return out;
  for (const Json& name : *it) {
    if (name.is_object() && name.contains("text") && name["text"].is_string()) {
      out.push_back(name["text"].get<std::string>());
    }
  }
  return out;
}

std::string StringField(const Json& body, std::string_view field) {
  auto it = body.find(field);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

// A term's labels in every language, " · " between them.
std::string Labels(const model::Term& term) {
  std::string out = term.label_en;
  if (auto it = term.data.find("label"); it != term.data.end() && it->is_object()) {
    for (const auto& [lang, label] : it->items()) {
      if (lang != "en" && label.is_string()) out += " · " + label.get<std::string>();
    }
  }
  return out;
}

}  // namespace

// Builds search documents for one update, remembering what it looked up (a person's blind
// terms, a place's parents) for the records after it.
class SearchIndexer {
 public:
  explicit SearchIndexer(Repository& repo) : repo_(repo) {}

  Result<search::Document> Build(const Record& record) {
    search::Document doc;
    doc.id = record.id;
    doc.kind = std::string(model::KindName(record.kind));
    doc.access_tags = {record.kind == model::Kind::kDossier ? DossierTag(record.id) : kEveryReader};
    const Json body = protect::Redact(record.body);
    for (std::string_view field : {"title", "statement"}) {
      if (std::string text = StringField(body, field); !text.empty()) {
        doc.texts.emplace_back(field, std::move(text));
      }
    }
    for (std::string_view field : model::TextFields(record.kind)) {
      if (field == "statement") continue;  // above
      if (std::string text = StringField(body, field); !text.empty()) {
        doc.texts.emplace_back(field, std::move(text));
      }
    }
    for (std::string_view field : {"names", "public_names"}) {
      for (std::string& name : NameTexts(body, field)) doc.names.push_back(std::move(name));
    }

    ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, repo_.store_->GetRecord(record.id));
    if (row) {
      if (row->date_first && row->date_last) {
        doc.date = search::DateRange{DayToYmd(*row->date_first), DayToYmd(*row->date_last)};
      }
      if (!row->place.empty()) {
        ASSIGN_OR_RETURN(std::vector<std::string> places, WithAncestors(row->place));
        doc.places = std::move(places);
        // Its names and those of the places around it (but not the country's), so that
        // "Onsong" or 온성 finds what happened there, in Namyang within Onsong county too.
        if (row->place != record.id) {
          std::string names;
          for (const std::string& id : doc.places) {
            ASSIGN_OR_RETURN(const Node* place, Lookup(id));
            if (place->parent.empty()) break;  // the country
            if (place->names.empty()) continue;
            names += (names.empty() ? "" : " · ") + place->names;
          }
          if (!names.empty()) doc.texts.emplace_back("place", std::move(names));
        }
      }
    }
    switch (record.kind) {
      case model::Kind::kAct:
        // With every broader term, so that filtering by "sexual_violence" finds the acts
        // coded under a term below it, as custodian list --violation does.
        if (const model::Vocabulary* v = repo_.vocabularies().Find("violation_types")) {
          std::string code = StringField(body, "violation");
          // Its labels, so that "forced abortion" or 강제 낙태 finds the acts coded so.
          if (const model::Term* term = v->Find(code))
            doc.texts.emplace_back("violation", Labels(*term));
          for (int depth = 0; !code.empty() && depth < 16; ++depth) {
            AddUnique(doc.violation_types, code);
            const model::Term* term = v->Find(code);
            code = term ? term->parent : "";
          }
        }
        if (auto it = body.find("perpetrators"); it != body.end() && it->is_array()) {
          for (const Json& ref : *it) {
            if (!ref.is_string() || !ref.get<std::string>().starts_with("org-")) continue;
            ASSIGN_OR_RETURN(std::vector<std::string> units, WithAncestors(ref.get<std::string>()));
            for (const std::string& unit : units) AddUnique(doc.units, unit);
          }
        }
        break;
      case model::Kind::kSource:
        doc.source_type = StringField(body, "type");
        doc.grade = StringField(body, "reliability");
        break;
      case model::Kind::kOrganization:
        AddUnique(doc.units, record.id);
        break;
      default:
        break;
    }

    // Sealed names: the person's own, and for a record about a person (a testimony's
    // interviewee, an act's victim), that person's, so a cleared search finds both.
    std::string subject;
    if (record.kind == model::Kind::kPerson) {
      subject = record.id;
    } else if (std::string_view field = model::SubjectField(record.kind); !field.empty()) {
      subject = StringField(record.body, field);
    }
    if (subject.starts_with("per-")) {
      ASSIGN_OR_RETURN(const std::vector<std::string>* terms, BlindTerms(subject, &record));
      doc.blind_name_terms = *terms;
    }
    return doc;
  }

  // Forgets what it knows of `id` (it was amended or erased).
  void Forget(const std::string& id) {
    blind_.erase(id);
    nodes_.erase(id);
  }

 private:
  // What the index needs of a place or an organization another record points at.
  struct Node {
    std::string parent;
    std::string names;  // every name, " · " between them
  };
  Result<const Node*> Lookup(const std::string& id) {
    auto it = nodes_.find(id);
    if (it != nodes_.end()) return &it->second;
    Node node;
    Result<Record> record = repo_.ReadRecord(id);
    if (record.ok()) {
      node.parent = StringField(record->body, "parent");
      for (const std::string& name : NameTexts(record->body, "names")) {
        node.names += (node.names.empty() ? "" : " · ") + name;
      }
    } else if (record.status().code() != StatusCode::kNotFound) {
      return record.status();
    }
    return &nodes_.emplace(id, std::move(node)).first->second;
  }

  // `id` and every place (or organization) above it.
  Result<std::vector<std::string>> WithAncestors(const std::string& id) {
    std::vector<std::string> out;
    std::string at = id;
    while (!at.empty() && out.size() < 64) {  // 64: a cycle cannot hang the update
      if (std::find(out.begin(), out.end(), at) != out.end()) break;
      out.push_back(at);
      ASSIGN_OR_RETURN(const Node* node, Lookup(at));
      at = node->parent;
    }
    return out;
  }

  // The blind terms of a person's sealed names (none once the identity is erased).
  Result<const std::vector<std::string>*> BlindTerms(const std::string& person,
                                                     const Record* current) {
    auto it = blind_.find(person);
    if (it != blind_.end()) return &it->second;
    std::vector<std::string> terms;
    Result<Record> read =
        current && current->id == person ? Result<Record>(*current) : repo_.ReadRecord(person);
    if (!read.ok() && read.status().code() != StatusCode::kNotFound) return read.status();
    if (read.ok()) {
      ASSIGN_OR_RETURN(Json clear, repo_.ClearFields(*repo_.store_, *read));
      for (const std::string& name : NameTexts(clear, "names")) {
        for (const std::string& key : search::NameKeys(name)) {
          AddUnique(terms, BlindTerm(repo_.keys_->pseudonym_key(), key));
        }
      }
    }
    return &blind_.emplace(person, std::move(terms)).first->second;
  }

  Repository& repo_;
  std::unordered_map<std::string, std::vector<std::string>> blind_;
  std::unordered_map<std::string, Node> nodes_;
};

Result<search::Index*> Repository::OpenSearchIndex() {
  if (!search_) {
    ASSIGN_OR_RETURN(search_, search::Index::Open(dir_ + "/" + kSearchDir));
  }
  return search_.get();
}

Status Repository::DropSearchIndex() {
  search_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_ + "/" + kSearchDir, ec);
  if (ec) return UnavailableError("cannot remove the search index: " + ec.message());
  return OkStatus();
}

// Xapian lets one writer at a time hold an index, and other processes (or another Repository
// in this one) may want it next: the index is open only while a call uses it.
class CloseAfter {
 public:
  explicit CloseAfter(std::unique_ptr<search::Index>& index) : index_(index) {}
  ~CloseAfter() { index_.reset(); }

 private:
  std::unique_ptr<search::Index>& index_;
};

Result<uint64_t> Repository::UpdateSearchIndex(const Progress& progress) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  ASSIGN_OR_RETURN(uint64_t size, store_->EntryCount());
  // Most of the time the index is current: finding that out takes no writer's lock.
  if (auto reader = search::Index::OpenForReading(dir_ + "/" + kSearchDir);
      reader.ok() && (*reader)->last_seq() == size) {
    return uint64_t{0};
  }
  return CatchUpSearchIndex(size, progress);
}

Result<uint64_t> Repository::CatchUpSearchIndex(uint64_t size, const Progress& progress) {
  CloseAfter close(search_);
  ASSIGN_OR_RETURN(search::Index * index, OpenSearchIndex());
  uint64_t from = index->last_seq();
  if (from == size) return uint64_t{0};
  if (!keys_->unlocked()) return LockedError("update the search index");

  // Which records the new entries touch, and whether any erased an identity.
  std::vector<std::string> touched;
  std::set<std::string> seen, amended_persons;
  bool erased = from > size;  // an index ahead of the ledger is not this repository's
  auto scan = [&](uint64_t begin) {
    return store_->ScanEntries(begin, size, [&](uint64_t, std::string_view bytes) {
      Result<Json> entry = ParseJson(bytes, {.max_bytes = 64 << 20, .max_depth = 64});
      if (!entry.ok()) return true;  // verify reports damaged entries; skip, do not stop
      const std::string op = entry->value("op", "");
      if (op == "erase") erased = true;
      if (op != "create" && op != "amend") return true;
      const std::string id = entry->value("id", "");
      if (op == "amend" && id.starts_with("per-")) amended_persons.insert(id);
      if (seen.insert(id).second) touched.push_back(id);
      return true;
    });
  };
  if (!erased) RETURN_IF_ERROR(scan(from));
  if (erased) {
    // Start again from an empty directory: a replaced Xapian document can linger in free
    // blocks, and an erased person's blind terms must not.
    RETURN_IF_ERROR(DropSearchIndex());
    ASSIGN_OR_RETURN(index, OpenSearchIndex());
    from = 0;
    touched.clear();
    seen.clear();
    amended_persons.clear();
    RETURN_IF_ERROR(scan(0));
  }
  // A renamed person changes the blind terms of the records about them.
  for (const std::string& person : amended_persons) {
    RETURN_IF_ERROR(store_->ListRecords({.refers_to = person}, [&](const store::RecordRow& row) {
      if (seen.insert(row.id).second) touched.push_back(row.id);
      return true;
    }));
  }

  // Documents go to the index in batches, which it indexes on several threads.
  constexpr size_t kBatch = 512;
  SearchIndexer indexer(*this);
  std::vector<search::Document> batch;
  uint64_t done = 0;
  auto flush = [&]() -> Status {
    RETURN_IF_ERROR(index->PutAll(batch));
    batch.clear();
    return OkStatus();
  };
  for (const std::string& id : touched) {
    Result<Record> record = ReadRecord(id);
    if (record.status().code() == StatusCode::kNotFound) {
      RETURN_IF_ERROR(index->Remove(id));
    } else {
      RETURN_IF_ERROR(record.status());
      ASSIGN_OR_RETURN(search::Document doc, indexer.Build(*record));
      batch.push_back(std::move(doc));
      if (batch.size() == kBatch) RETURN_IF_ERROR(flush());
    }
    if (progress && ++done % 1024 == 0) progress(done, touched.size());
  }
  RETURN_IF_ERROR(flush());
  RETURN_IF_ERROR(index->Commit(size));
  if (progress) progress(touched.size(), touched.size());
  return size - from;
}

Result<SearchReport> Repository::Search(const SearchRequest& request) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  if (request.identities) {
    RETURN_IF_ERROR(Authorize(protect::Action::kRevealIdentity));
    RETURN_IF_ERROR(CheckFreeText("a purpose (why you search for identities)", request.purpose));
    if (!keys_->unlocked()) return LockedError("search sealed names");
  }
  SearchReport report;
  // Searching needs no writer's lock, so a search runs while another process indexes. Only an
  // index behind the ledger (or none yet) is caught up first, which makes it if missing.
  const std::string search_dir = dir_ + "/" + kSearchDir;
  ASSIGN_OR_RETURN(uint64_t size, store_->EntryCount());
  Result<std::unique_ptr<search::Index>> reader = search::Index::OpenForReading(search_dir);
  if (!reader.ok() || (*reader)->last_seq() != size) {
    Result<uint64_t> updated = CatchUpSearchIndex(size);
    // A locked repository cannot index sealed names: search what is indexed, and say so.
    if (!updated.ok() && updated.status().code() != StatusCode::kFailedPrecondition) {
      return updated.status();
    }
    reader = search::Index::OpenForReading(search_dir);
  }
  RETURN_IF_ERROR(reader.status());
  search::Index* index = reader->get();
  report.behind = size - std::min(size, index->last_seq());

  search::Query query;
  query.text = request.text;
  query.match_all = request.text.find_first_not_of(" \t\r\n") == std::string::npos &&
                    (!request.filters.empty() || !request.from.empty() || !request.to.empty());
  query.filters = request.filters;
  if (!request.from.empty()) {
    Result<FuzzyDate> from = ParseFuzzyDate(request.from);
    if (!from.ok()) return from.status().WithContext("--from");
    query.date_from = DayToYmd(from->first_day);
  }
  if (!request.to.empty()) {
    Result<FuzzyDate> to = ParseFuzzyDate(request.to);
    if (!to.ok()) return to.status().WithContext("--to");
    query.date_to = DayToYmd(to->last_day);
  }
  if (principal_.role == protect::Role::kAdmin) {
    query.all_access = true;
  } else {
    query.access_tags = {kEveryReader};
    for (const std::string& dossier : principal_.dossiers) {
      query.access_tags.push_back(DossierTag(dossier));
    }
  }
  if (request.identities) {
    const crypto::SecretKey& key = keys_->pseudonym_key();
    query.blind = [&key](std::string_view name_key) { return BlindTerm(key, name_key); };
  }
  query.offset = request.offset;
  query.limit = request.limit;
  if (request.exact_count) query.exact_count_limit = 0;
  ASSIGN_OR_RETURN(report.results, index->Search(query));

  if (request.identities) {
    // Which records answered a search by sealed names is itself identifying: on the record.
    Json records = Json::array();
    for (const search::Hit& hit : report.results.hits) records.push_back(hit.id);
    Transaction txn(*store_);
    RETURN_IF_ERROR(txn.Begin());
    RETURN_IF_ERROR(AppendEvent(txn, {{"op", "access"},
                                      {"scope", "search"},
                                      {"records", std::move(records)},
                                      {"purpose", request.purpose}})
                        .status());
    RETURN_IF_ERROR(txn.Commit());
  }
  return report;
}

}  // namespace custodian::repo
