// link_bench: record linkage (src/link) on the FEBRL synthetic person files: pairwise precision,
// recall and F1 of the unsupervised pipeline against the files' ground truth (issue 8 target
// F1 >= 0.95 on each), the speed of the comparison stage, and the string measures against
// Python's jellyfish on the same pairs in the same run. See bench/README.md.
//
//   link_bench [--runs R] [--data DIR] [--json FILE] [--korean-persons N] [--korean-seeds 1,7]
//              [--threads T] [--only febrl|korean|scale] [--scale-records N]
//              [--max-block-size N] [--errors FILE]
//
// It also generates synthetic Korean corpora in memory (src/synth: N victims, default 100,000,
// seeds 1 and 7; names in Hangul and five romanizations) and reports the unsupervised pairwise
// F1 on their person records against the generator's ground truth (one run per seed), and, with
// --only scale, deduplicates a million generated person records end to end (time, peak RSS).
//
// DIR holds febrl/dataset{1,2,3}.csv (default: $CUSTODIAN_SHARED_DATA, else ../shared/data
// beside the source tree). Prints aggregate figures only: names never leave memory, except the
// temporary file of string pairs handed to the Python peer (synthetic FEBRL names; removed) and,
// with --errors FILE, every pair of the synthetic Korean corpus the linkage got wrong (JSON
// Lines: both records, whether blocking found the pair, its explanation), for a developer
// studying the errors of generated data.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness.h"
#include "link/link.h"
#include "model/model.h"
#include "synth/synth.h"

namespace {

using namespace custodian::bench;  // NOLINT: the shared harness, in a .cc file
namespace link = custodian::link;
namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

constexpr double kF1Target = 0.95;

std::string DataDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CUSTODIAN_SHARED_DATA")) return env;
  return CUSTODIAN_DEFAULT_SHARED_DATA;
}

// A stream that hands each complete line to Keep(), so that a generated corpus can be cut
// down while it is written instead of held whole.
class LineSink : public std::streambuf {
 public:
  std::string& text() { return text_; }

 protected:
  virtual void Keep(const std::string& line, std::string& text) = 0;
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    line_.push_back(static_cast<char>(c));
    if (c == '\n') {
      Keep(line_, text_);
      line_.clear();
    }
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) overflow(static_cast<unsigned char>(s[i]));
    return n;
  }

 private:
  std::string line_, text_;
};

// Keeps the lines of a stream that start with `prefix` (the person records of a generated
// corpus), and its act and source lines cut down to what linkage reads, without holding the rest
// (transcripts, summaries) in memory.
class LineFilter : public LineSink {
 public:
  explicit LineFilter(std::string prefix) : prefix_(std::move(prefix)) {}

 protected:
  void Keep(const std::string& line, std::string& text) override {
    if (line.starts_with(prefix_)) {
      text += line;
    } else if (line.starts_with("{\"kind\":\"act\"")) {
      // An act as the linkage reads it (victim, violation, place, date, sources): acts outnumber
      // persons several times over.
      Cut(line, "act",
          {"\"victim\":\"", "\"violation\":\"", "\"place\":\"", "\"date\":\"", "\"sources\":["},
          text);
    } else if (line.starts_with("{\"kind\":\"source\"")) {
      Cut(line, "source", {"\"id\":\"", "\"interviewee\":\""}, text);  // who told the story
    }
  }

 private:
  // {"kind":kind,...} with the members of `line` that start with the given keys: a string (ids
  // and dates have no quotes) or an array of ids.
  static void Cut(const std::string& line, std::string_view kind,
                  std::initializer_list<std::string_view> keys, std::string& text) {
    text += "{\"kind\":\"";
    text += kind;
    text += '"';
    for (std::string_view key : keys) {
      const size_t at = line.find(key);
      if (at == std::string::npos) continue;
      const size_t end = line.find(key.back() == '[' ? ']' : '"', at + key.size());
      if (end == std::string::npos) continue;
      text += ',';
      text.append(line, at, end + 1 - at);
    }
    text += "}\n";
  }

 private:
  std::string prefix_;
};

// Keeps, of the ground truth, the victim lines of victims some source recorded, cut down to
// {"type":"victim","records":{...}}: at a million persons the full lines (events, names) would
// take gigabytes that the linkage never reads.
class TruthFilter : public LineSink {
 protected:
  void Keep(const std::string& line, std::string& text) override {
    static constexpr std::string_view kKey = "\"records\":{";
    const size_t at =
        line.starts_with("{\"type\":\"victim\"") ? line.find(kKey) : std::string::npos;
    if (at != std::string::npos && line.compare(at + kKey.size(), 1, "}") != 0) {
      // The records object: ids and case numbers, no braces inside strings.
      size_t end = at + kKey.size() - 1;
      int depth = 0;
      bool in_string = false;
      for (; end < line.size(); ++end) {
        const char c = line[end];
        if (in_string) {
          if (c == '\\')
            ++end;
          else if (c == '"')
            in_string = false;
        } else if (c == '"') {
          in_string = true;
        } else if (c == '{') {
          ++depth;
        } else if (c == '}' && --depth == 0) {
          break;
        }
      }
      text += "{\"type\":\"victim\",";
      text.append(line, at, end + 1 - at);
      text += "}\n";
    }
  }
};

// Peak resident set size (VmHWM) of this process in MB; ResetPeakRss starts a new peak
// (Linux >= 4.0), so a stage's own peak can be read.
double PeakRssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

double RoundTo(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

// The gazetteer's parent of every place (the corpus reader gives origins as (province, county))
// and where the places lie.
struct Gazetteer {
  link::PlaceParents parents;
  link::PlaceCoordinates coordinates;
};
Gazetteer LoadGazetteer() {
  Gazetteer out;
  for (const nlohmann::json& place : Must(custodian::model::BuiltinGazetteer(), "gazetteer")) {
    const std::string id = place.at("id").get<std::string>();
    const auto parent = place.find("parent");
    out.parents[id] =
        parent != place.end() && parent->is_string() ? parent->get<std::string>() : "";
    const auto lat = place.find("lat"), lon = place.find("lon");
    if (lat != place.end() && lon != place.end() && lat->is_number() && lon->is_number()) {
      out.coordinates[id] = {lat->get<double>(), lon->get<double>()};
    }
  }
  return out;
}

OJson RecordJson(const link::Record& r, uint32_t person) {
  OJson events = OJson::array();
  for (const link::Event& e : r.events) events.push_back(e.place + "@" + std::to_string(e.year));
  return OJson{{"person", person},
               {"surname", r.surname},
               {"given", r.given_name},
               {"other", r.other_names},
               {"born", std::to_string(r.birth_year) + "-" + std::to_string(r.birth_year_latest)},
               {"sex", static_cast<int>(r.sex)},
               {"place", r.place_path},
               {"source", r.source},
               {"role", r.role},
               {"companions", r.companions.size()},
               {"events", events}};
}

// Every pair the linkage got wrong, as JSON Lines for a developer reading the errors of the
// synthetic corpus (never real data): the two records, whether blocking produced the pair, and
// its score explained.
void WriteErrors(const std::string& path, const link::LabelledRecords& file,
                 const link::LinkOptions& options, const link::LinkResult& result) {
  auto linker = Must(link::Linker::Create(file.records, options), "linker");
  std::unordered_map<uint64_t, double> scored;
  for (const link::ScoredPair& p : result.pairs) scored[uint64_t{p.a} << 32 | p.b] = p.probability;
  std::ofstream out(path);
  auto write = [&](uint32_t a, uint32_t b, const char* kind) {
    const link::Explanation e = linker->Explain(result.model, linker->Compare(a, b));
    OJson parts = OJson::object();
    for (const auto& part : e.parts) {
      if (part.level == link::kMissing) continue;
      parts[std::string(link::FieldName(part.field))] = {
          part.level, RoundTo(part.weight + part.tf_adjustment, 2)};
    }
    const auto it = scored.find(uint64_t{a} << 32 | b);
    out << OJson{{"kind", kind},
                 {"candidate", it != scored.end()},
                 {"probability", RoundTo(e.probability, 4)},
                 {"weight", RoundTo(e.total_weight, 2)},
                 {"parts", parts},
                 {"a", RecordJson(file.records[a], file.person[a])},
                 {"b", RecordJson(file.records[b], file.person[b])}}
               .dump()
        << "\n";
  };
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_person, by_cluster;
  for (uint32_t i = 0; i < file.records.size(); ++i) {
    by_person[file.person[i]].push_back(i);
    by_cluster[result.clustering.cluster_of[i]].push_back(i);
  }
  for (const auto& [person, members] : by_person) {
    for (size_t i = 0; i < members.size(); ++i)
      for (size_t j = i + 1; j < members.size(); ++j)
        if (result.clustering.cluster_of[members[i]] != result.clustering.cluster_of[members[j]])
          write(members[i], members[j], "missed");
  }
  for (const auto& [cluster, members] : by_cluster) {
    for (size_t i = 0; i < members.size(); ++i)
      for (size_t j = i + 1; j < members.size(); ++j)
        if (file.person[members[i]] != file.person[members[j]])
          write(members[i], members[j], "wrong");
  }
}

// A synthetic Korean corpus (src/synth, `persons` victims, `seed`), generated in memory, read
// with the gazetteer and deduplicated with KoreanBlockingRules; pairwise F1 of the clusters
// against the generator's ground truth. The labels are used only to score.
Figure KoreanCorpus(uint64_t persons, uint64_t seed, int threads, size_t max_block_size,
                    double match_threshold, const Gazetteer& places,
                    const std::string& errors_path) {
  custodian::synth::Options synth_options;
  synth_options.persons = persons;
  synth_options.seed = seed;
  LineFilter corpus_buf("{\"kind\":\"person\""), truth_buf("{\"type\":\"victim\"");
  std::ostream corpus(&corpus_buf), truth(&truth_buf);
  const auto generate_start = Clock::now();
  Must(custodian::synth::Generate(synth_options, corpus, truth), "generate");
  const double generate_seconds = Seconds(generate_start, Clock::now());
  link::LabelledRecords file = Must(link::ParseSyntheticCorpus(corpus_buf.text(), truth_buf.text(),
                                                               places.parents, places.coordinates),
                                    "read corpus");
  corpus_buf.text().clear();
  corpus_buf.text().shrink_to_fit();
  truth_buf.text().clear();
  truth_buf.text().shrink_to_fit();
  link::LinkOptions korean = link::KoreanLinkOptions();
  korean.threads = threads;
  if (max_block_size != 0) korean.max_block_size = max_block_size;
  if (match_threshold > 0) korean.match_threshold = match_threshold;
  const auto start = Clock::now();
  const link::LinkResult result = Must(link::Deduplicate(file.records, korean), "deduplicate");
  const double seconds = Seconds(start, Clock::now());
  const link::PairwiseMetrics m = link::EvaluateClusters(result.clustering.cluster_of, file.person);
  if (!errors_path.empty()) WriteErrors(errors_path, file, korean, result);
  std::vector<std::pair<uint32_t, uint32_t>> all;
  for (const link::ScoredPair& p : result.pairs) all.emplace_back(p.a, p.b);
  const link::PairwiseMetrics completeness = link::EvaluatePairs(all, file.person);
  std::printf(
      "synthetic Korean corpus: %llu persons (seed %llu), %zu person records, %llu true pairs; "
      "generated in %.1f s; %zu candidate pairs (pair completeness %.4f), EM %d iterations%s, "
      "prior %.5f; precision %.4f recall %.4f F1 %.4f; linkage %.1f s (%d threads)\n",
      static_cast<unsigned long long>(persons), static_cast<unsigned long long>(seed),
      file.records.size(), static_cast<unsigned long long>(m.true_pairs), generate_seconds,
      result.blocking.candidate_pairs, completeness.recall, result.model.iterations,
      result.model.converged ? "" : " (not converged)", result.model.prior, m.precision, m.recall,
      m.f1, seconds, threads);
  Figure f{.figure = "synthetic Korean corpus pairwise F1 (" + std::to_string(persons) +
                     " persons, seed " + std::to_string(seed) + ")",
           .value = RoundTo(m.f1, 4),
           .target = ">= 0.95",
           .has_target = true,
           .pass = m.f1 >= kF1Target,
           .runs = 1};
  f.extra = {
      {"precision", RoundTo(m.precision, 4)},
      {"recall", RoundTo(m.recall, 4)},
      {"person_records", file.records.size()},
      {"true_pairs", m.true_pairs},
      {"predicted_pairs", m.predicted_pairs},
      {"correct_pairs", m.correct_pairs},
      {"comparisons", result.blocking.candidate_pairs + result.clustering.pairs_scored_on_demand},
      {"candidate_pairs", result.blocking.candidate_pairs},
      {"pair_completeness", RoundTo(completeness.recall, 4)},
      {"em_iterations", result.model.iterations},
      {"seconds_linkage", RoundTo(seconds, 3)},
      {"seconds_generate", RoundTo(generate_seconds, 3)},
      {"runs_note", "one run (generation and linkage are deterministic)"}};
  return f;
}

// Deduplicating about `target_records` synthetic person records end to end (issue 8: 1,000,000
// records in <= 3 minutes and <= 6 GB on 2 cores). Corpora of seeds 1, 2, ... are generated
// (in parallel, a million persons each at most: about 635,000 person records) until their
// person records reach the target, then read and linked together as one population; ids carry
// the seed, so no two collide. Times Deduplicate alone (normalise, block, compare, EM, score,
// cluster) and reads the peak RSS from just before it to just after.
std::vector<Figure> Scale(uint64_t target_records, int threads, size_t max_block_size,
                          const Gazetteer& places) {
  // About 0.635 person records per person (measured at 100,000 persons).
  const uint64_t persons_needed = target_records * 1000 / 630 + 1;
  std::vector<uint64_t> persons;
  for (uint64_t left = persons_needed; left > 0;) {
    persons.push_back(std::min<uint64_t>(left, 1000000));
    left -= persons.back();
  }
  struct Part {
    LineFilter corpus{"{\"kind\":\"person\""};
    TruthFilter truth;
  };
  std::vector<std::unique_ptr<Part>> parts;
  const auto generate_start = Clock::now();
  {
    std::vector<std::thread> workers;
    for (size_t k = 0; k < persons.size(); ++k) {
      parts.push_back(std::make_unique<Part>());
      workers.emplace_back([&, k] {
        custodian::synth::Options o;
        o.persons = persons[k];
        o.seed = k + 1;
        std::ostream corpus(&parts[k]->corpus), truth(&parts[k]->truth);
        Must(custodian::synth::Generate(o, corpus, truth), "generate");
      });
      if (workers.size() == static_cast<size_t>(std::max(1, threads))) {
        for (std::thread& w : workers) w.join();
        workers.clear();
      }
    }
    for (std::thread& w : workers) w.join();
  }
  const double generate_seconds = Seconds(generate_start, Clock::now());
  link::LabelledRecords all;
  uint32_t identity_offset = 0;
  for (auto& part : parts) {
    link::LabelledRecords file =
        Must(link::ParseSyntheticCorpus(part->corpus.text(), part->truth.text(), places.parents,
                                        places.coordinates),
             "read corpus");
    part.reset();
    uint32_t identities = 0;
    for (uint32_t p : file.person) identities = std::max(identities, p + 1);
    for (size_t i = 0; i < file.records.size(); ++i) {
      all.records.push_back(std::move(file.records[i]));
      all.person.push_back(file.person[i] + identity_offset);
    }
    identity_offset += identities;
  }
  link::LinkOptions korean = link::KoreanLinkOptions();
  korean.threads = threads;
  if (max_block_size != 0) korean.max_block_size = max_block_size;
  const size_t records = all.records.size();
  ResetPeakRss();
  const auto start = Clock::now();
  const link::LinkResult result =
      Must(link::Deduplicate(std::move(all.records), korean), "deduplicate");
  const double seconds = Seconds(start, Clock::now());
  const double peak_mb = PeakRssMb();
  const link::PairwiseMetrics m = link::EvaluateClusters(result.clustering.cluster_of, all.person);
  const size_t comparisons = result.blocking.candidate_pairs +
                             result.clustering.pairs_scored_on_demand +
                             std::min<size_t>(korean.random_pairs, records);
  std::printf(
      "scale: %zu person records (%zu corpora, generated in %.1f s); max_block_size %zu; "
      "deduplicated end to end in %.1f s with %d threads, peak RSS %.0f MB during it; %zu "
      "candidate pairs, %zu comparisons "
      "(%.0f/s overall); EM %d iterations%s; precision %.4f recall %.4f F1 %.4f\n",
      records, persons.size(), generate_seconds, korean.max_block_size, seconds, threads, peak_mb,
      result.blocking.candidate_pairs, comparisons, comparisons / seconds, result.model.iterations,
      result.model.converged ? "" : " (not converged)", m.precision, m.recall, m.f1);
  const std::string label = std::to_string(records) + " synthetic person records";
  Figure time{.figure = "deduplicate " + label + " end to end (s)",
              .value = RoundTo(seconds, 1),
              .target = "<= 180",
              .has_target = true,
              .pass = seconds <= 180,
              .runs = 1,
              .unit = "s"};
  time.extra = {{"threads", threads},
                {"max_block_size", korean.max_block_size},
                {"candidate_pairs", result.blocking.candidate_pairs},
                {"comparisons", comparisons},
                {"comparisons_per_second", std::round(comparisons / seconds)},
                {"precision", RoundTo(m.precision, 4)},
                {"recall", RoundTo(m.recall, 4)},
                {"f1", RoundTo(m.f1, 4)},
                {"seconds_generate", RoundTo(generate_seconds, 1)}};
  Figure memory{.figure = "deduplicate " + label + ", peak RSS (MB)",
                .value = std::round(peak_mb),
                .target = "<= 6144",
                .has_target = true,
                .pass = peak_mb <= 6144,
                .runs = 1,
                .unit = "MB"};
  return {time, memory};
}

}  // namespace

int main(int argc, char** argv) {
  program_name = "link_bench";
  int runs = 5;
  uint64_t korean_persons = 100000;
  std::vector<uint64_t> korean_seeds = {1, 7};
  int threads = 2;
  std::string only;
  uint64_t scale_records = 1000000;
  size_t max_block_size = 0;   // the options' own
  double match_threshold = 0;  // the options' own
  std::string data_flag, json_path, errors_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--runs") {
      runs = std::stoi(next());
    } else if (arg == "--korean-persons") {
      korean_persons = std::stoull(next());
    } else if (arg == "--korean-seeds") {
      korean_seeds.clear();
      std::stringstream list(next());
      for (std::string seed; std::getline(list, seed, ',');)
        korean_seeds.push_back(std::stoull(seed));
    } else if (arg == "--max-block-size") {
      max_block_size = std::stoull(next());
    } else if (arg == "--scale-records") {
      scale_records = std::stoull(next());
    } else if (arg == "--threads") {
      threads = std::stoi(next());
    } else if (arg == "--only") {
      only = next();
      if (only != "febrl" && only != "korean" && only != "scale") Die("--only febrl|korean|scale");
    } else if (arg == "--data") {
      data_flag = next();
    } else if (arg == "--match-threshold") {
      match_threshold = std::stod(next());
    } else if (arg == "--errors") {
      errors_path = next();
    } else if (arg == "--json") {
      json_path = next();
    } else if (arg == "--records" || arg == "--seed") {
      next();  // bench/run passes these to every benchmark; the FEBRL files have fixed sizes
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: link_bench [--runs R] [--data DIR] [--json FILE] [--korean-persons N] "
          "[--korean-seeds 1,7] [--threads T] [--only febrl|korean|scale] [--scale-records N] "
          "[--max-block-size N] [--errors FILE]\n");
      return 0;
    } else {
      Die("unknown argument " + arg + " (try --help)");
    }
  }
  if (runs < 1) Die("--runs must be at least 1");
  const std::string data = DataDir(data_flag);
  const Gazetteer places = LoadGazetteer();
  std::vector<Figure> figures;
  link::LinkOptions options;  // the defaults, as a user would run them

  // ---- 1. FEBRL accuracy (unsupervised) and end-to-end time --------------------------------
  link::LabelledRecords largest;
  for (int set = 1; set <= 3 && (only.empty() || only == "febrl"); ++set) {
    const std::string path = data + "/febrl/dataset" + std::to_string(set) + ".csv";
    link::LabelledRecords file = Must(link::LoadFebrl(custodian::Env::Default(), path), "load");
    std::vector<double> seconds;
    link::LinkResult result;
    for (int r = 0; r < runs; ++r) {
      const auto start = Clock::now();
      result = Must(link::Deduplicate(file.records, options), "deduplicate");
      seconds.push_back(Seconds(start, Clock::now()));
    }
    // The labels are used here only, after the pipeline has run.
    const link::PairwiseMetrics clusters =
        link::EvaluateClusters(result.clustering.cluster_of, file.person);
    std::vector<std::pair<uint32_t, uint32_t>> above;
    for (const link::ScoredPair& p : result.pairs) {
      if (p.probability >= options.match_threshold) above.emplace_back(p.a, p.b);
    }
    const link::PairwiseMetrics pairs = link::EvaluatePairs(above, file.person);
    const link::PairwiseMetrics completeness = [&] {
      std::vector<std::pair<uint32_t, uint32_t>> all;
      for (const link::ScoredPair& p : result.pairs) all.emplace_back(p.a, p.b);
      return link::EvaluatePairs(all, file.person);
    }();
    std::printf(
        "dataset%d: %zu records, %llu true pairs; blocking %zu candidate pairs (pair "
        "completeness %.4f, %zu oversized blocks); EM %d iterations%s, prior %.4f\n"
        "  clusters: precision %.4f recall %.4f F1 %.4f (%llu predicted pairs; refused: %zu "
        "by size, %zu by chain guard; %zu pairs scored on demand)\n"
        "  pairs >= %.2f: precision %.4f recall %.4f F1 %.4f; end to end median %.3f s\n",
        set, file.records.size(), static_cast<unsigned long long>(clusters.true_pairs),
        result.blocking.candidate_pairs, completeness.recall, result.blocking.oversized_blocks,
        result.model.iterations, result.model.converged ? "" : " (not converged)",
        result.model.prior, clusters.precision, clusters.recall, clusters.f1,
        static_cast<unsigned long long>(clusters.predicted_pairs),
        result.clustering.merges_refused_size, result.clustering.merges_refused_chain,
        result.clustering.pairs_scored_on_demand, options.match_threshold, pairs.precision,
        pairs.recall, pairs.f1, Median(seconds));
    const std::string name = "FEBRL dataset" + std::to_string(set);
    Figure f1{.figure = name + " pairwise F1 (unsupervised, clusters)",
              .value = RoundTo(clusters.f1, 4),
              .target = ">= 0.95",
              .has_target = true,
              .pass = clusters.f1 >= kF1Target,
              .runs = runs};
    f1.extra = {{"precision", RoundTo(clusters.precision, 4)},
                {"recall", RoundTo(clusters.recall, 4)},
                {"true_pairs", clusters.true_pairs},
                {"predicted_pairs", clusters.predicted_pairs},
                {"correct_pairs", clusters.correct_pairs},
                {"pairs_above_threshold_f1", RoundTo(pairs.f1, 4)},
                {"pairs_above_threshold_precision", RoundTo(pairs.precision, 4)},
                {"pairs_above_threshold_recall", RoundTo(pairs.recall, 4)},
                {"candidate_pairs", result.blocking.candidate_pairs},
                {"pair_completeness", RoundTo(completeness.recall, 4)},
                {"em_iterations", result.model.iterations},
                {"seconds_end_to_end", RoundTo(Median(seconds), 4)}};
    figures.push_back(f1);
    figures.push_back({.figure = name + " pairwise precision (informative)",
                       .value = RoundTo(clusters.precision, 4),
                       .runs = runs});
    figures.push_back({.figure = name + " pairwise recall (informative)",
                       .value = RoundTo(clusters.recall, 4),
                       .runs = runs});
    // The same without the id number (soc_sec_id): how much the names, dates and addresses
    // carry alone. Informative; one run.
    {
      std::vector<link::Record> without = file.records;
      for (link::Record& r : without) r.id_number.clear();
      const link::LinkResult alone = Must(link::Deduplicate(without, options), "deduplicate");
      const link::PairwiseMetrics m =
          link::EvaluateClusters(alone.clustering.cluster_of, file.person);
      std::printf("  without soc_sec_id: precision %.4f recall %.4f F1 %.4f\n", m.precision,
                  m.recall, m.f1);
      Figure f{.figure = name + " pairwise F1 without soc_sec_id (informative)",
               .value = RoundTo(m.f1, 4),
               .runs = 1};
      f.extra = {{"precision", RoundTo(m.precision, 4)}, {"recall", RoundTo(m.recall, 4)}};
      figures.push_back(f);
    }
    if (set == 3) largest = std::move(file);
  }

  // ---- 2. The comparison stage on dataset3's candidate pairs -------------------------------
  if (only.empty() || only == "febrl") {
    auto linker = Must(link::Linker::Create(largest.records, options), "prepare");
    const auto candidates = linker->Candidates();
    std::vector<double> compare_rate;
    size_t checksum = 0;
    for (int r = 0; r < runs; ++r) {
      // Enough repetitions for about a second of work, so the clock's resolution does not matter.
      const int repeat = 20;
      const auto start = Clock::now();
      for (int k = 0; k < repeat; ++k) checksum += linker->CompareAll(candidates).size();
      compare_rate.push_back(static_cast<double>(candidates.size()) * repeat /
                             Seconds(start, Clock::now()));
    }
    if (checksum == 0) Die("no comparisons");
    std::printf(
        "comparison stage: %zu candidate pairs of dataset3, %.0f comparison vectors/s "
        "(14 fields, one thread)\n",
        candidates.size(), Median(compare_rate));
    figures.push_back({.figure = "comparison vectors/s (FEBRL dataset3 candidates, 1 thread)",
                       .value = std::round(Median(compare_rate)),
                       .runs = runs,
                       .unit = "pairs/s"});

    // ---- 3. String measures against jellyfish on the same pairs ------------------------------
    // The name and address strings of every candidate pair, as both sides receive them (text).
    std::vector<std::pair<std::string, std::string>> strings;
    for (const auto& [a, b] : candidates) {
      const link::Record& x = largest.records[a];
      const link::Record& y = largest.records[b];
      for (auto field : {&link::Record::given_name, &link::Record::surname, &link::Record::street,
                         &link::Record::locality}) {
        if (!(x.*field).empty() && !(y.*field).empty()) strings.emplace_back(x.*field, y.*field);
      }
    }
    std::vector<std::pair<std::u32string, std::u32string>> decoded;
    decoded.reserve(strings.size());
    for (const auto& [a, b] : strings) {
      decoded.emplace_back(Must(link::DecodeUtf8(a), "utf-8"), Must(link::DecodeUtf8(b), "utf-8"));
    }
    std::vector<double> ours_seconds;
    std::vector<double> jw(decoded.size());
    std::vector<size_t> lev(decoded.size());
    for (int r = 0; r < runs; ++r) {
      const auto start = Clock::now();
      for (size_t i = 0; i < decoded.size(); ++i) {
        jw[i] = link::JaroWinkler(decoded[i].first, decoded[i].second);
        lev[i] = link::Levenshtein(decoded[i].first, decoded[i].second);
      }
      ours_seconds.push_back(Seconds(start, Clock::now()));
    }
    const fs::path dir = fs::temp_directory_path() /
                         ("link_bench." + std::to_string(static_cast<long long>(getpid())));
    fs::create_directories(dir);
    const fs::path pairs_file = dir / "pairs.tsv", values_file = dir / "values.tsv";
    {
      std::ofstream out(pairs_file);
      for (const auto& [a, b] : strings) out << a << '\t' << b << '\n';
      if (!out) Die("cannot write " + pairs_file.string());
    }
    const std::string script = std::string(CUSTODIAN_SOURCE_DIR_FOR_BENCH) + "/bench/link_peer.py";
    const std::string command = "/usr/bin/python3 -W ignore " + script + " " + pairs_file.string() +
                                " " + values_file.string() + " " + std::to_string(runs);
    std::string peer_output;
    {
      FILE* pipe = popen(command.c_str(), "r");
      if (pipe == nullptr) Die("cannot run " + command);
      char buf[4096];
      size_t got;
      while ((got = fread(buf, 1, sizeof buf, pipe)) > 0) peer_output.append(buf, got);
      if (pclose(pipe) != 0) {
        fs::remove_all(dir);
        Die("the jellyfish peer failed (is python3-jellyfish installed? scripts/setup): " +
            command);
      }
    }
    const auto peer = nlohmann::json::parse(peer_output, nullptr, false);
    if (peer.is_discarded() || !peer.contains("seconds")) Die("peer output: " + peer_output);
    std::vector<double> peer_seconds = peer["seconds"].get<std::vector<double>>();
    // Do both sides agree? Every pair's Jaro-Winkler within 1e-9 and the same edit distance.
    double max_jw_difference = 0;
    size_t lev_mismatches = 0;
    {
      std::ifstream in(values_file);
      std::string line;
      size_t i = 0;
      while (std::getline(in, line) && i < jw.size()) {
        std::istringstream fields(line);
        double peer_jw;
        size_t peer_lev;
        fields >> peer_jw >> peer_lev;
        max_jw_difference = std::max(max_jw_difference, std::abs(peer_jw - jw[i]));
        if (peer_lev != lev[i]) ++lev_mismatches;
        ++i;
      }
      if (i != jw.size()) Die("the peer returned " + std::to_string(i) + " values");
    }
    fs::remove_all(dir);
    const double ours_rate = static_cast<double>(decoded.size()) / Median(ours_seconds);
    const double peer_rate = static_cast<double>(decoded.size()) / Median(peer_seconds);
    std::printf(
        "string measures (Jaro-Winkler + Levenshtein) on %zu string pairs: custodian %.0f pairs/s, "
        "jellyfish %s %.0f pairs/s, ratio %.2f; max |JW difference| %.2e, Levenshtein "
        "mismatches %zu\n",
        decoded.size(), ours_rate, peer.value("jellyfish", "?").c_str(), peer_rate,
        ours_rate / peer_rate, max_jw_difference, lev_mismatches);
    Figure strings_figure{
        .figure = "Jaro-Winkler + Levenshtein string pairs/s (FEBRL dataset3)",
        .value = std::round(ours_rate),
        .peer = "Python jellyfish " + peer.value("jellyfish", "?") + " (C extension), same pairs",
        .peer_value = std::round(peer_rate),
        .has_peer = true,
        .target = "same values as the peer",
        .has_target = true,
        .pass = max_jw_difference < 1e-9 && lev_mismatches == 0,
        .runs = runs,
        .unit = "pairs/s"};
    strings_figure.extra = {{"string_pairs", decoded.size()},
                            {"max_jaro_winkler_difference", max_jw_difference},
                            {"levenshtein_mismatches", lev_mismatches}};
    figures.push_back(strings_figure);
  }

  // ---- 4. The synthetic Korean corpus (one run per seed) ------------------------------------
  if (only.empty() || only == "korean") {
    for (uint64_t seed : korean_seeds) {
      figures.push_back(KoreanCorpus(korean_persons, seed, threads, max_block_size, match_threshold,
                                     places, errors_path));
    }
  }

  // ---- 5. Scale: a million records end to end (only when asked: generation takes minutes) -
  if (only == "scale") {
    for (Figure& f : Scale(scale_records, threads, max_block_size, places)) {
      figures.push_back(std::move(f));
    }
  }

  ReportFigures(figures, json_path);
  return 0;
}
