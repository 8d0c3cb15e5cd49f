// synth: a synthetic documentation corpus with known ground truth (issue 5).
//
// Real testimonies can never be shared, so demos, tests at scale and benchmarks need data that
// looks and behaves like a real documentation effort on North Korea, together with the truth
// that real data lacks. Generate() invents a population of `persons` victims after the groups
// the UN Commission of Inquiry described (people forcibly returned from China, political and
// ordinary prisoners, believers, the starving, the publicly executed, the abducted), each with a
// story of dated events at gazetteer places, with perpetrator units from the agencies
// vocabulary. Several documentation projects (DocumentationSource: by default a UN inquiry, two
// NGOs and a news archive) each record an overlapping subset of these victims in their own
// style: names in Hangul (DPRK or ROK spelling) and in one of five romanizations, family name
// first or last, fuzzy dates at their own precision, transcripts in Korean and/or English, and
// their own error rate.
//
// Two streams come out:
//  - the corpus: JSON Lines of records of the existing kinds (docs/formats/records.md) that
//    `custodian import` loads into a repository with the built-in gazetteer; every record
//    refers only to gazetteer places and to records on earlier lines;
//  - the ground truth: JSON Lines with the population size, each victim's story, the
//    probability that each project recorded them, their capture history, and which records
//    stand for whom. The true identity of a victim is never written into the corpus.
// Both formats are described in docs/formats/corpus.md.
//
// Determinism: the output is a function of (persons, seed, sources) alone, byte for byte, on any
// machine: the generator has its own PRNG and distributions and never uses std:: distributions
// or libm.
//
// Memory: the corpus is streamed. Nothing is kept per victim between victims, so memory does not
// grow with `persons`; each project visits the victims in its own pseudo-random order.
//
// Thread-safety: Generate() is reentrant; the built-in tables are immutable once loaded.
#ifndef CUSTODIAN_SYNTH_SYNTH_H_
#define CUSTODIAN_SYNTH_SYNTH_H_

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace custodian::synth {

// The largest population Generate() accepts (the range is 1,000 to 1,000,000).
inline constexpr uint64_t kMaxPersons = 1'000'000;
// At most this many documentation projects (capture histories are strings of one digit each).
inline constexpr size_t kMaxSources = 16;

// One documentation project and its style. Weights ("languages", "romanization", ...) need not
// sum to 1; probabilities are in [0, 1]. The JSON form and each field's meaning are in
// docs/formats/corpus.md; data/synth/sources.json holds the defaults.
struct DocumentationSource {
  std::string key;             // [a-z0-9][a-z0-9-]{0,11}: in record ids and capture histories
  std::string name_en;         // the name of its organization record
  std::string name_ko;         // optional Korean name
  std::string agency = "ngo";  // agencies code of its organization record
  std::string source_type = "interview";    // source_types code of the sources it records
  double coverage_survivor = 0;             // P(records a victim who survived and left the country)
  double coverage_absent = 0;               // P(records a victim known only through a relative)
  std::map<std::string, double> focus;      // scenario -> multiplier of the coverage
  int first_year = 1995, last_year = 2024;  // when it collected sources
  double error_rate = 0.05;  // typos, wrong birth years, misremembered dates and places
  std::map<std::string, double> languages = {{"ko", 1}};           // "ko", "en", "ko+en"
  std::map<std::string, double> romanization = {{"mr_ascii", 1}};  // rr, mr, mr_ascii, dprk, common
  double hangul_names = 1;      // P(a person record has a Hangul name)
  double latin_names = 1;       // P(a person record has a romanized name)
  double rok_hangul = 0;        // P(Hangul in the South Korean spelling: 이 for 리)
  double family_name_last = 0;  // P(romanized name written given name first)
  std::map<std::string, double> name_forms = {{"full", 1}};  // full, surname, pseudonym
  double aliases = 0.3;                                      // P(known aliases are recorded)
  std::map<std::string, double> birth = {{"year", 1}};       // year, about, age, decade, missing
  std::map<std::string, double> dates = {
      {"year", 1}};  // day, month, season, year, about, part, range
  std::map<std::string, double> reliability = {{"c", 1}};  // reliability codes a-f
  double recall = 1;  // P(each incident of a story after the first is recorded)
  double claims = 0;  // P(a graded claim for each recorded incident that supports one)
};

// The victim groups, in the order of data/synth/world.json: forced_return,
// political_prisoner, ordinary_prisoner, religious, famine, public_execution, abduction.
const std::vector<std::string>& ScenarioNames();

// The built-in projects (data/synth/sources.json). Fails only if this binary's data is broken.
Result<std::vector<DocumentationSource>> DefaultSources();

// Checks one project's values: its key, names and codes, probabilities in [0, 1], weights >= 0
// with a positive sum, known scenario names in `focus`, years within 1995..2100.
Status ValidateSource(const DocumentationSource& source);

// Reads projects in the JSON form of data/synth/sources.json: {"sources": [...]}. Every field
// is checked (unknown fields, codes not in the vocabularies, probabilities outside [0, 1],
// duplicate keys); errors are InvalidArgument and name the project and the field.
Result<std::vector<DocumentationSource>> ParseSources(std::string_view json_text);

// The same JSON form, indented, that ParseSources reads back unchanged.
std::string SourcesToJson(const std::vector<DocumentationSource>& sources);

struct Options {
  uint64_t persons = 0;  // the true population: 1 to kMaxPersons victims
  uint64_t seed = 1;
  std::vector<DocumentationSource> sources;  // empty: DefaultSources()
  // Called from the calling thread now and then with work done and total work (arbitrary
  // units), e.g. for a progress bar.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct Report {
  uint64_t persons = 0;                                // the population
  uint64_t captured = 0;                               // victims recorded by at least one project
  std::map<std::string, uint64_t> captured_by_source;  // key -> victims it recorded
  std::map<std::string, uint64_t> records_by_kind;     // "person" -> records written
  uint64_t lines = 0;                                  // corpus lines (records)
  uint64_t bytes = 0;                                  // corpus bytes
  uint64_t truth_bytes = 0;                            // ground-truth bytes
};

// Checks the options without generating anything: InvalidArgument for a population outside
// 1..kMaxPersons or invalid sources.
Status CheckOptions(const Options& options);

// Writes the corpus to `corpus` and the ground truth to `truth`. Fails with InvalidArgument for
// bad options (before writing anything) and Unavailable if a stream fails; a failed run leaves
// partial output, so callers write to a temporary file and rename it.
Result<Report> Generate(const Options& options, std::ostream& corpus, std::ostream& truth);

}  // namespace custodian::synth

#endif  // CUSTODIAN_SYNTH_SYNTH_H_
