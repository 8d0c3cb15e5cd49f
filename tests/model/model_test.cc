// Tests for src/model: the built-in vocabularies and gazetteer (the data the schema depends on
// must exist and be consistent, since a broken file only shows up when a user meets it),
// Vocabulary::Parse on malformed files, Validate() for every kind with good and bad input
// (each error must name its field, because that is what an importer shows to the user),
// Project(), and the kind/id helpers. References are resolved by a small in-memory resolver
// so that these tests need no store.
#include "model/model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custodian::model {
namespace {

// A RecordResolver over a map, standing in for the store: it knows the ids it was told about.
class MapResolver : public RecordResolver {
 public:
  MapResolver() = default;
  MapResolver(std::initializer_list<std::pair<const std::string, Kind>> ids) : ids_(ids) {}

  Result<std::optional<Kind>> KindOf(std::string_view id) override {
    auto it = ids_.find(std::string(id));
    if (it == ids_.end()) return std::optional<Kind>();
    return std::optional<Kind>(it->second);
  }

  void Add(const std::string& id, Kind kind) { ids_[id] = kind; }
  bool Knows(const std::string& id) const { return ids_.count(id) > 0; }

 private:
  std::map<std::string, Kind> ids_;
};

const Vocabularies& Builtin() { return Vocabularies::Builtin(); }

const Vocabulary& Vocab(std::string_view name) {
  const Vocabulary* vocab = Builtin().Find(name);
  if (vocab == nullptr) {
    ADD_FAILURE() << "no built-in vocabulary " << name;
    static const Vocabulary* const kEmpty = [] {
      Result<Vocabulary> v =
          Vocabulary::Parse("empty", R"({"vocabulary":"empty","version":"0","terms":[]})");
      return new Vocabulary(std::move(v).value());
    }();
    return *kEmpty;
  }
  return *vocab;
}

std::set<std::string> Codes(const Vocabulary& vocab) {
  std::set<std::string> out;
  for (const Term& term : vocab.terms()) out.insert(term.code);
  return out;
}

// ---- Kinds and ids ---------------------------------------------------------------------

TEST(KindsTest, NamesPrefixesAndParsingRoundTrip) {
  const std::vector<Kind>& kinds = AllKinds();
  ASSERT_EQ(kinds.size(), 9u);
  // Dependency order: places first (everything may refer to them), dossiers last.
  EXPECT_EQ(kinds.front(), Kind::kPlace);
  EXPECT_EQ(kinds.back(), Kind::kDossier);
  std::set<std::string_view> prefixes;
  for (Kind kind : kinds) {
    Result<Kind> parsed = ParseKind(KindName(kind));
    ASSERT_TRUE(parsed.ok()) << KindName(kind);
    EXPECT_EQ(*parsed, kind);
    EXPECT_EQ(KindPrefix(kind).size(), 3u);
    EXPECT_TRUE(prefixes.insert(KindPrefix(kind)).second) << "duplicate prefix";
    Result<Kind> of_id = KindOfId(std::string(KindPrefix(kind)) + "-7k3m9q2x4v1z");
    ASSERT_TRUE(of_id.ok());
    EXPECT_EQ(*of_id, kind);
  }
  EXPECT_EQ(KindName(Kind::kAct), "act");
  EXPECT_EQ(KindPrefix(Kind::kPlace), "plc");
  EXPECT_EQ(KindPrefix(Kind::kPost), "pst");
  EXPECT_EQ(*KindOfId("plc-kp-north-hamgyong"), Kind::kPlace);
}

TEST(KindsTest, ParseKindRejectsUnknownNames) {
  for (std::string_view name : {"", "event", "Act", "acts", "plc", " act"}) {
    Result<Kind> kind = ParseKind(name);
    ASSERT_FALSE(kind.ok()) << "'" << name << "'";
    EXPECT_EQ(kind.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(kind.status().message().find("expected one of"), std::string::npos);
  }
  // A hostile name is quoted only in part.
  Result<Kind> long_name = ParseKind(std::string(5000, 'x'));
  ASSERT_FALSE(long_name.ok());
  EXPECT_LT(long_name.status().message().size(), 300u);
}

TEST(KindsTest, KindOfIdRejectsNonIds) {
  for (std::string_view id : {"", "act", "xyz-123", "ACT-123", "-act", "actx-1", "person-1"}) {
    Result<Kind> kind = KindOfId(id);
    ASSERT_FALSE(kind.ok()) << "'" << id << "'";
    EXPECT_EQ(kind.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(kind.status().message().find("not a record id"), std::string::npos);
  }
}

TEST(KindsTest, EveryKindHasFields) {
  for (Kind kind : AllKinds()) EXPECT_FALSE(FieldNames(kind).empty()) << KindName(kind);
  std::vector<std::string> act = FieldNames(Kind::kAct);
  for (const char* field : {"violation", "victim", "perpetrators", "place", "date", "sources"}) {
    EXPECT_NE(std::find(act.begin(), act.end(), field), act.end()) << field;
  }
}

// ---- Built-in vocabularies -------------------------------------------------------------

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(BuiltinVocabulariesTest, EveryFileInDataVocabLoads) {
  const std::filesystem::path dir = std::filesystem::path(CUSTODIAN_SOURCE_DIR) / "data" / "vocab";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    Result<Vocabulary> parsed =
        Vocabulary::Parse(entry.path().filename().string(), ReadFile(entry.path()));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    // The vocabulary names itself after its file, and the embedded copy is the same data.
    EXPECT_EQ(parsed->name() + ".json", entry.path().filename().string());
    const Vocabulary* builtin = Builtin().Find(parsed->name());
    ASSERT_NE(builtin, nullptr) << "not embedded";
    EXPECT_EQ(builtin->version(), parsed->version());
    EXPECT_EQ(Codes(*builtin), Codes(*parsed));
  }
  EXPECT_EQ(Builtin().all().size(), files);
  EXPECT_GE(files, 15u);
}

TEST(BuiltinVocabulariesTest, EachVocabularyIsWellFormed) {
  Json versions = Builtin().Versions();
  for (const auto& [name, vocab] : Builtin().all()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(vocab.name(), name);
    EXPECT_FALSE(vocab.version().empty());
    EXPECT_EQ(versions.value(name, ""), vocab.version());
    ASSERT_FALSE(vocab.terms().empty());
    for (const Term& term : vocab.terms()) {
      EXPECT_FALSE(term.label_en.empty()) << term.code;
      EXPECT_EQ(vocab.Find(term.code), &term);
      EXPECT_EQ(term.data.value("code", ""), term.code);
      if (!term.parent.empty()) {
        EXPECT_NE(vocab.Find(term.parent), nullptr) << term.code;
      }
    }
  }
}

TEST(BuiltinVocabulariesTest, SchemaVocabulariesExist) {
  // Every vocabulary a schema field names (schema.cc), plus the two the violation terms map to.
  for (std::string_view name :
       {"place_types", "facility_types", "agencies", "sexes", "person_roles", "source_types",
        "languages", "reliability", "credibility", "violation_types", "act_statuses",
        "legal_qualifications", "dossier_types", "rome_statute_art7", "coi_themes"}) {
    EXPECT_NE(Builtin().Find(name), nullptr) << name;
  }
  EXPECT_EQ(Builtin().Find("no_such_vocabulary"), nullptr);
}

TEST(BuiltinVocabulariesTest, KeyTermsExist) {
  const Vocabulary& violations = Vocab("violation_types");
  for (const char* code :
       {"torture", "forced_repatriation", "public_execution", "forced_abortion", "starvation",
        "killing", "enforced_disappearance", "imprisonment_political_prison_camp"}) {
    EXPECT_NE(violations.Find(code), nullptr) << code;
  }
  const Vocabulary& facilities = Vocab("facility_types");
  for (const char* code : {"kwanliso", "kyohwaso", "jipkyulso", "mss_holding_centre"}) {
    EXPECT_NE(facilities.Find(code), nullptr) << code;
  }
  EXPECT_EQ(Codes(Vocab("reliability")), (std::set<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(Codes(Vocab("credibility")), (std::set<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(Vocab("rome_statute_art7").terms().size(), 11u);  // art. 7(1)(a) to (k)
  EXPECT_EQ(Vocab("coi_themes").terms().size(), 6u);          // themes A to F
}

TEST(BuiltinVocabulariesTest, ViolationTermsMapToRomeStatuteAndCoiThemes) {
  const Vocabulary& rome = Vocab("rome_statute_art7");
  const Vocabulary& themes = Vocab("coi_themes");
  for (const Term& term : Vocab("violation_types").terms()) {
    SCOPED_TRACE(term.code);
    ASSERT_TRUE(term.data.contains("rome_statute"));
    const Json& letter = term.data["rome_statute"];
    if (!letter.is_null()) {
      ASSERT_TRUE(letter.is_string());
      EXPECT_NE(rome.Find(letter.get<std::string>()), nullptr) << letter;
    }
    // Themes are written as the COI letters ("E"); the coi_themes codes are those letters in
    // lower case, and each term repeats its letter as "letter".
    ASSERT_TRUE(term.data.contains("coi_themes"));
    ASSERT_TRUE(term.data["coi_themes"].is_array());
    for (const Json& theme : term.data["coi_themes"]) {
      ASSERT_TRUE(theme.is_string());
      std::string letter_text = theme.get<std::string>();
      std::string code = letter_text;
      std::transform(code.begin(), code.end(), code.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      const Term* theme_term = themes.Find(code);
      ASSERT_NE(theme_term, nullptr) << letter_text;
      EXPECT_EQ(theme_term->data.value("letter", ""), letter_text);
    }
  }
}

TEST(BuiltinVocabulariesTest, WithDescendants) {
  const Vocabulary& violations = Vocab("violation_types");
  std::vector<std::string> killing = violations.WithDescendants("killing");
  ASSERT_FALSE(killing.empty());
  EXPECT_EQ(killing.front(), "killing");
  for (const char* code : {"public_execution", "extrajudicial_killing", "death_in_custody"}) {
    EXPECT_NE(std::find(killing.begin(), killing.end(), code), killing.end()) << code;
  }
  EXPECT_EQ(std::find(killing.begin(), killing.end(), "torture"), killing.end());
  // Every descendant's chain of parents leads back to the term asked for.
  for (const std::string& code : killing) {
    std::string up = code;
    while (up != "killing" && !up.empty()) up = violations.Find(up)->parent;
    EXPECT_EQ(up, "killing") << code;
  }
  std::set<std::string> unique(killing.begin(), killing.end());
  EXPECT_EQ(unique.size(), killing.size());

  std::vector<std::string> sexual = violations.WithDescendants("sexual_and_reproductive_violence");
  EXPECT_NE(std::find(sexual.begin(), sexual.end(), "forced_abortion"), sexual.end());
  // A deeper hierarchy: inhumane_detention_conditions sits below cruel_inhuman_treatment.
  std::vector<std::string> cruel = violations.WithDescendants("cruel_inhuman_treatment");
  EXPECT_NE(std::find(cruel.begin(), cruel.end(), "inhumane_detention_conditions"), cruel.end());

  EXPECT_EQ(violations.WithDescendants("torture"), std::vector<std::string>{"torture"});
  EXPECT_TRUE(violations.WithDescendants("no_such_code").empty());
  EXPECT_TRUE(violations.WithDescendants("").empty());
}

TEST(BuiltinVocabulariesTest, SuggestFindsCloseCodes) {
  const Vocabulary& violations = Vocab("violation_types");
  EXPECT_EQ(violations.Suggest("tortur"), "torture");
  EXPECT_EQ(violations.Suggest("torure"), "torture");
  EXPECT_EQ(violations.Suggest("public_executon"), "public_execution");
  EXPECT_EQ(violations.Suggest("forced_abortoin"), "forced_abortion");
  EXPECT_EQ(violations.Suggest("zzzzzzzzzzzz"), "");
  EXPECT_EQ(Vocab("facility_types").Suggest("kwanlisso"), "kwanliso");
  // A huge misspelling gets no hint, and quickly (it is user input reaching an edit distance).
  EXPECT_EQ(violations.Suggest(std::string(1 << 20, 't')), "");
}

// ---- Vocabulary::Parse on bad files ----------------------------------------------------

// Takes a vector rather than a Json: a one-element braced list would copy the element instead
// of making an array of it.
std::string VocabText(const std::vector<Json>& terms) {
  Json doc = Json::object();
  doc["vocabulary"] = "test";
  doc["version"] = "1";
  doc["terms"] = terms;
  return doc.dump();
}

Json T(std::string code, Json parent = nullptr) {
  return Json{{"code", std::move(code)}, {"label", {{"en", "Label"}}}, {"parent", parent}};
}

TEST(VocabularyParseTest, AcceptsAWellFormedFile) {
  Result<Vocabulary> vocab =
      Vocabulary::Parse("test.json", VocabText({T("group"), T("leaf", "group"), T("other")}));
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  EXPECT_EQ(vocab->name(), "test");
  EXPECT_EQ(vocab->version(), "1");
  ASSERT_EQ(vocab->terms().size(), 3u);
  EXPECT_EQ(vocab->terms()[1].parent, "group");
  EXPECT_EQ(vocab->terms()[0].parent, "");  // null parent: top of the hierarchy
  EXPECT_EQ(vocab->terms()[0].label_en, "Label");
  EXPECT_EQ(vocab->WithDescendants("group"), (std::vector<std::string>{"group", "leaf"}));
  EXPECT_EQ(vocab->Find("missing"), nullptr);
}

void ExpectParseFails(std::string_view text, std::string_view why) {
  Result<Vocabulary> vocab = Vocabulary::Parse("bad.json", text);
  ASSERT_FALSE(vocab.ok()) << text;
  EXPECT_EQ(vocab.status().code(), StatusCode::kInvalidArgument) << vocab.status().ToString();
  EXPECT_NE(vocab.status().message().find("bad.json"), std::string::npos)
      << vocab.status().message();
  EXPECT_NE(vocab.status().message().find(why), std::string::npos) << vocab.status().message();
}

TEST(VocabularyParseTest, RejectsText) {
  ExpectParseFails("", "");
  ExpectParseFails("{", "");
  ExpectParseFails("not json at all", "");
  ExpectParseFails(R"({"vocabulary":"t","version":"1","terms":[]} trailing)", "");
}

TEST(VocabularyParseTest, RejectsWrongShape) {
  ExpectParseFails("[]", "expected an object");
  ExpectParseFails(R"({"version":"1","terms":[]})", "expected an object");
  ExpectParseFails(R"({"vocabulary":"t","terms":[]})", "expected an object");
  ExpectParseFails(R"({"vocabulary":"t","version":1,"terms":[]})", "expected an object");
  ExpectParseFails(R"({"vocabulary":"t","version":"1","terms":{}})", "expected an object");
}

TEST(VocabularyParseTest, RejectsMissingOrBadCodes) {
  ExpectParseFails(VocabText({Json{{"label", {{"en", "x"}}}}}), "needs a string 'code'");
  ExpectParseFails(VocabText({Json{{"code", 7}, {"label", {{"en", "x"}}}}}), "'code'");
  ExpectParseFails(VocabText({"torture"}), "'code'");
  ExpectParseFails(VocabText({T("torture"), T("torture")}), "appears twice");
  for (const std::string& bad : std::vector<std::string>{"", "Torture", "bad-code", "a b", "é",
                                                         "a.b", std::string(65, 'a')}) {
    SCOPED_TRACE(bad);
    ExpectParseFails(VocabText({T(bad)}), "is not [a-z0-9_]+");
  }
  ASSERT_TRUE(Vocabulary::Parse("ok.json", VocabText({T(std::string(64, 'a'))})).ok());
}

TEST(VocabularyParseTest, RejectsMissingLabel) {
  ExpectParseFails(VocabText({Json{{"code", "x"}}}), "needs label.en");
  ExpectParseFails(VocabText({Json{{"code", "x"}, {"label", {{"ko", "엑스"}}}}}), "label.en");
}

TEST(VocabularyParseTest, RejectsUnknownParent) {
  ExpectParseFails(VocabText({T("leaf", "nowhere")}), "unknown parent 'nowhere'");
}

TEST(VocabularyParseTest, RejectsParentCycles) {
  // A cycle would make WithDescendants (and every filter on the type) loop for ever.
  ExpectParseFails(VocabText({T("self", "self")}), "cycle");
  ExpectParseFails(VocabText({T("a", "b"), T("b", "a")}), "cycle");
  ExpectParseFails(VocabText({T("top"), T("a", "c"), T("b", "a"), T("c", "b")}), "cycle");
}

TEST(VocabularyParseTest, FromFilesRejectsTwoFilesWithTheSameName) {
  std::map<std::string, std::string> files = {{"one.json", VocabText({T("a")})},
                                              {"two.json", VocabText({T("b")})}};
  Result<Vocabularies> both = Vocabularies::FromFiles(files);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(both.status().message().find("defined twice"), std::string::npos);

  files.erase("two.json");
  Result<Vocabularies> one = Vocabularies::FromFiles(files);
  ASSERT_TRUE(one.ok());
  EXPECT_NE(one->Find("test"), nullptr);
  EXPECT_EQ(one->Versions(), (Json{{"test", "1"}}));
}

// ---- The built-in gazetteer ------------------------------------------------------------

// The body Validate expects: the record without "kind" and "id".
Json BodyOf(const Json& record) {
  Json body = record;
  body.erase("kind");
  body.erase("id");
  return body;
}

class GazetteerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::vector<Json>> places = BuiltinGazetteer();
    ASSERT_TRUE(places.ok()) << places.status().ToString();
    places_ = std::move(places).value();
    ASSERT_GT(places_.size(), 200u);
    for (const Json& place : places_) by_id_[place.value("id", "")] = &place;
  }

  const Json* Place(const std::string& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }

  std::vector<Json> places_;
  std::map<std::string, const Json*> by_id_;
};

TEST_F(GazetteerTest, IdsAreUniqueAndParentsComeFirst) {
  std::set<std::string> seen;
  for (const Json& place : places_) {
    ASSERT_TRUE(place.contains("id") && place["id"].is_string()) << place.dump();
    std::string id = place["id"];
    SCOPED_TRACE(id);
    EXPECT_EQ(place.value("kind", ""), "place");
    Result<Kind> kind = KindOfId(id);
    ASSERT_TRUE(kind.ok());
    EXPECT_EQ(*kind, Kind::kPlace);
    EXPECT_TRUE(seen.insert(id).second) << "duplicate id";
    if (place.contains("parent") && place["parent"].is_string()) {
      EXPECT_TRUE(seen.count(place["parent"].get<std::string>()))
          << "parent " << place["parent"] << " does not come earlier";
    }
  }
}

TEST_F(GazetteerTest, EveryPlaceValidates) {
  MapResolver resolver;
  for (const Json& place : places_) {
    std::string id = place.value("id", "");
    SCOPED_TRACE(id);
    Result<ValidRecord> valid = Validate(Kind::kPlace, id, BodyOf(place), Builtin(), resolver);
    ASSERT_TRUE(valid.ok()) << valid.status().ToString();
    EXPECT_EQ(valid->kind, Kind::kPlace);
    EXPECT_EQ(valid->id, id);
    EXPECT_EQ(valid->type, place.value("type", ""));
    EXPECT_EQ(valid->place, id);
    EXPECT_FALSE(valid->date.has_value());
    resolver.Add(id, Kind::kPlace);
  }
}

TEST_F(GazetteerTest, ElevenProvinceLevelDivisions) {
  std::set<std::string> provinces;
  for (const Json& place : places_) {
    std::string type = place.value("type", "");
    if ((type == "province" || type == "special_city") && place["parent"] == "plc-kp") {
      provinces.insert(place["id"].get<std::string>());
    }
  }
  EXPECT_EQ(provinces.size(), 11u);
  for (const char* id : {"plc-kp-pyongyang", "plc-kp-north-hamgyong", "plc-kp-ryanggang",
                         "plc-kp-north-pyongan", "plc-kp-nampo"}) {
    EXPECT_TRUE(provinces.count(id)) << id;
  }
}

TEST_F(GazetteerTest, PoliticalPrisonCampsAndPrisons) {
  for (const char* id :
       {"plc-kwanliso-14-kaechon", "plc-kwanliso-15-yodok", "plc-kwanliso-16-hwasong",
        "plc-kwanliso-18-bukchang", "plc-kwanliso-22-hoeryong", "plc-kwanliso-25-chongjin"}) {
    const Json* camp = Place(id);
    ASSERT_NE(camp, nullptr) << id;
    EXPECT_EQ(camp->value("type", ""), "detention_facility") << id;
    EXPECT_EQ(camp->value("facility_type", ""), "kwanliso") << id;
  }
  int kwanliso = 0;
  for (const Json& place : places_) kwanliso += place.value("facility_type", "") == "kwanliso";
  EXPECT_EQ(kwanliso, 6);

  const Json* jongo_ri = Place("plc-kyohwaso-12-jongo-ri");
  ASSERT_NE(jongo_ri, nullptr);
  EXPECT_EQ(jongo_ri->value("facility_type", ""), "kyohwaso");
  EXPECT_EQ(jongo_ri->value("parent", ""), "plc-kp-north-hamgyong-hoeryong");
  for (const char* id : {"plc-mss-holding-onsong", "plc-crossing-namyang-tumen",
                         "plc-cn-detention-tumen", "plc-cn-jilin-yanbian"}) {
    EXPECT_NE(Place(id), nullptr) << id;
  }
}

// ---- Validate: good records ------------------------------------------------------------

class ValidateTest : public ::testing::Test {
 protected:
  // Records that exist "already", as a store would report them.
  MapResolver resolver_{
      {"plc-kp", Kind::kPlace},
      {"plc-kp-north-hamgyong", Kind::kPlace},
      {"plc-kp-north-hamgyong-onsong", Kind::kPlace},
      {"plc-mss-holding-onsong", Kind::kPlace},
      {"org-test-mss", Kind::kOrganization},
      {"org-test-onsong", Kind::kOrganization},
      {"per-test-victim", Kind::kPerson},
      {"per-test-officer", Kind::kPerson},
      {"src-test-1", Kind::kSource},
      {"src-test-2", Kind::kSource},
      {"inc-test-1", Kind::kIncident},
      {"act-test-1", Kind::kAct},
      {"pst-test-1", Kind::kPost},
      {"clm-test-1", Kind::kClaim},
  };

  Result<ValidRecord> Check(Kind kind, const std::string& id, const Json& body) {
    return Validate(kind, id, body, Builtin(), resolver_);
  }

  // Validates, expects success, and checks that Project() of the normalised body gives the
  // same projection (a rebuild must project exactly what the append did).
  ValidRecord CheckOk(Kind kind, const std::string& id, const Json& body) {
    Result<ValidRecord> valid = Check(kind, id, body);
    EXPECT_TRUE(valid.ok()) << valid.status().ToString();
    if (!valid.ok()) return ValidRecord{.kind = kind};
    Result<ValidRecord> projected = Project(kind, id, valid->body);
    EXPECT_TRUE(projected.ok()) << projected.status().ToString();
    if (projected.ok()) {
      EXPECT_EQ(projected->type, valid->type);
      EXPECT_EQ(projected->place, valid->place);
      EXPECT_EQ(projected->date, valid->date);
      EXPECT_EQ(projected->refs, valid->refs);
      EXPECT_EQ(projected->body, valid->body);
    }
    return std::move(valid).value();
  }

  static Json GoodAct() {
    return Json{{"violation", "torture"},
                {"victim", "per-test-victim"},
                {"incident", "inc-test-1"},
                {"perpetrators", {"per-test-officer", "org-test-onsong"}},
                {"place", "plc-mss-holding-onsong"},
                {"date", "between 2008 and 2010"},
                {"status", "alleged"},
                {"legal_qualification", "crime_against_humanity"},
                {"sources", {"src-test-1", "src-test-2"}},
                {"description", "Beaten during interrogation.\nSecond paragraph."}};
  }

  static Json GoodClaim() {
    return Json{{"subject", "act-test-1"},
                {"statement", "The act happened as described."},
                {"sources",
                 {{{"source", "src-test-1"}, {"reliability", "b"}, {"credibility", "2"}},
                  {{"source", "src-test-2"},
                   {"reliability", "f"},
                   {"credibility", "6"},
                   {"excerpt", "문: 언제입니까?\n답: 2009년 봄입니다."}}}}};
  }
};

using Refs = std::vector<std::pair<std::string, std::string>>;

FuzzyDate Date(std::string_view text) {
  Result<FuzzyDate> date = ParseFuzzyDate(text);
  EXPECT_TRUE(date.ok()) << text;
  return date.ok() ? *date : FuzzyDate();
}

TEST_F(ValidateTest, Place) {
  ValidRecord place = CheckOk(Kind::kPlace, "plc-test-village",
                              {{"names", {"Test village", {{"text", "시험리"}, {"lang", "ko"}}}},
                               {"type", "village"},
                               {"parent", "plc-kp-north-hamgyong-onsong"},
                               {"lat", 42.9},
                               {"lon", -0.5},
                               {"codes", {{"local", "T-1"}}},
                               {"source", "test"},
                               {"operated_by", nullptr},
                               {"note", "Two lines\nof note."}});
  EXPECT_EQ(place.type, "village");
  EXPECT_EQ(place.place, "plc-test-village");  // a place lies inside itself
  EXPECT_FALSE(place.date.has_value());
  EXPECT_EQ(place.refs, (Refs{{"parent", "plc-kp-north-hamgyong-onsong"}}));
  // Plain-string names become name objects; null fields are dropped.
  EXPECT_EQ(place.body["names"][0], (Json{{"text", "Test village"}}));
  EXPECT_EQ(place.body["names"][1], (Json{{"text", "시험리"}, {"lang", "ko"}}));
  EXPECT_FALSE(place.body.contains("operated_by"));
  EXPECT_FALSE(place.body.contains("kind"));
  EXPECT_FALSE(place.body.contains("id"));
}

TEST_F(ValidateTest, Organization) {
  ValidRecord org = CheckOk(Kind::kOrganization, "org-test-branch",
                            {{"names", {"온성군 보위부", "Onsong County MSS Branch"}},
                             {"agency", "mss_county_branch"},
                             {"parent", "org-test-mss"},
                             {"place", "plc-kp-north-hamgyong-onsong"}});
  EXPECT_EQ(org.type, "mss_county_branch");
  EXPECT_EQ(org.place, "plc-kp-north-hamgyong-onsong");
  EXPECT_EQ(org.refs,
            (Refs{{"parent", "org-test-mss"}, {"place", "plc-kp-north-hamgyong-onsong"}}));
  EXPECT_EQ(org.body["names"][0]["text"], "온성군 보위부");
}

TEST_F(ValidateTest, Person) {
  ValidRecord person =
      CheckOk(Kind::kPerson, "per-test-new",
              {{"names",
                {"김철수",
                 {{"text", "Kim Chol Su"}, {"lang", "ko-Latn"}, {"variant", "dprk"}},
                 {{"text", "철수 아저씨"}, {"lang", "ko"}, {"type", "nickname"}}}},
               {"sex", "male"},
               {"born", "about 1975"},
               {"origin", "plc-kp-north-hamgyong-onsong"},
               {"roles", {"victim", "witness"}}});
  EXPECT_EQ(person.body["names"][0], (Json{{"text", "김철수"}}));
  EXPECT_EQ(person.body["born"], "1975~");
  EXPECT_EQ(person.place, "plc-kp-north-hamgyong-onsong");
  EXPECT_EQ(person.type, "");
  EXPECT_FALSE(person.date.has_value());  // a birth date is not when anything happened
  // A person needs no fields at all (an unidentified victim).
  ValidRecord unknown = CheckOk(Kind::kPerson, "per-test-unknown", Json::object());
  EXPECT_TRUE(unknown.body.empty());
  EXPECT_EQ(CheckOk(Kind::kPerson, "per-test-decade", {{"born", "1980s"}}).body["born"], "198X");
}

TEST_F(ValidateTest, Source) {
  ValidRecord source = CheckOk(Kind::kSource, "src-test-new",
                               {{"type", "interview"},
                                {"title", "Interview (test)"},
                                {"date", "2009년 봄"},
                                {"languages", {"ko", "en"}},
                                {"interviewer", "Interviewer A"},
                                {"interviewee", "per-test-victim"},
                                {"location", "plc-kp-north-hamgyong"},
                                {"consent_to_use", true},
                                {"consent_to_share", false},
                                {"protection_concerns", true},
                                {"reliability", "b"},
                                {"transcript", "문: ...\n답: ..."}});
  EXPECT_EQ(source.type, "interview");
  EXPECT_EQ(source.place, "plc-kp-north-hamgyong");
  EXPECT_EQ(source.body["date"], "2009-21");
  ASSERT_TRUE(source.date.has_value());
  EXPECT_EQ(*source.date, Date("spring 2009"));
  EXPECT_EQ(source.refs,
            (Refs{{"interviewee", "per-test-victim"}, {"location", "plc-kp-north-hamgyong"}}));
}

TEST_F(ValidateTest, Incident) {
  ValidRecord incident = CheckOk(Kind::kIncident, "inc-test-new",
                                 {{"title", "Interrogation at Onsong"},
                                  {"date", "spring 2009"},
                                  {"place", "plc-mss-holding-onsong"},
                                  {"sources", {"src-test-1"}}});
  EXPECT_EQ(incident.body["date"], "2009-21");
  ASSERT_TRUE(incident.date.has_value());
  EXPECT_EQ(incident.date->precision, DatePrecision::kSeason);
  EXPECT_EQ(incident.place, "plc-mss-holding-onsong");
  EXPECT_EQ(incident.refs, (Refs{{"place", "plc-mss-holding-onsong"}, {"sources", "src-test-1"}}));
  // A bare year typed as a number (custodian add --set date=2009) means that year.
  ValidRecord by_number =
      CheckOk(Kind::kIncident, "inc-test-year", {{"title", "t"}, {"date", 2009}});
  EXPECT_EQ(by_number.body["date"], "2009");
  EXPECT_EQ(by_number.date->precision, DatePrecision::kYear);
}

TEST_F(ValidateTest, Act) {
  ValidRecord act = CheckOk(Kind::kAct, "act-test-new", GoodAct());
  EXPECT_EQ(act.kind, Kind::kAct);
  EXPECT_EQ(act.id, "act-test-new");
  EXPECT_EQ(act.type, "torture");
  EXPECT_EQ(act.place, "plc-mss-holding-onsong");
  EXPECT_EQ(act.body["date"], "2008/2010");
  ASSERT_TRUE(act.date.has_value());
  EXPECT_EQ(*act.date, Date("2008/2010"));
  EXPECT_TRUE(act.date->Overlaps(Date("2009")));
  EXPECT_EQ(act.refs, (Refs{{"victim", "per-test-victim"},
                            {"incident", "inc-test-1"},
                            {"perpetrators", "per-test-officer"},
                            {"perpetrators", "org-test-onsong"},
                            {"place", "plc-mss-holding-onsong"},
                            {"sources", "src-test-1"},
                            {"sources", "src-test-2"}}));
  // Only the required fields.
  ValidRecord minimal = CheckOk(Kind::kAct, "act-test-min",
                                {{"violation", "killing"}, {"victim", "per-test-victim"}});
  EXPECT_EQ(minimal.type, "killing");
  EXPECT_EQ(minimal.place, "");
  EXPECT_FALSE(minimal.date.has_value());
}

TEST_F(ValidateTest, Post) {
  ValidRecord post = CheckOk(Kind::kPost, "pst-test-new",
                             {{"person", "per-test-officer"},
                              {"organization", "org-test-onsong"},
                              {"title", "Interrogator (예심원)"},
                              {"date", "2009"},
                              {"sources", {"src-test-1"}}});
  ASSERT_TRUE(post.date.has_value());
  EXPECT_EQ(post.date->precision, DatePrecision::kYear);
  EXPECT_EQ(post.refs, (Refs{{"person", "per-test-officer"},
                             {"organization", "org-test-onsong"},
                             {"sources", "src-test-1"}}));
}

TEST_F(ValidateTest, Claim) {
  ValidRecord claim = CheckOk(Kind::kClaim, "clm-test-new", GoodClaim());
  EXPECT_EQ(
      claim.refs,
      (Refs{{"subject", "act-test-1"}, {"sources", "src-test-1"}, {"sources", "src-test-2"}}));
  EXPECT_EQ(claim.type, "");
  // The subject may be a record of any kind, a place included.
  CheckOk(Kind::kClaim, "clm-test-place",
          {{"subject", "plc-mss-holding-onsong"},
           {"statement", "s"},
           {"sources", {{{"source", "src-test-1"}, {"reliability", "a"}, {"credibility", "1"}}}}});
}

TEST_F(ValidateTest, Dossier) {
  ValidRecord dossier =
      CheckOk(Kind::kDossier, "dos-test-new",
              {{"title", "Case file (test)"},
               {"type", "prosecution_case"},
               {"records", {"act-test-1", "per-test-officer", "clm-test-1", "pst-test-1"}},
               {"access_group", "prosecution-team"}});
  EXPECT_EQ(dossier.type, "prosecution_case");
  EXPECT_EQ(dossier.refs.size(), 4u);
  EXPECT_EQ(dossier.refs[2], (std::pair<std::string, std::string>{"records", "clm-test-1"}));
}

TEST_F(ValidateTest, LimitsAreInclusive) {
  Json act = GoodAct();
  act["description"] = std::string(4 << 20, 'x');  // exactly the limit for free text
  CheckOk(Kind::kAct, "act-test-long", act);
  CheckOk(Kind::kIncident, "inc-test-long", {{"title", std::string(1000, 'x')}});
  CheckOk(Kind::kPlace, "plc-test-pole",
          {{"names", {"Pole"}}, {"type", "other"}, {"lat", 90}, {"lon", -180}});
  Json many = GoodAct();
  many["perpetrators"] = Json(std::vector<std::string>(10000, "org-test-onsong"));
  CheckOk(Kind::kAct, "act-test-many", many);
}

// ---- Validate: bad input ---------------------------------------------------------------

struct BadCase {
  std::string name;
  Kind kind;
  Json body;
  StatusCode code;
  std::string field;     // the message must start with "field '<field>'"
  std::string contains;  // and contain this
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

Json With(Json body, const std::string& key, Json value) {
  body[key] = std::move(value);
  return body;
}

Json Without(Json body, const std::string& key) {
  body.erase(key);
  return body;
}

std::vector<BadCase> BadCases() {
  const Json act = [] {
    Json a;
    a["violation"] = "torture";
    a["victim"] = "per-test-victim";
    a["place"] = "plc-mss-holding-onsong";
    return a;
  }();
  const Json claim =
      Json{{"subject", "act-test-1"},
           {"statement", "s"},
           {"sources", {{{"source", "src-test-1"}, {"reliability", "b"}, {"credibility", "2"}}}}};
  auto claim_grade = [&](Json grade) {
    return With(claim, "sources", Json::array({std::move(grade)}));
  };
  const Json place = Json{{"names", {"Test"}}, {"type", "village"}};
  const Json incident = Json{{"title", "Test"}};
  const Json person = Json::object();
  const StatusCode kInvalid = StatusCode::kInvalidArgument;

  return {
      {"UnknownField", Kind::kAct, With(act, "colour", "red"), kInvalid, "colour",
       "not a field of"},
      {"KindIsNotABodyField", Kind::kAct, With(act, "kind", "act"), kInvalid, "kind",
       "not a field of"},
      {"MissingRequired", Kind::kAct, Without(act, "victim"), kInvalid, "victim", "required"},
      {"NullRequired", Kind::kAct, With(act, "violation", nullptr), kInvalid, "violation",
       "required"},
      {"ClaimNeedsStatement", Kind::kClaim, Without(claim, "statement"), kInvalid, "statement",
       "required"},
      {"UnknownTerm", Kind::kAct, With(act, "violation", "tortur"), kInvalid, "violation",
       "did you mean 'torture'"},
      {"UnknownTermWithoutHint", Kind::kAct, With(act, "violation", "qqqqqqqqqqqq"), kInvalid,
       "violation", "is not a term of vocabulary violation_types"},
      {"TermOfAnotherVocabulary", Kind::kAct, With(act, "status", "torture"), kInvalid, "status",
       "act_statuses"},
      {"TermNotAString", Kind::kAct, With(act, "violation", 3), kInvalid, "violation",
       "expected a vocabulary code"},
      {"TermsItemUnknown", Kind::kPerson, With(person, "roles", {"victim", "bystander"}), kInvalid,
       "roles", "item 2"},
      {"TermsNotAList", Kind::kPerson, With(person, "roles", "victim"), kInvalid, "roles",
       "expected a list"},
      {"NumberForString", Kind::kIncident, With(incident, "title", 5), kInvalid, "title",
       "expected a string, got number"},
      {"ObjectForText", Kind::kIncident, With(incident, "description", Json::object()), kInvalid,
       "description", "expected a string"},
      {"StringForBoolean", Kind::kSource, Json{{"type", "interview"}, {"consent_to_use", "yes"}},
       kInvalid, "consent_to_use", "true or false"},
      {"UnparseableDate", Kind::kIncident, With(incident, "date", "spring 20O9"), kInvalid, "date",
       "20O9"},
      {"DayMonthOrderRefused", Kind::kIncident, With(incident, "date", "03/04/2009"), kInvalid,
       "date", ""},
      {"FractionForDate", Kind::kIncident, With(incident, "date", 2009.5), kInvalid, "date",
       "expected a date string"},
      {"UnparseableBirthDate", Kind::kPerson, With(person, "born", "once upon a time"), kInvalid,
       "born", ""},
      {"NonexistentRecord", Kind::kAct, With(act, "victim", "per-test-nobody"),
       StatusCode::kNotFound, "victim", "no person 'per-test-nobody' exists"},
      {"NonexistentInList", Kind::kAct, With(act, "sources", {"src-test-1", "src-test-404"}),
       StatusCode::kNotFound, "sources", "item 2"},
      {"WrongKind", Kind::kAct, With(act, "victim", "plc-kp"), kInvalid, "victim",
       "is a place id; expected a person"},
      {"WrongKindPerpetrator", Kind::kAct, With(act, "perpetrators", {"src-test-1"}), kInvalid,
       "perpetrators", "'src-test-1' is a source id"},
      {"NotAnId", Kind::kAct, With(act, "victim", "Kim Chol Su"), kInvalid, "victim",
       "not a record id"},
      {"SelfReferenceNew", Kind::kPlace, With(place, "parent", "plc-test-record"), kInvalid,
       "parent", "itself"},
      {"SelfReferenceInClaim", Kind::kClaim, With(claim, "subject", "clm-test-record"), kInvalid,
       "subject", "itself"},
      {"OverlongString", Kind::kIncident, With(incident, "title", std::string(1001, 'x')), kInvalid,
       "title", "1001 bytes is longer than the limit of 1000"},
      {"OverlongHangul", Kind::kIncident,
       With(incident, "title",
            [] {
              std::string s;
              for (int i = 0; i < 334; ++i) s += "한";  // 1002 bytes, 334 characters
              return s;
            }()),
       kInvalid, "title", "longer than the limit"},
      {"OverlongText", Kind::kIncident,
       With(incident, "description", std::string((4 << 20) + 1, 'x')), kInvalid, "description",
       "longer than the limit"},
      {"MultiLineString", Kind::kIncident, With(incident, "title", "line one\nline two"), kInvalid,
       "title", "must be one line"},
      {"CarriageReturnInString", Kind::kIncident, With(incident, "title", "one\rtwo"), kInvalid,
       "title", "must be one line"},
      {"NulInString", Kind::kIncident, With(incident, "title", std::string("a\0b", 3)), kInvalid,
       "title", "NUL"},
      {"TooManyItems", Kind::kAct,
       With(act, "perpetrators", Json(std::vector<std::string>(10001, "org-test-onsong"))),
       kInvalid, "perpetrators", "list of 10001 items is longer than the limit of 10000"},
      {"LatitudeOutOfRange", Kind::kPlace, With(place, "lat", 91), kInvalid, "lat",
       "91 is outside -90..90"},
      {"LongitudeOutOfRange", Kind::kPlace, With(place, "lon", -180.5), kInvalid, "lon",
       "outside -180..180"},
      {"LatitudeAsString", Kind::kPlace, With(place, "lat", "42.1"), kInvalid, "lat",
       "expected a number"},
      {"LatitudeAsBoolean", Kind::kPlace, With(place, "lat", true), kInvalid, "lat",
       "expected a number"},
      {"CodesNotStrings", Kind::kPlace, With(place, "codes", {{"iso", 7}}), kInvalid, "codes",
       "'iso'"},
      {"CodesNotAnObject", Kind::kPlace, With(place, "codes", {"KP"}), kInvalid, "codes",
       "expected an object"},
      {"ClaimWithoutSources", Kind::kClaim, With(claim, "sources", Json::array()), kInvalid,
       "sources", "at least one source"},
      {"ClaimSourcesNotAList", Kind::kClaim, With(claim, "sources", "src-test-1"), kInvalid,
       "sources", "expected a list"},
      {"CredibilitySeven", Kind::kClaim,
       claim_grade({{"source", "src-test-1"}, {"reliability", "b"}, {"credibility", "7"}}),
       kInvalid, "sources", "field 'credibility': '7' is not a term"},
      {"CredibilityAsNumber", Kind::kClaim,
       claim_grade({{"source", "src-test-1"}, {"reliability", "b"}, {"credibility", 2}}), kInvalid,
       "sources", "expected a vocabulary code"},
      {"ReliabilityUpperCase", Kind::kClaim,
       claim_grade({{"source", "src-test-1"}, {"reliability", "B"}, {"credibility", "2"}}),
       kInvalid, "sources", "reliability"},
      {"GradeMissingCredibility", Kind::kClaim,
       claim_grade({{"source", "src-test-1"}, {"reliability", "b"}}), kInvalid, "sources",
       "missing 'credibility'"},
      {"GradeUnknownKey", Kind::kClaim,
       claim_grade(
           {{"source", "src-test-1"}, {"reliability", "b"}, {"credibility", "2"}, {"page", "4"}}),
       kInvalid, "sources", "unknown key 'page'"},
      {"GradeSourceIsAPerson", Kind::kClaim,
       claim_grade({{"source", "per-test-victim"}, {"reliability", "b"}, {"credibility", "2"}}),
       kInvalid, "sources", "expected a source"},
      {"GradeNotAnObject", Kind::kClaim, With(claim, "sources", {"src-test-1"}), kInvalid,
       "sources", "expected an object"},
      {"NameUnknownKey", Kind::kPlace,
       With(place, "names", {{{"text", "Test"}, {"script", "Hang"}}}), kInvalid, "names",
       "unknown key 'script'"},
      {"NameWithoutText", Kind::kPlace, With(place, "names", {{{"lang", "en"}}}), kInvalid, "names",
       "non-empty \"text\""},
      {"NameEmptyText", Kind::kPerson, With(person, "names", {""}), kInvalid, "names",
       "non-empty \"text\""},
      {"NameTextNotString", Kind::kPerson, With(person, "names", {{{"text", 1}}}), kInvalid,
       "names", "text: expected a string"},
      {"NameNumber", Kind::kPerson, With(person, "names", {42}), kInvalid, "names",
       "expected a name object or string"},
      {"NamesNotAList", Kind::kPerson, With(person, "names", "김철수"), kInvalid, "names",
       "expected a list"},
      {"NameLangTooLong", Kind::kPerson,
       With(person, "names", {{{"text", "x"}, {"lang", std::string(41, 'k')}}}), kInvalid, "names",
       "lang"},
  };
}

class ValidateBadInputTest : public ValidateTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(ValidateBadInputTest, FailsNamingTheField) {
  const BadCase& c = GetParam();
  std::string id = std::string(KindPrefix(c.kind)) + "-test-record";
  Result<ValidRecord> valid = Check(c.kind, id, c.body);
  ASSERT_FALSE(valid.ok()) << "accepted: " << c.body.dump().substr(0, 300);
  EXPECT_EQ(valid.status().code(), c.code) << valid.status().ToString();
  const std::string& message = valid.status().message();
  std::string prefix = "field '" + c.field + "'";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
  EXPECT_NE(message.find(c.contains), std::string::npos) << message;
  EXPECT_LT(message.size(), 1000u) << "messages quote input only in part";
}

INSTANTIATE_TEST_SUITE_P(Cases, ValidateBadInputTest, ::testing::ValuesIn(BadCases()),
                         [](const auto& info) { return info.param.name; });

TEST_F(ValidateTest, SelfReferenceToAnExistingRecord) {
  // As when amending: the record exists, so the resolver knows it.
  resolver_.Add("org-test-self", Kind::kOrganization);
  Result<ValidRecord> valid =
      Check(Kind::kOrganization, "org-test-self", {{"names", {"x"}}, {"parent", "org-test-self"}});
  ASSERT_FALSE(valid.ok());
  EXPECT_EQ(valid.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(valid.status().message(), "field 'parent': a record cannot refer to itself");
  Result<ValidRecord> dossier =
      Check(Kind::kDossier, "dos-test-self", {{"title", "t"}, {"records", {"dos-test-self"}}});
  ASSERT_FALSE(dossier.ok());
  EXPECT_NE(dossier.status().message().find("itself"), std::string::npos);
}

TEST_F(ValidateTest, RejectsBadIds) {
  for (const std::string& id :
       std::vector<std::string>{"per-test-x", "act-", "act-UPPER", "act-has space", "act-ends-",
                                "act", "act-" + std::string(61, 'a')}) {
    SCOPED_TRACE(id);
    Result<ValidRecord> valid = Check(Kind::kAct, id, GoodAct());
    ASSERT_FALSE(valid.ok());
    EXPECT_EQ(valid.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(valid.status().message().rfind("field 'id'", 0), 0u) << valid.status().message();
  }
  EXPECT_TRUE(Check(Kind::kAct, "act-" + std::string(60, 'a'), GoodAct()).ok());
}

TEST_F(ValidateTest, RejectsBodiesThatAreNotObjects) {
  for (const Json& body : {Json::array(), Json("act"), Json(nullptr), Json(1)}) {
    Result<ValidRecord> valid = Check(Kind::kAct, "act-test-x", body);
    ASSERT_FALSE(valid.ok()) << body.dump();
    EXPECT_EQ(valid.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(valid.status().message().find("JSON object"), std::string::npos);
  }
}

TEST_F(ValidateTest, DoesNotChangeItsInput) {
  Json body = {{"names", {"plain"}}, {"born", "spring 2009"}};
  Json copy = body;
  CheckOk(Kind::kPerson, "per-test-input", body);
  EXPECT_EQ(body, copy);
}

TEST_F(ValidateTest, ResolverErrorsPropagate) {
  class FailingResolver : public RecordResolver {
   public:
    Result<std::optional<Kind>> KindOf(std::string_view) override {
      return UnavailableError("database is locked");
    }
  } failing;
  Result<ValidRecord> valid = Validate(Kind::kAct, "act-test-x", GoodAct(), Builtin(), failing);
  ASSERT_FALSE(valid.ok());
  EXPECT_EQ(valid.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(valid.status().message(), "field 'victim': database is locked");
}

// ---- Project ---------------------------------------------------------------------------

TEST(ProjectTest, ExtractsTypePlaceDateAndRefs) {
  Result<ValidRecord> act = Project(Kind::kAct, "act-p-1",
                                    {{"violation", "forced_abortion"},
                                     {"victim", "per-p-1"},
                                     {"place", "plc-mss-holding-onsong"},
                                     {"date", "2009-05"},
                                     {"perpetrators", {"org-p-1"}}});
  ASSERT_TRUE(act.ok()) << act.status().ToString();
  EXPECT_EQ(act->type, "forced_abortion");
  EXPECT_EQ(act->place, "plc-mss-holding-onsong");
  ASSERT_TRUE(act->date.has_value());
  EXPECT_EQ(*act->date, Date("May 2009"));
  EXPECT_EQ(act->refs, (Refs{{"victim", "per-p-1"},
                             {"perpetrators", "org-p-1"},
                             {"place", "plc-mss-holding-onsong"}}));
}

TEST(ProjectTest, PlaceLiesInsideItself) {
  Result<ValidRecord> place =
      Project(Kind::kPlace, "plc-p-1",
              {{"names", {{{"text", "P"}}}}, {"type", "county"}, {"parent", "plc-kp"}});
  ASSERT_TRUE(place.ok());
  EXPECT_EQ(place->type, "county");
  EXPECT_EQ(place->place, "plc-p-1");
  EXPECT_EQ(place->refs, (Refs{{"parent", "plc-kp"}}));
}

TEST(ProjectTest, UnknownDateMatchesNoDateFilter) {
  Result<ValidRecord> act = Project(
      Kind::kAct, "act-p-2", {{"violation", "torture"}, {"victim", "per-p-1"}, {"date", "XXXX"}});
  ASSERT_TRUE(act.ok());
  EXPECT_FALSE(act->date.has_value());
  Result<ValidRecord> source =
      Project(Kind::kSource, "src-p-1", {{"type", "report"}, {"date", "199X"}});
  ASSERT_TRUE(source.ok());
  ASSERT_TRUE(source->date.has_value());
  EXPECT_EQ(source->date->precision, DatePrecision::kDecade);
  EXPECT_EQ(source->type, "report");
}

TEST(ProjectTest, ClaimAndDossierRefs) {
  Result<ValidRecord> claim =
      Project(Kind::kClaim, "clm-p-1",
              {{"subject", "per-p-1"},
               {"statement", "s"},
               {"sources",
                {{{"source", "src-p-1"}, {"reliability", "a"}, {"credibility", "1"}},
                 {{"source", "src-p-2"}, {"reliability", "c"}, {"credibility", "3"}}}}});
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(claim->refs,
            (Refs{{"subject", "per-p-1"}, {"sources", "src-p-1"}, {"sources", "src-p-2"}}));
  Result<ValidRecord> dossier =
      Project(Kind::kDossier, "dos-p-1", {{"title", "t"}, {"records", {"act-p-1", "per-p-1"}}});
  ASSERT_TRUE(dossier.ok());
  EXPECT_EQ(dossier->refs, (Refs{{"records", "act-p-1"}, {"records", "per-p-1"}}));
  EXPECT_EQ(dossier->type, "");
}

TEST(ProjectTest, RejectsBodiesThatAreNotObjects) {
  Result<ValidRecord> projected = Project(Kind::kAct, "act-p-3", Json::array());
  ASSERT_FALSE(projected.ok());
  EXPECT_EQ(projected.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace custodian::model

namespace custodian::model {
namespace {

TEST(SealedFieldsTest, ErrorsAboutSealedFieldsDoNotRepeatTheirValues) {
  MapResolver resolver;
  Result<ValidRecord> bad_birth = Validate(Kind::kPerson, "per-x", {{"born", "spring 19X5"}},
                                           Vocabularies::Builtin(), resolver);
  ASSERT_EQ(bad_birth.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_birth.status().message().find("19X5"), std::string::npos)
      << bad_birth.status().message();
  EXPECT_EQ(bad_birth.status().message().rfind("field 'born': '...'", 0), 0u)
      << bad_birth.status().message();
  // An open field keeps its value in the message: it helps and harms no one.
  MapResolver with_victim{{"per-x", Kind::kPerson}};
  Result<ValidRecord> bad_date = Validate(
      Kind::kAct, "act-x", {{"violation", "torture"}, {"victim", "per-x"}, {"date", "spring 19X5"}},
      Vocabularies::Builtin(), with_victim);
  EXPECT_NE(bad_date.status().message().find("19X5"), std::string::npos);
  EXPECT_EQ(SealedFields(Kind::kPerson).size(), 7u);
  EXPECT_TRUE(SealedFields(Kind::kAct).empty());
  EXPECT_EQ(SubjectField(Kind::kSource), "interviewee");
}

TEST(MapReferencesTest, RewritesAndDropsReferences) {
  Json act = {{"victim", "per-a"}, {"sources", {"src-a", "src-b"}}, {"place", "plc-x"}};
  MapReferences(Kind::kAct, act, [](const std::string& id) -> std::optional<std::string> {
    if (id == "src-b" || id == "plc-x") return std::nullopt;
    return id + "'";
  });
  EXPECT_EQ(act, Json({{"victim", "per-a'"}, {"sources", {"src-a'"}}}));
  Json claim = {{"subject", "act-a"},
                {"sources", {{{"source", "src-a"}, {"reliability", "a"}, {"credibility", "1"}}}}};
  MapReferences(Kind::kClaim, claim, [](const std::string&) { return std::nullopt; });
  EXPECT_EQ(claim["sources"], Json::array());
  EXPECT_FALSE(claim.contains("subject"));
}

}  // namespace
}  // namespace custodian::model
