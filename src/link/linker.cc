// The linkage pipeline of link.h: preparing records, blocking, comparison vectors, EM
// estimation of the Fellegi-Sunter model (Fellegi and Sunter 1969; Winkler 1988; Jaro 1989),
// term-frequency adjustment, probabilities and explanations. docs/formats/linkage.md describes
// the fields, levels and defaults.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "link/internal.h"
#include "link/link.h"

namespace custodian::link {

std::string_view FieldName(Field field) {
  switch (field) {
    case Field::kGivenName:
      return "given_name";
    case Field::kSurname:
      return "surname";
    case Field::kBirthDate:
      return "birth_date";
    case Field::kSex:
      return "sex";
    case Field::kStreetNumber:
      return "street_number";
    case Field::kStreet:
      return "street";
    case Field::kAddressExtra:
      return "address_extra";
    case Field::kLocality:
      return "locality";
    case Field::kPostcode:
      return "postcode";
    case Field::kRegion:
      return "region";
    case Field::kPlace:
      return "place";
    case Field::kIdNumber:
      return "id_number";
    case Field::kSource:
      return "source";
  }
  return "?";
}

int LevelCount(Field field) {
  switch (field) {
    case Field::kGivenName:
    case Field::kSurname:
    case Field::kBirthDate:
    case Field::kStreet:
    case Field::kAddressExtra:
    case Field::kLocality:
    case Field::kPlace:
      return 4;
    case Field::kPostcode:
    case Field::kIdNumber:
      return 3;
    case Field::kSex:
    case Field::kStreetNumber:
    case Field::kRegion:
    case Field::kSource:
      return 2;
  }
  return 2;
}

std::vector<BlockingRule> DefaultBlockingRules() {
  using K = KeyPart;
  return {
      {K::kSurnamePhonetic, K::kGivenPhonetic}, {K::kSurnamePhonetic, K::kBirthYearBand},
      {K::kGivenPhonetic, K::kBirthYearBand},   {K::kBirthDate, K::kGivenInitial},
      {K::kBirthDate, K::kSurnameInitial},      {K::kPostcode, K::kSurnameInitial},
      {K::kPostcode, K::kGivenInitial},         {K::kIdNumber},
  };
}

namespace {

constexpr size_t F(Field f) { return static_cast<size_t>(f); }

// One record as the comparisons see it: names folded (or Korean keys), text fields folded to
// letters and digits, codes trimmed.
struct Prepared {
  std::u32string given, surname;                // folded letters, or the Korean keys
  std::string given_key, surname_key;           // phonetic blocking keys
  uint32_t given_value = 0, surname_value = 0;  // interned, for term frequencies; 0 = none
  int year = 0, month = 0, day = 0;
  Sex sex = Sex::kUnknown;
  std::string street_number;
  std::u32string street, extra, locality;
  std::string postcode, region, id_number, source;
  std::vector<std::string> place_path;
};

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return std::string(s.substr(a, b - a));
}

// Codes (postcodes, id numbers) compared without spaces, hyphens or case.
Result<std::string> FoldCode(std::string_view s) {
  ASSIGN_OR_RETURN(std::u32string decoded, DecodeUtf8(s));
  std::string out;
  for (char32_t c : decoded) {
    if (c == U' ' || c == U'-' || c == U'.' || c == U'/' || c == U'\t') continue;
    if (c >= U'A' && c <= U'Z') c += 32;
    out += EncodeUtf8(std::u32string_view(&c, 1));
  }
  return out;
}

// Free text (street, locality): letters with one space between words; digits and punctuation
// only separate words (FEBRL's typos such as "pridhamstreet" are left to Jaro-Winkler).
Result<std::u32string> FoldText(std::string_view s) {
  return internal::FoldLetters(s, /*keep_breaks=*/true);
}

uint8_t SimilarityLevel(std::u32string_view a, std::u32string_view b) {
  if (a.empty() || b.empty()) return kMissing;
  if (a == b) return 3;
  const double jw = JaroWinkler(a, b);
  if (jw >= 0.92) return 2;
  if (jw >= 0.80) return 1;
  return 0;
}

std::u32string Widen(std::string_view ascii) { return std::u32string(ascii.begin(), ascii.end()); }

uint8_t CodeLevel(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return kMissing;
  if (a == b) return 2;
  return Levenshtein(Widen(a), Widen(b)) <= 1 ? 1 : 0;
}

std::string DateDigits(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, day);
  return buf;
}

// 3: every part known on both sides agrees; 2: a one-digit slip, day and month swapped, or a
// year off by one; 1: years within two; 0: otherwise.
uint8_t DateLevel(const Prepared& x, const Prepared& y) {
  if (x.year == 0 || y.year == 0) return kMissing;
  const bool months = x.month != 0 && y.month != 0;
  const bool days = months && x.day != 0 && y.day != 0;
  if (x.year == y.year && (!months || x.month == y.month) && (!days || x.day == y.day)) return 3;
  const int dy = std::abs(x.year - y.year);
  if (days) {
    if (x.year == y.year && x.month == y.day && x.day == y.month) return 2;
    if (Levenshtein(Widen(DateDigits(x.year, x.month, x.day)),
                    Widen(DateDigits(y.year, y.month, y.day))) <= 1) {
      return 2;
    }
  } else if (dy <= 1) {
    return 2;
  }
  return dy <= 2 ? 1 : 0;
}

uint8_t PlaceLevel(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return kMissing;
  if (a == b) return 3;
  size_t common = 0;
  while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
  return static_cast<uint8_t>(std::min<size_t>(common, 2));
}

uint8_t EqualLevel(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return kMissing;
  return a == b ? 1 : 0;
}

// Levels packed 4 bits per field (kMissing as 15), the key of a comparison pattern for EM.
uint64_t Pack(const std::array<uint8_t, kFieldCount>& level) {
  uint64_t key = 0;
  for (size_t f = 0; f < kFieldCount; ++f) {
    key |= static_cast<uint64_t>(level[f] == kMissing ? 15 : level[f]) << (4 * f);
  }
  return key;
}

double Log2Ratio(double m, double u) { return std::log2(m / u); }

}  // namespace

struct Linker::Impl {
  LinkOptions options;
  std::vector<Prepared> records;
  std::vector<uint32_t> given_count, surname_count;  // by interned value
  double given_sum_sq = 0, surname_sum_sq = 0;       // Σ tf(v)^2: random exact agreement

  Status Prepare(std::span<const Record> input);
  std::string BlockKey(const Prepared& r, const BlockingRule& rule) const;
  double TfAdjustment(const std::vector<uint32_t>& count, double sum_sq, uint32_t value) const;
};

namespace {

// Names in the configured system: folded Latin letters, or the Korean keys when the names read
// as Korean (always for Hangul). A full name in `surname` with `given_name` empty is split.
struct PreparedName {
  std::u32string given, surname;
  std::string given_key, surname_key;
};

Result<PreparedName> PrepareName(const Record& r, NameSystem system) {
  PreparedName out;
  ASSIGN_OR_RETURN(std::u32string given, NormalizeName(r.given_name));
  ASSIGN_OR_RETURN(std::u32string surname, NormalizeName(r.surname));
  const bool hangul = std::any_of(given.begin(), given.end(), internal::IsHangulSyllable) ||
                      std::any_of(surname.begin(), surname.end(), internal::IsHangulSyllable);
  if (system == NameSystem::kKorean || hangul) {
    Result<KoreanName> korean = r.given_name.empty() && !r.surname.empty()
                                    ? ParseKoreanName(r.surname)
                                    : ParseKoreanName(r.surname, r.given_name);
    if (korean.ok()) {
      out.surname_key = korean->SurnameKey();
      out.given_key = korean->GivenKey();
      out.surname = Widen(out.surname_key);
      out.given = Widen(out.given_key);
      return out;
    }
    // Not Korean (or one part missing): fall through to the Latin treatment.
  }
  out.given = std::move(given);
  out.surname = std::move(surname);
  out.given_key = Soundex(out.given);
  out.surname_key = Soundex(out.surname);
  return out;
}

}  // namespace

Status Linker::Impl::Prepare(std::span<const Record> input) {
  records.reserve(input.size());
  std::unordered_map<std::u32string, uint32_t> given_ids, surname_ids;
  given_count.assign(1, 0);
  surname_count.assign(1, 0);
  auto intern = [](std::unordered_map<std::u32string, uint32_t>& ids, std::vector<uint32_t>& count,
                   const std::u32string& value) -> uint32_t {
    if (value.empty()) return 0;
    auto [it, added] = ids.emplace(value, static_cast<uint32_t>(count.size()));
    if (added) count.push_back(0);
    ++count[it->second];
    return it->second;
  };
  for (size_t i = 0; i < input.size(); ++i) {
    const Record& r = input[i];
    auto where = [&](std::string_view field, const Status& s) {
      return InvalidArgumentError("record " + std::to_string(i) + ": field '" + std::string(field) +
                                  "': " + s.message());
    };
    Prepared p;
    Result<PreparedName> name = PrepareName(r, options.names);
    if (!name.ok()) return where("name", name.status());
    p.given = std::move(name->given);
    p.surname = std::move(name->surname);
    p.given_key = std::move(name->given_key);
    p.surname_key = std::move(name->surname_key);
    p.given_value = intern(given_ids, given_count, p.given);
    p.surname_value = intern(surname_ids, surname_count, p.surname);
    if (r.birth_year < 0 || r.birth_year > 9999 || r.birth_month < 0 || r.birth_month > 99 ||
        r.birth_day < 0 || r.birth_day > 99) {
      return where("birth_date", InvalidArgumentError("a date part is out of range"));
    }
    p.year = r.birth_year;
    p.month = r.birth_month;
    p.day = r.birth_day;
    p.sex = r.sex;
    struct TextField {
      std::string_view name;
      const std::string& in;
      std::u32string& out;
    };
    for (const TextField& t : {TextField{"street", r.street, p.street},
                               TextField{"address_extra", r.address_extra, p.extra},
                               TextField{"locality", r.locality, p.locality}}) {
      Result<std::u32string> folded = FoldText(t.in);
      if (!folded.ok()) return where(t.name, folded.status());
      t.out = std::move(*folded);
    }
    struct CodeField {
      std::string_view name;
      const std::string& in;
      std::string& out;
    };
    for (const CodeField& c :
         {CodeField{"street_number", r.street_number, p.street_number},
          CodeField{"postcode", r.postcode, p.postcode}, CodeField{"region", r.region, p.region},
          CodeField{"id_number", r.id_number, p.id_number},
          CodeField{"source", r.source, p.source}}) {
      Result<std::string> folded = FoldCode(c.in);
      if (!folded.ok()) return where(c.name, folded.status());
      c.out = std::move(*folded);
    }
    for (const std::string& place : r.place_path) {
      if (!DecodeUtf8(place).ok()) return where("place_path", InvalidArgumentError("bad UTF-8"));
      const std::string trimmed = Trim(place);
      if (!trimmed.empty()) p.place_path.push_back(trimmed);
    }
    records.push_back(std::move(p));
  }
  const double n = static_cast<double>(records.size());
  auto sum_sq = [n](const std::vector<uint32_t>& count) {
    double s = 0;
    for (size_t v = 1; v < count.size(); ++v) s += (count[v] / n) * (count[v] / n);
    return s;
  };
  given_sum_sq = sum_sq(given_count);
  surname_sum_sq = sum_sq(surname_count);
  return OkStatus();
}

// The adjustment (log2) of an exact agreement on `value`: the model's weight for exact agreement
// is an average over values, so a value shared by a fraction tf of records is adjusted by
// log2(Σ tf^2 / tf): rare names gain, Kim and Lee lose (Winkler 1989, as Splink applies it).
double Linker::Impl::TfAdjustment(const std::vector<uint32_t>& count, double sum_sq,
                                  uint32_t value) const {
  if (!options.term_frequency || value == 0 || sum_sq <= 0) return 0;
  const double tf = count[value] / static_cast<double>(records.size());
  return std::log2(sum_sq / tf);
}

std::string Linker::Impl::BlockKey(const Prepared& r, const BlockingRule& rule) const {
  std::string key;
  for (KeyPart part : rule) {
    std::string piece;
    switch (part) {
      case KeyPart::kSurnamePhonetic:
        piece = r.surname_key;
        break;
      case KeyPart::kGivenPhonetic:
        piece = r.given_key;
        break;
      case KeyPart::kSurnameInitial:
        if (!r.surname.empty()) piece = EncodeUtf8(r.surname.substr(0, 1));
        break;
      case KeyPart::kGivenInitial:
        if (!r.given.empty()) piece = EncodeUtf8(r.given.substr(0, 1));
        break;
      case KeyPart::kBirthYear:
        if (r.year != 0) piece = std::to_string(r.year);
        break;
      case KeyPart::kBirthYearBand:
        if (r.year != 0) piece = std::to_string(r.year / std::max(1, options.year_band));
        break;
      case KeyPart::kBirthDate:
        if (r.year != 0 && r.month != 0 && r.day != 0) piece = DateDigits(r.year, r.month, r.day);
        break;
      case KeyPart::kPostcode:
        piece = r.postcode;
        break;
      case KeyPart::kLocality:
        piece = EncodeUtf8(r.locality);
        break;
      case KeyPart::kPlace:
        if (!r.place_path.empty()) piece = r.place_path.back();
        break;
      case KeyPart::kIdNumber:
        piece = r.id_number;
        break;
    }
    if (piece.empty()) return {};  // the record lacks a part: not blocked by this rule
    key += piece;
    key += '\x1f';
  }
  return key;
}

Linker::Linker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Linker::~Linker() = default;

Result<std::unique_ptr<Linker>> Linker::Create(std::span<const Record> records,
                                               LinkOptions options) {
  if (records.size() >= 0xFFFFFFFFu) return InvalidArgumentError("too many records");
  if (options.blocking.empty()) return InvalidArgumentError("no blocking rules");
  for (const BlockingRule& rule : options.blocking) {
    if (rule.empty()) return InvalidArgumentError("an empty blocking rule would compare all");
  }
  if (!(options.match_threshold > 0 && options.match_threshold < 1) ||
      !(options.link_threshold > 0 && options.link_threshold <= options.match_threshold) ||
      !(options.min_link_fraction >= 0 && options.min_link_fraction < 1) ||
      options.max_cluster_size < 2 || options.year_band < 1) {
    return InvalidArgumentError(
        "thresholds must satisfy 0 < link_threshold <= match_threshold < 1, 0 <= "
        "min_link_fraction < 1, max_cluster_size >= 2, year_band >= 1");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  RETURN_IF_ERROR(impl->Prepare(records));
  return std::unique_ptr<Linker>(new Linker(std::move(impl)));
}

size_t Linker::size() const { return impl_->records.size(); }
const LinkOptions& Linker::options() const { return impl_->options; }

std::vector<std::pair<uint32_t, uint32_t>> Linker::Candidates(BlockingStats* stats) const {
  BlockingStats s;
  s.rules = impl_->options.blocking.size();
  std::vector<uint64_t> pairs;
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  keyed.reserve(impl_->records.size());
  for (const BlockingRule& rule : impl_->options.blocking) {
    keyed.clear();
    for (uint32_t i = 0; i < impl_->records.size(); ++i) {
      const std::string key = impl_->BlockKey(impl_->records[i], rule);
      // A 64-bit hash stands for the key: a collision only merges two blocks (more candidates,
      // never fewer).
      if (!key.empty()) keyed.emplace_back(std::hash<std::string>{}(key), i);
    }
    std::sort(keyed.begin(), keyed.end());
    for (size_t start = 0; start < keyed.size();) {
      size_t end = start + 1;
      while (end < keyed.size() && keyed[end].first == keyed[start].first) ++end;
      const size_t size = end - start;
      if (size >= 2) {
        ++s.blocks;
        if (size > impl_->options.max_block_size) {
          ++s.oversized_blocks;
        } else {
          for (size_t x = start; x < end; ++x) {
            for (size_t y = x + 1; y < end; ++y) {
              // keyed is sorted by (hash, index), so keyed[x].second < keyed[y].second.
              pairs.push_back(static_cast<uint64_t>(keyed[x].second) << 32 | keyed[y].second);
            }
          }
        }
      }
      start = end;
    }
  }
  s.pairs_before_dedup = pairs.size();
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  s.candidate_pairs = pairs.size();
  if (stats != nullptr) *stats = s;
  std::vector<std::pair<uint32_t, uint32_t>> out;
  out.reserve(pairs.size());
  for (uint64_t p : pairs)
    out.emplace_back(static_cast<uint32_t>(p >> 32), static_cast<uint32_t>(p));
  return out;
}

Comparison Linker::Compare(uint32_t a, uint32_t b) const {
  if (a > b) std::swap(a, b);
  const Prepared& x = impl_->records[a];
  const Prepared& y = impl_->records[b];
  Comparison c;
  c.a = a;
  c.b = b;
  auto& level = c.level;
  level[F(Field::kGivenName)] = SimilarityLevel(x.given, y.given);
  level[F(Field::kSurname)] = SimilarityLevel(x.surname, y.surname);
  // Given name and surname exchanged between the records (a common clerical error, and the
  // usual confusion of Korean and Western order): take the crossed reading if it agrees better.
  const uint8_t crossed_g = SimilarityLevel(x.given, y.surname);
  const uint8_t crossed_s = SimilarityLevel(x.surname, y.given);
  auto score = [](uint8_t l) { return l == kMissing ? -1 : static_cast<int>(l); };
  const bool crossed = crossed_g != kMissing && crossed_s != kMissing &&
                       score(crossed_g) + score(crossed_s) >
                           score(level[F(Field::kGivenName)]) + score(level[F(Field::kSurname)]);
  if (crossed) {
    level[F(Field::kGivenName)] = crossed_g;
    level[F(Field::kSurname)] = crossed_s;
  } else {
    if (level[F(Field::kGivenName)] == 3) {
      c.tf_given = static_cast<float>(
          impl_->TfAdjustment(impl_->given_count, impl_->given_sum_sq, x.given_value));
    }
    if (level[F(Field::kSurname)] == 3) {
      c.tf_surname = static_cast<float>(
          impl_->TfAdjustment(impl_->surname_count, impl_->surname_sum_sq, x.surname_value));
    }
  }
  level[F(Field::kBirthDate)] = DateLevel(x, y);
  level[F(Field::kSex)] = x.sex == Sex::kUnknown || y.sex == Sex::kUnknown ? kMissing
                          : x.sex == y.sex                                 ? 1
                                                                           : 0;
  level[F(Field::kStreetNumber)] = EqualLevel(x.street_number, y.street_number);
  level[F(Field::kStreet)] = SimilarityLevel(x.street, y.street);
  level[F(Field::kAddressExtra)] = SimilarityLevel(x.extra, y.extra);
  level[F(Field::kLocality)] = SimilarityLevel(x.locality, y.locality);
  level[F(Field::kPostcode)] = CodeLevel(x.postcode, y.postcode);
  level[F(Field::kRegion)] = EqualLevel(x.region, y.region);
  level[F(Field::kPlace)] = PlaceLevel(x.place_path, y.place_path);
  level[F(Field::kIdNumber)] = CodeLevel(x.id_number, y.id_number);
  level[F(Field::kSource)] = EqualLevel(x.source, y.source);
  return c;
}

std::vector<Comparison> Linker::CompareAll(
    std::span<const std::pair<uint32_t, uint32_t>> pairs) const {
  std::vector<Comparison> out;
  out.reserve(pairs.size());
  for (const auto& [a, b] : pairs) out.push_back(Compare(a, b));
  return out;
}

Model Linker::Train(std::span<const Comparison> comparisons) const {
  const LinkOptions& options = impl_->options;
  Model model;
  // Distinct patterns with their counts: EM then costs per pattern, not per pair.
  std::unordered_map<uint64_t, double> pattern_count;
  for (const Comparison& c : comparisons) pattern_count[Pack(c.level)] += 1;
  std::vector<std::pair<std::array<uint8_t, kFieldCount>, double>> patterns;
  patterns.reserve(pattern_count.size());
  for (const auto& [key, count] : pattern_count) {
    std::array<uint8_t, kFieldCount> level;
    for (size_t f = 0; f < kFieldCount; ++f) {
      const auto l = static_cast<uint8_t>((key >> (4 * f)) & 15);
      level[f] = l == 15 ? kMissing : l;
    }
    patterns.emplace_back(level, count);
  }
  // Deterministic order, so that the sums (and the model) do not depend on hashing.
  std::sort(patterns.begin(), patterns.end());

  // u starts from random record pairs, which are almost all of different persons; m starts
  // from a guess that favours the top levels.
  std::mt19937_64 rng(options.seed);
  const size_t n = impl_->records.size();
  std::array<std::vector<double>, kFieldCount> random_counts;
  for (size_t f = 0; f < kFieldCount; ++f) {
    random_counts[f].assign(static_cast<size_t>(LevelCount(static_cast<Field>(f))), 1.0);
  }
  if (n >= 2) {
    std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(n - 1));
    const size_t samples = std::min<size_t>(options.random_pairs, n * (n - 1) / 2);
    for (size_t s = 0; s < samples; ++s) {
      const uint32_t a = pick(rng), b = pick(rng);
      if (a == b) continue;
      const Comparison c = Compare(a, b);
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (c.level[f] != kMissing) random_counts[f][c.level[f]] += 1;
      }
    }
  }
  for (size_t f = 0; f < kFieldCount; ++f) {
    const size_t levels = random_counts[f].size();
    double total = 0;
    for (double v : random_counts[f]) total += v;
    model.u[f].resize(levels);
    model.m[f].resize(levels);
    for (size_t l = 0; l < levels; ++l) model.u[f][l] = random_counts[f][l] / total;
    // m guess: 0.05 on each lower level, the rest on exact agreement.
    for (size_t l = 0; l + 1 < levels; ++l) model.m[f][l] = 0.05 * (l + 1);
    double rest = 0;
    for (size_t l = 0; l + 1 < levels; ++l) rest += model.m[f][l];
    model.m[f][levels - 1] = 1.0 - rest;
    model.active[f] = false;
  }
  for (const auto& [level, count] : patterns) {
    for (size_t f = 0; f < kFieldCount; ++f) {
      if (level[f] != kMissing) model.active[f] = true;
    }
  }
  model.prior = 0.1;
  if (patterns.empty()) return model;

  // EM for a two-class latent model with conditionally independent fields; a missing field is
  // ignorable (it contributes to neither class).
  constexpr double kFloor = 1e-6;
  std::array<std::vector<double>, kFieldCount> m_sum, u_sum;
  for (int iteration = 1; iteration <= options.em_max_iterations; ++iteration) {
    for (size_t f = 0; f < kFieldCount; ++f) {
      m_sum[f].assign(model.m[f].size(), 0);
      u_sum[f].assign(model.u[f].size(), 0);
    }
    double match_total = 0, total = 0;
    const double log_prior = std::log(model.prior), log_not = std::log(1 - model.prior);
    for (const auto& [level, count] : patterns) {
      double lm = log_prior, lu = log_not;
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (level[f] == kMissing) continue;
        lm += std::log(model.m[f][level[f]]);
        lu += std::log(model.u[f][level[f]]);
      }
      const double g = 1.0 / (1.0 + std::exp(lu - lm));  // P(match | pattern)
      match_total += g * count;
      total += count;
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (level[f] == kMissing) continue;
        m_sum[f][level[f]] += g * count;
        u_sum[f][level[f]] += (1 - g) * count;
      }
    }
    double change = 0;
    auto update = [&](std::vector<double>& p, const std::vector<double>& sums) {
      double s = 0;
      for (double v : sums) s += v;
      if (s <= 0) return;
      double norm = 0;
      std::vector<double> next(p.size());
      for (size_t l = 0; l < p.size(); ++l) norm += next[l] = std::max(sums[l] / s, kFloor);
      for (size_t l = 0; l < p.size(); ++l) {
        change = std::max(change, std::abs(next[l] / norm - p[l]));
        p[l] = next[l] / norm;
      }
    };
    for (size_t f = 0; f < kFieldCount; ++f) {
      update(model.m[f], m_sum[f]);
      update(model.u[f], u_sum[f]);
    }
    const double prior = std::clamp(match_total / total, kFloor, 1 - kFloor);
    change = std::max(change, std::abs(prior - model.prior));
    model.prior = prior;
    model.iterations = iteration;
    if (change < options.em_tolerance) {
      model.converged = true;
      break;
    }
  }
  return model;
}

Explanation Linker::Explain(const Model& model, const Comparison& comparison) const {
  Explanation e;
  e.prior_weight = Log2Ratio(model.prior, 1 - model.prior);
  e.total_weight = e.prior_weight;
  for (size_t f = 0; f < kFieldCount; ++f) {
    Explanation::Part part{static_cast<Field>(f), comparison.level[f], 0, 0};
    if (comparison.level[f] != kMissing && model.active[f]) {
      part.weight = Log2Ratio(model.m[f][comparison.level[f]], model.u[f][comparison.level[f]]);
      if (f == F(Field::kGivenName)) part.tf_adjustment = comparison.tf_given;
      if (f == F(Field::kSurname)) part.tf_adjustment = comparison.tf_surname;
    }
    e.total_weight += part.weight + part.tf_adjustment;
    e.parts.push_back(part);
  }
  e.probability = 1.0 / (1.0 + std::exp2(-e.total_weight));
  return e;
}

double Linker::Probability(const Model& model, const Comparison& comparison) const {
  double w = Log2Ratio(model.prior, 1 - model.prior) + comparison.tf_given + comparison.tf_surname;
  for (size_t f = 0; f < kFieldCount; ++f) {
    const uint8_t l = comparison.level[f];
    if (l == kMissing || !model.active[f]) continue;
    w += Log2Ratio(model.m[f][l], model.u[f][l]);
  }
  return 1.0 / (1.0 + std::exp2(-w));
}

Result<LinkResult> Deduplicate(std::span<const Record> records, const LinkOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Linker> linker, Linker::Create(records, options));
  LinkResult result;
  const auto candidates = linker->Candidates(&result.blocking);
  const std::vector<Comparison> comparisons = linker->CompareAll(candidates);
  result.model = linker->Train(comparisons);
  result.pairs.reserve(comparisons.size());
  for (const Comparison& c : comparisons) {
    result.pairs.push_back({c.a, c.b, linker->Probability(result.model, c)});
  }
  const Linker& l = *linker;
  const Model& model = result.model;
  result.clustering = Cluster(records.size(), result.pairs, options, [&](uint32_t a, uint32_t b) {
    return l.Probability(model, l.Compare(a, b));
  });
  return result;
}

}  // namespace custodian::link
