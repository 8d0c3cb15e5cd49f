// link: record linkage of persons across sources (issue 8, first part).
//
// What it promises:
// - String measures on Unicode code points (Jaro, Jaro-Winkler, Levenshtein), never on bytes,
//   so that 김철수 and Ch'ŏl-su are compared letter by letter.
// - A Korean name normaliser: a name in Hangul or in any common romanization (Revised
//   Romanization, McCune-Reischauer with or without breves and apostrophes, the DPRK's style,
//   personal spellings such as "Chulsoo"), surname first or last, hyphenated or spaced, becomes
//   the same romanization-invariant syllable key: 김철수, "Kim Chol Su", "Gim Cheol-su",
//   "KIM Chol-su", "Chulsoo Kim" and "Kim Ch'ŏl-su" all give "KIM COLSO".
// - Deduplication of person records (Fellegi-Sunter 1969): candidate pairs from several
//   blocking rules, comparison vectors with graded agreement levels, m/u probabilities fitted by
//   EM without labels (Winkler 1988; Jaro 1989), term-frequency adjustment for common names,
//   match probabilities with a per-field explanation, and clustering with a guard against
//   chaining. The model is described in docs/formats/linkage.md.
// - Readers for FEBRL's synthetic person files and for the synthetic Korean corpus of src/synth
//   (given as text), and pairwise precision/recall/F1 against known identities, for evaluation
//   only: labels are never used to fit a model.
//
// Everything works on data in memory; nothing here writes files or logs. Names and dates of
// persons are sensitive in Custodian, so error messages name the record index and field, never
// the value.
//
// Thread-safety: free functions are pure and safe to call concurrently. A Linker is immutable
// after Create(); its const methods may be called from several threads at once.
#ifndef CUSTODIAN_LINK_LINK_H_
#define CUSTODIAN_LINK_LINK_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "base/utf8.h"

namespace custodian::link {

// ---- Text ---------------------------------------------------------------------------------

// Strict UTF-8 (RFC 3629), from base: bad input is InvalidArgument with the byte offset.
using custodian::DecodeUtf8;
using custodian::EncodeUtf8;

// ---- String measures ----------------------------------------------------------------------

// Jaro similarity in [0, 1]; 1 for two empty strings. Transpositions are halved rounding down,
// as in the Census Bureau's strcmp95 and Python's jellyfish.
double Jaro(std::u32string_view a, std::u32string_view b);
// Jaro-Winkler with the usual constants: prefix scale 0.1, at most 4 prefix characters, applied
// when the Jaro similarity exceeds 0.7 (Winkler 1990). MARTHA/MARHTA = 0.9611.
double JaroWinkler(std::u32string_view a, std::u32string_view b);
// Edit distance with unit insertions, deletions and substitutions.
size_t Levenshtein(std::u32string_view a, std::u32string_view b);
// 1 - distance / max(length); 1 for two empty strings.
double LevenshteinSimilarity(std::u32string_view a, std::u32string_view b);
// American Soundex ("robert" -> R163) of the ASCII letters of a lowercased name; "" if it has
// none. Used as a blocking key for names in Latin letters.
std::string Soundex(std::u32string_view name);

// A name for comparison: NFKC, lowercase, diacritics removed (ŏ -> o), only letters kept (Latin
// and Hangul syllables), so "O'Brien-Smith" -> "obriensmith". InvalidArgument for bad UTF-8.
Result<std::u32string> NormalizeName(std::string_view name);

// ---- Korean names -------------------------------------------------------------------------

// A Korean name as canonical syllables. Each syllable is written as onset + vowel + coda
// classes in capitals, coarse enough that every romanization system maps to the same one:
// consonants lose voicing and aspiration (ㄱ ㄲ ㅋ g k kk kh k' -> K; ㅈ ㅉ ㅊ j ch tch ch' -> C),
// ㅓ ㅗ ㅜ ㅡ (eo o u eu ŏ ŭ oo) -> O, and the initial-sound rule is applied to every syllable
// (리 = 이, 련 = 연, 로 = 노) so the DPRK and ROK spellings meet. See docs/formats/linkage.md.
struct KoreanName {
  std::vector<std::string> surname;  // usually one syllable; two for 남궁, 황보, 선우, ...
  std::vector<std::string> given;

  std::string SurnameKey() const;  // "KIM"
  std::string GivenKey() const;    // "COLSO"
  std::string Key() const;         // "KIM COLSO"
};

// The canonical syllables of one word (a given name, a surname, a place), in Hangul or Latin
// letters; hyphens, spaces and apostrophes between syllables are ignored. InvalidArgument for
// bad UTF-8, an empty word, or Latin letters that do not parse as Korean syllables ("Smith").
Result<std::vector<std::string>> KoreanSyllables(std::string_view word);

// A surname alone: the conventional spellings (Lee, Rhee, Yi, Ri, I; Park, Pak, Bak; Choi,
// Choe; Jung, Jeong, Chung, Chong, Jong; ...) are looked up in a table, others are parsed.
Result<std::vector<std::string>> KoreanSurnameSyllables(std::string_view surname);

// A full name whose order is unknown: Hangul (김철수, 김 철수; compound surnames), "Kim Chol
// Su", "KIM Chol-su", "Kim, Chulsoo", "Chulsoo Kim". The surname is the part after a comma's
// left side, else the one token in capitals, else whichever end token is a known surname (the
// more common one if both are, the first if neither table decides). InvalidArgument when the
// name is empty, not UTF-8, or not readable as Korean.
Result<KoreanName> ParseKoreanName(std::string_view full_name);
// Every reading of such a name, the one ParseKoreanName gives first. A second one only for
// three or more Latin words whose first and last are both surnames, with no comma or capitals
// to decide: "Sin Chul Jung" is 신철정 or, in Western order, 정신철.
Result<std::vector<KoreanName>> KoreanNameReadings(std::string_view full_name);
// Surname and given name already in separate fields.
Result<KoreanName> ParseKoreanName(std::string_view surname, std::string_view given);

// ---- Records ------------------------------------------------------------------------------

enum class Sex : uint8_t { kUnknown, kFemale, kMale };

// A point on the earth, in degrees (WGS 84, as the gazetteer gives places).
struct GeoPoint {
  double lat = 0;
  double lon = 0;
  bool operator==(const GeoPoint&) const = default;
};
// The great-circle distance between two points (haversine, mean earth radius 6371 km).
double DistanceKm(GeoPoint a, GeoPoint b);

// Something that happened to the person as a source records it: where (a gazetteer id, or any
// place code) and when: the first year its date allows (0 if unknown). Sources that document
// the same victim describe the same arrests, detentions and executions, so a shared place and
// time says much that a shared name cannot.
struct Event {
  std::string place;
  int year = 0;
  // 1-12 when the date names one month (a day or a month), else 0. Strangers from one county
  // who were returned through the same holding centre in the same year rarely were in the
  // same month; one person's sources mostly agree on it, even when one misremembers the year.
  int month = 0;
  bool operator==(const Event&) const = default;
};

// An event at `place` on a date given as its first and last day (days since 1970-01-01, as
// FuzzyDate holds them): the first year, and the month when both days fall in one. A range
// outside the years 1-9999 (the unknown date) gives no year.
Event EventOnDays(std::string place, int32_t first_day, int32_t last_day);

// One record of a person as a source describes it. Empty strings and zeros mean "not known".
// Dates are kept as recorded (a month of 13 is a typo to tolerate, not to reject), but each part
// must be in 0..9999 / 0..99 / 0..99.
struct Record {
  std::string given_name;  // UTF-8, any script
  std::string surname;
  // Further full names of the person in the same record (an alias, a name taken later, the name
  // in another script), each in unknown order as ParseKoreanName(full_name) reads it in Korean
  // mode, else as "given surname" words. Names are compared pairwise, the best-agreeing pair
  // counts, and every name gives blocking keys: a typo in one spelling, or a second name, no
  // longer hides the person.
  std::vector<std::string> other_names;
  int birth_year = 0;
  // The last possible birth year when only a range is known ("between 1978 and 1979", "1970s");
  // 0 when birth_year is exact. A range of five years or more only says "compatible or not".
  int birth_year_latest = 0;
  int birth_month = 0;
  int birth_day = 0;
  Sex sex = Sex::kUnknown;
  std::string street_number;
  std::string street;
  std::string address_extra;  // building, dwelling or second address line
  std::string locality;       // suburb, town, ri/dong
  std::string postcode;
  std::string region;                   // state, province
  std::vector<std::string> place_path;  // gazetteer ids, broadest first (province, county, ...)
  // Where the most specific place of place_path lies, when it is known and finer than a province:
  // neighbouring counties, which the hierarchy calls as different as the two ends of the country,
  // are close in km (Field::kOriginDistance).
  std::optional<GeoPoint> origin_at;
  std::string id_number;  // a document or social security number
  std::string source;     // the source (list) the record comes from
  std::vector<Event> events;
  // The person's part in what the record tells (PrimaryRole): "victim", "relative", ... The
  // records of one person mostly agree on it, and a victim and the relative who told their story
  // share a surname, an origin and often a name's syllables, so this is what tells them apart.
  std::string role;
  // The records (indexes into the same input) tied to this one by a source: the person who told
  // a victim's story to it, and the persons whose story an informant told. A mother who told two
  // organisations of her son's arrest is one informant in both, so when the companions of two
  // records are one person the records are likelier one too, and when they are clearly two
  // people, less likely (Field::kCompanions).
  std::vector<uint32_t> companions;
  // What the sources say was done to the person: the violation types of the acts that name them
  // ("arbitrary_arrest", "public_execution", ...). Sources that document one victim tell of the
  // same violations; strangers from one county share the common ones (Field::kViolations).
  std::vector<std::string> violations;
};

// The role that says most about who a person is in a record, from a record's `roles`: victim,
// then perpetrator, then relative, then the first one given; "" for none.
std::string PrimaryRole(std::span<const std::string> roles);

// How names in Latin letters are read. kLatin: as they are (FEBRL-style). kKorean: as
// romanized Korean names, keyed by KoreanName so that every system and Hangul meet; a name that
// does not parse as Korean falls back to the Latin treatment. Hangul is always read as Korean.
enum class NameSystem { kLatin, kKorean };

// The comparison fields, in the order of a comparison vector.
enum class Field : uint8_t {
  kGivenName,
  kSurname,
  kBirthDate,
  kSex,
  kStreetNumber,
  kStreet,
  kAddressExtra,
  kLocality,
  kPostcode,
  kRegion,
  kPlace,
  kIdNumber,
  kSource,
  kEvents,
  kRole,
  kEventMonths,
  kCompanions,
  kViolations,
  kOriginDistance,
};
inline constexpr size_t kFieldCount = 19;
std::string_view FieldName(Field field);
// Agreement levels of a field: 0 is disagreement, the highest is exact agreement.
int LevelCount(Field field);
inline constexpr uint8_t kMissing = 0xFF;  // either side unknown: the field says nothing

// Parts of a blocking key. A record lacking any part of a rule is not blocked by that rule.
enum class KeyPart : uint8_t {
  kSurnamePhonetic,  // Soundex, or the Korean surname key
  kGivenPhonetic,    // Soundex, or the Korean given-name key
  kSurnameInitial,
  kGivenInitial,
  kBirthYear,
  kBirthYearBand,  // birth_year / LinkOptions::year_band
  kBirthDate,      // year, month and day, all known
  kPostcode,
  kLocality,
  kPlace,     // the most specific place id
  kProvince,  // the broadest place id (place_path's first)
  kSex,
  kIdNumber,
  kEvent,  // each event's place and year, one key per event
  // Each syllable of the Korean given-name key, one key per syllable: a typo or a different
  // romanization of one syllable leaves the other to meet on. Latin names have none.
  kGivenSyllable,
};
using BlockingRule = std::vector<KeyPart>;
// For Latin names (FEBRL-style): names, dates, postcodes and id numbers in several pairings.
std::vector<BlockingRule> DefaultBlockingRules();
// For Korean names, where a fifth of the population shares a surname and given names come from
// a small stock of syllables: the full name key with the province, and with the birth-year band;
// the surname with one given-name syllable, the band, the province and sex (a typo or a misheard
// syllable); the given name with the band and the province (a surname written unexpectedly); the
// surname with an event (place and year), the band and sex (a survivor's other name, a surname
// given alone), or with the county, or with the province and sex (a surname given alone with
// only a province for an origin, as news reports give them); the surname and a given-name
// syllable with the county; an event with the county (no name at all). Every rule but the last
// has a name and two more parts, so that pairs sharing only a surname
// or a given name do not make up the candidates and blocks stay small as the population grows.
std::vector<BlockingRule> KoreanBlockingRules();
// EM sessions for Korean names (LinkOptions::training_blocking): the full name key (m of birth
// year, sex, origin, source, events); birth year with county (m of the names); given name with
// birth year (m of surname, origin); surname with county and sex (m of given name, birth year).
std::vector<BlockingRule> KoreanTrainingRules();

struct LinkOptions {
  NameSystem names = NameSystem::kLatin;
  std::vector<BlockingRule> blocking = DefaultBlockingRules();
  // A block larger than this is skipped (and counted): it would cost n^2/2 comparisons and a
  // key that common does not separate anyone. Another rule usually finds its pairs.
  size_t max_block_size = 1000;
  int year_band = 5;

  // EM (unlabelled): iterations, convergence on the largest change of any parameter, and how
  // many random record pairs seed the u probabilities.
  int em_max_iterations = 1000;
  double em_tolerance = 1e-7;
  size_t random_pairs = 200000;
  uint64_t seed = 1;
  // How EM is trained. Empty: one EM over all candidate pairs fits m, u and the prior together;
  // that works when blocking leaves few pairs that agree on only part of the key (FEBRL). Else
  // in sessions, as Splink does: u is the random-pair estimate; each rule here gives pairs on
  // which an EM (leaving out the rule's own fields, which agree by construction there) fits m
  // for the other fields, a field's m is averaged over its sessions, and the prior over all
  // record pairs is then fitted with m and u fixed. Needed when candidates mix pairs that share
  // only a surname with pairs that share a whole name, which one EM would take for the two
  // classes. At most about training_pairs pairs per session (a fixed pseudo-random sample).
  std::vector<BlockingRule> training_blocking;
  size_t training_pairs = 1000000;
  // Term-frequency adjustment of exact name agreement (a shared rare name says more than a
  // shared Kim).
  bool term_frequency = true;

  // Clustering: pairs at or above match_threshold are joined, strongest first, unless the
  // union would exceed max_cluster_size or fewer than min_link_fraction (strictly more than)
  // of all cross pairs reach link_threshold. Cross pairs that blocking did not produce are
  // compared and scored on demand, so a chain A-B-C with a weak A-C is stopped.
  double match_threshold = 0.5;
  double link_threshold = 0.2;
  double min_link_fraction = 0.5;
  size_t max_cluster_size = 50;

  // Threads for blocking keys and comparison vectors (std::thread). The results do not depend on
  // it: work is split into fixed ranges whose results are sorted or written in place.
  int threads = 1;
};

// The options for Korean persons, as a repository runs them: NameSystem::kKorean, the Korean
// blocking and training rules, and blocks of at most 100 records. At 100,000 persons no block
// under these rules is that large; at a million, the blocks of the commonest names in a province
// or a birth-year band are, and their pairs (which such a key cannot tell apart) would be most
// of the work.
LinkOptions KoreanLinkOptions();

// A comparison of two records (indexes into the Linker's records, a < b).
struct Comparison {
  uint32_t a = 0;
  uint32_t b = 0;
  std::array<uint8_t, kFieldCount> level{};  // kMissing or 0..LevelCount-1
  // Term-frequency adjustments (log2 Bayes factor) of exact given-name and surname agreement.
  float tf_given = 0;
  float tf_surname = 0;
};

// The Fellegi-Sunter parameters: for each field and level, m = P(level | same person) and
// u = P(level | different persons); prior = P(same person) among the candidate pairs (one EM)
// or among all record pairs (training sessions, LinkOptions::training_blocking).
struct Model {
  double prior = 0;
  std::array<std::vector<double>, kFieldCount> m;
  std::array<std::vector<double>, kFieldCount> u;
  std::array<bool, kFieldCount> active{};  // false when no pair had the field
  // u of a field among pairs whose origins share a province, for the fields that strangers of
  // one province share more often than strangers picked at random: events (people of one
  // province left by the same crossings, were held in the same centres and sent to the same
  // camps), violations (the common ones of a province's returnees) and origin_km (counties of
  // one province are near each other). Used instead of u[f] when the place level is 1 or more;
  // empty for the other fields, or when not estimated.
  std::array<std::vector<double>, kFieldCount> u_same_province;
  int iterations = 0;
  bool converged = false;
};

// Why a pair scored as it did: each field's level and its weight (log2 m/u, plus the
// term-frequency part), the prior, and the result.
struct Explanation {
  struct Part {
    Field field;
    uint8_t level;         // kMissing when the field said nothing
    double weight;         // log2(m/u) of the level; 0 when missing
    double tf_adjustment;  // log2; 0 unless an exact name agreement was adjusted
  };
  std::vector<Part> parts;
  double prior_weight = 0;  // log2(prior / (1 - prior))
  double total_weight = 0;  // prior_weight + all parts
  double probability = 0;
};

struct BlockingStats {
  size_t rules = 0;
  size_t blocks = 0;
  size_t oversized_blocks = 0;  // skipped because larger than max_block_size
  size_t pairs_before_dedup = 0;
  size_t candidate_pairs = 0;
};

struct LinkResult;
struct ScoredPair;
struct Clustering;

// Holds prepared (normalised) records and runs the stages of linkage over them.
class Linker {
 public:
  // Normalises and checks every record: InvalidArgument names the record index and field
  // (bad UTF-8, a date part out of range), never the value.
  static Result<std::unique_ptr<Linker>> Create(std::span<const Record> records,
                                                LinkOptions options);
  ~Linker();
  Linker(const Linker&) = delete;
  Linker& operator=(const Linker&) = delete;

  size_t size() const;
  const LinkOptions& options() const;

  // Candidate pairs (a < b, sorted, no duplicates) from the union of the blocking rules.
  std::vector<std::pair<uint32_t, uint32_t>> Candidates(BlockingStats* stats = nullptr) const;
  Comparison Compare(uint32_t a, uint32_t b) const;
  std::vector<Comparison> CompareAll(std::span<const std::pair<uint32_t, uint32_t>> pairs) const;

  // EM over the comparisons (no labels): u starts from random record pairs, m from a guess that
  // favours agreement; both and the prior are then re-estimated until they converge.
  Model Train(std::span<const Comparison> comparisons) const;

  double Probability(const Model& model, const Comparison& comparison) const;
  Explanation Explain(const Model& model, const Comparison& comparison) const;

  // Companions are compared through a first clustering of the same records (a linkage run
  // without them): two records agree when a companion of one is in a cluster with a companion
  // of the other. Until such a clustering is given, and for records without companions, the
  // field is missing; Compare fills it once it is given.
  bool has_companions() const;
  void CompareCompanionsBy(std::vector<uint32_t> first_cluster_of);
  uint8_t CompanionLevel(uint32_t a, uint32_t b) const;
  // The second pass: companions are compared through `clustering`, the first pass's clusters of
  // `pairs` as `model` scored them without companions. When `fit`, their m and u are fitted into
  // `model` on those probabilities (FitCompanions); else the model's own are used. Their weight
  // is added to each pair's probability and `clustering` is made anew. Nothing changes when no
  // record has companions or the model has no weights for them.
  void ReclusterWithCompanions(Model& model, std::span<ScoredPair> pairs, Clustering& clustering,
                               bool fit);

 private:
  struct Impl;
  struct PatternsOf;
  friend Result<LinkResult> Deduplicate(std::span<const Record> records,
                                        const LinkOptions& options);
  friend Result<LinkResult> Deduplicate(std::vector<Record>&& records, const LinkOptions& options);
  explicit Linker(std::unique_ptr<Impl> impl);
  Model TrainOn(const PatternsOf& candidates) const;
  LinkResult DeduplicateAll();
  std::unique_ptr<Impl> impl_;
};

struct ScoredPair {
  uint32_t a = 0;
  uint32_t b = 0;
  double probability = 0;
};

// Fits m and u of Field::kCompanions into `model` (and makes it active) from the candidate pairs
// scored without it, the first pass, and their companion levels: each pair counts as a
// match by its probability and as a non-match by the rest, as an M step of EM counts them. u is
// taken over candidates, not all pairs: strangers who look alike are likelier than strangers
// at random to have companions who look alike too, so the weight of an agreement is the smaller.
// Leaves the field inactive when no pair has a level.
void FitCompanions(Model& model, std::span<const ScoredPair> first_pass,
                   std::span<const uint8_t> levels);
// `probability` with `bits` of evidence added: 1 / (1 + 2^-(w + bits)) for its weight w.
double AddWeight(double probability, double bits);

struct Clustering {
  std::vector<uint32_t> cluster_of;  // per record; cluster ids are 0..clusters-1
  size_t clusters = 0;
  size_t merges_refused_size = 0;   // unions that would have exceeded max_cluster_size
  size_t merges_refused_chain = 0;  // unions refused by the link-fraction guard
  size_t pairs_scored_on_demand = 0;
};

// Threshold clustering with the chain guard of LinkOptions. `score` gives the probability of a
// pair that is not among `pairs` (a < b); it is called only while checking a union.
Clustering Cluster(size_t records, std::span<const ScoredPair> pairs, const LinkOptions& options,
                   const std::function<double(uint32_t, uint32_t)>& score);

struct LinkResult {
  Model model;
  BlockingStats blocking;
  std::vector<ScoredPair> pairs;  // every candidate pair with its probability
  Clustering clustering;
};

// The whole pipeline: candidates, comparisons, EM, probabilities, clusters.
Result<LinkResult> Deduplicate(std::span<const Record> records, const LinkOptions& options);
// The same, letting go of the records once they are prepared: at a million records they are a
// gigabyte that the rest of the pipeline does not need.
Result<LinkResult> Deduplicate(std::vector<Record>&& records, const LinkOptions& options);

// ---- Evaluation ---------------------------------------------------------------------------

struct PairwiseMetrics {
  uint64_t true_pairs = 0;       // pairs of records of the same person
  uint64_t predicted_pairs = 0;  // pairs the linkage joined
  uint64_t correct_pairs = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};
// Pairs inside predicted clusters against pairs inside true identities (one id per record).
PairwiseMetrics EvaluateClusters(std::span<const uint32_t> cluster_of,
                                 std::span<const uint32_t> truth);
// Predicted pairs given directly (deduplicated by the caller) against true identities.
PairwiseMetrics EvaluatePairs(std::span<const std::pair<uint32_t, uint32_t>> pairs,
                              std::span<const uint32_t> truth);

// RFC 4180 CSV: quoted fields (with "" for a quote and line breaks inside), CRLF or LF, and
// whitespace around unquoted fields trimmed (FEBRL writes ", "). InvalidArgument with the line
// number for an unterminated quote, text after a closing quote, or bad UTF-8.
Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text);

// A FEBRL file (rec_id, given_name, surname, street_number, address_1, address_2, suburb,
// postcode, state, date_of_birth, soc_sec_id; columns found by name): records, and each
// record's person number from "rec-N-org" / "rec-N-dup-k" (ground truth for evaluation).
struct LabelledRecords {
  std::vector<Record> records;
  std::vector<uint32_t> person;
};
Result<LabelledRecords> ParseFebrl(std::string_view csv_text);
Result<LabelledRecords> LoadFebrl(Env& env, const std::string& path);

// Place ids to their parent ids ("" or absent at the top), from a gazetteer; the corpus reader
// turns an origin into its path with it. The caller builds it (custodian_link does not depend on
// the gazetteer's module).
using PlaceParents = std::unordered_map<std::string, std::string>;
// Place ids to where they lie, from the same gazetteer (places without coordinates absent).
using PlaceCoordinates = std::unordered_map<std::string, GeoPoint>;

// The synthetic corpus of src/synth (docs/formats/corpus.md), for evaluation: the text of the
// corpus and of its ground truth (JSON Lines), not the generator, so this library does not
// depend on custodian_synth. One Record per "person" line, in corpus order, meant for
// NameSystem::kKorean:
// - names: the primary Hangul name, else the primary romanized one, in `surname` (a full name,
//   split in Korean mode), and the other primary name and the Korean aliases (a survivor's
//   other name) in `other_names`; a surname alone when that is all the record gives; a
//   pseudonym is not the person's name and is left out (the record then has no name);
// - sex; the birth year or range from `born` (CorpusBirthYears);
// - `origin` as a place path without the country (province, county) when `places` knows it,
//   else the id alone, and where it lies when `coordinates` know it and it is not a province;
// - the documentation source key (from the record id) as `source`;
// - `events`: the place and the date (EventOnDays: the first year, and the month when the date
//   gives one) of each "act" line whose `victim` is the record;
// - `companions`: a victim and the `interviewee` of each source its acts cite (a "source" line
//   before the act; an interviewee without a person line, or the victim itself, ties nobody);
// - `violations`: the `violation` of each such act.
// `person` gives each record's true identity: a victim's `person` records share one, the
// informant (`interviewee` when it is not the victim) records of one victim another.
// InvalidArgument (with the line number, never a value) for a line that is not a JSON object,
// a person without id or with a duplicate id, an act whose victim is not a person on an earlier
// line, a truth entry naming a missing record or giving a
// record two identities, or a person record the truth does not name.
Result<LabelledRecords> ParseSyntheticCorpus(std::string_view corpus_jsonl,
                                             std::string_view truth_jsonl,
                                             const PlaceParents& places = {},
                                             const PlaceCoordinates& coordinates = {});
// The birth years a corpus `born` string allows, first and last: a year ("1975", "about 1975",
// "1975년", "1975년경") gives {1975, 1975}, "between 1978 and 1979" {1978, 1979}, a decade
// ("1970s", "1970년대") {1970, 1979}, text without a year {0, 0}.
std::pair<int, int> CorpusBirthYears(std::string_view born);
// The first year of CorpusBirthYears, or 0 (unknown) for a decade, which a single year cannot
// stand for.
int CorpusBirthYear(std::string_view born);

// A Custodian person (a `person` record's body with its sealed fields opened, as in
// docs/formats/jsonl.md) as a linkage record for NameSystem::kKorean, read the way
// ParseSyntheticCorpus reads the corpus's persons: names (pseudonyms left out), sex, the birth
// years of `born`, and `origin` as a place path. `source` is left to the caller.
Record PersonRecord(const nlohmann::json& person, const PlaceParents& places = {},
                    const PlaceCoordinates& coordinates = {});

}  // namespace custodian::link

#endif  // CUSTODIAN_LINK_LINK_H_
