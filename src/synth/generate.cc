// Generate(): the corpus and its ground truth (synth.h, docs/formats/corpus.md).
//
// The corpus is written project by project. Each project visits the whole population in its
// own pseudo-random order (a Feistel permutation keyed by the seed and the project), regenerates
// each victim from (seed, index), decides from the victim's capture probability whether it
// recorded them, and if so writes its records, the victim's position in its order being its case
// number. So records of the same victim are never adjacent in the file, case numbers say nothing
// about who is who, and memory stays flat: nothing about a victim outlives its turn. The ground
// truth then visits the victims in their true order and regenerates every decision (capture,
// case number through the inverse permutation, recorded incidents) to name the records written.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "model/model.h"
#include "synth/render.h"
#include "synth/story.h"
#include "synth/synth.h"
#include "synth/tables.h"

namespace custodian::synth {
namespace {

constexpr std::string_view kTruthFormat = "custodian-synthetic-truth/1";
constexpr size_t kFlushBytes = 4 << 20;
constexpr uint64_t kProgressEvery = 4096;

// Output through a string buffer, handed to the stream in large writes.
class Sink {
 public:
  Sink(std::ostream& out, std::string what) : out_(out), what_(std::move(what)) {
    buffer_.reserve(kFlushBytes + (1 << 20));
  }
  std::string& buffer() { return buffer_; }
  Status MaybeFlush() { return buffer_.size() >= kFlushBytes ? Flush() : OkStatus(); }
  Status Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    bytes_ += buffer_.size();
    buffer_.clear();
    if (!out_) return UnavailableError("cannot write the " + what_ + " (disk full?)");
    return OkStatus();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  std::ostream& out_;
  std::string what_;
  std::string buffer_;
  uint64_t bytes_ = 0;
};

bool Captured(uint64_t seed, uint64_t victim, int project, double probability) {
  if (probability <= 0) return false;
  Rng rng(HashOf(
      {seed, static_cast<uint64_t>(Stream::kCapture), victim, static_cast<uint64_t>(project)}));
  return rng.Chance(probability);
}

std::string TrueId(uint64_t index) {
  std::string digits = std::to_string(index + 1);
  return "v" + std::string(digits.size() < 7 ? 7 - digits.size() : 0, '0') + digits;
}

std::string IsoDay(int32_t day) {
  int y, m, d;
  CivilFromDays(day, y, m, d);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", y, m, d);
  return buffer;
}

std::string HangulName(const Tables& t, const PersonName& name, bool rok) {
  std::string out;
  const SurnameInfo& surname = t.surnames[static_cast<size_t>(name.surname)];
  AppendUtf8(rok ? surname.rok : surname.ko, out);
  char32_t first = t.syllables[static_cast<size_t>(name.given[0])].ko;
  AppendUtf8(rok ? RokInitial(first) : first, out);
  AppendUtf8(t.syllables[static_cast<size_t>(name.given[1])].ko, out);
  return out;
}

void WriteTrueName(JsonWriter& w, const Tables& t, const PersonName& name) {
  w.BeginObject();
  w.Field("ko", HangulName(t, name, false));
  const std::string rok = HangulName(t, name, true);
  if (rok != HangulName(t, name, false)) w.Field("rok", rok);
  w.Field("hanja", t.surnames[static_cast<size_t>(name.surname)].hanja +
                       t.syllables[static_cast<size_t>(name.given[0])].hanja +
                       t.syllables[static_cast<size_t>(name.given[1])].hanja);
  w.EndObject();
}

class Generator {
 public:
  Generator(const Options& options, const Tables& tables, std::vector<DocumentationSource> sources,
            std::ostream& corpus, std::ostream& truth)
      : options_(options),
        t_(tables),
        sources_(std::move(sources)),
        prefix_("s" + std::to_string(options.seed)),
        corpus_(corpus, "corpus"),
        truth_(truth, "ground truth"),
        units_(tables, prefix_) {
    for (size_t j = 0; j < sources_.size(); ++j) {
      projects_.push_back(MakeProject(sources_[j], static_cast<int>(j), prefix_));
      orders_.emplace_back(options.persons,
                           HashOf({options.seed, static_cast<uint64_t>(Stream::kOrder), j}));
    }
  }

  Result<Report> Run() {
    const uint64_t n = options_.persons;
    total_work_ = n * (projects_.size() + 1);
    WriteTruthHeader();
    for (const Project& project : projects_)
      WriteProject(project, options_.seed, corpus_.buffer(), counts_);

    Victim victim;
    for (size_t j = 0; j < projects_.size(); ++j) {
      const Project& project = projects_[j];
      for (uint64_t position = 0; position < n; ++position) {
        const uint64_t index = orders_[j].Forward(position);
        MakeVictim(t_, options_.seed, index, victim);
        const double p = CaptureProbability(project, victim);
        if (Captured(options_.seed, index, project.index, p)) {
          WriteCapture(t_, project, victim, options_.seed, prefix_, position + 1,
                       PlanIncidents(project, victim, options_.seed), units_, corpus_.buffer(),
                       counts_);
          RETURN_IF_ERROR(corpus_.MaybeFlush());
        }
        Progress();
      }
    }
    RETURN_IF_ERROR(corpus_.Flush());

    for (uint64_t index = 0; index < n; ++index) {
      MakeVictim(t_, options_.seed, index, victim);
      WriteTruthVictim(victim);
      RETURN_IF_ERROR(truth_.MaybeFlush());
      Progress();
    }
    WriteTruthSummary();
    RETURN_IF_ERROR(truth_.Flush());

    report_.persons = n;
    report_.lines = counts_.lines;
    report_.bytes = corpus_.bytes();
    report_.truth_bytes = truth_.bytes();
    for (model::Kind kind : model::AllKinds()) {
      const uint64_t count = counts_.by_kind[static_cast<size_t>(kind)];
      if (count > 0) report_.records_by_kind[std::string(model::KindName(kind))] = count;
    }
    return report_;
  }

 private:
  void Progress() {
    if (options_.progress && ++work_done_ % kProgressEvery == 0) {
      options_.progress(work_done_, total_work_);
    }
  }

  void WriteTruthHeader() {
    nlohmann::ordered_json header;
    header["type"] = "corpus";
    header["format"] = kTruthFormat;
    header["seed"] = options_.seed;
    header["persons"] = options_.persons;
    header["id_prefix"] = prefix_;
    header["period"] = {t_.first_year, t_.last_year};
    header["scenarios"] = ScenarioNames();
    const nlohmann::ordered_json sources =
        nlohmann::ordered_json::parse(SourcesToJson(sources_))["sources"];
    header["sources"] = nlohmann::ordered_json::array();
    for (size_t j = 0; j < sources.size(); ++j) {
      nlohmann::ordered_json source = sources[j];
      source["organization"] = projects_[j].org_id;
      header["sources"].push_back(std::move(source));
    }
    truth_.buffer() += header.dump() + "\n";
  }

  void WriteTruthVictim(const Victim& v) {
    std::string& out = truth_.buffer();
    JsonWriter w(out);
    w.BeginObject();
    w.Field("type", "victim");
    w.Field("id", TrueId(v.index));
    w.Field("scenario", ScenarioName(v.scenario));
    w.Field("fate", FateName(v.fate));
    w.BoolField("survivor", v.survivor());
    w.Field("sex", v.person.female ? "female" : "male");
    w.IntField("born", v.person.born);
    w.Field("origin", t_.place(v.person.origin).id);
    w.Key("name");
    WriteTrueName(w, t_, v.person.name);
    if (v.has_new_name) {
      w.Key("new_name");
      WriteTrueName(w, t_, v.new_name);
    }
    if (v.chinese_alias) {
      const SurnameInfo& s = t_.surnames[static_cast<size_t>(v.person.name.surname)];
      w.Field("chinese_alias", s.zh + t_.syllables[static_cast<size_t>(v.person.name.given[0])].zh +
                                   t_.syllables[static_cast<size_t>(v.person.name.given[1])].zh);
    }
    if (!v.survivor()) {
      w.Key("informant");
      w.BeginObject();
      w.Field("relation", t_.relations[static_cast<size_t>(v.relation)].code);
      w.Field("sex", v.informant.female ? "female" : "male");
      w.IntField("born", v.informant.born);
      w.Key("name");
      WriteTrueName(w, t_, v.informant.name);
      w.EndObject();
    }
    w.Field("story_end", IsoDay(v.story_end));
    w.Key("incidents");
    w.BeginArray();
    for (const Incident& incident : v.incidents) w.String(IncidentName(incident.type));
    w.EndArray();
    w.Key("events");
    w.BeginArray();
    for (const Event& e : v.events) {
      w.BeginObject();
      w.Field("event", EventName(e.type));
      w.Field("date", IsoDay(e.day));
      if (e.place >= 0) w.Field("place", t_.place(e.place).id);
      if (e.duration > 0) w.IntField("days", e.duration);
      if (e.term_months > 0) w.IntField("sentence_months", e.term_months);
      if (e.incident != kNoIncident) w.IntField("incident", e.incident);
      if (e.act_count > 0) {
        w.Key("acts");
        w.BeginArray();
        for (int a = 0; a < e.act_count; ++a) w.String(ViolationCode(e.acts[a].violation));
        w.EndArray();
      }
      if (e.unit_count > 0) {
        w.Key("perpetrators");
        w.BeginArray();
        for (int u = 0; u < e.unit_count; ++u) w.String(units_.Id(e.units[u]));
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray();

    std::string history;
    w.Key("p");
    w.BeginObject();
    std::vector<std::pair<size_t, uint64_t>> captures;  // (project, case number)
    for (size_t j = 0; j < projects_.size(); ++j) {
      const double p = CaptureProbability(projects_[j], v);
      w.Key(projects_[j].config->key);
      w.Double(p);
      const bool captured = Captured(options_.seed, v.index, projects_[j].index, p);
      history += captured ? '1' : '0';
      if (captured) captures.emplace_back(j, orders_[j].Inverse(v.index) + 1);
    }
    w.EndObject();
    w.Field("history", history);
    w.Key("records");
    w.BeginObject();
    for (const auto& [j, case_number] : captures) {
      const Project& project = projects_[j];
      const std::string base = CaseBase(prefix_, project, case_number);
      w.Key(project.config->key);
      w.BeginObject();
      w.IntField("case", static_cast<int64_t>(case_number));
      w.Field("person", VictimPersonId(base));
      if (project.testimonial) {
        w.Field("interviewee", v.survivor() ? VictimPersonId(base) : InformantPersonId(base));
      }
      w.Field("source", SourceId(base));
      w.Key("incidents");
      w.BeginObject();
      const uint32_t mask = PlanIncidents(project, v, options_.seed);
      int sequence = 0;
      for (size_t k = 0; k < v.incidents.size(); ++k) {
        if ((mask >> k) & 1) w.IntField(IncidentId(base, ++sequence), static_cast<int64_t>(k));
      }
      w.EndObject();
      w.EndObject();
      ++report_.captured_by_source[project.config->key];
    }
    w.EndObject();
    w.EndObject();
    out += '\n';
    if (!captures.empty()) ++report_.captured;
    ++histories_[history];
  }

  void WriteTruthSummary() {
    JsonWriter w(truth_.buffer());
    w.BeginObject();
    w.Field("type", "summary");
    w.IntField("persons", static_cast<int64_t>(options_.persons));
    w.IntField("captured", static_cast<int64_t>(report_.captured));
    w.Key("captured_by_source");
    w.BeginObject();
    for (const Project& project : projects_) {
      auto it = report_.captured_by_source.find(project.config->key);
      w.IntField(project.config->key,
                 static_cast<int64_t>(it == report_.captured_by_source.end() ? 0 : it->second));
    }
    w.EndObject();
    w.Key("histories");
    w.BeginObject();
    for (const auto& [history, count] : histories_)
      w.IntField(history, static_cast<int64_t>(count));
    w.EndObject();
    w.Key("records");
    w.BeginObject();
    for (model::Kind kind : model::AllKinds()) {
      const uint64_t count = counts_.by_kind[static_cast<size_t>(kind)];
      if (count > 0) w.IntField(model::KindName(kind), static_cast<int64_t>(count));
    }
    w.EndObject();
    w.IntField("lines", static_cast<int64_t>(counts_.lines));
    w.EndObject();
    truth_.buffer() += '\n';
  }

  const Options& options_;
  const Tables& t_;
  const std::vector<DocumentationSource> sources_;
  const std::string prefix_;
  std::vector<Project> projects_;
  std::vector<Permutation> orders_;
  Sink corpus_, truth_;
  UnitRegistry units_;
  RecordCounts counts_;
  Report report_;
  std::map<std::string, uint64_t> histories_;
  uint64_t work_done_ = 0, total_work_ = 0;
};

Result<std::vector<DocumentationSource>> SourcesOf(const Options& options) {
  if (!options.sources.empty()) return options.sources;
  return DefaultSources();
}

}  // namespace

Status CheckOptions(const Options& options) {
  if (options.persons < 1 || options.persons > kMaxPersons) {
    return InvalidArgumentError("the population must be from 1 to 1,000,000 persons; got " +
                                std::to_string(options.persons));
  }
  ASSIGN_OR_RETURN(std::vector<DocumentationSource> sources, SourcesOf(options));
  if (sources.size() > kMaxSources) {
    return InvalidArgumentError("at most " + std::to_string(kMaxSources) +
                                " documentation sources; got " + std::to_string(sources.size()));
  }
  std::set<std::string> keys;
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string where =
        "sources[" + std::to_string(i) + "] (" + sources[i].key.substr(0, 40) + ")";
    RETURN_IF_ERROR(ValidateSource(sources[i]).WithContext(where));
    if (!keys.insert(sources[i].key).second) {
      return InvalidArgumentError(where + ": key '" + sources[i].key + "' is used twice");
    }
  }
  return OkStatus();
}

Result<Report> Generate(const Options& options, std::ostream& corpus, std::ostream& truth) {
  RETURN_IF_ERROR(CheckOptions(options));
  ASSIGN_OR_RETURN(const Tables* tables, LoadTables());
  ASSIGN_OR_RETURN(std::vector<DocumentationSource> sources, SourcesOf(options));
  return Generator(options, *tables, std::move(sources), corpus, truth).Run();
}

}  // namespace custodian::synth
