// Record linkage of persons in a repository (docs/formats/linkage.md): the machine's scores and
// clusters and the reviewers' decisions, all as ledger entries; the tables of pairs, clusters
// and decisions are their projection.
//
// Names are sealed, so a run unseals every person in memory (clearance, a purpose, one access
// entry) and hands src/link the names; what it records holds record ids, probabilities and
// agreement levels only.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/canonical_json.h"
#include "base/fuzzy_date.h"
#include "link/link.h"
#include "repo/internal.h"

namespace custodian::repo {
namespace {

// Pairs and clusters per link_run entry: entries stay around 100 KB however large the run.
constexpr size_t kPairsPerEntry = 1000;
constexpr size_t kClustersPerEntry = 2000;

link::LinkOptions RepositoryLinkOptions(int threads) {
  link::LinkOptions options = link::KoreanLinkOptions();
  options.threads = std::max(1, threads);
  return options;
}

// The comparison vectors a recorded model was fitted on. 1 (no "engine" member): events in four
// levels, no role. 2: events counted by place in five levels, the person's role, and u of events
// among people of one province. 3: also the month of events (event_months). 4: also the
// companions of a second pass (fitted on the first), the violations (with their u among people
// of one province) and the distance between origins. A model of another engine cannot score
// today's vectors; it stays in the ledger as history, and the next run fits a new one.
constexpr int kLinkEngine = 4;

Json ModelToJson(const link::Model& model) {
  Json fields = Json::object();
  for (size_t f = 0; f < link::kFieldCount; ++f) {
    if (!model.active[f]) continue;
    fields[std::string(link::FieldName(static_cast<link::Field>(f)))] = {{"m", model.m[f]},
                                                                         {"u", model.u[f]}};
  }
  Json out = {{"engine", kLinkEngine},
              {"prior", model.prior},
              {"fields", std::move(fields)},
              {"iterations", model.iterations},
              {"converged", model.converged}};
  Json same_province = Json::object();
  for (size_t f = 0; f < link::kFieldCount; ++f) {
    if (model.u_same_province[f].empty()) continue;
    same_province[std::string(link::FieldName(static_cast<link::Field>(f)))] =
        model.u_same_province[f];
  }
  if (!same_province.empty()) out["u_same_province"] = std::move(same_province);
  return out;
}

// nullopt for a model of an earlier engine (kLinkEngine).
Result<std::optional<link::Model>> ModelFromJson(const Json& j, uint64_t seq) {
  auto bad = [&](const std::string& why) {
    return DataLossError("ledger entry " + std::to_string(seq) + " (link_model): " + why);
  };
  if (!j.is_object() || !j.contains("prior") || !j["prior"].is_number()) return bad("no prior");
  const Json& engine = j.contains("engine") ? j["engine"] : Json(1);
  if (!engine.is_number_integer() || engine.get<int64_t>() < 1 ||
      engine.get<int64_t>() > kLinkEngine) {
    return bad("an engine this version does not know");
  }
  if (engine.get<int64_t>() != kLinkEngine) return std::optional<link::Model>();
  link::Model model;
  model.prior = j["prior"].get<double>();
  model.iterations = j.value("iterations", 0);
  model.converged = j.value("converged", false);
  const Json& fields = j.value("fields", Json::object());
  for (size_t f = 0; f < link::kFieldCount; ++f) {
    const auto field = static_cast<link::Field>(f);
    auto it = fields.find(std::string(link::FieldName(field)));
    if (it == fields.end()) continue;
    const Json& m = it->value("m", Json());
    const Json& u = it->value("u", Json());
    const size_t levels = static_cast<size_t>(link::LevelCount(field));
    if (!m.is_array() || !u.is_array() || m.size() != levels || u.size() != levels) {
      return bad("field " + it.key() + " has the wrong number of levels");
    }
    for (size_t l = 0; l < levels; ++l) {
      if (!m[l].is_number() || !u[l].is_number()) return bad("a probability is not a number");
      model.m[f].push_back(m[l].get<double>());
      model.u[f].push_back(u[l].get<double>());
    }
    model.active[f] = true;
  }
  const Json& same_province = j.value("u_same_province", Json::object());
  if (!same_province.is_object()) return bad("u_same_province is not an object");
  for (size_t f = 0; f < link::kFieldCount; ++f) {
    const auto field = static_cast<link::Field>(f);
    auto it = same_province.find(std::string(link::FieldName(field)));
    if (it == same_province.end()) continue;
    if (!it->is_array() || it->size() != static_cast<size_t>(link::LevelCount(field))) {
      return bad("u_same_province of " + it.key() + " has the wrong number of levels");
    }
    for (const Json& p : *it) {
      if (!p.is_number()) return bad("a probability is not a number");
      model.u_same_province[f].push_back(p.get<double>());
    }
  }
  return std::optional<link::Model>(std::move(model));
}

// Why a pair scored as it did, for reviewers: each field that said something, its level among
// its levels, and its weight (log2 of the Bayes factor, term frequency included).
Json ExplanationJson(const link::Explanation& explanation) {
  Json parts = Json::array();
  for (const link::Explanation::Part& part : explanation.parts) {
    if (part.level == link::kMissing) continue;
    parts.push_back({{"field", std::string(link::FieldName(part.field))},
                     {"level", part.level},
                     {"levels", link::LevelCount(part.field)},
                     {"weight", std::round((part.weight + part.tf_adjustment) * 100) / 100}});
  }
  return {{"fields", std::move(parts)},
          {"prior", std::round(explanation.prior_weight * 100) / 100},
          {"total", std::round(explanation.total_weight * 100) / 100}};
}

// Probabilities are recorded to six places: enough to order a queue, and the same bytes on
// every machine.
double Rounded(double p) { return std::round(p * 1e6) / 1e6; }

std::pair<std::string, std::string> Ordered(std::string a, std::string b) {
  if (b < a) std::swap(a, b);
  return {std::move(a), std::move(b)};
}

LinkDecision ToDecision(const store::Store::LinkDecisionRow& row) {
  return {.seq = row.seq,
          .a = row.a,
          .b = row.b,
          .decision = row.decision,
          .account = row.account,
          .reason = row.reason,
          .at = row.at,
          .revoked_by = row.revoked_by};
}

}  // namespace

Json LinkDecisionJson(const LinkDecision& d) {
  Json out = {{"seq", d.seq},         {"a", d.a},           {"b", d.b},  {"decision", d.decision},
              {"account", d.account}, {"reason", d.reason}, {"at", d.at}};
  if (d.revoked_by != 0) out["revoked_by"] = d.revoked_by;
  return out;
}

Json LinkPairJson(const LinkPair& p) {
  Json out = {
      {"a", p.a}, {"b", p.b}, {"probability", p.probability}, {"explanation", p.explanation}};
  if (!p.decision.empty()) out["decision"] = p.decision;
  if (!p.cluster_a.empty()) out["cluster_a"] = p.cluster_a;
  if (!p.cluster_b.empty()) out["cluster_b"] = p.cluster_b;
  return out;
}

Json LinkClusterJson(const LinkCluster& c) {
  Json decisions = Json::array();
  for (const LinkDecision& d : c.decisions) decisions.push_back(LinkDecisionJson(d));
  return {{"cluster", c.id}, {"records", c.records}, {"decisions", std::move(decisions)}};
}

Json LinkageStatsJson(const Stats::Linkage& l) {
  return {{"person_records", l.person_records}, {"clusters", l.clusters},
          {"linked_records", l.linked_records}, {"distinct_persons", l.distinct_persons()},
          {"decisions", l.decisions},           {"run", l.run}};
}

Json LinkRunJson(const LinkRunReport& r) {
  return {{"persons", r.persons},
          {"candidate_pairs", r.candidate_pairs},
          {"kept_pairs", r.kept_pairs},
          {"clusters", r.clusters},
          {"linked_persons", r.linked_persons},
          {"model", r.model_seq},
          {"trained", r.trained},
          {"model_outdated", r.model_outdated},
          {"iterations", r.iterations},
          {"converged", r.converged},
          {"first_entry", r.first_seq},
          {"entries", r.entries}};
}

// ---- Projection ----

Status Repository::ApplyLinkEntry(uint64_t seq, const std::string& op, const Json& entry) {
  auto bad = [&](const std::string& why) {
    return DataLossError("ledger entry " + std::to_string(seq) + " (" + op + "): " + why);
  };
  if (op == "link_model") {
    if (!entry.contains("model")) return bad("no model");
    ASSIGN_OR_RETURN(std::optional<link::Model> unused, ModelFromJson(entry["model"], seq));
    (void)unused;
    return store_->SetMeta("link_model_seq", std::to_string(seq));
  }
  if (op == "link_run") {
    const uint64_t run = entry.value("run", UINT64_MAX);
    const uint64_t part = entry.value("part", UINT64_MAX);
    const uint64_t parts = entry.value("parts", uint64_t{0});
    if (run > seq || part >= parts || run + part != seq) return bad("not a part of a run");
    if (part == 0) {
      RETURN_IF_ERROR(store_->ClearLinkRun());
      RETURN_IF_ERROR(store_->SetMeta("link_run", std::to_string(seq)));
      RETURN_IF_ERROR(store_->SetMeta("link_run_parts", std::to_string(parts)));
    }
    for (const Json& pair : entry.value("pairs", Json::array())) {
      if (!pair.is_array() || pair.size() != 4 || !pair[0].is_string() || !pair[1].is_string() ||
          !pair[2].is_number() || !pair[3].is_object()) {
        return bad("a pair is not [a, b, probability, explanation]");
      }
      RETURN_IF_ERROR(store_->PutLinkPair({.a = pair[0].get<std::string>(),
                                           .b = pair[1].get<std::string>(),
                                           .probability = pair[2].get<double>(),
                                           .explanation = CanonicalJson(pair[3])}));
    }
    for (const Json& cluster : entry.value("clusters", Json::array())) {
      if (!cluster.is_array() || cluster.size() < 2 || !cluster[0].is_string()) {
        return bad("a cluster is not a list of records");
      }
      const std::string id = cluster[0].get<std::string>();
      for (const Json& record : cluster) {
        if (!record.is_string()) return bad("a cluster member is not a record id");
        RETURN_IF_ERROR(store_->SetLinkCluster(record.get<std::string>(), id));
      }
    }
    if (part + 1 == parts) {
      // Reviewers overrule the machine: the decisions in force, in ledger order.
      ASSIGN_OR_RETURN(auto decisions, store_->ListLinkDecisions("", /*in_force_only=*/true));
      for (const auto& d : decisions) {
        RETURN_IF_ERROR(ApplyLinkDecision(d.a, d.b, d.decision == "same"));
      }
    }
    return OkStatus();
  }
  if (op == "link_decision") {
    const std::string a = entry.value("a", ""), b = entry.value("b", "");
    const std::string decision = entry.value("decision", "");
    if (a.empty() || b.empty() || !(a < b) || (decision != "same" && decision != "different")) {
      return bad("no ordered pair of records, or no decision 'same' or 'different'");
    }
    RETURN_IF_ERROR(store_->PutLinkDecision({.seq = seq,
                                             .a = a,
                                             .b = b,
                                             .decision = decision,
                                             .account = entry.value("by", ""),
                                             .reason = entry.value("reason", ""),
                                             .at = entry.value("at", "")}));
    return ApplyLinkDecision(a, b, decision == "same");
  }
  if (op == "link_revoke") {
    const uint64_t decision = entry.value("decision", UINT64_MAX);
    ASSIGN_OR_RETURN(std::optional<store::Store::LinkDecisionRow> row,
                     store_->GetLinkDecision(decision));
    if (!row || row->revoked_by != 0) return bad("names no decision in force");
    RETURN_IF_ERROR(store_->RevokeLinkDecision(decision, seq));
    return ReplayLinkClusters();
  }
  return bad("unknown link operation");
}

// `same`: the two clusters become one (named by the smaller id). `different`: if they share a
// cluster, `b` leaves it and stands alone.
Status Repository::ApplyLinkDecision(const std::string& a, const std::string& b, bool same) {
  ASSIGN_OR_RETURN(std::optional<std::string> in_a, store_->GetLinkCluster(a));
  ASSIGN_OR_RETURN(std::optional<std::string> in_b, store_->GetLinkCluster(b));
  const std::string ca = in_a.value_or(a), cb = in_b.value_or(b);
  if (same) {
    if (ca == cb) return OkStatus();
    if (!in_a) RETURN_IF_ERROR(store_->SetLinkCluster(a, a));
    if (!in_b) RETURN_IF_ERROR(store_->SetLinkCluster(b, b));
    return store_->MergeLinkClusters(std::max(ca, cb), std::min(ca, cb));
  }
  if (ca != cb || !in_b) return OkStatus();
  if (cb == b) {
    // The cluster is named after the record that leaves: the rest takes its smallest id.
    ASSIGN_OR_RETURN(auto clusters, store_->ListLinkClusters(cb, 1, 1, 0));
    std::string rename;
    for (const std::string& r :
         clusters.empty() ? std::vector<std::string>() : clusters[0].records) {
      if (r != b && (rename.empty() || r < rename)) rename = r;
    }
    if (!rename.empty()) RETURN_IF_ERROR(store_->MergeLinkClusters(cb, rename));
  }
  return store_->SetLinkCluster(b, b);
}

// After a revocation the clusters are those of the latest run with the decisions still in force
// applied again in ledger order.
Status Repository::ReplayLinkClusters() {
  ASSIGN_OR_RETURN(std::optional<std::string> run, store_->GetMeta("link_run"));
  ASSIGN_OR_RETURN(std::optional<std::string> parts, store_->GetMeta("link_run_parts"));
  if (run && parts) {
    const uint64_t first = std::stoull(*run);
    const uint64_t count = std::stoull(*parts);
    for (uint64_t seq = first; seq < first + count; ++seq) {
      ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, seq));
      RETURN_IF_ERROR(ApplyLinkEntry(seq, "link_run", entry));  // the last part replays decisions
    }
    return OkStatus();
  }
  // No run yet: the clusters are the decisions alone.
  RETURN_IF_ERROR(store_->ClearLinkRun());
  ASSIGN_OR_RETURN(auto decisions, store_->ListLinkDecisions("", /*in_force_only=*/true));
  for (const auto& d : decisions)
    RETURN_IF_ERROR(ApplyLinkDecision(d.a, d.b, d.decision == "same"));
  return OkStatus();
}

// ---- Running ----

Result<LinkRunReport> Repository::LinkPersons(const LinkRunOptions& options) {
  RETURN_IF_ERROR(Authorize(protect::Action::kLinkPersons));
  RETURN_IF_ERROR(CheckFreeText("a purpose (why sealed names are compared)", options.purpose));
  if (!keys_->unlocked()) return LockedError("read the sealed names of persons");

  // Origins are compared along the gazetteer (a county agrees with its province) and in km.
  link::PlaceParents parents;
  link::PlaceCoordinates coordinates;
  std::vector<store::RecordRow> rows;
  RETURN_IF_ERROR(store_->ListRecords({.kind = "place"}, [&](const store::RecordRow& row) {
    rows.push_back(row);
    return true;
  }));
  for (const store::RecordRow& row : rows) {
    ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, row.seq));
    const Json& body = entry.value("record", Json::object());
    parents[row.id] = body.value("parent", "");
    const Json lat = body.value("lat", Json());
    const Json lon = body.value("lon", Json());
    if (lat.is_number() && lon.is_number()) {
      coordinates[row.id] = {lat.get<double>(), lon.get<double>()};
    }
  }
  rows.clear();
  RETURN_IF_ERROR(store_->ListRecords({.kind = "person"}, [&](const store::RecordRow& row) {
    rows.push_back(row);
    return true;
  }));

  LinkRunReport report;
  std::vector<link::Record> persons;
  std::vector<std::string> ids;
  std::unordered_map<std::string, std::vector<uint32_t>> persons_of_act;  // as named by the act
  persons.reserve(rows.size());
  ids.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, rows[i].seq));
    ASSIGN_OR_RETURN(Record record, RecordFromEntry(rows[i].seq, entry));
    ASSIGN_OR_RETURN(Json clear, ClearFields(*store_, record));
    link::Record& read = persons.emplace_back(link::PersonRecord(clear, parents, coordinates));
    // What happened to the person, where and when: acts that name them (as victim, most often).
    RETURN_IF_ERROR(store_->ListRecords(
        {.kind = "act", .refers_to = record.id}, [&](const store::RecordRow& act) {
          persons_of_act[act.id].push_back(static_cast<uint32_t>(i));
          if (!act.type.empty()) read.violations.push_back(act.type);
          if (act.place.empty()) return true;
          read.events.push_back(act.date_first && act.date_last
                                    ? link::EventOnDays(act.place, *act.date_first, *act.date_last)
                                    : link::Event{.place = act.place});
          return true;
        }));
    if (read.surname.empty() && read.given_name.empty() && read.other_names.empty()) {
      ++report.unnamed;
    }
    ids.push_back(record.id);
    if (options.progress && (i + 1) % 4096 == 0) options.progress(i + 1, rows.size());
  }
  if (options.progress) options.progress(rows.size(), rows.size());
  // Companions: the interviewee of a source and the persons named by the acts it documents.
  for (size_t i = 0; i < ids.size(); ++i) {
    std::vector<std::string> sources;
    RETURN_IF_ERROR(store_->ListRecords({.kind = "source", .refers_to = ids[i]},
                                        [&](const store::RecordRow& source) {
                                          sources.push_back(source.id);
                                          return true;
                                        }));
    for (const std::string& source : sources) {
      RETURN_IF_ERROR(store_->ListRecords(
          {.kind = "act", .refers_to = source}, [&](const store::RecordRow& act) {
            auto named = persons_of_act.find(act.id);
            if (named == persons_of_act.end()) return true;
            for (uint32_t j : named->second) {
              if (j == i) continue;
              persons[i].companions.push_back(j);
              persons[j].companions.push_back(static_cast<uint32_t>(i));
            }
            return true;
          }));
    }
  }

  report.persons = persons.size();
  const link::LinkOptions link_options = RepositoryLinkOptions(options.threads);
  ASSIGN_OR_RETURN(std::unique_ptr<link::Linker> linker,
                   link::Linker::Create(persons, link_options));
  std::vector<link::Record>().swap(persons);  // the names leave memory with the linker
  link::BlockingStats blocking;
  std::vector<std::pair<uint32_t, uint32_t>> candidates = linker->Candidates(&blocking);
  report.candidate_pairs = candidates.size();
  std::vector<link::Comparison> comparisons = linker->CompareAll(candidates);

  std::optional<link::Model> model;
  ASSIGN_OR_RETURN(std::optional<std::string> model_seq, store_->GetMeta("link_model_seq"));
  if (model_seq && !options.retrain) {
    report.model_seq = std::stoull(*model_seq);
    ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, report.model_seq));
    ASSIGN_OR_RETURN(model, ModelFromJson(entry.value("model", Json()), report.model_seq));
    report.model_outdated = !model.has_value();
  }
  // A model is fitted on candidate pairs; with none there is nothing to fit it on, and a
  // model recorded from none would score every later run as a coin toss.
  if (!model && comparisons.empty()) {
    model = link::Model{};
  } else if (!model) {
    model = linker->Train(comparisons);
    report.trained = true;
  }
  report.iterations = model->iterations;
  report.converged = model->converged;

  // The run records the machine's own clusters; decisions in force are applied over them by
  // the projection (so that revoking one restores exactly what the machine said).
  std::vector<link::ScoredPair> scored;
  scored.reserve(comparisons.size());
  for (const link::Comparison& c : comparisons) {
    scored.push_back({c.a, c.b, linker->Probability(*model, c)});
  }
  link::Model& fitted = *model;
  link::Clustering clustering = link::Cluster(
      ids.size(), scored, link_options,
      [&](uint32_t a, uint32_t b) { return linker->Probability(fitted, linker->Compare(a, b)); });
  // The second pass (link.h): a model trained now fits the companions' weights on the first; a
  // recorded model brings its own. The explanations then show the companions' level too.
  linker->ReclusterWithCompanions(fitted, scored, clustering, /*fit=*/report.trained);
  for (link::Comparison& c : comparisons) {
    c.level[static_cast<size_t>(link::Field::kCompanions)] = linker->CompanionLevel(c.a, c.b);
  }

  // The run's entries: pairs worth keeping (ordered by id), then clusters of two or more.
  Json pairs = Json::array();
  std::vector<Json> pair_lists;
  {
    std::vector<std::pair<std::pair<std::string, std::string>, Json>> kept;
    for (size_t i = 0; i < comparisons.size(); ++i) {
      const link::Comparison& c = comparisons[i];
      const double p = Rounded(scored[i].probability);  // scored in the same order
      if (p < kLinkKeepProbability) continue;
      auto [a, b] = Ordered(ids[c.a], ids[c.b]);
      Json item = Json::array({a, b, p, ExplanationJson(linker->Explain(fitted, c))});
      kept.emplace_back(std::make_pair(std::move(a), std::move(b)), std::move(item));
    }
    std::sort(kept.begin(), kept.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    report.kept_pairs = kept.size();
    for (auto& [key, item] : kept) {
      pairs.push_back(std::move(item));
      if (pairs.size() == kPairsPerEntry) pair_lists.push_back(std::exchange(pairs, Json::array()));
    }
    if (!pairs.empty()) pair_lists.push_back(std::move(pairs));
  }
  std::vector<Json> cluster_lists;
  {
    std::vector<std::vector<std::string>> members(clustering.clusters);
    for (uint32_t i = 0; i < ids.size(); ++i) members[clustering.cluster_of[i]].push_back(ids[i]);
    std::vector<std::vector<std::string>> clusters;
    for (auto& m : members) {
      if (m.size() < 2) continue;
      std::sort(m.begin(), m.end());
      clusters.push_back(std::move(m));
    }
    std::sort(clusters.begin(), clusters.end());
    Json list = Json::array();
    for (auto& c : clusters) {
      list.push_back(c);
      if (list.size() == kClustersPerEntry)
        cluster_lists.push_back(std::exchange(list, Json::array()));
    }
    if (!list.empty()) cluster_lists.push_back(std::move(list));
  }
  const size_t parts = std::max<size_t>(1, std::max(pair_lists.size(), cluster_lists.size()));

  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  // Reading every identity is itself on the record, before anything the run produced.
  RETURN_IF_ERROR(AppendEvent(txn, {{"op", "access"},
                                    {"scope", "link"},
                                    {"records", Json::array({"*"})},
                                    {"persons", report.persons},
                                    {"purpose", options.purpose}})
                      .status());
  if (report.trained) {  // (never fitted on no pairs: see above)
    ASSIGN_OR_RETURN(report.model_seq, AppendEvent(txn, {{"op", "link_model"},
                                                         {"model", ModelToJson(fitted)},
                                                         {"persons", report.persons},
                                                         {"pairs", comparisons.size()}}));
  }
  report.first_seq = txn.log().size();
  for (size_t part = 0; part < parts; ++part) {
    Json entry = {
        {"op", "link_run"},
        {"run", report.first_seq},
        {"part", part},
        {"parts", parts},
        {"model", report.model_seq},
        {"pairs", part < pair_lists.size() ? std::move(pair_lists[part]) : Json::array()},
        {"clusters", part < cluster_lists.size() ? std::move(cluster_lists[part]) : Json::array()}};
    if (part == 0) {
      entry["persons"] = report.persons;
      entry["candidate_pairs"] = report.candidate_pairs;
    }
    RETURN_IF_ERROR(AppendEvent(txn, std::move(entry)).status());
  }
  report.entries = parts;
  ASSIGN_OR_RETURN(store::Store::LinkClusterCount count, store_->CountLinkClusters(2));
  report.clusters = static_cast<uint64_t>(count.clusters);
  report.linked_persons = static_cast<uint64_t>(count.records);
  RETURN_IF_ERROR(txn.Commit());
  return report;
}

// ---- Reading and deciding ----

Result<std::vector<LinkPair>> Repository::LinkPairs(const LinkPairQuery& query, int64_t* total) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  if (query.limit < 0 || query.limit > 1000 || query.offset < 0) {
    return InvalidArgumentError("the page size must be 0 to 1000 pairs, the offset not negative");
  }
  const store::Store::LinkPairQuery q{.record = query.record,
                                      .undecided_only = query.undecided_only,
                                      .min_probability = query.min_probability,
                                      .max_probability = query.max_probability,
                                      .by_uncertainty = query.by_uncertainty,
                                      .limit = query.limit,
                                      .offset = query.offset};
  if (total) {
    ASSIGN_OR_RETURN(*total, store_->CountLinkPairs(q));
  }
  ASSIGN_OR_RETURN(auto rows, store_->ListLinkPairs(q));
  std::vector<LinkPair> out;
  for (auto& row : rows) {
    LinkPair& pair = out.emplace_back();
    pair.a = std::move(row.a);
    pair.b = std::move(row.b);
    pair.probability = row.probability;
    ASSIGN_OR_RETURN(pair.explanation, ParseJson(row.explanation));
    ASSIGN_OR_RETURN(auto decisions, store_->ListLinkDecisions(pair.a, /*in_force_only=*/true));
    for (const auto& d : decisions) {
      if (d.b == pair.b) pair.decision = d.decision;
    }
    ASSIGN_OR_RETURN(std::optional<std::string> ca, store_->GetLinkCluster(pair.a));
    ASSIGN_OR_RETURN(std::optional<std::string> cb, store_->GetLinkCluster(pair.b));
    pair.cluster_a = ca.value_or("");
    pair.cluster_b = cb.value_or("");
  }
  return out;
}

Result<uint64_t> Repository::DecideLink(const std::string& first, const std::string& second,
                                        bool same, const std::string& reason) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReviewLinks));
  RETURN_IF_ERROR(CheckFreeText("a reason for the decision", reason));
  if (first == second) return InvalidArgumentError("a decision needs two different persons");
  auto [a, b] = Ordered(first, second);
  for (const std::string& id : {a, b}) {
    Result<model::Kind> kind = model::KindOfId(id);
    if (!kind.ok() || *kind != model::Kind::kPerson) {
      return InvalidArgumentError("'" + id.substr(0, 80) + "' is not a person record id");
    }
    ASSIGN_OR_RETURN(std::optional<store::RecordRow> row, store_->GetRecord(id));
    if (!row) return NotFoundError("no person " + id);
  }
  ASSIGN_OR_RETURN(auto decisions, store_->ListLinkDecisions(a, /*in_force_only=*/true));
  for (const auto& d : decisions) {
    if (d.b == b) {
      return AlreadyExistsError("decision " + std::to_string(d.seq) + " already says " + a +
                                " and " + b + " are " +
                                (d.decision == "same" ? "the same person" : "different persons") +
                                "; revoke it first (link revoke " + std::to_string(d.seq) + ")");
    }
  }
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(uint64_t seq, AppendEvent(txn, {{"op", "link_decision"},
                                                   {"a", a},
                                                   {"b", b},
                                                   {"decision", same ? "same" : "different"},
                                                   {"reason", reason}}));
  RETURN_IF_ERROR(txn.Commit());
  return seq;
}

Result<uint64_t> Repository::RevokeLinkDecision(uint64_t decision, const std::string& reason) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReviewLinks));
  RETURN_IF_ERROR(CheckFreeText("a reason for revoking the decision", reason));
  ASSIGN_OR_RETURN(std::optional<store::Store::LinkDecisionRow> row,
                   store_->GetLinkDecision(decision));
  if (!row)
    return NotFoundError("ledger entry " + std::to_string(decision) + " is no link decision");
  if (row->revoked_by != 0) {
    return FailedPreconditionError("decision " + std::to_string(decision) +
                                   " was already revoked by entry " +
                                   std::to_string(row->revoked_by));
  }
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(
      uint64_t seq,
      AppendEvent(txn, {{"op", "link_revoke"}, {"decision", decision}, {"reason", reason}}));
  RETURN_IF_ERROR(txn.Commit());
  return seq;
}

Result<std::vector<LinkDecision>> Repository::LinkDecisions(const std::string& record,
                                                            bool in_force_only) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  ASSIGN_OR_RETURN(auto rows, store_->ListLinkDecisions(record, in_force_only));
  std::vector<LinkDecision> out;
  for (const auto& row : rows) out.push_back(ToDecision(row));
  return out;
}

Result<std::vector<LinkCluster>> Repository::LinkClusters(const std::string& record,
                                                          int64_t min_size, int64_t limit,
                                                          int64_t offset, int64_t* total) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  if (limit < 0 || limit > 1000 || offset < 0 || min_size < 1) {
    return InvalidArgumentError(
        "the page size must be 0 to 1000 clusters, the offset not negative, the size at least 1");
  }
  std::string cluster;
  if (!record.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> in, store_->GetLinkCluster(record));
    if (!in) {
      if (total) *total = 0;
      return std::vector<LinkCluster>();
    }
    cluster = *in;
  }
  if (total) {
    if (cluster.empty()) {
      ASSIGN_OR_RETURN(store::Store::LinkClusterCount count, store_->CountLinkClusters(min_size));
      *total = count.clusters;
    } else {
      *total = 1;
    }
  }
  ASSIGN_OR_RETURN(auto rows, store_->ListLinkClusters(cluster, min_size, limit, offset));
  std::vector<LinkCluster> out;
  for (auto& row : rows) {
    LinkCluster& c = out.emplace_back();
    c.id = std::move(row.cluster);
    c.records = std::move(row.records);
    for (const std::string& member : c.records) {
      ASSIGN_OR_RETURN(auto decisions, store_->ListLinkDecisions(member, /*in_force_only=*/true));
      for (const auto& d : decisions) {
        // Each decision once: from its first record, and only when both are inside.
        if (d.a == member && std::binary_search(c.records.begin(), c.records.end(), d.b)) {
          c.decisions.push_back(ToDecision(d));
        }
      }
    }
  }
  return out;
}

Result<Stats::Linkage> Repository::LinkageStats() {
  Stats::Linkage out;
  ASSIGN_OR_RETURN(out.person_records, store_->CountRecords({.kind = "person"}));
  ASSIGN_OR_RETURN(store::Store::LinkClusterCount count, store_->CountLinkClusters(2));
  out.clusters = count.clusters;
  out.linked_records = count.records;
  ASSIGN_OR_RETURN(auto decisions, store_->ListLinkDecisions("", /*in_force_only=*/true));
  out.decisions = static_cast<int64_t>(decisions.size());
  ASSIGN_OR_RETURN(std::optional<std::string> run, store_->GetMeta("link_run"));
  out.run = run ? std::stoull(*run) : 0;
  return out;
}

Result<Json> Repository::LinkModel() {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadRecords));
  ASSIGN_OR_RETURN(std::optional<std::string> seq, store_->GetMeta("link_model_seq"));
  if (!seq) return Json();
  ASSIGN_OR_RETURN(Json entry, ReadEntryJson(*store_, std::stoull(*seq)));
  Json model = entry.value("model", Json());
  model["seq"] = std::stoull(*seq);
  model["at"] = entry.value("at", "");
  model["by"] = entry.value("by", "");
  model["persons"] = entry.value("persons", 0);
  return model;
}

}  // namespace custodian::repo
