// The API's routes that act as an account. Each handler parses and checks its input, calls one
// Repository method (which checks permissions), and answers JSON.
#include <algorithm>
#include <charconv>
#include <sstream>

#include "api/internal.h"
#include "base/canonical_json.h"
#include "base/id.h"
#include "ledger/ledger.h"

namespace custodian::api::internal {
namespace {

constexpr size_t kMaxPage = 1000;

// ---- Input ----

Result<Json> Body(const Call& call) {
  if (call.request.body.empty()) return InvalidArgumentError("a JSON request body is required");
  Result<Json> body =
      ParseJson(call.request.body, {.max_bytes = call.request.body.size(), .max_depth = 64});
  if (!body.ok()) return body.status().WithContext("request body");
  if (!body->is_object()) return InvalidArgumentError("the request body must be a JSON object");
  return body;
}

// Refuses members a route does not know, so that a misspelt field is not silently ignored.
Status OnlyFields(const Json& body, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return InvalidArgumentError("unknown field '" + key + "' in the request body");
    }
  }
  return OkStatus();
}

Result<std::string> StringMember(const Json& body, const std::string& name, bool required) {
  auto it = body.find(name);
  if (it == body.end()) {
    if (required) return InvalidArgumentError("field '" + name + "' is required");
    return std::string();
  }
  if (!it->is_string()) return InvalidArgumentError("field '" + name + "' must be a string");
  return it->get<std::string>();
}

std::string Query(const Call& call, const std::string& name) {
  return call.request.has_param(name) ? call.request.get_param_value(name) : "";
}

Result<std::optional<int64_t>> IntQuery(const Call& call, const std::string& name, int64_t min,
                                        int64_t max) {
  const std::string text = Query(call, name);
  if (text.empty()) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgumentError("query parameter '" + name + "' must be an integer from " +
                                std::to_string(min) + " to " + std::to_string(max));
  }
  return std::optional<int64_t>(value);
}

Result<bool> BoolQuery(const Call& call, const std::string& name) {
  const std::string text = Query(call, name);
  if (text.empty() || text == "false" || text == "0") return false;
  if (text == "true" || text == "1") return true;
  return InvalidArgumentError("query parameter '" + name + "' must be true or false");
}

// ---- Output ----

Json RecordJson(const repo::Record& record) {
  Json out = {{"record", record.ToDocument()},
              {"version", record.version},
              {"seq", record.seq},
              {"at", record.at},
              {"by", record.by},
              {"revealed", record.revealed}};
  if (!record.reason.empty()) out["reason"] = record.reason;
  if (!record.pseudonym.empty()) out["pseudonym"] = record.pseudonym;
  if (record.erased_by != 0) out["erased_by"] = record.erased_by;
  return out;
}

Json CountsJson(const std::vector<std::pair<std::string, int64_t>>& rows) {
  Json out = Json::array();
  for (const auto& [key, n] : rows) out.push_back({{"key", key}, {"count", n}});
  return out;
}

// ---- Handlers ----

// After a write, as the CLI does. The write is committed whatever happens here: a server
// without the repository key indexes later (the next search with it catches up).
void UpdateIndex(Call& call) {
  std::lock_guard lock(call.search_index);
  call.repo.UpdateSearchIndex().status().IgnoreError();
}

Status ListRecords(Call& call) {
  repo::ListQuery query;
  if (std::string kind = Query(call, "kind"); !kind.empty()) {
    ASSIGN_OR_RETURN(query.kind, model::ParseKind(kind));
  }
  query.type = Query(call, "type");
  query.place = Query(call, "place");
  query.date = Query(call, "date");
  query.refers_to = Query(call, "refers_to");
  query.after = Query(call, "after");
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntQuery(call, "limit", 1, kMaxPage));
  ASSIGN_OR_RETURN(std::optional<int64_t> offset, IntQuery(call, "offset", 0, INT64_MAX));
  if (!query.after.empty() && offset) {
    return InvalidArgumentError("give either 'after' or 'offset', not both");
  }
  if (query.after.size() > kMaxIdLength) {
    return InvalidArgumentError("query parameter 'after' is not a record id");
  }
  const int64_t page = limit.value_or(50);
  query.limit = page + 1;  // one more tells whether a next page exists
  query.offset = offset.value_or(0);
  ASSIGN_OR_RETURN(int64_t total, call.repo.Count({.kind = query.kind,
                                                   .type = query.type,
                                                   .place = query.place,
                                                   .date = query.date,
                                                   .refers_to = query.refers_to}));
  Json records = Json::array();
  std::string next;
  RETURN_IF_ERROR(call.repo.List(query, [&](const repo::Record& record) {
    if (static_cast<int64_t>(records.size()) == page) {
      next = records.back()["record"]["id"].get<std::string>();
      return false;
    }
    records.push_back(RecordJson(record));
    return true;
  }));
  Json out = {{"total", total}, {"offset", query.offset}, {"records", std::move(records)}};
  if (!next.empty()) out["next"] = next;
  Reply(call.response, out);
  return OkStatus();
}

Status GetRecord(Call& call) {
  ASSIGN_OR_RETURN(std::optional<int64_t> version, IntQuery(call, "version", 1, INT64_MAX));
  ASSIGN_OR_RETURN(repo::Record record, call.repo.Get(call.path["id"], version));
  Reply(call.response, RecordJson(record));
  return OkStatus();
}

Status History(Call& call) {
  ASSIGN_OR_RETURN(std::vector<repo::Record> versions, call.repo.History(call.path["id"]));
  Json out = Json::array();
  for (const repo::Record& record : versions) out.push_back(RecordJson(record));
  Reply(call.response, {{"versions", out}});
  return OkStatus();
}

// A reference in a request body to a record that does not exist is bad input (400), not a
// missing resource: the route exists.
Status AsBadInput(Status status) {
  if (status.code() != StatusCode::kNotFound) return status;
  return InvalidArgumentError(status.message());
}

Status AddRecord(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  Result<repo::Record> added = call.repo.Add(body);
  if (!added.ok()) return AsBadInput(added.status());
  const repo::Record& record = *added;
  UpdateIndex(call);
  Reply(call.response, RecordJson(record), 201);
  return OkStatus();
}

Status AmendRecord(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"changes", "reason"}));
  ASSIGN_OR_RETURN(std::string reason, StringMember(body, "reason", true));
  if (!body.contains("changes") || !body["changes"].is_object()) {
    return InvalidArgumentError("field 'changes' must be an object (a JSON merge patch)");
  }
  RETURN_IF_ERROR(call.repo.Get(call.path["id"]).status());  // 404 for the record itself
  Result<repo::Record> amended = call.repo.Amend(call.path["id"], body["changes"], reason);
  if (!amended.ok()) return AsBadInput(amended.status());
  const repo::Record& record = *amended;
  UpdateIndex(call);
  Reply(call.response, RecordJson(record));
  return OkStatus();
}

Status Reveal(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"purpose", "version"}));
  ASSIGN_OR_RETURN(std::string purpose, StringMember(body, "purpose", true));
  std::optional<int64_t> version;
  if (body.contains("version")) {
    if (!body["version"].is_number_integer() || body["version"].get<int64_t>() < 1) {
      return InvalidArgumentError("field 'version' must be a positive integer");
    }
    version = body["version"].get<int64_t>();
  }
  ASSIGN_OR_RETURN(repo::Record record, call.repo.Reveal(call.path["id"], purpose, version));
  Reply(call.response, RecordJson(record));
  return OkStatus();
}

Status Search(Call& call) {
  repo::SearchRequest request;
  request.text = Query(call, "q");
  const std::pair<const char*, search::Facet> filters[] = {
      {"kind", search::Facet::kKind},
      {"violation", search::Facet::kViolationType},
      {"place", search::Facet::kPlace},
      {"unit", search::Facet::kUnit},
      {"source_type", search::Facet::kSourceType},
      {"grade", search::Facet::kGrade}};
  for (const auto& [name, facet] : filters) {
    const size_t n = call.request.get_param_value_count(name);
    for (size_t i = 0; i < n; ++i) {
      request.filters[facet].push_back(call.request.get_param_value(name, i));
    }
  }
  request.from = Query(call, "from");
  request.to = Query(call, "to");
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntQuery(call, "limit", 1, kMaxPage));
  ASSIGN_OR_RETURN(std::optional<int64_t> offset, IntQuery(call, "offset", 0, 1'000'000));
  request.limit = static_cast<size_t>(limit.value_or(20));
  request.offset = static_cast<size_t>(offset.value_or(0));
  ASSIGN_OR_RETURN(request.identities, BoolQuery(call, "identities"));
  request.purpose = Query(call, "purpose");
  ASSIGN_OR_RETURN(request.exact_count, BoolQuery(call, "exact"));
  std::unique_lock lock(call.search_index);
  ASSIGN_OR_RETURN(repo::SearchReport report, call.repo.Search(request));
  lock.unlock();
  Json hits = Json::array();
  for (const search::Hit& hit : report.results.hits) {
    Json snippets = Json::array();
    for (const search::Snippet& s : hit.snippets) {
      snippets.push_back({{"field", s.field}, {"html", s.html}});
    }
    // What the hit is, in one line, so that a client needs no request per hit.
    Result<repo::Record> record = call.repo.Get(hit.id);
    hits.push_back({{"id", hit.id},
                    {"kind", hit.kind},
                    {"title", record.ok() ? repo::Describe(*record, call.repo.vocabularies()) : ""},
                    {"score", hit.score},
                    {"snippets", snippets}});
  }
  Json facets = Json::object();
  for (size_t f = 0; f < search::kFacetCount; ++f) {
    Json counts = Json::array();
    const auto facet = static_cast<search::Facet>(f);
    for (const search::FacetCount& c : report.results.facets[f]) {
      counts.push_back({{"value", c.value},
                        {"label", repo::DescribeFacetValue(call.repo, facet, c.value)},
                        {"count", c.count}});
    }
    facets[std::string(search::FacetName(facet))] = counts;
  }
  Reply(call.response, {{"total", report.results.total},
                        {"total_exact", report.results.total_exact},
                        {"offset", request.offset},
                        {"hits", hits},
                        {"facets", facets},
                        {"facets_exact", report.results.facets_exact},
                        {"behind", report.behind}});
  return OkStatus();
}

Status Ledger(Call& call) {
  ASSIGN_OR_RETURN(std::optional<int64_t> from, IntQuery(call, "from", 0, INT64_MAX));
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntQuery(call, "limit", 1, kMaxPage));
  ASSIGN_OR_RETURN(repo::LedgerInfo info, call.repo.Ledger());
  Json entries = Json::array();
  RETURN_IF_ERROR(call.repo.Log(
      static_cast<uint64_t>(from.value_or(0)), static_cast<uint64_t>(limit.value_or(100)),
      [&](uint64_t seq, const ledger::Hash& leaf, const Json& entry) {
        entries.push_back({{"seq", seq}, {"leaf_hash", crypto::HexEncode(leaf)}, {"entry", entry}});
        return true;
      }));
  Reply(call.response, {{"size", info.size},
                        {"root", crypto::HexEncode(info.root)},
                        {"repository", info.repository_id},
                        {"entries", entries}});
  return OkStatus();
}

Status Proof(Call& call) {
  uint64_t seq = 0;
  const std::string& text = call.path["seq"];
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("a ledger entry is a number, not '" + text + "'");
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> checkpoint, IntQuery(call, "checkpoint", 1, INT64_MAX));
  ASSIGN_OR_RETURN(ledger::InclusionProofDoc doc, call.repo.ProveInclusion(seq, checkpoint));
  Json out = ledger::ToJson(doc);
  ASSIGN_OR_RETURN(std::string key, call.repo.VerifierKey());
  out["verifier_key"] = key;
  Reply(call.response, out);
  return OkStatus();
}

Status Checkpoints(Call& call) {
  ASSIGN_OR_RETURN(std::vector<repo::CheckpointInfo> checkpoints, call.repo.Checkpoints());
  Json out = Json::array();
  for (const repo::CheckpointInfo& c : checkpoints) {
    out.push_back({{"id", c.id}, {"size", c.size}, {"note", c.note}, {"at", c.at}});
  }
  ASSIGN_OR_RETURN(std::string key, call.repo.VerifierKey());
  Reply(call.response, {{"verifier_key", key}, {"checkpoints", out}});
  return OkStatus();
}

Status MakeCheckpoint(Call& call) {
  ASSIGN_OR_RETURN(repo::CheckpointInfo c, call.repo.Checkpoint());
  Reply(call.response, {{"id", c.id}, {"size", c.size}, {"note", c.note}, {"at", c.at}}, 201);
  return OkStatus();
}

Status Audit(Call& call) {
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntQuery(call, "limit", 1, kMaxPage));
  ASSIGN_OR_RETURN(std::optional<int64_t> before, IntQuery(call, "before", 0, INT64_MAX));
  const int64_t page = limit.value_or(100);
  ASSIGN_OR_RETURN(std::vector<repo::AccessEvent> events,
                   call.repo.Audit(Query(call, "record"), Query(call, "account"), page + 1,
                                   before ? static_cast<uint64_t>(*before) : UINT64_MAX));
  // One more than asked tells whether an older page exists.
  const bool more = static_cast<int64_t>(events.size()) > page;
  if (more) events.pop_back();
  Json out = Json::array();
  for (const repo::AccessEvent& e : events) {
    out.push_back({{"seq", e.seq},
                   {"at", e.at},
                   {"account", e.account},
                   {"scope", e.scope},
                   {"purpose", e.purpose},
                   {"records", e.records}});
  }
  Json reply = {{"events", std::move(out)}};
  if (more) reply["next"] = events.back().seq;
  Reply(call.response, reply);
  return OkStatus();
}

Status Stats(Call& call) {
  ASSIGN_OR_RETURN(repo::Stats stats, call.repo.Statistics());
  Reply(call.response, {{"ledger",
                         {{"size", stats.ledger.size},
                          {"root", crypto::HexEncode(stats.ledger.root)},
                          {"repository", stats.ledger.repository_id}}},
                        {"records_by_kind", CountsJson(stats.by_kind)},
                        {"acts_by_violation", CountsJson(stats.acts_by_violation)},
                        {"acts_by_year", CountsJson(stats.acts_by_year)},
                        {"acts_by_province", CountsJson(stats.acts_by_province)},
                        {"sources_by_type", CountsJson(stats.sources_by_type)},
                        {"linkage", repo::LinkageStatsJson(stats.linkage)}});
  return OkStatus();
}

Status Vocabulary(Call& call) {
  const model::Vocabulary* v = call.repo.vocabularies().Find(call.path["name"]);
  if (v == nullptr) return NotFoundError("no vocabulary '" + call.path["name"] + "'");
  Json terms = Json::array();
  for (const model::Term& term : v->terms()) terms.push_back(term.data);
  Reply(call.response, {{"name", v->name()}, {"version", v->version()}, {"terms", terms}});
  return OkStatus();
}

// ---- Accounts, grants and tokens (admins for others; anyone for their own tokens) ----

Json AccountJson(const repo::AccountInfo& a) {
  return {{"name", a.name},           {"role", protect::RoleName(a.role)},
          {"clearance", a.clearance}, {"disabled", a.disabled},
          {"dossiers", a.dossiers},   {"seq", a.seq}};
}

Result<bool> BoolMember(const Json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return InvalidArgumentError("field '" + name + "' is required");
  if (!it->is_boolean()) return InvalidArgumentError("field '" + name + "' must be true or false");
  return it->get<bool>();
}

Status ListAccounts(Call& call) {
  ASSIGN_OR_RETURN(std::vector<repo::AccountInfo> accounts, call.repo.Accounts());
  Json out = Json::array();
  for (const repo::AccountInfo& a : accounts) out.push_back(AccountJson(a));
  Reply(call.response, {{"accounts", out}});
  return OkStatus();
}

Result<repo::AccountInfo> FindAccount(Call& call, const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<repo::AccountInfo> accounts, call.repo.Accounts());
  for (repo::AccountInfo& a : accounts) {
    if (a.name == name) return std::move(a);
  }
  return NotFoundError("no account '" + name.substr(0, 64) + "'");
}

Status CreateAccount(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"name", "role", "clearance", "password"}));
  ASSIGN_OR_RETURN(std::string name, StringMember(body, "name", true));
  ASSIGN_OR_RETURN(std::string role_name, StringMember(body, "role", true));
  ASSIGN_OR_RETURN(std::string password, StringMember(body, "password", true));
  ASSIGN_OR_RETURN(protect::Role role, protect::ParseRole(role_name));
  bool clearance = false;
  if (body.contains("clearance")) {
    ASSIGN_OR_RETURN(clearance, BoolMember(body, "clearance"));
  }
  RETURN_IF_ERROR(call.repo.CreateAccount(name, role, clearance, password));
  ASSIGN_OR_RETURN(repo::AccountInfo made, FindAccount(call, name));
  Reply(call.response, AccountJson(made), 201);
  return OkStatus();
}

Status ChangeAccount(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"role", "clearance", "disabled"}));
  repo::AccountChange change;
  if (body.contains("role")) {
    ASSIGN_OR_RETURN(std::string role, StringMember(body, "role", true));
    ASSIGN_OR_RETURN(change.role, protect::ParseRole(role));
  }
  if (body.contains("clearance")) {
    ASSIGN_OR_RETURN(change.clearance, BoolMember(body, "clearance"));
  }
  if (body.contains("disabled")) {
    ASSIGN_OR_RETURN(change.disabled, BoolMember(body, "disabled"));
  }
  if (!change.role && !change.clearance && !change.disabled) {
    return InvalidArgumentError("give at least one of 'role', 'clearance', 'disabled'");
  }
  RETURN_IF_ERROR(call.repo.ChangeAccount(call.path["name"], change));
  ASSIGN_OR_RETURN(repo::AccountInfo changed, FindAccount(call, call.path["name"]));
  Reply(call.response, AccountJson(changed));
  return OkStatus();
}

Status SetPassword(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"password"}));
  ASSIGN_OR_RETURN(std::string password, StringMember(body, "password", true));
  RETURN_IF_ERROR(call.repo.SetPassword(call.path["name"], password));
  Reply(call.response, {{"account", call.path["name"]}, {"password_changed", true}});
  return OkStatus();
}

Status Grant(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"dossier", "granted"}));
  ASSIGN_OR_RETURN(std::string dossier, StringMember(body, "dossier", true));
  ASSIGN_OR_RETURN(bool granted, BoolMember(body, "granted"));
  RETURN_IF_ERROR(AsBadInput(call.repo.Grant(call.path["name"], dossier, granted)));
  ASSIGN_OR_RETURN(repo::AccountInfo changed, FindAccount(call, call.path["name"]));
  Reply(call.response, AccountJson(changed));
  return OkStatus();
}

// The account whose tokens a request is about: `account` if given (admins), else the caller.
std::string TokenAccount(Call& call) {
  std::string account = Query(call, "account");
  return account.empty() ? call.repo.principal().account : account;
}

Status ListTokens(Call& call) {
  ASSIGN_OR_RETURN(std::vector<repo::Repository::TokenInfo> tokens,
                   call.repo.Tokens(TokenAccount(call)));
  Json out = Json::array();
  for (const auto& t : tokens) {
    out.push_back({{"digest_prefix", t.digest.substr(0, 12)},
                   {"label", t.label},
                   {"created", t.created},
                   {"expires", t.expires}});
  }
  Reply(call.response, {{"tokens", out}});
  return OkStatus();
}

Status CreateToken(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"label", "days"}));
  ASSIGN_OR_RETURN(std::string label, StringMember(body, "label", true));
  int days = repo::Repository::kDefaultTokenDays;
  if (body.contains("days")) {
    if (!body["days"].is_number_integer()) {
      return InvalidArgumentError("field 'days' must be an integer");
    }
    const int64_t asked = body["days"].get<int64_t>();
    days = static_cast<int>(std::clamp<int64_t>(asked, 0, repo::Repository::kMaxTokenDays + 1));
  }
  ASSIGN_OR_RETURN(std::string token, call.repo.CreateToken(label, days));
  // The only time the token is shown: only its digest is kept.
  Reply(call.response, {{"token", token}, {"label", label}, {"days", days}}, 201);
  return OkStatus();
}

Status RevokeTokens(Call& call) {
  const std::string prefix = call.path["prefix"];
  if (prefix.size() < 6) {
    return InvalidArgumentError("name a token by at least the first 6 digits of its digest");
  }
  ASSIGN_OR_RETURN(int64_t n, call.repo.RevokeTokens(TokenAccount(call), prefix));
  if (n == 0) return NotFoundError("no token whose digest starts with " + prefix.substr(0, 64));
  Reply(call.response, {{"revoked", n}});
  return OkStatus();
}

// ---- Erasure, export and import ----

Status Erase(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"reason"}));
  ASSIGN_OR_RETURN(std::string reason, StringMember(body, "reason", true));
  // Erasure rebuilds the search index without the erased names' blind terms.
  std::unique_lock lock(call.search_index);
  ASSIGN_OR_RETURN(uint64_t seq, call.repo.EraseIdentity(call.path["id"], reason));
  lock.unlock();
  Reply(call.response, {{"id", call.path["id"]}, {"erased_by", seq}});
  return OkStatus();
}

// The export in the response body, as JSON Lines (docs/formats/jsonl.md). It is made in memory
// before it is sent: for a whole repository of millions of records, use `custodian export`.
Status Export(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"profile", "purpose", "dossier"}));
  ASSIGN_OR_RETURN(std::string profile_name, StringMember(body, "profile", true));
  repo::ExportOptions options;
  ASSIGN_OR_RETURN(options.profile, protect::ParseProfile(profile_name));
  ASSIGN_OR_RETURN(options.purpose, StringMember(body, "purpose", false));
  ASSIGN_OR_RETURN(options.dossier, StringMember(body, "dossier", false));
  std::ostringstream out;
  RETURN_IF_ERROR(call.repo.Export(out, options));
  call.response.status = 200;
  call.response.set_header("Content-Disposition",
                           "attachment; filename=\"custodian-" + profile_name + ".jsonl\"");
  call.response.set_content(std::move(out).str(), "application/x-ndjson");
  return OkStatus();
}

// JSON Lines in the request body (at most the server's body limit), all or nothing unless
// skip_bad=true; answers the report, with each bad line's number and reason.
Status Import(Call& call) {
  ASSIGN_OR_RETURN(bool skip_bad, BoolQuery(call, "skip_bad"));
  if (call.request.body.empty()) return InvalidArgumentError("the request body holds no lines");
  std::istringstream in(call.request.body);
  repo::ImportOptions options;
  options.source_name = "request body";
  options.source_bytes = call.request.body.size();
  options.skip_bad = skip_bad;
  ASSIGN_OR_RETURN(repo::ImportReport report, call.repo.Import(in, options));
  if (report.applied) UpdateIndex(call);
  Json errors = Json::array();
  for (const repo::LineError& e : report.errors) {
    errors.push_back({{"line", e.line}, {"message", e.message}});
  }
  Json out = {{"applied", report.applied},   {"lines", report.lines},
              {"created", report.created},   {"unchanged", report.unchanged},
              {"rejected", report.rejected}, {"errors", errors}};
  if (!report.applied) {
    out["error"] = {{"code", "invalid_argument"},
                    {"message", std::to_string(report.rejected) +
                                    " lines were rejected, so nothing was imported (see errors; "
                                    "skip_bad=true imports the good lines)"}};
  }
  Reply(call.response, out, report.applied ? 200 : 400);
  return OkStatus();
}

Status Schema(Call& call) {
  Reply(call.response, model::SchemaJson());
  return OkStatus();
}

// ---- Record linkage ----

Result<std::optional<double>> ProbabilityQuery(const Call& call, const std::string& name) {
  const std::string text = Query(call, name);
  if (text.empty()) return std::optional<double>();
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value >= 0 && value <= 1)) {
    return InvalidArgumentError("query parameter '" + name + "' must be a number from 0 to 1");
  }
  return std::optional<double>(value);
}

Status LinkPairs(Call& call) {
  repo::LinkPairQuery query;
  query.record = Query(call, "record");
  ASSIGN_OR_RETURN(query.undecided_only, BoolQuery(call, "undecided"));
  const std::string order = Query(call, "order");
  if (order != "" && order != "uncertainty" && order != "probability") {
    return InvalidArgumentError("query parameter 'order' must be 'uncertainty' or 'probability'");
  }
  query.by_uncertainty = order == "uncertainty";
  ASSIGN_OR_RETURN(std::optional<double> min, ProbabilityQuery(call, "min"));
  ASSIGN_OR_RETURN(std::optional<double> max, ProbabilityQuery(call, "max"));
  query.min_probability = min.value_or(0);
  query.max_probability = max.value_or(1);
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntQuery(call, "limit", 1, kMaxPage));
  ASSIGN_OR_RETURN(std::optional<int64_t> offset, IntQuery(call, "offset", 0, INT64_MAX / 2));
  query.limit = limit.value_or(20);
  query.offset = offset.value_or(0);
  int64_t total = 0;
  ASSIGN_OR_RETURN(std::vector<repo::LinkPair> pairs, call.repo.LinkPairs(query, &total));
  Json out = Json::array();
  for (const repo::LinkPair& p : pairs) {
    Json pair = repo::LinkPairJson(p);
    // What each record is, in one line, so that a review screen needs no request per record.
    for (const char* side : {"a", "b"}) {
      Result<repo::Record> record = call.repo.Get(pair[side].get<std::string>());
      pair[std::string(side) + "_title"] =
          record.ok() ? repo::Describe(*record, call.repo.vocabularies()) : "";
    }
    out.push_back(std::move(pair));
  }
  Reply(call.response, {{"total", total}, {"offset", query.offset}, {"pairs", out}});
  return OkStatus();
}

Status DecideLink(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"a", "b", "decision", "reason"}));
  ASSIGN_OR_RETURN(std::string a, StringMember(body, "a", true));
  ASSIGN_OR_RETURN(std::string b, StringMember(body, "b", true));
  ASSIGN_OR_RETURN(std::string decision, StringMember(body, "decision", true));
  ASSIGN_OR_RETURN(std::string reason, StringMember(body, "reason", true));
  if (decision != "same" && decision != "different") {
    return InvalidArgumentError("field 'decision' must be 'same' or 'different'");
  }
  ASSIGN_OR_RETURN(uint64_t seq, call.repo.DecideLink(a, b, decision == "same", reason));
  Reply(call.response, {{"seq", seq}}, 201);
  return OkStatus();
}

Status RevokeLink(Call& call) {
  uint64_t decision = 0;
  const std::string& text = call.path["seq"];
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), decision);
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("a decision is a ledger entry number, not '" + text + "'");
  }
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"reason"}));
  ASSIGN_OR_RETURN(std::string reason, StringMember(body, "reason", true));
  ASSIGN_OR_RETURN(uint64_t seq, call.repo.RevokeLinkDecision(decision, reason));
  Reply(call.response, {{"seq", seq}}, 201);
  return OkStatus();
}

Status LinkDecisions(Call& call) {
  ASSIGN_OR_RETURN(bool all, BoolQuery(call, "all"));
  ASSIGN_OR_RETURN(std::vector<repo::LinkDecision> decisions,
                   call.repo.LinkDecisions(Query(call, "record"), !all));
  Json out = Json::array();
  for (const repo::LinkDecision& d : decisions) out.push_back(repo::LinkDecisionJson(d));
  Reply(call.response, {{"decisions", out}});
  return OkStatus();
}

Status LinkClusters(Call& call) {
  ASSIGN_OR_RETURN(std::optional<int64_t> min_size, IntQuery(call, "min_size", 1, INT64_MAX / 2));
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, IntQuery(call, "limit", 1, kMaxPage));
  ASSIGN_OR_RETURN(std::optional<int64_t> offset, IntQuery(call, "offset", 0, INT64_MAX / 2));
  int64_t total = 0;
  ASSIGN_OR_RETURN(std::vector<repo::LinkCluster> clusters,
                   call.repo.LinkClusters(Query(call, "record"), min_size.value_or(2),
                                          limit.value_or(20), offset.value_or(0), &total));
  Json out = Json::array();
  for (const repo::LinkCluster& c : clusters) {
    Json cluster = repo::LinkClusterJson(c);
    Json titles = Json::object();
    for (const std::string& id : c.records) {
      Result<repo::Record> record = call.repo.Get(id);
      titles[id] = record.ok() ? repo::Describe(*record, call.repo.vocabularies()) : "";
    }
    cluster["titles"] = std::move(titles);
    out.push_back(std::move(cluster));
  }
  Reply(call.response, {{"total", total}, {"clusters", out}});
  return OkStatus();
}

Status LinkModel(Call& call) {
  ASSIGN_OR_RETURN(Json model, call.repo.LinkModel());
  Reply(call.response, {{"model", model}});
  return OkStatus();
}

Status RunLinkage(Call& call) {
  ASSIGN_OR_RETURN(Json body, Body(call));
  RETURN_IF_ERROR(OnlyFields(body, {"purpose", "retrain"}));
  repo::LinkRunOptions options;
  ASSIGN_OR_RETURN(options.purpose, StringMember(body, "purpose", true));
  if (auto it = body.find("retrain"); it != body.end()) {
    if (!it->is_boolean()) return InvalidArgumentError("field 'retrain' must be true or false");
    options.retrain = it->get<bool>();
  }
  ASSIGN_OR_RETURN(repo::LinkRunReport report, call.repo.LinkPersons(options));
  Reply(call.response, repo::LinkRunJson(report), 201);
  return OkStatus();
}

const Param kLimit{"limit", "integer", "How many at most (1-1000)"};
const Param kOffset{"offset", "integer", "How many to skip"};

}  // namespace

void Reply(httplib::Response& response, const Json& body, int status) {
  response.status = status;
  response.set_content(body.dump(), "application/json; charset=utf-8");
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"GET",
       "/api/v1/records",
       "List records, filtered and paginated, as the account may see them",
       {{"kind", "string",
         "place, organization, person, source, incident, act, post, claim, "
         "dossier"},
        {"type", "string", "A vocabulary term; includes the terms below it"},
        {"place", "string", "A place id; includes every place inside it"},
        {"date", "string", "A fuzzy date; records whose date range overlaps it"},
        {"refers_to", "string", "Records that reference this id"},
        {"after", "string",
         "Only records whose id sorts after this one: the 'next' of the page before"},
        kLimit,
        kOffset},
       "",
       200,
       ListRecords},
      {"POST",
       "/api/v1/records",
       "Create a record (docs/formats/records.md); sealed fields are sealed before storage",
       {},
       "A record document: {\"kind\": ..., optional \"id\", fields...}",
       201,
       AddRecord},
      {"GET",
       "/api/v1/records/{id}",
       "A record's current (or given) version, sealed fields sealed",
       {{"version", "integer", "An earlier version"}},
       "",
       200,
       GetRecord},
      {"PATCH",
       "/api/v1/records/{id}",
       "Amend a record: a new version from a JSON merge patch, with a reason",
       {},
       "{\"changes\": {merge patch}, \"reason\": \"...\"}",
       200,
       AmendRecord},
      {"GET", "/api/v1/records/{id}/history", "Every version of a record", {}, "", 200, History},
      {"POST",
       "/api/v1/records/{id}/reveal",
       "The record with its sealed fields in the clear: needs clearance and a purpose, and "
       "appends an access entry first",
       {},
       "{\"purpose\": \"...\", optional \"version\": n}",
       200,
       Reveal},
      {"GET",
       "/api/v1/search",
       "Full-text search with facets (docs/formats/search.md)",
       {{"q", "string", "The query: words, \"phrases\", AND, OR, NOT, ( )"},
        {"kind", "string", "Filter (repeatable)"},
        {"violation", "string", "Filter: a violation type and those below it (repeatable)"},
        {"place", "string", "Filter: a place and everything inside it (repeatable)"},
        {"unit", "string", "Filter: an organization and its units (repeatable)"},
        {"source_type", "string", "Filter (repeatable)"},
        {"grade", "string", "Filter: a source's reliability a-f (repeatable)"},
        {"from", "string", "A fuzzy date: records dated on or after it"},
        {"to", "string", "A fuzzy date: records dated on or before it"},
        {"identities", "boolean", "Also match sealed names (clearance, purpose; audited)"},
        {"purpose", "string", "Why, with identities=true"},
        {"exact", "boolean", "Count every match exactly (slower); else large counts are estimates"},
        kLimit,
        kOffset},
       "",
       200,
       Search},
      {"GET",
       "/api/v1/ledger",
       "Ledger entries with their leaf hashes, and the tree's size and root",
       {{"from", "integer", "The first entry"}, kLimit},
       "",
       200,
       Ledger},
      {"GET",
       "/api/v1/ledger/{seq}/proof",
       "An inclusion proof of a ledger entry in a signed checkpoint (docs/formats/proofs.md)",
       {{"checkpoint", "integer", "The checkpoint (default: the newest)"}},
       "",
       200,
       Proof},
      {"GET",
       "/api/v1/checkpoints",
       "Signed checkpoints and the verifier key",
       {},
       "",
       200,
       Checkpoints},
      {"POST",
       "/api/v1/checkpoints",
       "Sign a checkpoint of the current ledger",
       {},
       "",
       201,
       MakeCheckpoint},
      {"GET",
       "/api/v1/audit",
       "Who saw which identity, when and why",
       {{"record", "string", "Only accesses to this record"},
        {"account", "string", "Only accesses by this account"},
        {"before", "integer",
         "Only accesses recorded before this ledger entry: the 'next' of the page before"},
        kLimit},
       "",
       200,
       Audit},
      {"GET",
       "/api/v1/stats",
       "Counts by kind, violation, year, province, source type",
       {},
       "",
       200,
       Stats},
      {"GET", "/api/v1/vocabularies/{name}", "A vocabulary's terms", {}, "", 200, Vocabulary},
      {"GET",
       "/api/v1/accounts",
       "Accounts with role, clearance and grants (admins; others see their own)",
       {},
       "",
       200,
       ListAccounts},
      {"POST",
       "/api/v1/accounts",
       "Create an account (admins)",
       {},
       "{name, role, clearance, password}",
       201,
       CreateAccount},
      {"PATCH",
       "/api/v1/accounts/{name}",
       "Change an account's role, clearance or disabled state (admins)",
       {},
       "{role?, clearance?, disabled?}",
       200,
       ChangeAccount},
      {"POST",
       "/api/v1/accounts/{name}/password",
       "Set a password: an admin anyone's, others their own",
       {},
       "{password}",
       200,
       SetPassword},
      {"POST",
       "/api/v1/accounts/{name}/grants",
       "Grant or revoke a dossier (admins)",
       {},
       "{dossier, granted}",
       200,
       Grant},
      {"GET",
       "/api/v1/tokens",
       "API tokens: digest prefix, label, created, expires",
       {{"account", "string", "Whose (admins); default: your own"}},
       "",
       200,
       ListTokens},
      {"POST",
       "/api/v1/tokens",
       "A new API token for your account, shown once",
       {},
       "{label, days?}",
       201,
       CreateToken},
      {"DELETE",
       "/api/v1/tokens/{prefix}",
       "Revoke tokens whose digest starts with prefix (6+ hex digits)",
       {{"account", "string", "Whose (admins); default: your own"}},
       "",
       200,
       RevokeTokens},
      {"POST",
       "/api/v1/records/{id}/erase",
       "Destroy a person's data key: the sealed identity is gone for good (admins)",
       {},
       "{reason}",
       200,
       Erase},
      {"POST",
       "/api/v1/export",
       "Export as JSON Lines (profiles and permissions as custodian export)",
       {},
       "{profile, purpose?, dossier?}",
       200,
       Export,
       "application/json",
       "application/x-ndjson"},
      {"POST",
       "/api/v1/import",
       "Import JSON Lines from the body: all or nothing unless skip_bad",
       {{"skip_bad", "boolean", "Apply the good lines and report the bad ones"}},
       "JSON Lines, one record document per line (docs/formats/jsonl.md)",
       200,
       Import,
       "application/x-ndjson"},
      {"GET",
       "/api/v1/schema",
       "Every record kind's fields: type, required, vocabulary, kinds referred to, sealed",
       {},
       "",
       200,
       Schema},
      {"GET",
       "/api/v1/link/pairs",
       "Pairs of persons the latest linkage run scored, with why (docs/formats/linkage.md)",
       {{"record", "string", "Only pairs with this person"},
        {"undecided", "boolean", "Only pairs without a decision in force (the review queue)"},
        {"order", "string", "uncertainty (closest to 0.5 first) or probability (default)"},
        {"min", "string", "Lowest probability, 0-1"},
        {"max", "string", "Highest probability, 0-1"},
        kLimit,
        kOffset},
       "",
       200,
       LinkPairs},
      {"POST",
       "/api/v1/link/decisions",
       "Record that two persons are the same person or different persons (a ledger entry)",
       {},
       "{\"a\": id, \"b\": id, \"decision\": \"same\"|\"different\", \"reason\": \"...\"}",
       201,
       DecideLink},
      {"GET",
       "/api/v1/link/decisions",
       "Reviewers' decisions, in ledger order",
       {{"record", "string", "Only decisions about this person"},
        {"all", "boolean", "Include revoked decisions"}},
       "",
       200,
       LinkDecisions},
      {"POST",
       "/api/v1/link/decisions/{seq}/revoke",
       "Withdraw a decision (a new ledger entry; the decision stays, marked revoked)",
       {},
       "{\"reason\": \"...\"}",
       201,
       RevokeLink},
      {"GET",
       "/api/v1/link/clusters",
       "Persons recorded more than once: the latest run's clusters as decisions changed them",
       {{"record", "string", "The cluster holding this person"},
        {"min_size", "integer", "Only clusters of at least this many records (default 2)"},
        kLimit,
        kOffset},
       "",
       200,
       LinkClusters},
      {"GET",
       "/api/v1/link/model",
       "The recorded linkage model (m and u per field and level)",
       {},
       "",
       200,
       LinkModel},
      {"POST",
       "/api/v1/link/run",
       "Run record linkage over every person's sealed names: needs clearance and a purpose, "
       "appends an access entry; slow on large repositories",
       {},
       "{\"purpose\": \"...\", optional \"retrain\": true}",
       201,
       RunLinkage},
  };
  return routes;
}

}  // namespace custodian::api::internal
