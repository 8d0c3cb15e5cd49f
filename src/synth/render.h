// Private to src/synth: how a documentation project writes down a victim it recorded, as
// records in the JSON Lines form of docs/formats/records.md; the units (organization records)
// those records refer to; and a small JSON writer.
#ifndef CUSTODIAN_SYNTH_RENDER_H_
#define CUSTODIAN_SYNTH_RENDER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synth/hangul.h"
#include "synth/story.h"
#include "synth/synth.h"
#include "synth/tables.h"

namespace custodian::synth {

// Appends JSON to a string: objects, arrays, strings (escaped as RFC 8259 requires, UTF-8 kept
// as is), integers, booleans and doubles (shortest round-trip form). Member order is the order
// of the calls, so the output is deterministic.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);
  void Double(double value);
  void Null();
  // Key(key) then the value.
  void Field(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void IntField(std::string_view key, int64_t value) {
    Key(key);
    Int(value);
  }
  void BoolField(std::string_view key, bool value) {
    Key(key);
    Bool(value);
  }

 private:
  void Separate();
  std::string& out_;
  bool first_ = true;
};

// Records written, by kind (indexed by model::Kind), and lines.
struct RecordCounts {
  std::array<uint64_t, 9> by_kind{};
  uint64_t lines = 0;
};

enum class LanguageMix : uint8_t { kKo, kEn, kBoth };

// A documentation project as the generator uses it: its configuration with the weights made
// into choices, and its identifiers in this run.
struct Project {
  const DocumentationSource* config = nullptr;
  int index = 0;
  std::string key_upper;    // "NGO-A", for case labels
  std::string org_id;       // "org-s1-ngo-a"
  bool testimonial = true;  // interviews and statements, told by the victim or a relative
  bool interview = true;    // with questions and answers
  std::vector<LanguageMix> languages;
  WeightedChoice language_choice;
  std::vector<Romanization> systems;
  WeightedChoice system_choice;
  std::vector<std::string> name_forms;  // "full", "surname", "pseudonym"
  WeightedChoice name_form_choice;
  std::vector<std::string> birth_styles;
  WeightedChoice birth_choice;
  std::vector<std::string> date_styles;
  WeightedChoice date_choice;
  std::vector<std::string> reliability;
  WeightedChoice reliability_choice;
  int32_t first_day = 0, last_day = 0;  // when it collected sources
};

Project MakeProject(const DocumentationSource& config, int index, const std::string& id_prefix);

// The probability that `project` recorded `victim`: its coverage for survivors or for absent
// victims, times its focus on the victim's scenario, at most 1; 0 if the story could not be
// told within the project's years.
double CaptureProbability(const Project& project, const Victim& victim);

// Which of a victim's incidents a project recorded (bit i for Victim::incidents[i]); decided
// with its own stream, so that the ground truth can name the same records.
uint32_t PlanIncidents(const Project& project, const Victim& victim, uint64_t seed);

// Case-level ids: "s1-ngo-a-004711" and the records built on it.
std::string CaseBase(const std::string& id_prefix, const Project& project, uint64_t case_number);
std::string VictimPersonId(const std::string& case_base);
std::string InformantPersonId(const std::string& case_base);
std::string SourceId(const std::string& case_base);
std::string IncidentId(const std::string& case_base, int sequence);  // sequence from 1

// Organization records for perpetrator units, written the first time a record refers to one.
class UnitRegistry {
 public:
  UnitRegistry(const Tables& tables, std::string id_prefix);
  std::string Id(const Unit& unit) const;
  TextPair Names(const Unit& unit) const;
  // Writes the unit's record, after its parent's, unless written before.
  void Ensure(const Unit& unit, std::string& out, RecordCounts& counts);

 private:
  Unit Parent(const Unit& unit) const;
  size_t Slot(const Unit& unit) const;
  const Tables& t_;
  std::string prefix_;
  std::vector<bool> written_;
};

// Appends the records `project` made of `victim` (case `case_number`): the informant and the
// victim as persons, the source, the recorded incidents with their acts, and claims.
void WriteCapture(const Tables& tables, const Project& project, const Victim& victim, uint64_t seed,
                  const std::string& id_prefix, uint64_t case_number, uint32_t incidents,
                  UnitRegistry& units, std::string& out, RecordCounts& counts);

// The organization record of a project.
void WriteProject(const Project& project, uint64_t seed, std::string& out, RecordCounts& counts);

}  // namespace custodian::synth

#endif  // CUSTODIAN_SYNTH_RENDER_H_
