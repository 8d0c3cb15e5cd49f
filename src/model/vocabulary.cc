// Vocabulary files (docs/formats/vocabularies.md): parsing, lookup, hierarchy, and hints for
// misspelt codes. The built-in set is embedded from data/ by cmake/embed.cmake.
#include <algorithm>
#include <cstdio>

#include "base/canonical_json.h"
#include "model/model.h"

namespace custodian::model {

extern const std::pair<std::string_view, std::string_view> kEmbeddedFiles[];
extern const int kEmbeddedFilesCount;

namespace {

bool IsValidCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

Result<Vocabulary> Vocabulary::Parse(std::string_view file_name, std::string_view json_text) {
  auto fail = [&](const std::string& why) {
    return InvalidArgumentError("vocabulary " + std::string(file_name) + ": " + why);
  };
  Result<Json> parsed = ParseJson(json_text, {.max_bytes = 8 << 20, .max_depth = 16});
  if (!parsed.ok()) return parsed.status().WithContext("vocabulary " + std::string(file_name));
  const Json& doc = *parsed;
  if (!doc.is_object() || !doc.contains("vocabulary") || !doc["vocabulary"].is_string() ||
      !doc.contains("version") || !doc["version"].is_string() || !doc.contains("terms") ||
      !doc["terms"].is_array()) {
    return fail("expected an object with string 'vocabulary', string 'version', array 'terms'");
  }
  Vocabulary vocab;
  vocab.name_ = doc["vocabulary"].get<std::string>();
  vocab.version_ = doc["version"].get<std::string>();
  for (const Json& t : doc["terms"]) {
    if (!t.is_object() || !t.contains("code") || !t["code"].is_string()) {
      return fail("every term needs a string 'code'");
    }
    Term term;
    term.code = t["code"].get<std::string>();
    if (!IsValidCode(term.code)) return fail("term code '" + term.code + "' is not [a-z0-9_]+");
    if (!t.contains("label") || !t["label"].is_object() || !t["label"].contains("en") ||
        !t["label"]["en"].is_string()) {
      return fail("term '" + term.code + "' needs label.en");
    }
    term.label_en = t["label"]["en"].get<std::string>();
    if (t.contains("parent") && t["parent"].is_string()) term.parent = t["parent"];
    term.data = t;
    if (!vocab.index_.emplace(term.code, vocab.terms_.size()).second) {
      return fail("term code '" + term.code + "' appears twice");
    }
    vocab.terms_.push_back(std::move(term));
  }
  for (const Term& term : vocab.terms_) {
    if (!term.parent.empty() && vocab.Find(term.parent) == nullptr) {
      return fail("term '" + term.code + "' has unknown parent '" + term.parent + "'");
    }
  }
  // A cycle of parents would make WithDescendants (and every type filter) loop for ever. A
  // chain longer than the number of terms must revisit one of them.
  for (const Term& term : vocab.terms_) {
    const Term* up = &term;
    for (size_t steps = 0; !up->parent.empty(); ++steps) {
      if (steps == vocab.terms_.size()) {
        return fail("term '" + term.code + "' is in a cycle of parents");
      }
      up = vocab.Find(up->parent);
    }
  }
  return vocab;
}

const Term* Vocabulary::Find(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &terms_[it->second];
}

std::vector<std::string> Vocabulary::WithDescendants(std::string_view code) const {
  std::vector<std::string> out;
  if (Find(code) == nullptr) return out;
  out.emplace_back(code);
  // Hierarchies are shallow and small; a breadth-first sweep over the term list is plenty.
  for (size_t i = 0; i < out.size(); ++i) {
    for (const Term& term : terms_) {
      if (term.parent == out[i]) out.push_back(term.code);
    }
  }
  return out;
}

std::string Vocabulary::Suggest(std::string_view code) const {
  std::string best;
  size_t best_distance = std::max<size_t>(2, code.size() / 3) + 1;
  for (const Term& term : terms_) {
    // The distance is at least the difference in length; skipping such terms also keeps a huge
    // misspelt input from costing its length times every code's length.
    size_t length_difference =
        std::max(code.size(), term.code.size()) - std::min(code.size(), term.code.size());
    if (length_difference >= best_distance) continue;
    size_t d = EditDistance(code, term.code);
    if (d < best_distance) {
      best_distance = d;
      best = term.code;
    }
  }
  return best;
}

Result<Vocabularies> Vocabularies::FromFiles(const std::map<std::string, std::string>& files) {
  Vocabularies out;
  for (const auto& [file_name, text] : files) {
    ASSIGN_OR_RETURN(Vocabulary vocab, Vocabulary::Parse(file_name, text));
    std::string name = vocab.name();
    if (!out.all_.emplace(name, std::move(vocab)).second) {
      return InvalidArgumentError("vocabulary '" + name + "' is defined twice");
    }
  }
  return out;
}

const Vocabularies& Vocabularies::Builtin() {
  static const Vocabularies* builtin = [] {
    std::map<std::string, std::string> files;
    for (int i = 0; i < kEmbeddedFilesCount; ++i) {
      std::string_view name = kEmbeddedFiles[i].first;
      if (name.ends_with(".json")) files.emplace(name, kEmbeddedFiles[i].second);
    }
    Result<Vocabularies> vocabularies = FromFiles(files);
    // The files are checked by the test suite at build time; a broken one is a build defect.
    if (!vocabularies.ok()) {
      std::fprintf(stderr, "custodian: built-in %s\n", vocabularies.status().ToString().c_str());
      std::abort();
    }
    return new Vocabularies(std::move(vocabularies).value());
  }();
  return *builtin;
}

const Vocabulary* Vocabularies::Find(std::string_view name) const {
  auto it = all_.find(name);
  return it == all_.end() ? nullptr : &it->second;
}

std::string Vocabularies::Label(std::string_view name, std::string_view code) const {
  const Vocabulary* v = Find(name);
  const Term* t = v ? v->Find(code) : nullptr;
  return t ? t->label_en : std::string(code);
}

Json Vocabularies::Versions() const {
  Json out = Json::object();
  for (const auto& [name, vocab] : all_) out[name] = vocab.version();
  return out;
}

Result<std::vector<Json>> BuiltinGazetteer() {
  std::vector<Json> places;
  for (int i = 0; i < kEmbeddedFilesCount; ++i) {
    if (!kEmbeddedFiles[i].first.ends_with(".jsonl")) continue;
    std::string_view text = kEmbeddedFiles[i].second;
    size_t line_no = 0;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      Result<Json> place = ParseJson(line);
      if (!place.ok()) {
        return place.status().WithContext(std::string(kEmbeddedFiles[i].first) + " line " +
                                          std::to_string(line_no));
      }
      Json record = std::move(place).value();
      record["kind"] = "place";
      places.push_back(std::move(record));
    }
  }
  return places;
}

}  // namespace custodian::model
