// The synthetic corpus of src/synth (docs/formats/corpus.md) as linkage records, and its ground
// truth as identities for evaluation. Takes the text; never calls the generator, so that
// custodian_link does not depend on custodian_synth.
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "link/link.h"

namespace custodian::link {
namespace {

using Json = nlohmann::json;

// Calls `line_fn(line_number, object)` for each non-blank JSON Lines line.
template <typename Fn>
Status ForEachLine(std::string_view text, std::string_view what, Fn&& line_fn) {
  size_t line = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;
    Json j = Json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return InvalidArgumentError(std::string(what) + " line " + std::to_string(line) +
                                  ": not a JSON object");
    }
    RETURN_IF_ERROR(line_fn(line, j));
  }
  return OkStatus();
}

std::string StringMember(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The name the engine compares: the primary (not alias) Hangul name, else the primary
// romanized one, else a surname alone; pseudonyms and aliases are not used.
std::string ChooseName(const Json& names) {
  std::string hangul, latin, surname;
  if (!names.is_array()) return "";
  for (const Json& n : names) {
    if (!n.is_object()) continue;
    const std::string text = StringMember(n, "text");
    const std::string lang = StringMember(n, "lang");
    const std::string type = StringMember(n, "type");
    if (text.empty()) continue;
    if (type.empty()) {
      if (lang == "ko" && hangul.empty()) hangul = text;
      if (lang == "ko-Latn" && latin.empty()) latin = text;
    } else if (type == "surname" && surname.empty()) {
      surname = text;
    }
  }
  if (!hangul.empty()) return hangul;
  if (!latin.empty()) return latin;
  return surname;
}

}  // namespace

int CorpusBirthYear(std::string_view born) {
  for (size_t i = 0; i + 4 <= born.size(); ++i) {
    bool digits = true;
    for (size_t k = 0; k < 4; ++k) digits = digits && born[i + k] >= '0' && born[i + k] <= '9';
    if (!digits) continue;
    if (i > 0 && born[i - 1] >= '0' && born[i - 1] <= '9') continue;  // inside a longer number
    const int year = (born[i] - '0') * 1000 + (born[i + 1] - '0') * 100 + (born[i + 2] - '0') * 10 +
                     (born[i + 3] - '0');
    const std::string_view rest = born.substr(i + 4);
    // A decade ("1970s", "1970년대") spans ten years: unknown to the year-level comparison.
    if (rest.starts_with("s") || rest.starts_with("년대")) return 0;
    return year;
  }
  return 0;
}

Result<LabelledRecords> ParseSyntheticCorpus(std::string_view corpus, std::string_view truth) {
  LabelledRecords out;
  std::unordered_map<std::string, uint32_t> index;  // person record id -> record index
  RETURN_IF_ERROR(ForEachLine(corpus, "corpus", [&](size_t line, const Json& j) -> Status {
    if (StringMember(j, "kind") != "person") return OkStatus();
    const std::string id = StringMember(j, "id");
    if (id.empty()) {
      return InvalidArgumentError("corpus line " + std::to_string(line) + ": person without id");
    }
    Record r;
    r.surname = ChooseName(j.value("names", Json()));  // a full name: split in Korean mode
    const std::string sex = StringMember(j, "sex");
    r.sex = sex == "female" ? Sex::kFemale : sex == "male" ? Sex::kMale : Sex::kUnknown;
    r.birth_year = CorpusBirthYear(StringMember(j, "born"));
    const std::string origin = StringMember(j, "origin");
    if (!origin.empty()) r.place_path.push_back(origin);
    // per-s<seed>-<source>-<case>[-r]: the documentation source is between the seed and
    // the case number (keys may contain '-', as ngo-a).
    {
      std::string_view rest = id;
      if (rest.ends_with("-r")) rest.remove_suffix(2);
      const size_t a = rest.find('-', 4);
      const size_t c = rest.rfind('-');
      if (a != std::string_view::npos && c > a + 1)
        r.source = std::string(rest.substr(a + 1, c - a - 1));
    }
    if (!index.emplace(id, static_cast<uint32_t>(out.records.size())).second) {
      return InvalidArgumentError("corpus line " + std::to_string(line) + ": duplicate person id");
    }
    out.records.push_back(std::move(r));
    return OkStatus();
  }));

  constexpr uint32_t kUnassigned = 0xFFFFFFFF;
  out.person.assign(out.records.size(), kUnassigned);
  uint32_t next_identity = 0;
  auto assign = [&](size_t line, const std::string& id, uint32_t identity) -> Status {
    auto it = index.find(id);
    if (it == index.end()) {
      return InvalidArgumentError("truth line " + std::to_string(line) +
                                  ": names a person record the corpus lacks");
    }
    if (out.person[it->second] != kUnassigned && out.person[it->second] != identity) {
      return InvalidArgumentError("truth line " + std::to_string(line) +
                                  ": a person record stands for two identities");
    }
    out.person[it->second] = identity;
    return OkStatus();
  };
  RETURN_IF_ERROR(ForEachLine(truth, "truth", [&](size_t line, const Json& j) -> Status {
    if (StringMember(j, "type") != "victim") return OkStatus();
    const uint32_t victim = next_identity++;
    const uint32_t informant = next_identity++;  // the relative who told the story, if any
    auto records = j.find("records");
    if (records == j.end() || !records->is_object()) return OkStatus();
    for (const auto& [source, r] : records->items()) {
      if (!r.is_object()) {
        return InvalidArgumentError("truth line " + std::to_string(line) + ": bad records");
      }
      const std::string person = StringMember(r, "person");
      const std::string interviewee = StringMember(r, "interviewee");
      if (!person.empty()) RETURN_IF_ERROR(assign(line, person, victim));
      if (!interviewee.empty() && interviewee != person) {
        RETURN_IF_ERROR(assign(line, interviewee, informant));
      }
    }
    return OkStatus();
  }));
  for (size_t i = 0; i < out.person.size(); ++i) {
    if (out.person[i] == kUnassigned) {
      return InvalidArgumentError("person record " + std::to_string(i) +
                                  " is not in the ground truth");
    }
  }
  return out;
}

}  // namespace custodian::link
